// The discrete-event engine's public API (docs/engine.md explains it).
export { CalendarQueue } from './calendar-queue.ts';
export { Component } from './component.ts';
export { CycleLimitError, EngineError } from './errors.ts';
export { SimEvent } from './event.ts';
export { HeapQueue } from './heap-queue.ts';
export { Link, type LinkOptions } from './link.ts';
export { comparePaths, indexedName, isValidComponentName } from './names.ts';
export { InPort, OutPort } from './port.ts';
export { isValidPriority, MAX_CYCLE, Priority, PRIORITY_LEVELS } from './priority.ts';
export type { EventQueue, QueueKind } from './queue.ts';
export { ReferenceQueue } from './reference-queue.ts';
export { Resource } from './resource.ts';
export { Simulator, type Phase, type SimulatorOptions } from './simulator.ts';
export {
  Counter,
  Formula,
  Scalar,
  STATS_COLUMNS,
  StatsRegistry,
  type Statistic,
  type StatRow,
} from './stats.ts';

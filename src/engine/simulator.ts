import type { Logger } from 'pino';
import { silentLogger } from '../util/logger.ts';
import type { Component } from './component.ts';
import { CycleLimitError, EngineError } from './errors.ts';
import { CalendarQueue } from './calendar-queue.ts';
import type { SimEvent } from './event.ts';
import { HeapQueue } from './heap-queue.ts';
import { MAX_CYCLE } from './priority.ts';
import type { EventQueue, QueueKind } from './queue.ts';
import { ReferenceQueue } from './reference-queue.ts';
import { StatsRegistry } from './stats.ts';

/** Lifecycle phases, in order. Components and links may only be added in `build` and `wire`. */
export type Phase = 'build' | 'wire' | 'run' | 'finish';

export interface SimulatorOptions {
  /**
   * Event queue implementation (default 'calendar', the fastest; 'heap' the typed-array heap,
   * 'reference' js-sdsl; all three dispatch in the same order), or a queue to use as it is.
   */
  queue?: QueueKind | EventQueue<SimEvent>;
  /** The run seed from which every component's random stream is derived (default 1). */
  seed?: number;
  /** Logger (default: silent). */
  log?: Logger;
}

/**
 * Stale entries tolerated before the queue is compacted. Deschedule and reschedule are lazy (O(1)
 * and O(log n)): they leave the old entry in the queue and the run loop skips it when it surfaces.
 * Once stale entries exceed this and half the queue, one O(n) pass drops them, so memory stays
 * bounded even for events that are rescheduled forever (timeouts pushed back every cycle).
 */
const COMPACT_MIN_STALE = 1024;

/**
 * The discrete-event kernel: integer cycle time, one event queue ordered by (cycle, priority,
 * sequence number), the component tree with its lifecycle, and the statistics registry.
 */
export class Simulator {
  readonly stats = new StatsRegistry();
  readonly seed: number;
  readonly log: Logger;
  private currentCycle = 0;
  /** Priority of the event running now (or last run in this cycle): nothing may be scheduled before it. */
  private currentPriority = 0;
  private currentPhase: Phase = 'build';
  private readonly queue: EventQueue<SimEvent>;
  private readonly components: Component[] = [];
  private readonly roots: Component[] = [];
  private staleEntries = 0;
  private stopRequested = false;
  private dispatched = 0;
  private readonly isLive = (event: SimEvent, seq: number): boolean => event.seq === seq;

  constructor(options: SimulatorOptions = {}) {
    this.queue = typeof options.queue === 'object' ? options.queue : newQueue(options.queue ?? 'calendar');
    this.seed = options.seed ?? 1;
    this.log = options.log ?? silentLogger;
  }

  /** The current cycle. */
  get now(): number {
    return this.currentCycle;
  }

  get phase(): Phase {
    return this.currentPhase;
  }

  /** Events scheduled and not yet dispatched or descheduled. */
  get pending(): number {
    return this.queue.size - this.staleEntries;
  }

  /**
   * The earliest cycle an event of `priority` may be scheduled for now: this cycle, unless an event of
   * a higher priority level is already running in it (then the next cycle). For components that react
   * to calls made from events of any priority (links, for instance).
   */
  earliestCycleFor(priority: number): number {
    return this.currentPhase === 'run' && priority < this.currentPriority
      ? this.currentCycle + 1
      : this.currentCycle;
  }

  /** Events dispatched so far. */
  get eventsDispatched(): number {
    return this.dispatched;
  }

  /** Top-level components in creation order. */
  get topLevel(): readonly Component[] {
    return this.roots;
  }

  /** Every component in tree order: parents before children, siblings in creation order. */
  treeOrder(): Component[] {
    const out: Component[] = [];
    const visit = (c: Component): void => {
      out.push(c);
      for (const child of c.children) visit(child);
    };
    for (const root of this.roots) visit(root);
    return out;
  }

  /** Called by the Component constructor. */
  addComponent(component: Component): void {
    this.assertCanWire(component, 'create a component');
    const siblings = component.parent ? component.parent.children : this.roots;
    if (siblings.some((s) => s.name === component.name)) {
      throw new EngineError(component.path, 'a component with this name already exists');
    }
    if (!component.parent) {
      this.roots.push(component);
    }
    this.components.push(component);
  }

  /** Throws (naming `component`) unless the model is still being built or wired. */
  assertCanWire(component: { path: string }, action: string): void {
    if (this.currentPhase === 'build' || this.currentPhase === 'wire') return;
    throw new EngineError(
      component.path,
      `cannot ${action}: the run has started (phase '${this.currentPhase}')`,
    );
  }

  /**
   * Schedules `event` at `cycle`. Throws if it is already scheduled, or if (cycle, priority) lies
   * before the event running now: cycle < now, or cycle == now with a lower priority.
   */
  schedule(event: SimEvent, cycle: number): void {
    if (event.scheduled) {
      throw new EngineError(
        event.owner.path,
        `event '${event.name}' is already scheduled at cycle ${event.when}; use reschedule()`,
      );
    }
    // The usual case, a whole cycle after now while running, needs none of checkCycle's questions.
    if (!(
      cycle > this.currentCycle &&
      cycle <= MAX_CYCLE &&
      this.currentPhase === 'run' &&
      Number.isInteger(cycle)
    ))
      this.checkCycle(event, cycle, 'schedule');
    event.seq = this.queue.push(event, cycle, event.priority);
    event.when = cycle;
    event.scheduled = true;
  }

  /**
   * Moves a scheduled `event` to `cycle`. It then runs after the events already due at the same
   * (cycle, priority), exactly as if it had been descheduled and scheduled again.
   */
  reschedule(event: SimEvent, cycle: number): void {
    if (!event.scheduled) {
      throw new EngineError(event.owner.path, `cannot reschedule event '${event.name}': it is not scheduled`);
    }
    this.checkCycle(event, cycle, 'reschedule');
    event.seq = this.queue.push(event, cycle, event.priority);
    event.when = cycle;
    this.noteStale();
  }

  /** Cancels a scheduled `event` (lazily: its queue entry is skipped when it surfaces). */
  deschedule(event: SimEvent): void {
    if (!event.scheduled) {
      throw new EngineError(event.owner.path, `cannot deschedule event '${event.name}': it is not scheduled`);
    }
    event.scheduled = false;
    event.seq = -1;
    this.noteStale();
  }

  /** Build -> wire: calls wire() on every component. Idempotent; run() calls it if needed. */
  wire(): void {
    if (this.currentPhase !== 'build') return;
    this.currentPhase = 'wire';
    for (const c of this.treeOrder()) c.wire();
  }

  /**
   * Runs events in (cycle, priority, seq) order. Events are dispatched in nondecreasing
   * (cycle, priority) because scheduling before the running event is refused, until the queue is
   * empty, stop() is called, or the next event lies after `untilCycle`. On the first call it wires and starts the components.
   * Returns the final cycle: the cycle of the last event run, or `untilCycle` if events remain
   * after it (time then advances to `untilCycle`, so a later run() continues seamlessly).
   */
  run(untilCycle = Infinity): number {
    if (this.currentPhase === 'finish') {
      throw new EngineError('simulator', 'cannot run: the simulation has finished');
    }
    if (untilCycle !== Infinity && (!Number.isSafeInteger(untilCycle) || untilCycle < this.currentCycle)) {
      throw new EngineError(
        'simulator',
        `run(untilCycle = ${untilCycle}): expected an integer cycle >= now (${this.currentCycle})`,
      );
    }
    // A stop() requested before the loop (from a component's start(), say) is honoured too.
    this.start();
    const queue = this.queue;
    while (!this.stopRequested) {
      const cycle = queue.peekCycle();
      if (cycle === Infinity) break; // empty
      if (cycle > untilCycle) {
        if ((queue.peek() as SimEvent).seq !== queue.peekSeq()) {
          queue.pop(); // stale: only live events may move time to untilCycle
          this.staleEntries--;
          continue;
        }
        if (untilCycle > this.currentCycle) this.currentPriority = 0;
        this.currentCycle = untilCycle;
        break;
      }
      const seq = queue.peekSeq();
      const event = queue.pop() as SimEvent;
      if (event.seq !== seq) {
        this.staleEntries--; // descheduled or rescheduled since this entry was pushed
        continue;
      }
      this.currentCycle = cycle;
      this.currentPriority = event.priority;
      event.scheduled = false;
      event.seq = -1;
      this.dispatched++;
      event.callback();
    }
    this.stopRequested = false; // a stop ends this run only
    return this.currentCycle;
  }

  /** Wire -> run: wires if needed, then calls start() on every component. Idempotent. */
  private start(): void {
    this.wire();
    if (this.currentPhase !== 'wire') return;
    this.currentPhase = 'run';
    for (const c of this.treeOrder()) c.start();
  }

  /**
   * The live events in dispatch order with their cycle and priority (stale entries left out), and the
   * priority of the event that ran last in this cycle: what a steady-state snapshot records of the queue.
   */
  pendingEvents(): { events: SimEvent[]; cycles: number[]; priorities: number[]; currentPriority: number } {
    const entries: { event: SimEvent; cycle: number; priority: number; seq: number }[] = [];
    this.queue.forEach((event, cycle, priority, seq) => {
      if (event.seq === seq) entries.push({ event, cycle, priority, seq });
    });
    entries.sort((a, b) => a.cycle - b.cycle || a.priority - b.priority || a.seq - b.seq);
    return {
      events: entries.map((e) => e.event),
      cycles: entries.map((e) => e.cycle),
      priorities: entries.map((e) => e.priority),
      currentPriority: this.currentPriority,
    };
  }

  /**
   * Moves the clock and every pending event `delta` cycles later, keeping their order: a
   * steady-state jump (src/sim/steady-state.ts), valid only when the model's own times move with it.
   */
  advanceClock(delta: number): void {
    if (this.currentCycle + delta > MAX_CYCLE)
      throw new CycleLimitError('simulator', `advanceClock(${delta}): past the last cycle ${MAX_CYCLE}`);
    if (!Number.isSafeInteger(delta) || delta < 0)
      throw new EngineError('simulator', `advanceClock(${delta}): expected integer cycles >= 0`);
    this.currentCycle += delta;
    this.queue.shiftCycles(delta);
    this.queue.forEach((event, _cycle, _priority, seq) => {
      if (event.seq === seq) event.when += delta;
    });
  }

  /** Makes run() return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Run -> finish: calls finish() on every component. Idempotent. No events run afterwards. */
  finish(): void {
    if (this.currentPhase === 'finish') return;
    this.start();
    this.currentPhase = 'finish';
    for (const c of this.treeOrder()) c.finish();
  }

  private checkCycle(event: SimEvent, cycle: number, action: string): void {
    if (this.currentPhase === 'finish') {
      throw new EngineError(
        event.owner.path,
        `cannot ${action} event '${event.name}': the simulation has finished`,
      );
    }
    if (cycle > MAX_CYCLE) {
      throw new CycleLimitError(
        event.owner.path,
        `cannot ${action} event '${event.name}' at cycle ${cycle}: cycles are integers in [0, ${MAX_CYCLE}]`,
      );
    }
    if (!Number.isInteger(cycle)) {
      throw new EngineError(
        event.owner.path,
        `cannot ${action} event '${event.name}' at cycle ${cycle}: cycles are integers in [0, ${MAX_CYCLE}]`,
      );
    }
    if (cycle < this.currentCycle) {
      throw new EngineError(
        event.owner.path,
        `cannot ${action} event '${event.name}' at cycle ${cycle}: it is in the past (now ${this.currentCycle})`,
      );
    }
    // Within the current cycle, priorities are time too: an event may not jump ahead of the event
    // that is running, or a STATS-priority sampler could see DEFAULT work appear after it.
    if (cycle === this.currentCycle && event.priority < this.currentPriority) {
      throw new EngineError(
        event.owner.path,
        `cannot ${action} event '${event.name}' (priority ${event.priority}) at cycle ${cycle}: it is in the ` +
          `past, an event of priority ${this.currentPriority} has already run in this cycle; use cycle ${cycle + 1}`,
      );
    }
  }

  private noteStale(): void {
    this.staleEntries++;
    if (this.staleEntries >= COMPACT_MIN_STALE && 2 * this.staleEntries > this.queue.size) {
      this.staleEntries -= this.queue.retain(this.isLive);
    }
  }
}

function newQueue(kind: QueueKind): EventQueue<SimEvent> {
  if (kind === 'reference') return new ReferenceQueue();
  return kind === 'heap' ? new HeapQueue() : new CalendarQueue();
}

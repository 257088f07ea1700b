import type { Component } from './component.ts';
import { EngineError } from './errors.ts';
import { isValidPriority, Priority, PRIORITY_LEVELS } from './priority.ts';

/**
 * A reusable event, gem5-style: a component creates its events once (in its constructor) and
 * schedules them again and again, so nothing is allocated per schedule or per dispatch.
 * Use `sim.schedule(event, cycle)`, `sim.reschedule(event, cycle)`, `sim.deschedule(event)`.
 */
export class SimEvent {
  /** True from schedule() until the event is dispatched or descheduled. */
  scheduled = false;
  /** The cycle the event is (or was last) scheduled for; -1 before its first schedule. */
  when = -1;
  /**
   * The sequence number of the event's live queue entry, or -1 if it has none. The simulator
   * deschedules lazily: it only forgets this number, and a popped entry whose number differs is
   * stale and skipped. Engine-internal: do not write it.
   */
  seq = -1;

  constructor(
    readonly owner: Component,
    readonly name: string,
    readonly callback: () => void,
    readonly priority: number = Priority.DEFAULT,
  ) {
    if (!isValidPriority(priority)) {
      throw new EngineError(
        owner.path,
        `event '${name}' has priority ${priority}; priorities are integers in [0, ${PRIORITY_LEVELS})`,
      );
    }
  }

  /** `owner.path` plus the event name, for messages: `chip.tile[0].pe[1]:done`. */
  get description(): string {
    return `${this.owner.path}:${this.name}`;
  }
}

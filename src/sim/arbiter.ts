import { Component, SimEvent, type Simulator } from '../engine/index.ts';
import { ARBITER_PRIORITY } from './priorities.ts';
import type { Periodic, StateShift, StateWriter } from './steady-state.ts';

/** A layer copy as the arbiter sees it (Contender): its fixed priority, and what it does when granted. */
export interface Contender {
  readonly placement: { readonly globalIndex: number };
  drain(now: number): void;
}

/**
 * Fixed-priority arbitration of the copies that finished a vector in the same cycle: they book the
 * shared buffers and links in copy order, whichever fidelity (and event order) produced them.
 */
export class Arbiter extends Component implements Periodic {
  private readonly pending: Contender[] = [];
  private readonly run: SimEvent;

  constructor(sim: Simulator, parent: Component) {
    super(sim, 'arbiter', parent);
    this.run = new SimEvent(this, 'grant', () => this.grant(), ARBITER_PRIORITY);
  }

  note(copy: Contender): void {
    this.pending.push(copy);
    if (!this.run.scheduled) this.sim.schedule(this.run, this.now);
  }

  /** Steady-state snapshot: the copies waiting for a grant (none between cycles, in practice). */
  capture(w: StateWriter): void {
    w.raw(this.pending.length);
    for (const copy of this.pending) w.raw(copy.placement.globalIndex);
  }

  /** Nothing to move: the copies waiting hold no cycles of their own. */
  shift(_s: StateShift): void {}

  private grant(): void {
    const now = this.now;
    this.pending.sort((a, b) => a.placement.globalIndex - b.placement.globalIndex);
    for (const copy of this.pending) copy.drain(now);
    this.pending.length = 0;
  }
}

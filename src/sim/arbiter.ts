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
  // Slots [0, waiting) hold the copies noted this cycle. The array only grows: truncating it each
  // grant freed its backing store and the next push allocated a new one (~20 MB per VGG-16 ImageNet run).
  private readonly pending: Contender[] = [];
  private waiting = 0;
  private readonly run: SimEvent;

  constructor(sim: Simulator, parent: Component) {
    super(sim, 'arbiter', parent);
    this.run = new SimEvent(this, 'grant', () => this.grant(), ARBITER_PRIORITY);
  }

  note(copy: Contender): void {
    this.pending[this.waiting++] = copy;
    if (!this.run.scheduled) this.sim.schedule(this.run, this.now);
  }

  /** Steady-state snapshot: the copies waiting for a grant (none between cycles, in practice). */
  capture(w: StateWriter): void {
    w.raw(this.waiting);
    for (let k = 0; k < this.waiting; k++) w.raw(this.pending[k].placement.globalIndex);
  }

  /** Nothing to move: the copies waiting hold no cycles of their own. */
  shift(_s: StateShift): void {}

  private grant(): void {
    const now = this.now;
    const pending = this.pending;
    const n = this.waiting;
    // Insertion sort by copy order: one or two copies wait in most cycles, and Array.sort copies the
    // array into a scratch buffer on every call.
    for (let k = 1; k < n; k++) {
      const copy = pending[k];
      let j = k - 1;
      while (j >= 0 && pending[j].placement.globalIndex > copy.placement.globalIndex) {
        pending[j + 1] = pending[j];
        j--;
      }
      pending[j + 1] = copy;
    }
    for (let k = 0; k < n; k++) pending[k].drain(now);
    // A drain never notes a copy in this cycle's grant (it schedules `complete` events instead).
    this.waiting = 0;
  }
}

/**
 * The OU controller of one crossbar in the `ou` fidelity: it walks the mapping's OU steps for every
 * input slice of every input vector, one event per pipeline stage, through the two-stage pipeline
 * described in ou-pipeline.ts (front: DAC + read + S&H; back: the crossbar's ADCs). The `fast`
 * fidelity computes the same cycles in closed form (OuPipeline); tests hold the two to the cycle.
 */
import { Component, SimEvent, indexedName, type Simulator } from '../engine/index.ts';
import type { CrossbarPlan } from '../mapping/types.ts';
import type { ActionCounts } from '../energy/actions.ts';
import type { StateShift, StateWriter } from '../sim/steady-state.ts';
import { TimedQueue } from '../sim/timed-queue.ts';
import { backStageCycles, type OuTiming } from './ou-pipeline.ts';

const FRONT_STATES = ['idle', 'waiting', 'reading', 'holding'] as const;

export class OuController extends Component {
  private readonly plan: CrossbarPlan;
  private readonly slices: number;
  private readonly timing: OuTiming;
  private readonly counts: ActionCounts;
  private readonly onVectorDone: () => void;
  private readonly backCycles: Int32Array;

  /** Vectors accepted and not yet started: the cycle their inputs are ready. */
  private readonly waiting = new TimedQueue();
  /** Vectors whose last conversion is done, leaving the shift-and-add unit at these cycles. */
  private readonly leaving = new TimedQueue();

  private front: (typeof FRONT_STATES)[number] = 'idle';
  private converting = false;
  /** Position in the current vector: slice and OU step; step = -1 when no vector is in progress. */
  private slice = 0;
  private step = -1;
  /** The step held in the sample-and-hold, and whether it ends its vector. */
  private heldStep = 0;
  private heldIsLast = false;
  private convertingIsLast = false;

  private readonly readStart: SimEvent;
  private readonly readDone: SimEvent;
  private readonly convDone: SimEvent;
  private readonly shiftAddDone: SimEvent;

  constructor(
    sim: Simulator,
    parent: Component,
    index: number,
    plan: CrossbarPlan,
    slices: number,
    timing: OuTiming,
    counts: ActionCounts,
    onVectorDone: () => void,
  ) {
    super(sim, indexedName('xbar', index), parent);
    this.plan = plan;
    this.slices = slices;
    this.timing = timing;
    this.counts = counts;
    this.onVectorDone = onVectorDone;
    this.backCycles = Int32Array.from(this.plan.ouCols, (cols) =>
      backStageCycles(cols, timing.adcs, timing.adcCycles),
    );
    this.readStart = new SimEvent(this, 'readStart', () => this.startRead());
    this.readDone = new SimEvent(this, 'readDone', () => this.onReadDone());
    this.convDone = new SimEvent(this, 'convDone', () => this.onConvDone());
    this.shiftAddDone = new SimEvent(this, 'shiftAddDone', () => this.onShiftAddDone());
  }

  /** Steady-state snapshot (src/sim/steady-state.ts): the walk's position and its two queues. */
  capture(w: StateWriter): void {
    w.raw(FRONT_STATES.indexOf(this.front));
    w.raw(this.converting ? 1 : 0);
    w.raw(this.slice);
    w.raw(this.step);
    w.raw(this.heldStep);
    w.raw(this.heldIsLast ? 1 : 0);
    w.raw(this.convertingIsLast ? 1 : 0);
    for (const queue of [this.waiting, this.leaving]) {
      w.raw(queue.size);
      for (let k = 0; k < queue.size; k++) w.time(queue.timeAt(k));
    }
  }

  shift(s: StateShift): void {
    this.waiting.moveBy(s.cycles, 0);
    this.leaving.moveBy(s.cycles, 0);
  }

  /** A new input vector whose inputs are in the input register at cycle `ready` (>= now). */
  accept(ready: number): void {
    if (this.plan.ouRows.length === 0) {
      // Nothing stored here for this layer's slice of work: the vector passes straight through.
      this.leaving.push(ready, 0);
      if (!this.shiftAddDone.scheduled) this.sim.schedule(this.shiftAddDone, ready);
      return;
    }
    this.waiting.push(ready, 0);
    if (this.front === 'idle' && this.step < 0) this.nextVector();
  }

  /** Begin the next waiting vector when its inputs are ready. */
  private nextVector(): void {
    if (this.waiting.size === 0) return;
    const ready = this.waiting.headTime;
    this.waiting.shift();
    this.slice = 0;
    this.step = 0;
    if (ready > this.now) {
      this.front = 'waiting';
      this.sim.schedule(this.readStart, ready);
    } else {
      this.startRead();
    }
  }

  private startRead(): void {
    const rows = this.plan.ouRows[this.step];
    const cols = this.plan.ouCols[this.step];
    const c = this.counts;
    if (this.step === 0) {
      // Index look-ups and input selection happen once per input slice.
      c.indexLookups += this.plan.indexLookupsPerSlice;
      c.muxSelects += this.plan.muxSelectsPerSlice;
    }
    c.ouSteps += 1;
    c.dacDrives += rows;
    c.cellReads += rows * cols;
    c.sampleHolds += cols;
    this.front = 'reading';
    this.heldStep = this.step;
    // Advance the walk now; the held step remembers what is in flight.
    this.step++;
    if (this.step === this.plan.ouRows.length) {
      this.step = 0;
      this.slice++;
    }
    this.heldIsLast = this.slice === this.slices;
    if (this.heldIsLast) this.step = -1;
    this.sim.schedule(this.readDone, this.now + this.timing.readCycles);
  }

  private onReadDone(): void {
    this.front = 'holding';
    if (!this.converting) this.startConversion();
  }

  private startConversion(): void {
    const cols = this.plan.ouCols[this.heldStep];
    this.counts.adcConversions += cols;
    this.counts.shiftAdds += cols;
    this.converting = true;
    this.convertingIsLast = this.heldIsLast;
    this.sim.schedule(this.convDone, this.now + this.backCycles[this.heldStep]);
    // The S&H is handed over: the front stage may read the next OU step now.
    this.front = 'idle';
    if (this.step >= 0) this.startRead();
    else this.nextVector();
  }

  private onConvDone(): void {
    this.converting = false;
    if (this.convertingIsLast) {
      const leaves = this.now + this.timing.shiftAddCycles;
      this.leaving.push(leaves, 0);
      if (!this.shiftAddDone.scheduled) this.sim.schedule(this.shiftAddDone, leaves);
    }
    if (this.front === 'holding') this.startConversion();
  }

  private onShiftAddDone(): void {
    this.leaving.shift();
    if (this.leaving.size > 0) this.sim.schedule(this.shiftAddDone, this.leaving.headTime);
    this.onVectorDone();
  }
}

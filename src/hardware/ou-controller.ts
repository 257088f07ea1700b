/**
 * The OU controller of one crossbar in the `ou` fidelity: it walks the mapping's OU steps for every
 * input slice of every input vector, one event per pipeline stage, through the two-stage pipeline
 * described in ou-pipeline.ts (front: DAC + read + S&H; back: the crossbar's ADCs). The `fast`
 * fidelity computes the same cycles in closed form (OuPipeline); tests hold the two to the cycle.
 */
import { Component, SimEvent, indexedName, type Simulator } from '../engine/index.ts';
import type { CrossbarPlan } from '../mapping/types.ts';
import type { ActionCounts } from '../energy/actions.ts';
import { chargeOuStep, chargeSliceSelection } from '../energy/ou-step.ts';
import type { StateShift, StateWriter } from '../engine/snapshot.ts';
import { TimedQueue } from '../engine/timed-queue.ts';
import { backStageCycles, type OuTiming } from './ou-pipeline.ts';

const FRONT_STATES = ['idle', 'waiting', 'reading', 'holding'] as const;

/** The input slice bits of one wordline input in one window (src/sim/activity.ts WindowReader). */
export interface SliceMasks {
  /** Bit s set: input `id` (layout.ts InputId) of output position u has a non-zero slice s. */
  mask(u: number, id: number): number;
}

/**
 * Data-driven walk (captured activations): per vector, only the steps with a driven row run, each
 * driving only its rows whose input slice is not zero (docs/simulation.md, "Data-driven simulation").
 */
export interface OuData {
  reader: SliceMasks;
  ou: { rows: number; cols: number };
}

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

  /**
   * Data-driven only: the OU steps that run for the current vector, in order (all slices): driven
   * rows, columns, back-stage cycles and whether the step is the first of its slice. Reused.
   */
  private readonly data: OuData | undefined;
  private readonly runRows: Int32Array;
  private readonly runCols: Int32Array;
  private readonly runBack: Int32Array;
  private readonly runFirst: Uint8Array;
  private runLength = 0;
  private sliceStart = 0;
  /** Input positions of the waiting vectors (parallel to `waiting`). */
  private readonly waitingU = new TimedQueue();
  /** Vectors with no step to run, waiting for the vector before them to leave; and that leave. */
  private readonly deferred = new TimedQueue();
  private lastLeave = -Infinity;
  /** Totals of this crossbar for the PE's statistics (data-driven). */
  stepsRun = 0;
  conversionsRun = 0;
  busyCycles = 0;

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
  /**
   * A conversion end and a read end due in the same cycle, as one event: convDone's work, then
   * readDone's. Used only when the two would have been scheduled back to back (consecutive sequence
   * numbers), so nothing can run between them and the order of every effect is unchanged; with
   * read = back cycles (the default arch) it halves the `ou` fidelity's events.
   */
  private readonly stepDone: SimEvent;

  constructor(
    sim: Simulator,
    parent: Component,
    index: number,
    plan: CrossbarPlan,
    slices: number,
    timing: OuTiming,
    counts: ActionCounts,
    onVectorDone: () => void,
    data?: OuData,
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
    this.data = data;
    const capacity = data ? runCapacity(plan, slices, data.ou) : 0;
    this.runRows = new Int32Array(capacity);
    this.runCols = new Int32Array(capacity);
    this.runBack = new Int32Array(capacity);
    this.runFirst = new Uint8Array(capacity);
    this.readStart = new SimEvent(this, 'readStart', () => this.startRead());
    this.readDone = new SimEvent(this, 'readDone', () => this.onReadDone());
    this.convDone = new SimEvent(this, 'convDone', () => this.onConvDone());
    this.shiftAddDone = new SimEvent(this, 'shiftAddDone', () => this.onShiftAddDone());
    this.stepDone = new SimEvent(this, 'stepDone', () => this.onStepDone());
  }

  /** Steady-state snapshot (src/sim/steady-state.ts): the walk's position and its queues. */
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
    if (!this.data) return;
    // Data-driven: the current vector's run list, the positions waiting, the vectors deferred.
    w.raw(this.runLength);
    w.raw(this.sliceStart);
    for (let k = 0; k < this.runLength; k++) {
      w.raw(this.runRows[k]);
      w.raw(this.runCols[k]);
      w.raw(this.runFirst[k]);
    }
    w.raw(this.waitingU.size);
    for (let k = 0; k < this.waitingU.size; k++) w.raw(this.waitingU.valueAt(k));
    w.raw(this.deferred.size);
    for (let k = 0; k < this.deferred.size; k++) w.time(this.deferred.timeAt(k));
    w.time(this.lastLeave);
    w.counter(this.stepsRun);
    w.counter(this.conversionsRun);
    w.counter(this.busyCycles);
  }

  shift(s: StateShift): void {
    this.waiting.moveBy(s.cycles, 0);
    this.leaving.moveBy(s.cycles, 0);
    if (!this.data) return;
    // Positions waiting are within their image: only their cycles move.
    this.waitingU.moveBy(s.cycles, 0);
    this.deferred.moveBy(s.cycles, 0);
    this.lastLeave = s.time(this.lastLeave);
    this.stepsRun = s.counter(this.stepsRun);
    this.conversionsRun = s.counter(this.conversionsRun);
    this.busyCycles = s.counter(this.busyCycles);
  }

  /**
   * A new input vector whose inputs are in the input register at cycle `ready` (>= now); `u` is its
   * output position within the image (read by the data-driven walk).
   */
  accept(ready: number, u = 0): void {
    if (this.data) {
      this.waiting.push(ready, 0);
      this.waitingU.push(ready, u);
      if (this.front === 'idle' && this.step < 0) this.nextVector();
      return;
    }
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
    if (this.data) {
      const u = this.waitingU.headValue;
      this.waitingU.shift();
      this.walkVector(u);
      if (this.runLength === 0) {
        // Nothing to run: the vector leaves when ready, after the vector before it.
        if (this.converting && this.convertingIsLast) this.deferred.push(ready, 0);
        else this.leave(ready);
        this.nextVector();
        return;
      }
    }
    this.slice = 0;
    this.step = 0;
    if (ready > this.now) {
      this.front = 'waiting';
      this.sim.schedule(this.readStart, ready);
    } else {
      this.startRead();
    }
  }

  private startRead(combined = false): void {
    if (this.data) {
      this.startDataRead(combined);
      return;
    }
    const rows = this.plan.ouRows[this.step];
    const cols = this.plan.ouCols[this.step];
    this.countRead(rows, cols, this.step === 0);
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
    if (!combined) this.sim.schedule(this.readDone, this.now + this.timing.readCycles);
  }

  /**
   * The actions of one OU step, `rows` wordlines by `cols` bitlines, charged when its read starts;
   * `sliceStart`: the slice's first step, which also selects the slice's inputs.
   */
  private countRead(rows: number, cols: number, sliceStart: boolean): void {
    if (sliceStart) chargeSliceSelection(this.counts, this.plan);
    chargeOuStep(this.counts, rows, cols);
  }

  private onReadDone(): void {
    this.front = 'holding';
    if (!this.converting) this.startConversion();
  }

  private startConversion(): void {
    const back = this.data ? this.runBack[this.heldStep] : this.backCycles[this.heldStep];
    this.converting = true;
    this.convertingIsLast = this.heldIsLast;
    // The S&H is handed over: the front stage may read the next OU step now.
    this.front = 'idle';
    if (this.step < 0) {
      this.sim.schedule(this.convDone, this.now + back);
      this.nextVector();
    } else if (back === this.timing.readCycles) {
      // startRead schedules nothing else, so readDone would follow convDone directly: one event.
      this.sim.schedule(this.stepDone, this.now + back);
      this.startRead(true);
    } else {
      this.sim.schedule(this.convDone, this.now + back);
      this.startRead();
    }
  }

  private onStepDone(): void {
    this.onConvDone();
    this.onReadDone();
  }

  private onConvDone(): void {
    this.converting = false;
    if (this.convertingIsLast && this.data) {
      this.leave(this.now + this.timing.shiftAddCycles);
      while (this.deferred.size > 0) {
        this.leave(this.deferred.headTime);
        this.deferred.shift();
      }
    } else if (this.convertingIsLast) {
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

  /** Data-driven: a vector leaves at `cycle`, never before the one ahead of it. */
  private leave(cycle: number): void {
    const at = cycle > this.lastLeave ? cycle : this.lastLeave;
    this.lastLeave = at;
    this.leaving.push(at, 0);
    if (!this.shiftAddDone.scheduled) this.sim.schedule(this.shiftAddDone, this.leaving.headTime);
  }

  /** Data-driven read of run step `step` (the walk is over the vector's run list). */
  private startDataRead(combined: boolean): void {
    const k = this.step;
    const rows = this.runRows[k];
    const cols = this.runCols[k];
    this.countRead(rows, cols, this.runFirst[k] === 1);
    this.stepsRun++;
    this.conversionsRun += cols;
    this.busyCycles += this.runBack[k];
    this.front = 'reading';
    this.heldStep = k;
    this.step++;
    this.heldIsLast = this.step === this.runLength;
    if (this.heldIsLast) this.step = -1;
    if (!combined) this.sim.schedule(this.readDone, this.now + this.timing.readCycles);
  }

  /**
   * The run list of vector u, walked the plain way: every slice, every static step (or, for SRE row
   * groups, every group's kept wordlines), every row through the WindowReader.
   */
  private walkVector(u: number): void {
    const plan = this.plan;
    const { reader, ou } = this.data!;
    const inputs = plan.wordlineInputs!;
    this.runLength = 0;
    for (let s = 0; s < this.slices; s++) {
      const bit = 1 << s;
      this.sliceStart = this.runLength;
      if (plan.rowGroups) {
        const g = plan.rowGroups;
        for (let gi = 0; gi < g.cols.length; gi++) {
          let kept = 0;
          for (let k = g.offsets[gi]; k < g.offsets[gi + 1]; k++) {
            const id = inputs[g.wordlines[k]];
            if (id >= 0 && (reader.mask(u, id) & bit) !== 0) kept++;
          }
          for (let r = 0; r < kept; r += ou.rows)
            for (let col = 0; col < g.cols[gi]; col += ou.cols)
              this.pushRun(Math.min(ou.rows, kept - r), Math.min(ou.cols, g.cols[gi] - col));
        }
        continue;
      }
      const firstRows = plan.ouFirstRow!;
      for (let i = 0; i < plan.ouRows.length; i++) {
        let driven = 0;
        for (let row = firstRows[i]; row < firstRows[i] + plan.ouRows[i]; row++) {
          const id = inputs[row];
          if (id >= 0 && (reader.mask(u, id) & bit) !== 0) driven++;
        }
        if (driven > 0) this.pushRun(driven, plan.ouCols[i]);
      }
    }
  }

  private pushRun(rows: number, cols: number): void {
    const n = this.runLength++;
    this.runRows[n] = rows;
    this.runCols[n] = cols;
    this.runBack[n] = backStageCycles(cols, this.timing.adcs, this.timing.adcCycles);
    this.runFirst[n] = n === this.sliceStart ? 1 : 0;
  }
}

/** Most OU steps one vector can run on a crossbar: every static step (or kept row) in every slice. */
function runCapacity(plan: CrossbarPlan, slices: number, ou: { rows: number; cols: number }): number {
  if (!plan.rowGroups) return plan.ouRows.length * slices;
  const g = plan.rowGroups;
  let perSlice = 0;
  for (let gi = 0; gi < g.cols.length; gi++)
    perSlice += Math.ceil((g.offsets[gi + 1] - g.offsets[gi]) / ou.rows) * Math.ceil(g.cols[gi] / ou.cols);
  return perSlice * slices;
}

/**
 * How the crossbars of one layer copy time its input vectors: the one interface both fidelities go
 * through. `fast` computes each crossbar's OU pipeline in closed form (OuPipeline; with captured
 * activations, only the steps with a driven row, through OuPipeline.runSteps); `ou` runs every OU
 * step as an event (OuController). Each charges its OU-step actions to the layer's account through
 * src/energy/ou-step.ts, and reports its crossbars' totals to their PEs at the end of the run.
 */
import { ACTION_NAMES, emptyCounts, type ActionCounts } from '../energy/actions.ts';
import { chargeOuSteps, chargeSliceSelection } from '../energy/ou-step.ts';
import { OuController } from '../hardware/ou-controller.ts';
import { OuPipeline, type OuTiming } from '../hardware/ou-pipeline.ts';
import type { ProcessingElement } from '../hardware/pe.ts';
import type { CrossbarPlan } from '../mapping/types.ts';
import type { Simulator } from '../engine/index.ts';
import type { DataDrivenCopy } from './data-driven.ts';
import type { Periodic, StateShift, StateWriter } from './steady-state.ts';
import { TimedQueue } from '../engine/timed-queue.ts';

/** What a copy's timing needs to know about its copy. */
export interface CopyContext {
  sim: Simulator;
  ouTiming: OuTiming;
  /** Each crossbar's plan as it runs (after activation-sparsity skipping), its PE and its pipeline. */
  plans: readonly CrossbarPlan[];
  pes: readonly ProcessingElement[];
  pipelines: readonly OuPipeline[];
  /** Crossbar index within its PE (the `ou` controllers' names). */
  localIndex: (i: number) => number;
  slices: number;
  /** The layer's action account, which the OU-step actions are charged to. */
  counts: ActionCounts;
  /** Output positions per image, and vectors this copy runs per image. */
  positions: number;
  vectorsPerImage: () => number;
  /** Captured activations drive the OU steps (data-driven simulation), or undefined. */
  data: DataDrivenCopy | undefined;
  /** Vector `g` (global position) is done on every crossbar at `cycle` (cycles in nondecreasing order). */
  done: (cycle: number, g: number) => void;
}

export interface CrossbarTiming extends Periodic {
  /**
   * Run vector `g` (position `u` of its image), whose window reaches crossbar i at readyAt[tileOf[i]]
   * (`ready` at the home tile); calls `done` when every crossbar of the copy has finished it.
   */
  start(u: number, g: number, ready: number, readyAt: Float64Array, tileOf: Int32Array): void;
  /** End of run after `vectors` vectors: charge what was not charged as it ran; tell the PEs. */
  settle(vectors: number): void;
}

export function crossbarTiming(fidelity: 'fast' | 'ou', copy: CopyContext): CrossbarTiming {
  if (fidelity === 'ou') return new OuStepTiming(copy);
  return copy.data ? new DataDrivenClosedForm(copy, copy.data) : new ClosedForm(copy);
}

/** `fast`: every vector runs the crossbar's whole static OU sequence, one max-plus matrix each. */
class ClosedForm implements CrossbarTiming {
  private readonly pipelines: readonly OuPipeline[];
  /** OU-step actions of one vector on the whole copy, charged in bulk at the end. */
  private readonly perVector: ActionCounts = emptyCounts();

  constructor(private readonly copy: CopyContext) {
    this.pipelines = copy.pipelines;
    for (const plan of copy.plans) chargeVector(this.perVector, plan, copy.slices);
  }

  start(_u: number, g: number, ready: number, readyAt: Float64Array, tileOf: Int32Array): void {
    let end = ready;
    for (let i = 0; i < this.pipelines.length; i++) {
      const t = this.pipelines[i].runVector(readyAt[tileOf[i]]);
      if (t > end) end = t;
    }
    this.copy.done(end, g);
  }

  settle(vectors: number): void {
    const { plans, pes, slices, ouTiming, counts } = this.copy;
    plans.forEach((plan, i) => pes[i].account(plan.ouCols, slices, vectors, ouTiming));
    for (const name of ACTION_NAMES) counts[name] += this.perVector[name] * vectors;
  }

  capture(w: StateWriter): void {
    for (const pipeline of this.pipelines) pipeline.capture(w, w.now);
  }

  shift(s: StateShift): void {
    for (const pipeline of this.pipelines) pipeline.shift(s.cycles);
  }
}

/** `fast`, data-driven: per vector, each crossbar runs only its steps with a driven row. */
class DataDrivenClosedForm implements CrossbarTiming {
  /** Pipelines without a static sequence: data-driven vectors use OuPipeline.runSteps. */
  private readonly pipelines: OuPipeline[];

  constructor(
    private readonly copy: CopyContext,
    private readonly data: DataDrivenCopy,
  ) {
    this.pipelines = copy.plans.map(() => new OuPipeline([], copy.slices, copy.ouTiming));
  }

  start(u: number, g: number, ready: number, readyAt: Float64Array, tileOf: Int32Array): void {
    this.copy.done(this.data.runVector(u, this.pipelines, readyAt, tileOf, ready, this.copy.counts), g);
  }

  settle(): void {
    this.copy.plans.forEach((_plan, i) => this.data.accountCrossbar(i, this.copy.pes[i]));
  }

  capture(w: StateWriter): void {
    for (const pipeline of this.pipelines) pipeline.capture(w, w.now);
    this.data.capture(w);
  }

  shift(s: StateShift): void {
    for (const pipeline of this.pipelines) pipeline.shift(s.cycles);
    this.data.shift(s);
  }
}

/** `ou`: an OU controller per crossbar walks every OU step as events; a vector is done when all are. */
class OuStepTiming implements CrossbarTiming {
  private readonly controllers: OuController[];
  /** Vectors handed to the crossbars and not yet done by all of them (global positions). */
  private readonly inFlight = new TimedQueue();
  /** Vectors each crossbar has finished, and vectors the whole copy has finished. */
  private readonly finishedBy: Float64Array;
  private retired = 0;

  constructor(private readonly copy: CopyContext) {
    const { sim, plans, pes, slices, ouTiming, counts, data } = copy;
    this.controllers = plans.map(
      (plan, i) =>
        new OuController(
          sim,
          pes[i],
          copy.localIndex(i),
          plan,
          slices,
          ouTiming,
          counts,
          () => this.crossbarDone(i),
          data?.ouData,
        ),
    );
    this.finishedBy = new Float64Array(this.controllers.length);
  }

  start(u: number, g: number, ready: number, readyAt: Float64Array, tileOf: Int32Array): void {
    if (this.controllers.length === 0) return this.copy.done(ready, g);
    this.inFlight.push(0, g);
    for (let i = 0; i < this.controllers.length; i++) this.controllers[i].accept(readyAt[tileOf[i]], u);
  }

  /** Crossbar `i` finished its oldest unfinished vector (each crossbar finishes vectors in order). */
  private crossbarDone(i: number): void {
    this.finishedBy[i]++;
    const n = this.controllers.length;
    while (this.inFlight.size > 0) {
      const needed = this.retired + 1;
      for (let k = 0; k < n; k++) if (this.finishedBy[k] < needed) return;
      this.retired++;
      const g = this.inFlight.headValue;
      this.inFlight.shift();
      this.copy.done(this.copy.sim.now, g);
    }
  }

  settle(vectors: number): void {
    const { plans, pes, slices, ouTiming, data } = this.copy;
    plans.forEach((plan, i) => {
      const c = this.controllers[i];
      if (data) pes[i].accountTotals(c.stepsRun, c.conversionsRun, c.busyCycles);
      else pes[i].account(plan.ouCols, slices, vectors, ouTiming);
    });
  }

  capture(w: StateWriter): void {
    for (const controller of this.controllers) controller.capture(w);
    for (let k = 0; k < this.finishedBy.length; k++) w.raw(this.finishedBy[k] - this.retired);
    // Vectors in flight carry no cycle, only their positions.
    w.raw(this.inFlight.size);
    for (let k = 0; k < this.inFlight.size; k++) w.position(this.inFlight.valueAt(k), this.copy.positions);
  }

  shift(s: StateShift): void {
    for (const controller of this.controllers) controller.shift(s);
    // finishedBy and retired count vectors: only their difference is state; both move by the same amount.
    const moved = s.images * this.copy.vectorsPerImage();
    for (let k = 0; k < this.finishedBy.length; k++) this.finishedBy[k] += moved;
    this.retired += moved;
    this.inFlight.moveBy(0, s.images * this.copy.positions);
  }
}

/**
 * Wordlines driven, cells read and bitlines converted by one slice of an OU-step sequence, by its
 * `ouRows` array: crossbars with the same plan share it (see vectorMatrix in
 * src/hardware/ou-pipeline.ts), so each distinct plan is summed once per run.
 */
const sliceSums = new WeakMap<ArrayLike<number>, { ouCols: ArrayLike<number>; sums: number[] }[]>();

function sliceWork(plan: CrossbarPlan): number[] {
  let known = sliceSums.get(plan.ouRows);
  const hit = known?.find((e) => e.ouCols === plan.ouCols);
  if (hit) return hit.sums;
  let driven = 0;
  let cells = 0;
  let conversions = 0;
  for (let i = 0; i < plan.ouRows.length; i++) {
    driven += plan.ouRows[i];
    cells += plan.ouRows[i] * plan.ouCols[i];
    conversions += plan.ouCols[i];
  }
  const sums = [driven, cells, conversions];
  if (!known) sliceSums.set(plan.ouRows, (known = []));
  known.push({ ouCols: plan.ouCols, sums });
  return sums;
}

/** OU-step actions of one input vector on one crossbar (every static step of every input slice). */
export function chargeVector(counts: ActionCounts, plan: CrossbarPlan, slices: number): void {
  const [driven, cells, conversions] = sliceWork(plan);
  chargeOuSteps(counts, plan.ouRows.length, driven, cells, conversions, slices);
  // Input selection happens with the first OU step of a slice: none if the crossbar has no step.
  if (plan.ouRows.length > 0) chargeSliceSelection(counts, plan, slices);
}

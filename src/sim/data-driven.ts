/**
 * A layer copy's data-driven mode (docs/simulation.md, "Data-driven simulation"): when the network
 * carries captured activations for the layer and `sparsity.skipZeroRows` is on, its crossbars run,
 * per input vector, only the OU steps with a driven row. The `fast` fidelity asks LayerActivity for
 * each crossbar's work and runs the closed form (OuPipeline.runSteps); the `ou` fidelity hands each
 * OU controller a WindowReader and the controllers walk the steps themselves.
 */
import type { ActionCounts } from '../energy/actions.ts';
import { chargeOuSteps, chargeSliceSelection } from '../energy/ou-step.ts';
import type { OuData } from '../hardware/ou-controller.ts';
import type { OuPipeline, OuTiming } from '../hardware/ou-pipeline.ts';
import type { ProcessingElement } from '../hardware/pe.ts';
import type { LayerMapping } from '../mapping/types.ts';
import { isWeightLayer, type Layer } from '../workload/types.ts';
import { LayerActivity, WindowReader, emptyWork, requireWordlines, type VectorWork } from './activity.ts';
import type { DataflowContext } from './context.ts';
import type { StateShift, StateWriter } from './steady-state.ts';

/** One LayerActivity / WindowReader per mapped layer, shared by its copies. */
const activities = new WeakMap<LayerMapping, LayerActivity>();
const readers = new WeakMap<LayerMapping, WindowReader>();

export class DataDrivenCopy {
  /** `ou` fidelity: what the OU controllers read. */
  readonly ouData: OuData | undefined;
  private readonly activity: LayerActivity | undefined;
  private readonly plans: LayerMapping['crossbars'];
  private readonly work: VectorWork = emptyWork();
  /** `fast` fidelity: per crossbar, steps, conversions and ADC cycles of every vector so far. */
  private readonly steps: Float64Array;
  private readonly conversions: Float64Array;
  private readonly busy: Float64Array;
  /** The data-driven mode of a copy of `mapping`, or undefined when the layer runs without data. */
  static create(
    ctx: DataflowContext,
    layer: Layer,
    mapping: LayerMapping,
    timing: OuTiming,
  ): DataDrivenCopy | undefined {
    const act = ctx.activations?.get(layer.name);
    if (!ctx.arch.sparsity.skipZeroRows || !act || !isWeightLayer(layer)) return undefined;
    for (const plan of mapping.crossbars) requireWordlines(plan, layer);
    if (ctx.fidelity === 'fast') {
      let activity = activities.get(mapping);
      if (!activity)
        activities.set(mapping, (activity = new LayerActivity(layer, act, mapping, ctx.arch, timing)));
      return new DataDrivenCopy(mapping, activity, undefined);
    }
    let reader = readers.get(mapping);
    if (!reader) readers.set(mapping, (reader = new WindowReader(layer, act, ctx.arch)));
    return new DataDrivenCopy(mapping, undefined, { reader, ou: ctx.arch.ou });
  }

  private constructor(
    mapping: LayerMapping,
    activity: LayerActivity | undefined,
    ouData: OuData | undefined,
  ) {
    this.plans = mapping.crossbars;
    this.activity = activity;
    this.ouData = ouData;
    const n = mapping.crossbars.length;
    this.steps = new Float64Array(n);
    this.conversions = new Float64Array(n);
    this.busy = new Float64Array(n);
  }

  /**
   * `fast` fidelity: vector u on every crossbar of the copy (crossbar i's window ready at
   * readyAt[tileOf[i]]), its OU-step actions charged to `counts`; returns the cycle the last
   * crossbar's result leaves.
   */
  runVector(
    u: number,
    pipelines: readonly OuPipeline[],
    readyAt: Float64Array,
    tileOf: Int32Array,
    ready: number,
    counts: ActionCounts,
  ): number {
    const activity = this.activity!;
    const work = this.work;
    activity.load(u);
    let end = ready;
    for (let i = 0; i < pipelines.length; i++) {
      activity.crossbar(i, work);
      const t = pipelines[i].runSteps(readyAt[tileOf[i]], work.steps, work.path, work.lastBack);
      if (t > end) end = t;
      this.steps[i] += work.steps;
      this.conversions[i] += work.conversions;
      this.busy[i] += work.busy;
      chargeOuSteps(counts, work.steps, work.driven, work.cells, work.conversions);
      chargeSliceSelection(counts, this.plans[i], work.slicesRun);
    }
    return end;
  }

  /** `fast` fidelity: crossbar i's totals for its PE's statistics. */
  accountCrossbar(i: number, pe: ProcessingElement): void {
    pe.accountTotals(this.steps[i], this.conversions[i], this.busy[i]);
  }

  /**
   * Steady state (steady-state.ts): the fast fidelity's per-crossbar totals are counters; nothing
   * here is timing state (the pipelines' state belongs to the copy, the activity cache is keyed by u).
   */
  capture(w: StateWriter): void {
    for (const totals of [this.steps, this.conversions, this.busy])
      for (let i = 0; i < totals.length; i++) w.counter(totals[i]);
  }

  shift(s: StateShift): void {
    for (const totals of [this.steps, this.conversions, this.busy])
      for (let i = 0; i < totals.length; i++) totals[i] = s.counter(totals[i]);
  }
}

/**
 * One copy of a weight layer's crossbars (a layer has more than one when replication balances the
 * layer pipeline). It runs the input vectors dealt to it through its crossbars' OU pipelines (closed
 * form in the `fast` fidelity, OU controllers in the `ou` fidelity), then merges partial sums at its
 * home tile and hands the output position back to its layer.
 */
import { SimEvent, indexedName } from '../engine/index.ts';
import { ACTION_NAMES, addCounts, emptyCounts, type ActionCounts } from '../energy/actions.ts';
import { OuController } from '../hardware/ou-controller.ts';
import { OuPipeline, layerOuTiming, type OuTiming } from '../hardware/ou-pipeline.ts';
import type { CrossbarPlan, LayerMapping } from '../mapping/types.ts';
import type { LayerUnit } from './dataflow.ts';
import type { CopyPlacement } from './placement.ts';
import { DataDrivenCopy } from './data-driven.ts';
import { COMPLETE_PRIORITY } from './priorities.ts';
import type { Periodic, StateShift, StateWriter } from './steady-state.ts';
import { skipZeroSteps } from './sparsity.ts';
import { TimedQueue } from './timed-queue.ts';
import { addCrossbarDigitalCounts, crossbarVectorCounts, partialSumAdds } from './vector-costs.ts';

/**
 * Windows a copy holds at once, from the buffer read until its crossbars are all done (back-pressure,
 * docs/simulation.md): the PE input registers are double-buffered, one window being computed while
 * the next is loaded. A layer reads window u only once its copy has room, so it cannot book the
 * buffer port and the NoC links far ahead of the crossbars that will use them.
 */
export const WINDOWS_IN_FLIGHT = 2;

/** One copy of a weight layer's crossbars, working through the vectors dealt to it. */
export class LayerCopy implements Periodic {
  readonly placement: CopyPlacement;
  private readonly unit: LayerUnit;
  private readonly pipelines: OuPipeline[] = [];
  /** Each crossbar's plan as it runs (after activation-sparsity skipping). */
  private readonly plans: CrossbarPlan[] = [];
  private readonly slices: number;
  /** The OU timing of this layer's crossbars (layerOuTiming). */
  private readonly timing: OuTiming;
  private readonly controllers: OuController[] = [];
  /** OU-step actions of one vector on the whole copy (the fast fidelity counts these in bulk). */
  private readonly ouStepsPerVector: ActionCounts = emptyCounts();
  /** Digital actions of one vector outside the OU steps (both fidelities count these in bulk). */
  private readonly digitalPerVector: ActionCounts = emptyCounts();
  private vectors = 0;
  /** Windows accepted and not yet drained (at most WINDOWS_IN_FLIGHT). */
  private held = 0;
  /** Vectors whose crossbars are all done, at these cycles, in order (global positions). */
  readonly done = new TimedQueue();
  /** Vectors handed to the crossbars and not yet done (ou fidelity): per vector, crossbars finished. */
  private readonly inFlight = new TimedQueue();
  /** Tiles holding this copy's crossbars, home first; per crossbar, its index in that list. */
  private readonly inputTiles: number[];
  private readonly tileOf: Int32Array;
  /** Window bits multicast to each remote tile per vector (its crossbars' inputs, at most the window). */
  private readonly inputBitsToTile: number[];
  /** Partial-sum bits each remote tile sends back to the home tile per vector. */
  private readonly psumBitsFromTile: number[];
  /** Cycle the window is in each tile's input registers, for the vector being accepted. */
  private readonly readyAt: Float64Array;
  /** ou fidelity: vectors each crossbar has finished, and vectors the whole copy has finished. */
  private finishedBy = new Float64Array(0);
  private retired = 0;
  private readonly psumAdds: number;
  readonly complete: SimEvent;
  /** Captured activations drive this copy's OU steps (data-driven.ts), or undefined. */
  private readonly data: DataDrivenCopy | undefined;
  /** Cycles per vector of the copy's slowest crossbar when vectors come back to back. */
  readonly cyclesPerVector: number;

  constructor(unit: LayerUnit, mapping: LayerMapping, placement: CopyPlacement) {
    this.unit = unit;
    this.placement = placement;
    const ctx = unit.ctx;
    const slices = mapping.inputSlices;
    this.slices = slices;
    const { skipZeroRows, zeroInputFraction } = ctx.arch.sparsity;
    // Input selection (pattern, sre) lengthens the front stage of every crossbar of the layer.
    const timing = layerOuTiming(ctx.arch, mapping.crossbars);
    this.timing = timing;
    this.data = DataDrivenCopy.create(unit, mapping, timing);
    const zeroFraction = skipZeroRows && !this.data ? (unit.layer.zeroInputFraction ?? zeroInputFraction) : 0;
    let cyclesPerVector = 0;
    mapping.crossbars.forEach((mapped, i) => {
      // The stream name is built only when steps are skipped (tens of thousands of crossbars otherwise).
      const plan =
        zeroFraction > 0
          ? skipZeroSteps(
              mapped,
              zeroFraction,
              ctx.sim.seed,
              `${unit.path}.copy[${placement.copy}].xbar[${i}]`,
              ctx.arch.ou.rows,
            )
          : mapped;
      this.plans.push(plan);
      addCounts(this.ouStepsPerVector, crossbarVectorCounts(plan, slices));
      addCrossbarDigitalCounts(this.digitalPerVector, plan, ctx.arch);
      const pipeline = new OuPipeline(plan.ouCols, slices, timing);
      if (pipeline.cyclesPerVector > cyclesPerVector) cyclesPerVector = pipeline.cyclesPerVector;
      if (ctx.fidelity === 'fast') {
        // Data-driven vectors use OuPipeline.runSteps, not the static sequence's matrix.
        this.pipelines.push(this.data ? new OuPipeline([], slices, timing) : pipeline);
      } else {
        const pe = ctx.pes[placement.crossbarPe[i]];
        const local = i % ctx.arch.chip.crossbarsPerPe;
        const controller = new OuController(
          ctx.sim,
          pe,
          local,
          plan,
          slices,
          timing,
          unit.counts,
          () => this.crossbarDone(i),
          this.data?.ouData,
        );
        this.controllers.push(controller);
      }
    });
    this.finishedBy = new Float64Array(this.controllers.length);
    // The window reaches crossbars on other tiles over the NoC: each remote tile gets the inputs its
    // crossbars' wordlines need (never more than the whole window). Tiles are indexed home first.
    this.inputTiles = placement.tiles;
    this.tileOf = Int32Array.from(placement.crossbarTile, (tile) => this.inputTiles.indexOf(tile));
    // Partial sums computed away from the home tile travel back to it over the NoC.
    this.inputBitsToTile = this.inputTiles.map(() => 0);
    this.psumBitsFromTile = this.inputTiles.map(() => 0);
    mapping.crossbars.forEach((plan, i) => {
      this.inputBitsToTile[this.tileOf[i]] += plan.inputsPerVector * ctx.arch.precision.inputBits;
      this.psumBitsFromTile[this.tileOf[i]] += plan.outputsPerVector * ctx.arch.precision.partialSumBits;
    });
    this.inputBitsToTile = this.inputBitsToTile.map((bits) => Math.min(bits, unit.inputBitsPerVector));
    this.readyAt = new Float64Array(this.inputTiles.length);
    this.psumAdds = partialSumAdds(mapping.crossbars, unit.layer.outShape[0]);
    this.cyclesPerVector = cyclesPerVector;
    this.complete = new SimEvent(
      unit,
      indexedName('complete', placement.copy),
      () => ctx.arbiter.note(this),
      COMPLETE_PRIORITY,
    );
  }

  /**
   * A vector whose window has been read out of the home tile's buffer at `ready`: output position `u`
   * of image `image` (u counts within the image).
   */
  accept(u: number, ready: number, image = 0): void {
    const g = image * this.unit.positions + u;
    this.vectors++;
    this.held++;
    this.multicastWindow(ready);
    const readyAt = this.readyAt;
    const tileOf = this.tileOf;
    if (this.data && this.unit.ctx.fidelity === 'fast') {
      this.markDone(this.data.runVector(u, this.pipelines, readyAt, tileOf, ready), g);
    } else if (this.unit.ctx.fidelity === 'fast') {
      let end = ready;
      for (let i = 0; i < this.pipelines.length; i++) {
        const t = this.pipelines[i].runVector(readyAt[tileOf[i]]);
        if (t > end) end = t;
      }
      this.markDone(end, g);
    } else if (this.controllers.length === 0) {
      this.markDone(ready, g);
    } else {
      this.inFlight.push(0, g);
      for (let i = 0; i < this.controllers.length; i++) this.controllers[i].accept(readyAt[tileOf[i]], u);
    }
  }

  /** The copy can take another window now (back-pressure: see WINDOWS_IN_FLIGHT). */
  get hasRoom(): boolean {
    return this.held < WINDOWS_IN_FLIGHT;
  }

  /** Home tile's crossbars have the window at `ready`; remote tiles once it has crossed the NoC. */
  private multicastWindow(ready: number): void {
    const ctx = this.unit.ctx;
    const home = this.placement.homeTile;
    this.readyAt[0] = ready;
    for (let k = 1; k < this.inputTiles.length; k++) {
      const tile = this.inputTiles[k];
      const flits = Math.ceil(this.inputBitsToTile[k] / ctx.arch.noc.flitBits);
      this.unit.counts.nocFlitHops += flits * ctx.noc.hops(home, tile);
      this.readyAt[k] = ctx.noc.send(home, tile, flits, ready);
    }
  }

  /**
   * ou fidelity: crossbar `i` finished its oldest unfinished vector (each crossbar finishes vectors
   * in order). The oldest vector in flight is done once every crossbar has finished it.
   */
  private crossbarDone(i: number): void {
    this.finishedBy[i]++;
    const n = this.controllers.length;
    while (this.inFlight.size > 0) {
      const needed = this.retired + 1;
      let all = true;
      for (let k = 0; k < n; k++) {
        if (this.finishedBy[k] < needed) {
          all = false;
          break;
        }
      }
      if (!all) return;
      this.retired++;
      const u = this.inFlight.headValue;
      this.inFlight.shift();
      this.markDone(this.unit.now, u);
    }
  }

  private markDone(cycle: number, g: number): void {
    this.done.push(cycle, g);
    if (!this.complete.scheduled) this.unit.sim.schedule(this.complete, this.done.headTime);
  }

  /** Called by the arbiter: finish every vector done by now. */
  drain(now: number): void {
    const done = this.done;
    const held = this.held;
    while (done.size > 0 && done.headTime <= now) {
      const u = done.headValue;
      done.shift();
      this.held--;
      this.finishVector(u, now);
    }
    if (done.size > 0) this.unit.sim.schedule(this.complete, done.headTime);
    if (this.held < held) this.unit.windowsFreed();
  }

  /** Merge partial sums at the home tile, activate, send the output position (global `g`) on. */
  private finishVector(g: number, now: number): void {
    const ctx = this.unit.ctx;
    const counts = this.unit.counts;
    let ready = now;
    for (let k = 1; k < this.inputTiles.length; k++) {
      const tile = this.inputTiles[k];
      const flits = Math.ceil(this.psumBitsFromTile[k] / ctx.arch.noc.flitBits);
      counts.nocFlitHops += flits * ctx.noc.hops(tile, this.placement.homeTile);
      const at = ctx.noc.send(tile, this.placement.homeTile, flits, now);
      if (at > ready) ready = at;
    }
    counts.shiftAdds += this.psumAdds;
    counts.activationOps += this.unit.outputActivationOps;
    counts.tileOutputs += this.unit.outputActivationOps;
    ctx.tiles[this.placement.homeTile].activationOps.add(this.unit.outputActivationOps);
    this.unit.finishPosition(g, ready + ctx.activationCycles);
  }

  /**
   * End of run. The fast fidelity counts the OU-step actions of every vector here, in bulk; the ou
   * fidelity's controllers counted them step by step. Register traffic is per vector in both.
   */
  settle(): void {
    const ctx = this.unit.ctx;
    const counts = this.unit.counts;
    const fast = ctx.fidelity === 'fast';
    const data = this.data;
    this.plans.forEach((plan, i) => {
      const pe = ctx.pes[this.placement.crossbarPe[i]];
      // Data-driven: the OU work was counted vector by vector (fast) or step by step (ou).
      if (!data) pe.account(plan.ouCols, this.slices, this.vectors, this.timing);
      else if (fast) data.accountCrossbar(i, pe);
      else {
        const c = this.controllers[i];
        pe.accountTotals(c.stepsRun, c.conversionsRun, c.busyCycles);
      }
    });
    if (data && fast) data.settleCounts(counts);
    for (const name of ACTION_NAMES) {
      if (fast && !data) counts[name] += this.ouStepsPerVector[name] * this.vectors;
      counts[name] += this.digitalPerVector[name] * this.vectors;
    }
  }

  capture(w: StateWriter): void {
    const n = this.unit.positions;
    const now = w.now;
    for (const pipeline of this.pipelines) pipeline.capture(w, now);
    for (const controller of this.controllers) controller.capture(w);
    for (let k = 0; k < this.finishedBy.length; k++) w.raw(this.finishedBy[k] - this.retired);
    w.raw(this.done.size);
    for (let k = 0; k < this.done.size; k++) {
      w.time(this.done.timeAt(k));
      w.position(this.done.valueAt(k), n);
    }
    // The ou fidelity's vectors in flight carry no cycle, only their positions.
    w.raw(this.inFlight.size);
    for (let k = 0; k < this.inFlight.size; k++) w.position(this.inFlight.valueAt(k), n);
    w.counter(this.vectors);
    w.raw(this.held);
    this.data?.capture(w);
  }

  shift(s: StateShift): void {
    const n = this.unit.positions;
    for (const pipeline of this.pipelines) pipeline.shift(s.cycles);
    for (const controller of this.controllers) controller.shift(s);
    // finishedBy and retired count vectors: only their difference is state; both move by the same amount.
    const perImage = this.vectorsPerImage();
    for (let k = 0; k < this.finishedBy.length; k++) this.finishedBy[k] += s.images * perImage;
    this.retired += s.images * perImage;
    this.done.moveBy(s.cycles, s.images * n);
    // The ou fidelity's vectors in flight carry no cycle (0): only their positions move.
    this.inFlight.moveBy(0, s.images * n);
    this.vectors = s.counter(this.vectors);
    this.data?.shift(s);
  }

  /** Vectors this copy runs per image (positions u with u mod copies = this copy). */
  vectorsPerImage(): number {
    const copies = this.unit.copies.length;
    const n = this.unit.positions;
    const c = this.placement.copy;
    return Math.floor(n / copies) + (c < n % copies ? 1 : 0);
  }
}

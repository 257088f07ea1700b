/**
 * One copy of a weight layer's crossbars (a layer has more than one when replication balances the
 * layer pipeline). It runs the input vectors dealt to it through its crossbars' OU pipelines (closed
 * form in the `fast` fidelity, OU controllers in the `ou` fidelity), then merges partial sums at its
 * home tile and hands the output position back to its layer.
 */
import { SimEvent, indexedName, type Component } from '../engine/index.ts';
import { ACTION_NAMES, emptyCounts, type ActionCounts } from '../energy/actions.ts';
import { OuPipeline, layerOuTiming } from '../hardware/ou-pipeline.ts';
import type { LayerMapping } from '../mapping/types.ts';
import type { Layer } from '../workload/types.ts';
import { crossbarTiming, type CrossbarTiming } from './crossbar-timing.ts';
import type { DataflowContext } from './context.ts';
import type { CopyPlacement } from './placement.ts';
import { DataDrivenCopy } from './data-driven.ts';
import { COMPLETE_PRIORITY } from './priorities.ts';
import type { Periodic, StateShift, StateWriter } from './steady-state.ts';
import { skipZeroSteps } from './sparsity.ts';
import { TimedQueue } from '../engine/timed-queue.ts';
import { addCrossbarDigitalCounts, partialSumAdds } from './vector-costs.ts';

/**
 * Windows a copy holds at once, from the buffer read until its crossbars are all done (back-pressure,
 * docs/simulation.md): the PE input registers are double-buffered, one window being computed while
 * the next is loaded. A layer reads window u only once its copy has room, so it cannot book the
 * buffer port and the NoC links far ahead of the crossbars that will use them.
 */
export const WINDOWS_IN_FLIGHT = 2;

/** What a copy needs from its layer (LayerUnit, src/sim/dataflow.ts). */
export interface CopyHost extends Component {
  readonly ctx: DataflowContext;
  readonly layer: Layer;
  /** The layer's action account. */
  readonly counts: ActionCounts;
  /** Output positions per image, and the layer's copies. */
  readonly positions: number;
  readonly copies: readonly unknown[];
  readonly inputBitsPerVector: number;
  readonly outputActivationOps: number;
  /** Global output position `g` is computed at `ready`: send it on. */
  finishPosition(g: number, ready: number): void;
  /** The copy drained vectors: a layer held back by back-pressure may go on. */
  windowsFreed(): void;
}

/** One copy of a weight layer's crossbars, working through the vectors dealt to it. */
export class LayerCopy implements Periodic {
  readonly placement: CopyPlacement;
  private readonly unit: CopyHost;
  /** Its crossbars' timing: closed form (`fast`) or OU-step events (`ou`), one interface. */
  private readonly timing: CrossbarTiming;
  /** Digital actions of one vector outside the OU steps (both fidelities count these in bulk). */
  private readonly digitalPerVector: ActionCounts = emptyCounts();
  private vectors = 0;
  /** Windows accepted and not yet drained (at most WINDOWS_IN_FLIGHT). */
  private held = 0;
  /** Vectors whose crossbars are all done, at these cycles, in order (global positions). */
  readonly done = new TimedQueue();
  /** Tiles holding this copy's crossbars, home first; per crossbar, its index in that list. */
  private readonly inputTiles: number[];
  private readonly tileOf: Int32Array;
  /** Window bits multicast to each remote tile per vector (its crossbars' inputs, at most the window). */
  private readonly inputBitsToTile: number[];
  /** Partial-sum bits each remote tile sends back to the home tile per vector. */
  private readonly psumBitsFromTile: number[];
  /** Cycle the window is in each tile's input registers, for the vector being accepted. */
  private readonly readyAt: Float64Array;
  private readonly psumAdds: number;
  readonly complete: SimEvent;
  /** Cycles per vector of the copy's slowest crossbar when vectors come back to back. */
  readonly cyclesPerVector: number;

  constructor(unit: CopyHost, mapping: LayerMapping, placement: CopyPlacement) {
    this.unit = unit;
    this.placement = placement;
    const ctx = unit.ctx;
    const slices = mapping.inputSlices;
    const { skipZeroRows, zeroInputFraction } = ctx.arch.sparsity;
    // Input selection (pattern, sre) lengthens the front stage of every crossbar of the layer.
    const timing = layerOuTiming(ctx.arch, mapping.crossbars);
    const data = DataDrivenCopy.create(ctx, unit.layer, mapping, timing);
    const zeroFraction = skipZeroRows && !data ? (unit.layer.zeroInputFraction ?? zeroInputFraction) : 0;
    // The stream name is built only when steps are skipped (tens of thousands of crossbars otherwise).
    const plans = mapping.crossbars.map((mapped, i) =>
      zeroFraction > 0
        ? skipZeroSteps(
            mapped,
            zeroFraction,
            ctx.sim.seed,
            `${unit.path}.copy[${placement.copy}].xbar[${i}]`,
            ctx.arch.ou.rows,
          )
        : mapped,
    );
    const pipelines = plans.map((plan) => new OuPipeline(plan.ouCols, slices, timing));
    this.cyclesPerVector = pipelines.reduce((max, p) => Math.max(max, p.cyclesPerVector), 0);
    for (const plan of plans) addCrossbarDigitalCounts(this.digitalPerVector, plan, ctx.arch);
    this.timing = crossbarTiming(ctx.fidelity, {
      sim: ctx.sim,
      ouTiming: timing,
      plans,
      pes: plans.map((_plan, i) => ctx.pes[placement.crossbarPe[i]]),
      pipelines,
      localIndex: (i) => i % ctx.arch.chip.crossbarsPerPe,
      slices,
      counts: unit.counts,
      positions: unit.positions,
      vectorsPerImage: () => this.vectorsPerImage(),
      data,
      done: (cycle, g) => this.markDone(cycle, g),
    });
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
    this.vectors++;
    this.held++;
    this.multicastWindow(ready);
    this.timing.start(u, image * this.unit.positions + u, ready, this.readyAt, this.tileOf);
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
      const flits = ctx.noc.flitsFor(this.inputBitsToTile[k]);
      this.readyAt[k] = ctx.noc.send(home, tile, flits, ready, this.unit.counts);
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
      const flits = ctx.noc.flitsFor(this.psumBitsFromTile[k]);
      const at = ctx.noc.send(tile, this.placement.homeTile, flits, now, counts);
      if (at > ready) ready = at;
    }
    counts.shiftAdds += this.psumAdds;
    // The home tile's shift-and-add merges each output and its output register holds it.
    counts.tileOutputs += this.unit.outputActivationOps;
    ctx.tiles[this.placement.homeTile].activate(this.unit.outputActivationOps, counts);
    this.unit.finishPosition(g, ready + ctx.activationCycles);
  }

  /**
   * End of run: the crossbar timing charges what it did not charge as it ran; register traffic and
   * offset corrections are per vector in both fidelities.
   */
  settle(): void {
    this.timing.settle(this.vectors);
    const counts = this.unit.counts;
    for (const name of ACTION_NAMES) counts[name] += this.digitalPerVector[name] * this.vectors;
  }

  capture(w: StateWriter): void {
    const n = this.unit.positions;
    this.timing.capture(w);
    w.raw(this.done.size);
    for (let k = 0; k < this.done.size; k++) {
      w.time(this.done.timeAt(k));
      w.position(this.done.valueAt(k), n);
    }
    w.counter(this.vectors);
    w.raw(this.held);
  }

  shift(s: StateShift): void {
    this.timing.shift(s);
    this.done.moveBy(s.cycles, s.images * this.unit.positions);
    this.vectors = s.counter(this.vectors);
  }

  /** Vectors this copy runs per image (positions u with u mod copies = this copy). */
  vectorsPerImage(): number {
    const copies = this.unit.copies.length;
    const n = this.unit.positions;
    const c = this.placement.copy;
    return Math.floor(n / copies) + (c < n % copies ? 1 : 0);
  }
}

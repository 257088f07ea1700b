/**
 * The inter-layer pipeline as actors on the event queue (docs/design.md §3).
 *
 * Every layer of the network is a `LayerUnit`; feature maps stream between them along edges, one
 * output position (all its channels) at a time, in raster order. A layer starts output position u as
 * soon as every producer position it needs has arrived (line buffers, see receptive-field.ts):
 * - a weight layer reads the window from its home tile's buffer, broadcasts it to the crossbars of one
 *   of its copies, and when every crossbar of that copy is done, merges row-split partial sums (over
 *   the NoC when they sit on other tiles), applies the activation and sends the output on;
 * - pooling, residual adds and concatenation run in the activation unit of the tile where their first
 *   producer's data lands.
 * Outputs are written to the sender's tile buffer, cross the mesh (XY routing) and are written into
 * the consumer's tile buffer before the consumer sees them.
 *
 * Event order. Crossbar work (the `ou` fidelity's OU steps) runs at Priority.DEFAULT and touches
 * nothing shared. Arrivals run at ARRIVAL. A copy whose vector is done only signals at COMPLETE; the
 * arbiter then handles every copy done in that cycle at ARBITER, in a fixed order (copy index), so the
 * shared buffers and links are booked in the same order whichever fidelity produced the completions.
 */
import type { Arch } from '../config/arch.ts';
import { Component, SimEvent, indexedName, type Simulator } from '../engine/index.ts';
import { ACTION_NAMES, emptyCounts, type ActionCounts } from '../energy/actions.ts';
import type { OuTiming } from '../hardware/ou-pipeline.ts';
import type { MeshNoc } from '../hardware/noc.ts';
import type { ProcessingElement } from '../hardware/pe.ts';
import type { Tile } from '../hardware/tile.ts';
import type { LayerMapping } from '../mapping/types.ts';
import { snakeCase } from '../util/case.ts';
import type { Layer, PoolLayer, Shape3 } from '../workload/types.ts';
import type { Arbiter } from './arbiter.ts';
import { LayerCopy } from './layer-copy.ts';
import type { CopyPlacement } from './placement.ts';
import { ARRIVAL_PRIORITY } from './priorities.ts';
import { lastNeededFn, outputPositions } from './receptive-field.ts';
import { TimedQueue } from './timed-queue.ts';
import type { Fidelity } from './types.ts';

/** Shared hardware and constants every unit needs. */
export interface DataflowContext {
  sim: Simulator;
  arch: Arch;
  fidelity: Fidelity;
  noc: MeshNoc;
  tiles: Tile[];
  /** PEs by global index (parents of the `ou` fidelity's crossbar controllers). */
  pes: readonly ProcessingElement[];
  arbiter: Arbiter;
  ouTiming: OuTiming;
  activationCycles: number;
}

/** One producer -> consumer stream of output positions. */
export class Edge {
  readonly queue = new TimedQueue();
  readonly arrive: SimEvent;
  /** Producer positions arrived so far, and how many of them form a prefix without gaps. */
  readonly arrived: Uint8Array;
  prefix = 0;

  constructor(
    readonly from: LayerUnit | NetworkInput,
    readonly to: LayerUnit,
    readonly lastNeeded: (u: number) => number,
  ) {
    this.arrived = new Uint8Array(from.positions);
    this.arrive = new SimEvent(to, `arrive<${from.label}`, () => to.onArrival(this), ARRIVAL_PRIORITY);
  }

  /** Deliver position `position` at `cycle` (FIFO: never before an earlier delivery on this edge). */
  deliver(cycle: number, position: number): void {
    const at = cycle > this.queue.lastTime ? cycle : this.queue.lastTime;
    this.queue.push(at, position);
    if (!this.arrive.scheduled) this.to.sim.schedule(this.arrive, at);
  }
}

/** The network input: the image is in the first layers' tile buffers at cycle 0. */
export class NetworkInput {
  readonly label = 'input';
  readonly consumers: Edge[] = [];
  readonly positions: number;
  constructor(readonly shape: Shape3) {
    this.positions = outputPositions(shape);
  }
}

/** Sends an output position from `unit` at `ready` to every consumer; returns the last cycle involved. */
function emit(unit: LayerUnit, position: number, ready: number): number {
  const ctx = unit.ctx;
  const bits = unit.outputBitsPerPosition;
  const flits = Math.ceil(bits / ctx.arch.noc.flitBits);
  const home = ctx.tiles[unit.tile];
  const counts = unit.counts;
  const stored = home.write(bits, ready);
  counts.bufferWriteBits += bits;
  let last = stored;
  for (const edge of unit.consumers) {
    const to = edge.to.tile;
    let at = stored;
    if (to !== unit.tile) {
      counts.nocFlitHops += flits * ctx.noc.hops(unit.tile, to);
      at = ctx.tiles[to].write(bits, ctx.noc.send(unit.tile, to, flits, stored));
      counts.bufferWriteBits += bits;
    }
    edge.deliver(at, position);
    if (at > last) last = at;
  }
  return last;
}

/** One layer of the network. */
export class LayerUnit extends Component {
  readonly producers: Edge[] = [];
  readonly consumers: Edge[] = [];
  readonly positions: number;
  readonly outputBitsPerPosition: number;
  readonly counts: ActionCounts = emptyCounts();
  /** Next output position to start. */
  private next = 0;
  firstStart = Infinity;
  lastDone = 0;
  /** Tile where the layer's outputs leave (and non-weight layers compute). */
  tile = 0;
  private readonly copies: LayerCopy[] = [];
  /** Bits of one window a weight layer reads (its im2col inputs), or an element-wise layer's inputs. */
  readonly inputBitsPerVector: number;
  private readonly activationOpsPerPosition: number;

  constructor(
    readonly ctx: DataflowContext,
    readonly index: number,
    readonly layer: Layer,
    mapping: LayerMapping | undefined,
    placements: readonly CopyPlacement[],
    parent: Component,
  ) {
    super(ctx.sim, indexedName('layer', index), parent);
    this.positions = outputPositions(layer.outShape);
    this.outputBitsPerPosition = layer.outShape[0] * ctx.arch.precision.outputBits;
    this.inputBitsPerVector = mapping
      ? windowInputs(layer) * ctx.arch.precision.inputBits
      : elementwiseInputs(layer) * ctx.arch.precision.outputBits;
    this.activationOpsPerPosition = activationOps(layer);
    if (mapping) {
      placements.forEach((placement) => this.copies.push(new LayerCopy(this, mapping, placement)));
      this.tile = placements[0].homeTile;
    }
    this.registerStatistics();
  }

  /** The layer's action counts and its span, as statistics of `chip.layers.layer[i]`. */
  private registerStatistics(): void {
    this.formula('positions_count', 'count', `output positions of layer ${this.layer.name}`, () => this.next);
    this.formula('start_cycle', 'cycle', 'cycle the first window started', () =>
      this.firstStart === Infinity ? 0 : this.firstStart,
    );
    this.formula('end_cycle', 'cycle', 'cycle the last output was stored', () => this.lastDone);
    for (const name of ACTION_NAMES) {
      const unit = name.endsWith('Bits') ? 'bits' : 'count';
      const base = snakeCase(name);
      const statistic = unit === 'bits' ? base : `${base}_count`;
      this.formula(statistic, unit, `${base.replace(/_/g, ' ')} of this layer`, () => this.counts[name]);
    }
  }

  get label(): string {
    return this.layer.name;
  }

  /** Output positions started so far (all of them once the run is complete). */
  get positionsStarted(): number {
    return this.next;
  }

  /** Producer edge `edge` has deliveries due now. */
  onArrival(edge: Edge): void {
    const now = this.now;
    const queue = edge.queue;
    while (queue.size > 0 && queue.headTime <= now) {
      edge.arrived[queue.headValue] = 1;
      queue.shift();
    }
    while (edge.prefix < edge.arrived.length && edge.arrived[edge.prefix] === 1) edge.prefix++;
    if (queue.size > 0) this.sim.schedule(edge.arrive, queue.headTime);
    this.startReadyPositions(now);
  }

  /** Start every output position whose inputs have all arrived. */
  private startReadyPositions(now: number): void {
    while (this.next < this.positions && this.inputsReady(this.next)) {
      const u = this.next++;
      if (this.copies.length > 0) this.startVector(u, now);
      else this.computeElementwise(u, now);
    }
  }

  private inputsReady(u: number): boolean {
    for (const edge of this.producers) if (edge.prefix <= edge.lastNeeded(u)) return false;
    return true;
  }

  /** Weight layer: read the window from the buffer and hand it to one copy's crossbars. */
  private startVector(u: number, now: number): void {
    const copy = this.copies[u % this.copies.length];
    const ready = this.ctx.tiles[copy.placement.homeTile].read(this.inputBitsPerVector, now);
    this.counts.bufferReadBits += this.inputBitsPerVector;
    if (ready < this.firstStart) this.firstStart = ready;
    copy.accept(u, ready);
  }

  /** Pooling / residual add / concatenation in the tile's activation unit. */
  private computeElementwise(u: number, now: number): void {
    const tile = this.ctx.tiles[this.tile];
    const ready = tile.read(this.inputBitsPerVector, now);
    this.counts.bufferReadBits += this.inputBitsPerVector;
    if (ready < this.firstStart) this.firstStart = ready;
    this.counts.activationOps += this.activationOpsPerPosition;
    tile.activationOps.add(this.activationOpsPerPosition);
    this.finishPosition(u, ready + this.ctx.activationCycles);
  }

  /** An output position is computed at `ready`: send it on. */
  finishPosition(u: number, ready: number): void {
    const done = this.consumers.length > 0 ? emit(this, u, ready) : this.storeFinal(ready);
    if (done > this.lastDone) this.lastDone = done;
  }

  /** The network's output stays in the last tile's buffer. */
  private storeFinal(ready: number): number {
    this.counts.bufferWriteBits += this.outputBitsPerPosition;
    return this.ctx.tiles[this.tile].write(this.outputBitsPerPosition, ready);
  }

  /** Weight layers: the merged counts of all copies and crossbars at the end of the run. */
  override finish(): void {
    for (const copy of this.copies) copy.settle();
  }

  /** Activation ops of one finished weight-layer vector (ReLU / requantise per output channel). */
  get outputActivationOps(): number {
    return this.layer.outShape[0];
  }
}

/** Distinct input values one vector of a layer reads from the buffer (its im2col window). */
function windowInputs(layer: Layer): number {
  if (layer.type === 'conv') return layer.cin * layer.kernel[0] * layer.kernel[1];
  if (layer.type === 'fc') return layer.inFeatures;
  return 0;
}

/**
 * Values an element-wise layer reads per output position: a pooling window of every channel, one value
 * per channel from each producer of an add or mul, each producer's channels once for a concatenation.
 */
function elementwiseInputs(layer: Layer): number {
  if (layer.type === 'pool') return layer.inShape[0] * poolWindow(layer);
  if (layer.type === 'add' || layer.type === 'mul') return layer.outShape[0] * layer.inputs.length;
  // Bilinear resizing reads a 2x2 neighbourhood; nearest, depth-to-space and slices one value.
  if (layer.type === 'resize' && layer.mode === 'bilinear') return layer.outShape[0] * 4;
  return layer.outShape[0];
}

/** Input positions one output of a pooling layer covers (the whole map for global pooling). */
function poolWindow(layer: PoolLayer): number {
  return layer.global ? layer.inShape[1] * layer.inShape[2] : layer.kernel[0] * layer.kernel[1];
}

/** Activation-unit operations per output position of a non-weight layer. */
function activationOps(layer: Layer): number {
  const channels = layer.outShape[0];
  if (layer.type === 'pool') return channels * poolWindow(layer);
  if (layer.type === 'add' || layer.type === 'mul') return channels * Math.max(1, layer.inputs.length - 1);
  // Three linear interpolations per bilinear output value; copies (nearest, depth-to-space, slice) none.
  if (layer.type === 'resize' && layer.mode === 'bilinear') return channels * 3;
  return 0;
}

export function edgeBetween(from: LayerUnit | NetworkInput, to: LayerUnit, producerShape: Shape3): Edge {
  const edge = new Edge(from, to, lastNeededFn(to.layer, producerShape));
  from.consumers.push(edge);
  to.producers.push(edge);
  return edge;
}

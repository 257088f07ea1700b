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
 * Back-pressure: a weight layer starts position u only while u's copy holds fewer than
 * WINDOWS_IN_FLIGHT windows (layer-copy.ts); otherwise it waits until that copy drains a vector and
 * goes on at REFILL priority. Buffer ports and links are booked in call order, so without the bound a
 * layer would book them for all its ready windows at once, far ahead of its crossbars.
 *
 * Streams of images (`images` > 1): every stream numbers its positions image-major (global position
 * = image x positions + position), a layer starts them in that order, and a layer starts the first
 * position of image i + 1 only once each of its consumers has started every position of image i
 * (a layer works at most one image ahead of its consumers; without it the fast early layers would run
 * arbitrarily far ahead, since the buffer capacity is not simulated). The network input of every
 * image is in the first layers' buffers from cycle 0.
 *
 * Event order. Crossbar work (the `ou` fidelity's OU steps) runs at Priority.DEFAULT and touches
 * nothing shared. Arrivals run at ARRIVAL. A copy whose vector is done only signals at COMPLETE; the
 * arbiter then handles every copy done in that cycle at ARBITER, in a fixed order (copy index), so the
 * shared buffers and links are booked in the same order whichever fidelity produced the completions.
 */
import { Component, SimEvent, indexedName } from '../engine/index.ts';
import { ACTION_NAMES, emptyCounts, type ActionCounts } from '../energy/actions.ts';
import type { LayerMapping } from '../mapping/types.ts';
import { snakeCase } from '../util/case.ts';
import type { Layer, PoolLayer, Shape3 } from '../workload/types.ts';
import type { DataflowContext } from './context.ts';
import { LayerCopy } from './layer-copy.ts';
import type { CopyPlacement } from './placement.ts';
import { ARRIVAL_PRIORITY, REFILL_PRIORITY } from './priorities.ts';
import { lastNeededFn, outputPositions } from './receptive-field.ts';
import type { Periodic, StateShift, StateWriter } from './steady-state.ts';
import { TimedQueue } from '../engine/timed-queue.ts';

export type { DataflowContext } from './context.ts';

/** One producer -> consumer stream of output positions (global positions: image-major). */
export class Edge implements Periodic {
  readonly queue = new TimedQueue();
  readonly arrive: SimEvent;
  /** Producer positions per image. */
  readonly fromPositions: number;
  /** Positions below `prefix` have all arrived; `arrived` marks those at and after it (a ring). */
  prefix = 0;
  private arrived: Uint8Array;
  private mask: number;
  /** One past the highest position arrived. */
  private top = 0;

  constructor(
    readonly from: LayerUnit | NetworkInput,
    readonly to: LayerUnit,
    readonly lastNeeded: (u: number) => number,
  ) {
    this.fromPositions = from.positions;
    let size = 64;
    while (size < from.positions) size *= 2;
    this.arrived = new Uint8Array(size);
    this.mask = size - 1;
    this.arrive = new SimEvent(to, `arrive<${from.label}`, () => to.onArrival(this), ARRIVAL_PRIORITY);
  }

  /** Deliver position `position` at `cycle` (FIFO: never before an earlier delivery on this edge). */
  deliver(cycle: number, position: number): void {
    const at = cycle > this.queue.lastTime ? cycle : this.queue.lastTime;
    this.queue.push(at, position);
    if (!this.arrive.scheduled) this.to.sim.schedule(this.arrive, at);
  }

  /** The network input: every position of every image is there from the start. */
  openAll(): void {
    this.prefix = Infinity;
    this.to.sim.schedule(this.arrive, 0);
  }

  /** Take the deliveries due by `now`; advance the gap-free prefix. */
  take(now: number): void {
    const queue = this.queue;
    while (queue.size > 0 && queue.headTime <= now) {
      const position = queue.headValue;
      queue.shift();
      while (position - this.prefix > this.mask) this.grow();
      this.arrived[position & this.mask] = 1;
      if (position >= this.top) this.top = position + 1;
    }
    while (this.prefix < this.top && this.arrived[this.prefix & this.mask] === 1) {
      this.arrived[this.prefix & this.mask] = 0;
      this.prefix++;
    }
  }

  capture(w: StateWriter): void {
    const n = this.fromPositions;
    if (this.prefix === Infinity) return w.raw(Infinity);
    w.position(this.prefix, n);
    w.position(this.top, n);
    for (let p = this.prefix; p < this.top; p++) w.raw(this.arrived[p & this.mask]);
    w.raw(this.queue.size);
    for (let k = 0; k < this.queue.size; k++) {
      w.time(this.queue.timeAt(k));
      w.position(this.queue.valueAt(k), n);
    }
  }

  shift(s: StateShift): void {
    if (this.prefix === Infinity) return;
    const n = this.fromPositions;
    const marks: number[] = [];
    for (let p = this.prefix; p < this.top; p++) {
      marks.push(this.arrived[p & this.mask]);
      this.arrived[p & this.mask] = 0;
    }
    this.prefix = s.position(this.prefix, n);
    this.top = s.position(this.top, n);
    marks.forEach((mark, k) => (this.arrived[(this.prefix + k) & this.mask] = mark));
    this.queue.moveBy(s.cycles, s.images * n);
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    const arrived = new Uint8Array(size);
    for (let p = this.prefix; p < this.top; p++) arrived[p & (size - 1)] = this.arrived[p & this.mask];
    this.arrived = arrived;
    this.mask = size - 1;
  }
}

/** The network input: every image is in the first layers' tile buffers from cycle 0. */
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
  const flits = ctx.noc.flitsFor(bits);
  const home = ctx.tiles[unit.tile];
  const account = unit.counts;
  const stored = home.write(bits, ready, account);
  let last = stored;
  for (const edge of unit.consumers) {
    const to = edge.to.tile;
    let at = stored;
    if (to !== unit.tile)
      at = ctx.tiles[to].write(bits, ctx.noc.send(unit.tile, to, flits, stored, account), account);
    edge.deliver(at, position);
    if (at > last) last = at;
  }
  return last;
}

/** One layer of the network. */
export class LayerUnit extends Component implements Periodic {
  readonly producers: Edge[] = [];
  readonly consumers: Edge[] = [];
  /** Output positions per image. */
  readonly positions: number;
  readonly outputBitsPerPosition: number;
  readonly counts: ActionCounts = emptyCounts();
  /** Next output position to start, as (image, position in it); `next` is the global one. */
  private nextImage = 0;
  private nextU = 0;
  private readonly total: number;
  /** Waiting for a consumer to finish starting the previous image (see the module comment). */
  private gated = false;
  private readonly resume: SimEvent;
  /** Waiting for the copy of the next position to free a window slot (back-pressure). */
  private blocked = false;
  private readonly refill: SimEvent;
  firstStart = Infinity;
  lastDone = 0;
  /** Tile where the layer's outputs leave (and non-weight layers compute). */
  tile = 0;
  readonly copies: LayerCopy[] = [];
  /** Bits of one window a weight layer reads (its im2col inputs), or an element-wise layer's inputs. */
  readonly inputBitsPerVector: number;
  private readonly activationOpsPerPosition: number;
  /** Set on the network's first layer: it reports each image it starts (steady-state probe). */
  reportsImages = false;

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
    this.total = this.positions * ctx.images;
    this.outputBitsPerPosition = layer.outShape[0] * ctx.arch.precision.outputBits;
    this.inputBitsPerVector = mapping
      ? windowInputs(layer) * ctx.arch.precision.inputBits
      : elementwiseInputs(layer) * ctx.arch.precision.outputBits;
    this.activationOpsPerPosition = activationOps(layer);
    if (mapping) {
      placements.forEach((placement) => this.copies.push(new LayerCopy(this, mapping, placement)));
      this.tile = placements[0].homeTile;
    }
    this.resume = new SimEvent(this, 'resume', () => this.startReadyPositions(this.now), ARRIVAL_PRIORITY);
    this.refill = new SimEvent(
      this,
      'refill',
      () => this.startReadyPositions(this.now, true),
      REFILL_PRIORITY,
    );
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

  /** Output positions started so far, all images (all of them once the run is complete). */
  get positionsStarted(): number {
    return this.next;
  }

  /** Output positions of all images. */
  /** The next output position to start, global (image-major). */
  private get next(): number {
    return this.nextImage * this.positions + this.nextU;
  }

  get positionsTotal(): number {
    return this.total;
  }

  /** Producer edge `edge` has deliveries due now. */
  onArrival(edge: Edge): void {
    const now = this.now;
    edge.take(now);
    if (edge.queue.size > 0) this.sim.schedule(edge.arrive, edge.queue.headTime);
    this.startReadyPositions(now);
  }

  /** Start every output position whose inputs have all arrived, in order. */
  private startReadyPositions(now: number, refilling = false): void {
    this.gated = false;
    this.blocked = false;
    const copies = this.copies;
    while (this.nextImage < this.ctx.images && this.inputsReady(this.nextU, this.nextImage)) {
      const u = this.nextU;
      const image = this.nextImage;
      if (u === 0 && image > 0 && !this.consumersDone(image - 1)) {
        this.gated = true;
        return;
      }
      if (copies.length > 0 && !copies[u % copies.length].hasRoom) {
        this.blocked = true;
        return;
      }
      if (++this.nextU === this.positions) {
        this.nextU = 0;
        this.nextImage++;
        this.wakeProducers(refilling);
      }
      if (u === 0 && this.reportsImages) this.ctx.onImageEntered?.(image);
      if (this.copies.length > 0) this.startVector(u, image, now);
      else this.computeElementwise(u, image, now);
    }
  }

  private inputsReady(u: number, image: number): boolean {
    for (const edge of this.producers)
      if (edge.prefix <= image * edge.fromPositions + edge.lastNeeded(u)) return false;
    return true;
  }

  /** A copy drained vectors (in the arbiter's grant): a layer held back by back-pressure goes on. */
  windowsFreed(): void {
    if (this.blocked && !this.refill.scheduled) this.sim.schedule(this.refill, this.now);
  }

  /** Every consumer has started every position of `image`. */
  private consumersDone(image: number): boolean {
    for (const edge of this.consumers) if (edge.to.next < (image + 1) * edge.to.positions) return false;
    return true;
  }

  /**
   * This layer started a whole image: producers waiting for that may go on. From a refill (after the
   * arbiter) the producers' ARRIVAL-priority resume is past for this cycle; they refill instead.
   */
  private wakeProducers(refilling: boolean): void {
    for (const edge of this.producers) {
      const from = edge.from;
      if (!(from instanceof LayerUnit) || !from.gated) continue;
      const wake = refilling ? from.refill : from.resume;
      if (!wake.scheduled) this.sim.schedule(wake, this.now);
    }
  }

  /** Weight layer: read the window from the buffer and hand it to one copy's crossbars. */
  private startVector(u: number, image: number, now: number): void {
    const copy = this.copies[u % this.copies.length];
    const ready = this.ctx.tiles[copy.placement.homeTile].read(this.inputBitsPerVector, now, this.counts);
    if (ready < this.firstStart) this.firstStart = ready;
    copy.accept(u, ready, image);
  }

  /** Pooling / residual add / concatenation in the tile's activation unit. */
  private computeElementwise(u: number, image: number, now: number): void {
    const tile = this.ctx.tiles[this.tile];
    const ready = tile.read(this.inputBitsPerVector, now, this.counts);
    if (ready < this.firstStart) this.firstStart = ready;
    tile.activate(this.activationOpsPerPosition, this.counts);
    this.finishPosition(image * this.positions + u, ready + this.ctx.activationCycles);
  }

  /** Global output position `g` is computed at `ready`: send it on. */
  finishPosition(g: number, ready: number): void {
    const done = this.consumers.length > 0 ? emit(this, g, ready) : this.storeFinal(ready);
    if (done > this.lastDone) this.lastDone = done;
    this.ctx.ledger.finish(Math.floor(g / this.positions), done);
  }

  /** The network's output stays in the last tile's buffer. */
  private storeFinal(ready: number): number {
    return this.ctx.tiles[this.tile].write(this.outputBitsPerPosition, ready, this.counts);
  }

  /** Weight layers: the merged counts of all copies and crossbars at the end of the run. */
  override finish(): void {
    for (const copy of this.copies) copy.settle();
  }

  /** Activation ops of one finished weight-layer vector (ReLU / requantise per output channel). */
  get outputActivationOps(): number {
    return this.layer.outShape[0];
  }

  capture(w: StateWriter): void {
    w.position(this.next, this.positions);
    w.raw(this.gated ? 1 : 0);
    w.raw(this.blocked ? 1 : 0);
    w.time(this.lastDone);
    for (const edge of this.producers) edge.capture(w);
    for (const copy of this.copies) copy.capture(w);
    for (const name of ACTION_NAMES) w.counter(this.counts[name]);
  }

  shift(s: StateShift): void {
    this.nextImage += s.images;
    this.lastDone = s.time(this.lastDone);
    for (const edge of this.producers) edge.shift(s);
    for (const copy of this.copies) copy.shift(s);
    for (const name of ACTION_NAMES) this.counts[name] = s.counter(this.counts[name]);
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

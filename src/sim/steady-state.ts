/**
 * Steady-state fast-forward of a stream of images (docs/simulation.md, "Streams of images").
 *
 * Every time the network's first layer starts the first position of an image k, the run stops after
 * that event and every component writes its timing state relative to that moment: cycles as
 * offsets from now, stream positions as offsets from image k's first position, plus its additive
 * counters. When the state at image k + 1 equals the state at image k, the schedule from k + 1 on is
 * the schedule from k shifted by T = c(k+1) - c(k) cycles and one image (the model is deterministic
 * and reads nothing but this state), so it is periodic from there: the run jumps J images ahead by
 * adding J x T to every cycle, J images to every position and J x (per-image increment) to every
 * counter, then simulates the last images in full. Exact, not an estimate; test/sim/steady-state.test.ts
 * compares it with the full simulation.
 *
 * Some state only matters through max(value, now + slack) (a buffer port or link free before now, an
 * OU pipeline idle since long ago): it is written clamped, which keeps the comparison exact (two
 * states that differ only below the clamp behave the same) and lets the repetition show.
 */
import type { SimEvent, Simulator } from '../engine/index.ts';
import { StateShift, StateWriter, type Periodic } from '../engine/snapshot.ts';

// The snapshot classes are the engine's (src/hardware uses them too); re-exported for src/sim.
export { StateShift, StateWriter, type Periodic };

/** Equal snapshots (same length, same values). */
export function sameState(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A 64-bit hash of a snapshot (two 32-bit FNV-1a-style lanes over the values' float64 bits) and its
 * length. Only a hint: a match is always confirmed by comparing the states exactly.
 */
function stateHash(values: readonly number[]): string {
  const bits = hashScratch(values.length);
  bits.f64.set(values);
  let a = 0x811c9dc5;
  let b = 0x01000193;
  const words = bits.u32;
  for (let i = 0; i < 2 * values.length; i++) {
    const x = words[i];
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ x, 0x5bd1e995) ^ (b >>> 15);
  }
  return `${values.length}:${a >>> 0}:${b >>> 0}`;
}

let scratch = { f64: new Float64Array(0), u32: new Uint32Array(0) };
function hashScratch(n: number): { f64: Float64Array; u32: Uint32Array } {
  if (scratch.f64.length < n) {
    const f64 = new Float64Array(n);
    scratch = { f64, u32: new Uint32Array(f64.buffer) };
  }
  return scratch;
}

/** What the probe needs of the model; `parts` are walked in a fixed order. */
export interface StreamModel {
  sim: Simulator;
  images: number;
  parts: readonly Periodic[];
  /** Images complete so far. */
  completed(): number;
  /** The furthest a layer has got into the stream, in images past `image` (positions / per image). */
  lead(image: number): number;
}

/** What the probe found: the period and where it starts, and how many images it skipped. */
export interface SteadyState {
  /** First image of the periodic regime (state at its start = state `periodImages` later, shifted). */
  fromImage: number;
  /** The state repeats every `periodImages` images, `periodCycles` cycles later. */
  periodImages: number;
  periodCycles: number;
  skippedImages: number;
}

/**
 * Images probed for a repeating state before the run gives up and simulates everything. A deep
 * bottleneck only slightly slower than the first layer settles late: the layers before it fill their
 * one image of slack each at (1 - fast pace / slow pace) of an image per image (ResNet-18 ImageNet,
 * dense, `--replication-budget 40000`: 1.2 % per image, periodic from image 595; docs/simulation.md).
 */
export const MAX_PROBED_IMAGES = 2048;
/** Periods (in images) up to this are compared with the last snapshots at once. */
export const EXACT_WINDOW_IMAGES = 4;
/**
 * Longest period (in images) looked for. Longer than the window, a period is found by a hash of the
 * snapshot (one per image probed) and verified exactly one period later, against the one snapshot
 * kept. The bottleneck's cycles per image need not be whole, nor the deep layers' phase repeat every
 * image: ResNet-18 ImageNet with `--replication-budget 40000` repeats every 7 images (dense) and 240
 * (pattern).
 */
export const MAX_PERIOD_IMAGES = 512;

/**
 * Takes a snapshot each time an image enters, compares it with the last few (a longer period: with the
 * one its hash points to, one period later) and, when two match exactly, jumps (`fastForward`) or only
 * records the period (a full simulation, for comparison).
 */
export class StreamProbe {
  /** The last snapshots, oldest first. */
  private readonly history: StateWriter[] = [];
  /** The last image each snapshot hash was seen at (every image probed). */
  private readonly hashes = new Map<string, number>();
  /** A snapshot whose hash matched one `period` images earlier: compared exactly one period on. */
  private candidate: { w: StateWriter; period: number } | undefined;
  private readonly eventIds = new Map<SimEvent, number>();
  found: SteadyState | undefined;
  private active = true;

  constructor(
    private readonly model: StreamModel,
    private readonly fastForward: boolean,
    /** Periods compared at once (the tests shorten it to exercise the hashed path). */
    private readonly window = EXACT_WINDOW_IMAGES,
  ) {}

  /** Whether the probe still wants to hear about images entering. */
  get probing(): boolean {
    return this.active;
  }

  /** The network's first layer has just started image `image` and the run stopped after that event. */
  imageEntered(image: number): void {
    const model = this.model;
    const w = new StateWriter(model.sim.now, image);
    this.capture(w);
    const history = this.history;
    const ready = model.completed() >= 1 && model.lead(image) <= 1;
    for (let c = 1; ready && c <= history.length; c++) {
      const earlier = history[history.length - c];
      if (earlier.image === image - c && sameState(earlier.values, w.values))
        return this.settle(w, earlier, c);
    }
    // A longer period: the hash said so one period ago; equal states say so now (exact, as above).
    const candidate = this.candidate;
    if (candidate && image === candidate.w.image + candidate.period) {
      this.candidate = undefined;
      if (ready && sameState(candidate.w.values, w.values))
        return this.settle(w, candidate.w, candidate.period);
    }
    const hash = stateHash(w.values);
    const seen = this.hashes.get(hash);
    if (!this.candidate && seen !== undefined) {
      const period = image - seen;
      if (period > this.window && period <= MAX_PERIOD_IMAGES) this.candidate = { w, period };
    }
    this.hashes.set(hash, image);
    history.push(w);
    if (history.length > this.window) history.shift();
    if (image >= MAX_PROBED_IMAGES && !this.candidate) this.active = false;
  }

  /** State `w` equals `earlier`, `c` images before: the schedule is periodic; jump (fastForward). */
  private settle(w: StateWriter, earlier: StateWriter, c: number): void {
    const model = this.model;
    const image = w.image;
    const period = w.now - earlier.now;
    this.active = false;
    // Jump whole periods, to the last moment an image enters; the rest is simulated in full.
    const periods = this.fastForward && period > 0 ? Math.floor((model.images - 1 - image) / c) : 0;
    this.found = {
      fromImage: image - c,
      periodImages: c,
      periodCycles: period,
      skippedImages: periods * c,
    };
    if (periods > 0) {
      const increments = w.counters.map((value, i) => value - earlier.counters[i]);
      this.shift(new StateShift(periods * period, periods * c, periods, increments), w.counters.length);
    }
  }

  private capture(w: StateWriter): void {
    const sim = this.model.sim;
    const pending = sim.pendingEvents();
    w.raw(pending.currentPriority);
    w.raw(pending.events.length);
    pending.events.forEach((event, k) => {
      let id = this.eventIds.get(event);
      if (id === undefined) {
        id = this.eventIds.size;
        this.eventIds.set(event, id);
      }
      w.raw(id);
      w.time(pending.cycles[k]);
      w.raw(pending.priorities[k]);
    });
    for (const part of this.model.parts) part.capture(w);
    for (const counter of sim.stats.counters()) w.counter(counter.value);
  }

  private shift(s: StateShift, counters: number): void {
    const sim = this.model.sim;
    sim.advanceClock(s.cycles);
    for (const part of this.model.parts) part.shift(s);
    for (const counter of sim.stats.counters()) counter.value = s.counter(counter.value);
    if (s.countersUsed !== counters)
      throw new Error(`steady state: ${s.countersUsed} counters moved, ${counters} captured`);
  }
}

/**
 * The two-stage OU pipeline of one crossbar, in closed form (docs/design.md §3).
 *
 * Stage 1 (front): DAC drive + crossbar read + sample-and-hold, `read` cycles per OU step.
 * Stage 2 (back):  the OU's columns converted by the crossbar's ADCs, `ceil(cols / adcs) * adc` cycles.
 * The sample-and-hold holds one OU result, so the next read may start only once the back stage has
 * taken the previous result over. With x = earliest start of the next read and y = when the back stage
 * is free, one OU step with back-stage time d does
 *
 *     b  = max(x + read, y)       (the conversion starts)
 *     x' = b                      (the S&H is handed over, the next read may start)
 *     y' = b + d                  (the conversion ends)
 *
 * which is linear in max-plus algebra: [x'; y'] = [[read, 0], [read + d, d]] (x) [x; y]. A crossbar's
 * OU sequence for one input slice composes into one 2x2 max-plus matrix, and `slices` repetitions into
 * its power, so a whole input vector costs O(1) per crossbar in the `fast` fidelity while giving, to the
 * cycle, what the event-by-event `ou` fidelity gives (src/hardware/ou-controller.ts walks the same
 * recurrence one event per OU step; tests prove they agree).
 */

import { toCycles, type Arch } from '../config/arch.ts';
import { adcConversionCyclesOf } from '../energy/adc.ts';
import type { CrossbarPlan } from '../mapping/types.ts';

const NEG = -Infinity;

/** A 2x2 max-plus matrix [[a, b], [c, d]]. */
export interface MaxPlus2 {
  a: number;
  b: number;
  c: number;
  d: number;
}

/** Max-plus identity: 0 on the diagonal, -inf elsewhere. */
export const IDENTITY: Readonly<MaxPlus2> = { a: 0, b: NEG, c: NEG, d: 0 };

/** (left (x) right): apply `right` first, then `left`. */
export function compose(left: MaxPlus2, right: MaxPlus2): MaxPlus2 {
  return {
    a: Math.max(left.a + right.a, left.b + right.c),
    b: Math.max(left.a + right.b, left.b + right.d),
    c: Math.max(left.c + right.a, left.d + right.c),
    d: Math.max(left.c + right.b, left.d + right.d),
  };
}

/** Max-plus power by repeated squaring. */
export function power(matrix: MaxPlus2, exponent: number): MaxPlus2 {
  let result: MaxPlus2 = { ...IDENTITY };
  let base = matrix;
  let e = exponent;
  while (e > 0) {
    if (e & 1) result = compose(base, result);
    base = compose(base, base);
    e >>= 1;
  }
  return result;
}

/** The matrix of one OU step. */
export function stepMatrix(readCycles: number, backCycles: number): MaxPlus2 {
  return { a: readCycles, b: 0, c: readCycles + backCycles, d: backCycles };
}

/** Back-stage cycles of one OU step: its columns over the crossbar's ADCs, one conversion time each round. */
export function backStageCycles(cols: number, adcs: number, adcCycles: number): number {
  return Math.ceil(cols / adcs) * adcCycles;
}

/** Timing constants of one crossbar's OU pipeline, in cycles. */
export interface OuTiming {
  /** Front stage: input selection (if any) + DAC drive + read + sample-and-hold. */
  readCycles: number;
  adcCycles: number;
  adcs: number;
  shiftAddCycles: number;
}

/**
 * Whole-vector matrices by OU-step sequence. Crossbars with the same plan share its `ouCols` array
 * (the mappers build each distinct plan once: VGG-16 ImageNet's 33804 dense crossbars have 19 such
 * arrays, its 31086 pattern crossbars 882), so a run computes each matrix once, not per crossbar.
 */
const matrices = new WeakMap<ArrayLike<number>, { slices: number; timing: OuTiming; m: MaxPlus2 }[]>();

/** The matrix of one input vector: every OU step of `ouCols`, `slices` times (memoised). */
export function vectorMatrix(ouCols: ArrayLike<number>, slices: number, timing: OuTiming): MaxPlus2 {
  let known = matrices.get(ouCols);
  const hit = known?.find(
    (e) =>
      e.slices === slices &&
      e.timing.readCycles === timing.readCycles &&
      e.timing.adcs === timing.adcs &&
      e.timing.adcCycles === timing.adcCycles,
  );
  if (hit) return hit.m;
  // Runs of steps with the same back-stage time compose as one power: exact, since max-plus
  // products of integers are associative.
  let perSlice: MaxPlus2 = { ...IDENTITY };
  for (let i = 0; i < ouCols.length;) {
    const back = backStageCycles(ouCols[i], timing.adcs, timing.adcCycles);
    let j = i + 1;
    while (j < ouCols.length && backStageCycles(ouCols[j], timing.adcs, timing.adcCycles) === back) j++;
    perSlice = compose(power(stepMatrix(timing.readCycles, back), j - i), perSlice);
    i = j;
  }
  const m = power(perSlice, slices);
  if (!known) matrices.set(ouCols, (known = []));
  known.push({ slices, timing: { ...timing }, m });
  return m;
}

/**
 * Cycles between two full OU steps (`ou.cols` bitlines) of one crossbar in steady state: the slower
 * of the two pipeline stages (front: DAC + read + S&H; back: `ceil(ou.cols / adcs)` ADC rounds).
 */
export function ouStepPeriodCycles(arch: Arch): number {
  const timing = layerOuTiming(arch);
  return Math.max(timing.readCycles, backStageCycles(arch.ou.cols, timing.adcs, timing.adcCycles), 1);
}

/**
 * OU timing of a layer's crossbars, its parameters read from the arch here and nowhere else (the
 * ADC's conversion time through the ADC slot, src/energy/adc.ts). A mapping that selects its inputs (index look-ups and
 * input-selection multiplexers: pattern, sre) has the look-up and the mux in front of the DAC drive
 * of every OU step, in series with it: they lengthen the front stage (`inputSelect.*LatencyNs`,
 * summed with `crossbar.readLatencyNs` before rounding up to whole cycles). Decided per layer (any of
 * its crossbars selecting), so that every crossbar of a layer has the same timing in all fidelities.
 */
export function layerOuTiming(arch: Arch, crossbars: readonly CrossbarPlan[] = []): OuTiming {
  let lookups = false;
  let muxes = false;
  for (const plan of crossbars) {
    if (plan.indexLookupsPerSlice > 0) lookups = true;
    if (plan.muxSelectsPerSlice > 0) muxes = true;
  }
  const frontNs =
    arch.crossbar.readLatencyNs +
    (lookups ? arch.inputSelect.indexLatencyNs : 0) +
    (muxes ? arch.inputSelect.muxLatencyNs : 0);
  return {
    readCycles: toCycles(arch, frontNs),
    adcCycles: adcConversionCyclesOf(arch),
    adcs: arch.adc.perCrossbar,
    shiftAddCycles: toCycles(arch, arch.shiftAdd.latencyNs),
  };
}

/**
 * One crossbar's pipeline for a whole input vector (all OU steps of all input slices), and its state
 * between vectors. `x` and `y` follow the recurrence above; `-Infinity`-free because both start at 0.
 */
export class OuPipeline {
  /** Earliest cycle the next read may start. */
  x = 0;
  /** Cycle the back stage (ADCs) is free. */
  y = 0;
  /** The whole vector: every OU step of every input slice, composed. */
  private readonly m: MaxPlus2;
  private readonly shiftAddCycles: number;
  private readonly readCycles: number;
  /** Data-driven vectors only: the cycle the previous vector left (results leave in order). */
  private lastLeave = -Infinity;
  /** A crossbar with no OU steps passes its vector straight through. */
  private readonly empty: boolean;

  constructor(ouCols: ArrayLike<number>, slices: number, timing: OuTiming) {
    this.m = vectorMatrix(ouCols, slices, timing);
    this.shiftAddCycles = timing.shiftAddCycles;
    this.readCycles = timing.readCycles;
    this.empty = ouCols.length === 0 || slices === 0;
  }

  /**
   * Cycles per vector when vectors come back to back: the max-plus eigenvalue of the vector's matrix,
   * max(a, d, (b + c) / 2) for a 2x2 matrix (the growth rate of x and y under repeated vectors).
   */
  get cyclesPerVector(): number {
    if (this.empty) return 0;
    const m = this.m;
    return Math.max(m.a, m.d, (m.b + m.c) / 2);
  }

  /**
   * Steady-state snapshot (src/sim/steady-state.ts). Every later vector is ready at or after `now`, so
   * x only matters through max(x, now), and y only through max(y, now + min(a - b, c - d)) (below that
   * both maxima in runVector take their x term): both are written clamped.
   */
  capture(w: { timeAtLeast(cycle: number, floor: number): void }, now: number): void {
    if (this.empty) return;
    const m = this.m;
    w.timeAtLeast(this.x, now);
    w.timeAtLeast(this.y, now + Math.min(m.a - m.b, m.c - m.d));
  }

  /** A steady-state jump of `cycles`. */
  shift(cycles: number): void {
    this.x += cycles;
    this.y += cycles;
  }

  /**
   * Run one input vector whose inputs are in the input register at cycle `ready`; returns the cycle
   * its last result leaves the shift-and-add unit.
   */
  runVector(ready: number): number {
    if (this.empty) return ready;
    const x0 = this.x > ready ? this.x : ready;
    const y0 = this.y;
    const m = this.m;
    this.x = Math.max(m.a + x0, m.b + y0);
    this.y = Math.max(m.c + x0, m.d + y0);
    return this.y + this.shiftAddCycles;
  }

  /**
   * Run one data-driven input vector (docs/simulation.md, "Data-driven simulation"): of the static
   * step sequence only `steps` run, in order; `path` is the sum of max(read, d) over them and
   * `lastBack` the back time d of the last one. For any sequence of n >= 1 steps the recurrence gives
   * b1 = max(x0 + read, y0), b(k+1) = b(k) + max(read, d(k)) (the next read waits for the S&H to be
   * handed over, which is when the previous conversion starts), x' = b(n), y' = b(n) + d(n); so
   * x' = b1 + path - max(read, lastBack). A vector with no step leaves when it is ready, and never
   * before the previous vector (a crossbar's results leave in order, as in the `ou` fidelity).
   */
  runSteps(ready: number, steps: number, path: number, lastBack: number): number {
    let leave = ready;
    if (steps > 0) {
      const read = this.readCycles;
      const x0 = this.x > ready ? this.x : ready;
      const b1 = x0 + read > this.y ? x0 + read : this.y;
      this.x = b1 + path - (read > lastBack ? read : lastBack);
      this.y = this.x + lastBack;
      leave = this.y + this.shiftAddCycles;
    }
    if (leave < this.lastLeave) leave = this.lastLeave;
    this.lastLeave = leave;
    return leave;
  }
}

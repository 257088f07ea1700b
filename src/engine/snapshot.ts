/**
 * Timing-state snapshots for the steady-state fast-forward (src/sim/steady-state.ts): a component
 * writes its state relative to "now" and "this image" into a StateWriter, and moves it by whole
 * periods with a StateShift. Generic (nothing here knows the hardware), so it lives in the engine
 * and both src/hardware and src/sim use it.
 */

/** Writes one snapshot: the timing state (compared) and the additive counters (differenced). */
export class StateWriter {
  readonly values: number[] = [];
  readonly counters: number[] = [];

  constructor(
    /** The snapshot's cycle (the run's now). */
    readonly now: number,
    /** The image whose first position the first layer has just started. */
    readonly image: number,
  ) {}

  /** A cycle (or -Infinity / Infinity), as an offset from now. */
  time(cycle: number): void {
    this.values.push(cycle - this.now);
  }

  /** A cycle that only matters through max(cycle, floor): written clamped to `floor`. */
  timeAtLeast(cycle: number, floor: number): void {
    this.values.push((cycle > floor ? cycle : floor) - this.now);
  }

  /** A position of a stream with `perImage` positions per image, as an offset from this image's first. */
  position(global: number, perImage: number): void {
    this.values.push(global - this.image * perImage);
  }

  /** A value that does not move with time or images (a flag, a step index, a count difference). */
  raw(value: number): void {
    this.values.push(value);
  }

  /** A counter that only adds up; its increment per image is extrapolated, not compared. */
  counter(value: number): void {
    this.counters.push(value);
  }
}

/** One jump: `periods` periods of the steady state ahead, `images` images and `cycles` cycles. */
export class StateShift {
  private cursor = 0;

  constructor(
    readonly cycles: number,
    readonly images: number,
    readonly periods: number,
    /** Per-period increment of each counter, in the order StateWriter.counter saw them. */
    private readonly increments: readonly number[],
  ) {}

  time(cycle: number): number {
    return cycle + this.cycles;
  }

  position(global: number, perImage: number): number {
    return global + this.images * perImage;
  }

  counter(value: number): number {
    return value + this.periods * this.increments[this.cursor++];
  }

  /** Every counter was visited exactly once (a check that capture and shift walk the same way). */
  get countersUsed(): number {
    return this.cursor;
  }
}

/** A part of the model with timing state: it writes it and moves it, walking its fields the same way. */
export interface Periodic {
  capture(w: StateWriter): void;
  shift(s: StateShift): void;
}

/**
 * When each image of a stream is complete: every output position of every layer for that image has
 * been stored. Kept for the images in flight only (a ring), so a long stream costs no memory per image.
 */
import type { Periodic, StateShift, StateWriter } from './steady-state.ts';

export class ImageLedger implements Periodic {
  /** Per in-flight image (ring slot image & mask): its latest store cycle and positions finished. */
  private done = new Float64Array(8);
  private finished = new Float64Array(8);
  private mask = 7;
  /** Images complete so far (images complete in order: image i counts once 0..i-1 have). */
  completed = 0;
  /** Highest image any position has finished for. */
  private highest = -1;
  /** Cycle image 0 was complete: its latency. */
  firstLatency = NaN;

  constructor(private readonly positionsPerImage: number) {}

  /** A position of `image` was stored at `cycle`. */
  finish(image: number, cycle: number): void {
    while (image - this.completed > this.mask) this.grow();
    const slot = image & this.mask;
    if (cycle > this.done[slot]) this.done[slot] = cycle;
    this.finished[slot]++;
    if (image > this.highest) this.highest = image;
    while (this.completed <= this.highest) {
      const s = this.completed & this.mask;
      if (this.finished[s] !== this.positionsPerImage) break;
      const at = this.done[s];
      if (this.completed === 0) this.firstLatency = at;
      this.done[s] = 0;
      this.finished[s] = 0;
      this.completed++;
    }
  }

  capture(w: StateWriter): void {
    w.position(this.completed, 1);
    w.position(this.highest, 1);
    for (let i = this.completed; i <= this.highest; i++) {
      const finished = this.finished[i & this.mask];
      w.raw(finished);
      if (finished > 0) w.time(this.done[i & this.mask]);
    }
  }

  shift(s: StateShift): void {
    const n = this.highest - this.completed + 1;
    const done = new Float64Array(Math.max(0, n));
    const finished = new Float64Array(Math.max(0, n));
    for (let k = 0; k < n; k++) {
      const slot = (this.completed + k) & this.mask;
      done[k] = this.done[slot];
      finished[k] = this.finished[slot];
      this.done[slot] = 0;
      this.finished[slot] = 0;
    }
    this.completed = s.position(this.completed, 1);
    this.highest = s.position(this.highest, 1);
    for (let k = 0; k < n; k++) {
      const slot = (this.completed + k) & this.mask;
      // An image with nothing stored yet keeps 0 (no cycle to move).
      this.done[slot] = finished[k] > 0 ? s.time(done[k]) : 0;
      this.finished[slot] = finished[k];
    }
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    const done = new Float64Array(size);
    const finished = new Float64Array(size);
    for (let i = this.completed; i <= this.highest; i++) {
      done[i & (size - 1)] = this.done[i & this.mask];
      finished[i & (size - 1)] = this.finished[i & this.mask];
    }
    this.done = done;
    this.finished = finished;
    this.mask = size - 1;
  }
}

/**
 * A FIFO of (cycle, value) pairs in growable typed arrays: what travels along one dataflow edge or
 * waits to complete in one layer copy. No allocation per entry once grown.
 */
export class TimedQueue {
  private times: Float64Array;
  /** Float64, not Int32: a stream of many images numbers its positions beyond 2^31. */
  private values: Float64Array;
  private head = 0;
  private tail = 0;

  constructor(capacity = 64) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get size(): number {
    return this.tail - this.head;
  }

  /** Cycle of the first entry (Infinity when empty). */
  get headTime(): number {
    return this.head < this.tail ? this.times[this.head] : Infinity;
  }

  get headValue(): number {
    return this.values[this.head];
  }

  /** Append; entries must come in nondecreasing cycle order (FIFO delivery). */
  push(time: number, value: number): void {
    if (this.tail === this.times.length) this.grow();
    this.times[this.tail] = time;
    this.values[this.tail] = value;
    this.tail++;
  }

  /** Cycle of the last entry (-Infinity when empty). */
  get lastTime(): number {
    return this.head < this.tail ? this.times[this.tail - 1] : -Infinity;
  }

  shift(): void {
    this.head++;
    if (this.head === this.tail) this.head = this.tail = 0;
  }

  /** The k-th live entry's cycle and value (0 = head), for steady-state snapshots. */
  timeAt(k: number): number {
    return this.times[this.head + k];
  }

  valueAt(k: number): number {
    return this.values[this.head + k];
  }

  /** Adds `cycles` to every entry's cycle and `values` to every value (a steady-state jump). */
  moveBy(cycles: number, values: number): void {
    for (let k = this.head; k < this.tail; k++) {
      this.times[k] += cycles;
      this.values[k] += values;
    }
  }

  private grow(): void {
    const live = this.tail - this.head;
    const capacity = Math.max(64, live * 2);
    const times = new Float64Array(capacity);
    const values = new Float64Array(capacity);
    times.set(this.times.subarray(this.head, this.tail));
    values.set(this.values.subarray(this.head, this.tail));
    this.times = times;
    this.values = values;
    this.head = 0;
    this.tail = live;
  }
}

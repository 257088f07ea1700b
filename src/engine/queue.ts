/**
 * The event queue contract. Entries are totally ordered by (cycle, priority, seq): earliest cycle
 * first, then lowest priority, then lowest sequence number. The queue hands out the sequence
 * numbers itself, from a counter that only grows (also across `clear`), so entries with equal
 * (cycle, priority) leave in the order they were pushed (FIFO) and every run is deterministic.
 *
 * Three implementations exist: `ReferenceQueue` (js-sdsl's PriorityQueue, obviously correct, kept
 * as the oracle for tests), `HeapQueue` (a typed-array binary heap) and `CalendarQueue` (buckets of
 * integer cycles over a HeapQueue for far events, the default because it is faster; see
 * calendar-queue.ts and docs/engine.md for the measurements).
 */
export interface EventQueue<T> {
  /** Adds `item` due at `cycle` with `priority`; returns the entry's sequence number. */
  push(item: T, cycle: number, priority: number): number;
  /** Removes and returns the first entry's item, or undefined if the queue is empty. */
  pop(): T | undefined;
  /** The first entry's item without removing it, or undefined if the queue is empty. */
  peek(): T | undefined;
  /** The first entry's cycle, or Infinity if the queue is empty. */
  peekCycle(): number;
  /** The first entry's priority, or -1 if the queue is empty. */
  peekPriority(): number;
  /** The first entry's sequence number, or -1 if the queue is empty. */
  peekSeq(): number;
  /** Number of entries. */
  readonly size: number;
  /** Removes every entry (sequence numbers keep growing). */
  clear(): void;
  /**
   * Keeps only the entries for which `keep(item, seq)` is true and returns how many were dropped.
   * O(n); the simulator uses it to drop stale entries left by lazy deschedules.
   */
  retain(keep: (item: T, seq: number) => boolean): number;
  /** Calls `visit` for every entry (stale ones too), in no particular order. */
  forEach(visit: (item: T, cycle: number, priority: number, seq: number) => void): void;
  /** Adds `delta` cycles to every entry; order among entries is unchanged (steady-state jumps). */
  shiftCycles(delta: number): void;
}

/** Which queue implementation a simulator uses. */
export type QueueKind = 'calendar' | 'heap' | 'reference';

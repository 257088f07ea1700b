import { HeapQueue } from './heap-queue.ts';
import type { EventQueue } from './queue.ts';

/**
 * Cycles covered by the buckets (a power of two). Events due later wait in a heap until the window
 * reaches them. The `ou` fidelity schedules almost everything a read or a conversion ahead (tens of
 * cycles); a window of a few thousand cycles keeps the heap nearly empty.
 */
const WINDOW = 4096;
const MASK = WINDOW - 1;
const NONE = -1;
const INITIAL_CAPACITY = 1024;

/**
 * The default event queue: a calendar (bucket) queue for integer cycles, with the same total order
 * (cycle, priority, seq) as HeapQueue. One bucket per cycle of the window [base, base + WINDOW), where
 * `base` is the cycle of the entry popped last; a bucket is a linked list of its entries in
 * (priority, seq) order. Pushing appends (an entry's seq is the largest so far, so among equal
 * priorities the end is its place; a lower priority walks the short list), popping takes the first
 * entry of the first non-empty bucket: O(1) where the heap needs O(log n) moves of three numbers.
 *
 * Entries due at base + WINDOW or later sit in a HeapQueue with their seqs, and move into their
 * buckets, in heap order, as soon as `base` advances far enough; so a bucket's later pushes always
 * come after them, which is their (priority, seq) order. Entries are slots in typed arrays (the
 * lists' links too): nothing is allocated per push or pop. The differential tests in
 * test/engine/queue.test.ts hold it to the js-sdsl reference, and test/sim to HeapQueue's event trace.
 */
export class CalendarQueue<T> implements EventQueue<T> {
  private items: (T | undefined)[];
  private seqs: Float64Array;
  private priorities: Uint8Array;
  private links: Int32Array;
  private freeSlots: Int32Array;
  private freeCount: number;
  /** First and last slot of each bucket (NONE when empty), indexed by cycle modulo WINDOW. */
  private readonly heads = new Int32Array(WINDOW).fill(NONE);
  private readonly tails = new Int32Array(WINDOW).fill(NONE);
  /**
   * One bit per bucket, set while it holds an entry: finding the first entry skips 32 empty cycles
   * per word (the `fast` fidelity's events are often thousands of cycles apart).
   */
  private readonly occupied = new Uint32Array(WINDOW / 32);
  private base = 0;
  /** base % WINDOW: the bucket of cycle `base`. */
  private baseBucket = 0;
  /** Entries in the buckets. */
  private windowCount = 0;
  /** No bucket before base + firstBound holds an entry (a lower bound, advanced lazily). */
  private firstBound = 0;
  /** The first entry's slot (NONE: not known, find it again) and its bucket's offset from base. */
  private front = NONE;
  private frontOffset = 0;
  private readonly later = new HeapQueue<T>(64);
  private nextSeq = 0;

  constructor(initialCapacity = INITIAL_CAPACITY) {
    const capacity = Math.max(1, initialCapacity);
    this.items = new Array<T | undefined>(capacity).fill(undefined);
    this.seqs = new Float64Array(capacity);
    this.priorities = new Uint8Array(capacity);
    this.links = new Int32Array(capacity);
    this.freeSlots = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.freeSlots[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  get size(): number {
    return this.windowCount + this.later.size;
  }

  push(item: T, cycle: number, priority: number): number {
    const seq = this.nextSeq++;
    if (cycle < this.base) this.rewind(cycle);
    const offset = cycle - this.base;
    if (offset >= WINDOW) this.later.insert(item, cycle, priority, seq);
    else this.place(item, offset, priority, seq);
    return seq;
  }

  pop(): T | undefined {
    if (this.windowCount === 0) {
      if (this.later.size === 0) return undefined;
      // The window is empty: jump to the heap's first entry.
      const cycle = this.later.peekCycle();
      const item = this.later.pop();
      this.moveBase(cycle);
      return item;
    }
    const slot = this.frontSlot();
    const offset = this.frontOffset;
    const bucket = (this.baseBucket + offset) & MASK;
    this.front = NONE;
    const item = this.items[slot];
    this.items[slot] = undefined; // do not keep the payload alive
    const next = this.links[slot];
    this.heads[bucket] = next;
    if (next === NONE) {
      this.tails[bucket] = NONE;
      this.occupied[bucket >>> 5] &= ~(1 << (bucket & 31));
    }
    this.freeSlots[this.freeCount++] = slot;
    this.windowCount--;
    this.firstBound = next === NONE ? 1 : 0;
    if (offset > 0) {
      this.base += offset;
      this.baseBucket = bucket;
      this.pullFromLater();
    }
    return item;
  }

  peek(): T | undefined {
    if (this.windowCount === 0) return this.later.peek();
    return this.items[this.frontSlot()];
  }

  peekCycle(): number {
    if (this.windowCount === 0) return this.later.peekCycle();
    this.frontSlot();
    return this.base + this.frontOffset;
  }

  peekPriority(): number {
    if (this.windowCount === 0) return this.later.peekPriority();
    return this.priorities[this.frontSlot()];
  }

  peekSeq(): number {
    if (this.windowCount === 0) return this.later.peekSeq();
    return this.seqs[this.frontSlot()];
  }

  clear(): void {
    this.retain(() => false);
  }

  retain(keep: (item: T, seq: number) => boolean): number {
    this.front = NONE;
    let dropped = 0;
    for (let bucket = 0; bucket < WINDOW; bucket++) {
      let prev = NONE;
      let slot = this.heads[bucket];
      while (slot !== NONE) {
        const next = this.links[slot];
        if (keep(this.items[slot] as T, this.seqs[slot])) {
          prev = slot;
        } else {
          if (prev === NONE) this.heads[bucket] = next;
          else this.links[prev] = next;
          this.items[slot] = undefined;
          this.freeSlots[this.freeCount++] = slot;
          this.windowCount--;
          dropped++;
        }
        slot = next;
      }
      this.tails[bucket] = prev;
      if (prev === NONE) this.occupied[bucket >>> 5] &= ~(1 << (bucket & 31));
    }
    return dropped + this.later.retain(keep);
  }

  forEach(visit: (item: T, cycle: number, priority: number, seq: number) => void): void {
    for (let bucket = 0; bucket < WINDOW; bucket++) {
      const cycle = this.base + ((bucket - this.baseBucket) & MASK);
      for (let slot = this.heads[bucket]; slot !== NONE; slot = this.links[slot])
        visit(this.items[slot] as T, cycle, this.priorities[slot], this.seqs[slot]);
    }
    this.later.forEach(visit);
  }

  shiftCycles(delta: number): void {
    // Rare (steady-state jumps): every bucket entry goes to the heap, shifted, and comes back.
    this.later.shiftCycles(delta);
    this.drainWindow(delta);
    this.moveBase(this.base + delta);
  }

  /** The first entry's slot (the window holds an entry); sets frontOffset. */
  private frontSlot(): number {
    if (this.front !== NONE) return this.front;
    let offset = this.firstBound;
    let bucket = (this.baseBucket + offset) & MASK;
    for (;;) {
      const bits = this.occupied[bucket >>> 5] >>> (bucket & 31); // this bucket and the rest of its word
      if (bits !== 0) {
        offset += 31 - Math.clz32(bits & -bits); // the lowest set bit
        break;
      }
      const rest = 32 - (bucket & 31);
      offset += rest;
      bucket = (bucket + rest) & MASK;
    }
    this.firstBound = offset;
    this.frontOffset = offset;
    this.front = this.heads[(this.baseBucket + offset) & MASK];
    return this.front;
  }

  /** Links a new entry into its bucket, after the entries of its priority and lower. */
  private place(item: T, offset: number, priority: number, seq: number): void {
    if (this.freeCount === 0) this.grow();
    const slot = this.freeSlots[--this.freeCount];
    this.items[slot] = item;
    this.seqs[slot] = seq;
    this.priorities[slot] = priority;
    const bucket = (this.baseBucket + offset) & MASK;
    const tail = this.tails[bucket];
    if (tail === NONE) {
      this.heads[bucket] = slot;
      this.tails[bucket] = slot;
      this.links[slot] = NONE;
      this.occupied[bucket >>> 5] |= 1 << (bucket & 31);
      if (offset <= this.frontOffset) this.front = NONE;
    } else if (this.priorities[tail] <= priority) {
      this.links[tail] = slot;
      this.links[slot] = NONE;
      this.tails[bucket] = slot;
    } else {
      let prev = NONE;
      let at = this.heads[bucket];
      while (this.priorities[at] <= priority) {
        prev = at;
        at = this.links[at];
      }
      this.links[slot] = at;
      if (prev === NONE) {
        this.heads[bucket] = slot;
        if (offset <= this.frontOffset) this.front = NONE;
      } else {
        this.links[prev] = slot;
      }
    }
    this.windowCount++;
    if (offset < this.firstBound) this.firstBound = offset;
  }

  /** Moves the heap's entries that the window now covers into their buckets, in heap order. */
  private pullFromLater(): void {
    const later = this.later;
    while (later.size > 0) {
      const cycle = later.peekCycle();
      if (cycle - this.base >= WINDOW) return;
      const priority = later.peekPriority();
      const seq = later.peekSeq();
      this.place(later.pop() as T, cycle - this.base, priority, seq);
    }
  }

  /** Sets base to `cycle` with an empty window, then fills the window from the heap. */
  private moveBase(cycle: number): void {
    this.front = NONE;
    this.base = cycle;
    this.baseBucket = cycle % WINDOW;
    this.firstBound = 0;
    this.pullFromLater();
  }

  /** A push before base (the queue used outside a simulator's forward-only clock): start the window there. */
  private rewind(cycle: number): void {
    this.drainWindow(0);
    this.moveBase(cycle);
  }

  /** Every bucket entry into the heap, `delta` cycles later, keeping its seq; the window is left empty. */
  private drainWindow(delta: number): void {
    this.front = NONE;
    for (let bucket = 0; bucket < WINDOW; bucket++) {
      const cycle = this.base + ((bucket - this.baseBucket) & MASK) + delta;
      for (let slot = this.heads[bucket]; slot !== NONE; slot = this.links[slot]) {
        this.later.insert(this.items[slot] as T, cycle, this.priorities[slot], this.seqs[slot]);
        this.items[slot] = undefined;
        this.freeSlots[this.freeCount++] = slot;
      }
      this.heads[bucket] = NONE;
      this.tails[bucket] = NONE;
    }
    this.occupied.fill(0);
    this.windowCount = 0;
  }

  /** Doubles the slot arrays; the only allocation after construction (besides the heap's). */
  private grow(): void {
    const old = this.seqs.length;
    const capacity = old * 2;
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const priorities = new Uint8Array(capacity);
    priorities.set(this.priorities);
    this.priorities = priorities;
    const links = new Int32Array(capacity);
    links.set(this.links);
    this.links = links;
    for (let i = old; i < capacity; i++) this.items.push(undefined);
    const freeSlots = new Int32Array(capacity);
    freeSlots.set(this.freeSlots.subarray(0, this.freeCount));
    // Every old slot is in use (we only grow when none is free), so the new slots are the free ones.
    for (let s = capacity - 1; s >= old; s--) freeSlots[this.freeCount++] = s;
    this.freeSlots = freeSlots;
  }
}

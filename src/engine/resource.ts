import { Component } from './component.ts';
import type { Simulator } from './simulator.ts';
import type { Counter } from './stats.ts';

/**
 * N identical servers with one first-in-first-out waiting line: ADCs shared by the OUs of a
 * crossbar, buffer ports, NoC links. Two ways to use it (one per Resource, not mixed):
 *
 * - event-driven (`ou` fidelity): `acquire(onGrant)` calls `onGrant` as soon as a server is free
 *   (at once, or later from inside the `release()` that frees one); the holder calls `release()`.
 * - calendar (`fast` fidelity): `reserve(earliest, duration)` books the earliest-free server for a
 *   job that may start at `earliest`, without any event, and returns the cycle it starts.
 *
 * Both give the same start times for the same jobs when jobs are offered in nondecreasing
 * `earliest` order (the test proves it): FIFO means no job overtakes an earlier one, so each job
 * takes the server that frees up first, at max(its arrival, that server's free time).
 */
export class Resource extends Component {
  readonly servers: number;
  private mode: 'unused' | 'events' | 'calendar' = 'unused';

  // event-driven state
  private busyServers = 0;
  private lastChange = 0;
  private busyAccumulated = 0;
  private waiters: ((() => void) | undefined)[] = [];
  private waiterArrivals = new Float64Array(16);
  private waitHead = 0;
  private waitCount = 0;

  // calendar state: a binary min-heap of the cycles at which each server becomes free
  private readonly freeAt: Float64Array;

  private readonly jobs: Counter;
  private readonly waits: Counter;
  private readonly waitCycles: Counter;
  private readonly queueMax: Counter;

  constructor(sim: Simulator, name: string, parent: Component | undefined, servers: number) {
    super(sim, name, parent);
    if (!Number.isSafeInteger(servers) || servers < 1) {
      throw this.error(`a resource needs a positive integer number of servers, got ${servers}`);
    }
    this.servers = servers;
    this.freeAt = new Float64Array(servers);
    this.waiters = new Array<(() => void) | undefined>(16).fill(undefined);
    this.jobs = this.counter('jobs_count', 'count', 'jobs served (grants or reservations)');
    this.waits = this.counter('waits_count', 'count', 'jobs that started after the cycle they arrived in');
    this.waitCycles = this.counter('wait_cycles', 'cycles', 'total cycles jobs spent waiting for a server');
    this.queueMax = this.counter(
      'queue_max_count',
      'count',
      'longest waiting line seen (event-driven use only, and it counts a job that arrives in the cycle a server frees up; 0 under reserve())',
    );
    this.formula('busy_cycles', 'cycles', 'server-cycles spent serving jobs', () => this.busyCycles());
    this.formula('utilisation_ratio', 'ratio', 'busy_cycles / (servers * elapsed cycles)', () => {
      const elapsed = this.sim.now * this.servers;
      return elapsed === 0 ? 0 : this.busyCycles() / elapsed;
    });
  }

  /** Servers currently held (event-driven use). */
  get inUse(): number {
    return this.busyServers;
  }

  /** Jobs waiting for a server (event-driven use). */
  get queueLength(): number {
    return this.waitCount;
  }

  /**
   * Asks for a server. If one is free, `onGrant` runs now, inside this call; otherwise it runs when
   * a server is released to it, in arrival order. Pass a function created once, not a fresh
   * closure per call, to keep the hot path free of allocation.
   */
  acquire(onGrant: () => void): void {
    this.useMode('events');
    this.jobs.add(1);
    if (this.busyServers < this.servers) {
      this.setBusy(this.busyServers + 1);
      onGrant();
      return;
    }
    if (this.waitCount === this.waiters.length) this.growWaitLine();
    let tail = this.waitHead + this.waitCount;
    if (tail >= this.waiters.length) tail -= this.waiters.length;
    this.waiters[tail] = onGrant;
    this.waiterArrivals[tail] = this.sim.now;
    this.waitCount++;
    if (this.waitCount > this.queueMax.value) this.queueMax.value = this.waitCount;
  }

  /** Frees a server; the longest-waiting job, if any, gets it at once (its onGrant runs here). */
  release(): void {
    if (this.busyServers === 0) throw this.error('release() without a matching acquire()');
    if (this.waitCount === 0) {
      this.setBusy(this.busyServers - 1);
      return;
    }
    const onGrant = this.waiters[this.waitHead] as () => void;
    // A job counts as waiting only if it starts after the cycle it arrived in: a release and an
    // acquire in the same cycle give the same answer whichever event the queue ran first.
    const waited = this.sim.now - this.waiterArrivals[this.waitHead];
    if (waited > 0) {
      this.waits.add(1);
      this.waitCycles.add(waited);
    }
    this.waiters[this.waitHead] = undefined;
    this.waitHead = this.waitHead + 1 === this.waiters.length ? 0 : this.waitHead + 1;
    this.waitCount--;
    onGrant(); // the server passes straight to the waiter: busy count unchanged
  }

  /**
   * Books a job that may start at `earliest` and holds a server for `duration` cycles; returns the
   * cycle it starts: max(earliest, the earliest time any server is free). Jobs are served in call
   * order (no job is placed in an idle gap before an earlier-booked one). O(log servers), no events.
   */
  reserve(earliest: number, duration: number): number {
    this.useMode('calendar');
    if (!Number.isSafeInteger(earliest) || earliest < 0 || !Number.isSafeInteger(duration) || duration < 0) {
      throw this.error(`reserve(${earliest}, ${duration}): expected integer cycles >= 0`);
    }
    const heap = this.freeAt;
    const start = heap[0] > earliest ? heap[0] : earliest;
    this.jobs.add(1);
    if (start > earliest) {
      this.waits.add(1);
      this.waitCycles.add(start - earliest);
    }
    this.busyAccumulated += duration;
    // Replace the root (the server we took) by its new free time and sift it down.
    const freeAgain = start + duration;
    const n = heap.length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1] < heap[child]) child++;
      if (heap[child] >= freeAgain) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = freeAgain;
    return start;
  }

  /**
   * Calendar state for a steady-state snapshot: each server's free cycle, as `visit` sees it. Every
   * later booking starts at or after the caller's now and takes the earliest-free server, so only the
   * multiset of free cycles matters (the caller sorts and clamps it). Event-driven use has none.
   */
  calendarFreeCycles(): readonly number[] {
    return Array.from(this.freeAt).sort((a, b) => a - b);
  }

  /** Busy server-cycles so far (calendar use), for steady-state extrapolation. */
  get calendarBusyCycles(): number {
    return this.busyAccumulated;
  }

  /**
   * A steady-state jump (calendar use only): every free cycle `cycles` later, the busy total set to
   * `busy`. Event-driven state cannot be moved and refuses.
   */
  shiftCalendar(cycles: number, busy: number): void {
    if (this.mode === 'events') throw this.error('shiftCalendar: the resource is in event-driven use');
    for (let i = 0; i < this.freeAt.length; i++) this.freeAt[i] += cycles;
    this.busyAccumulated = busy;
  }

  /** The earliest cycle at which some server is free under reserve(). */
  get nextFreeCycle(): number {
    return this.freeAt[0];
  }

  private busyCycles(): number {
    if (this.mode === 'events') {
      return this.busyAccumulated + this.busyServers * (this.sim.now - this.lastChange);
    }
    return this.busyAccumulated;
  }

  private setBusy(servers: number): void {
    const now = this.sim.now;
    this.busyAccumulated += this.busyServers * (now - this.lastChange);
    this.lastChange = now;
    this.busyServers = servers;
  }

  private useMode(mode: 'events' | 'calendar'): void {
    if (this.mode === mode) return;
    if (this.mode !== 'unused') {
      throw this.error(
        `cannot mix acquire()/release() and reserve() on one resource (already in ${this.mode} use)`,
      );
    }
    this.mode = mode;
  }

  private growWaitLine(): void {
    const size = this.waiters.length;
    const waiters = new Array<(() => void) | undefined>(size * 2).fill(undefined);
    const arrivals = new Float64Array(size * 2);
    for (let k = 0; k < this.waitCount; k++) {
      const from = (this.waitHead + k) % size;
      waiters[k] = this.waiters[from];
      arrivals[k] = this.waiterArrivals[from];
    }
    this.waiters = waiters;
    this.waiterArrivals = arrivals;
    this.waitHead = 0;
  }
}

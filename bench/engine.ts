/**
 * Engine benchmarks: raw queue throughput and dispatch through components.
 *
 * A plain hrtime loop, not tinybench: the operations measured take ~100-200 ns, and tinybench
 * times every call of its task function separately, so its own bookkeeping would be a large part of
 * what it measures; it also cannot keep a queue at a fixed number of pending events between calls.
 * Here each figure is the median of several timed repetitions of a long loop, after a warm-up.
 *
 * Allocation is measured by counting young-generation (scavenge) garbage collections during the
 * timed loops: allocating even 16 bytes per event would trigger dozens per million events.
 */
import { loadavg } from 'node:os';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { Component } from '../src/engine/component.ts';
import { SimEvent } from '../src/engine/event.ts';
import { CalendarQueue } from '../src/engine/calendar-queue.ts';
import { HeapQueue } from '../src/engine/heap-queue.ts';
import { indexedName } from '../src/engine/names.ts';
import type { QueueKind } from '../src/engine/queue.ts';
import { ReferenceQueue } from '../src/engine/reference-queue.ts';
import { Simulator } from '../src/engine/simulator.ts';

const REPEATS = 5;
// Figures are medians (and best) of REPEATS timed loops. On a shared machine other processes steal
// cycles; "best" is then the closer estimate of what the code can do, "median" of what you get.

/** Counts minor GCs between start() and stop(); observer entries arrive asynchronously. */
class ScavengeCounter {
  private count = 0;
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as { detail?: { kind?: number } }).detail;
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) this.count++;
    }
  });

  start(): void {
    this.count = 0;
    this.observer.observe({ entryTypes: ['gc'] });
  }

  async stop(): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 100)); // GC entries are delivered late
    this.observer.disconnect();
    return this.count;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Precomputed pseudo-random increments (1..1000 cycles) and priorities, so the loop draws nothing. */
const DELTAS = new Int32Array(1 << 16);
const PRIORITIES = new Int32Array(1 << 16);
{
  let x = 2463534242;
  for (let i = 0; i < DELTAS.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    DELTAS[i] = 1 + ((x >>> 0) % 1000);
    PRIORITIES[i] = [0, 50, 50, 50, 90][(x >>> 0) % 5];
  }
}
const MASK = DELTAS.length - 1;

/**
 * The classic "hold" benchmark: fill the queue with `pending` entries, then repeatedly pop the
 * first and push it back 1..1000 cycles later, so the size stays at `pending`. One pop + one push
 * counts as one event. There is one copy of the loop per queue class on purpose: a shared loop
 * would see two classes at its call sites and the JIT would compile slower polymorphic calls,
 * penalising whichever queue ran second.
 */
function holdHeap(pending: number, events: number): number {
  const queue = new HeapQueue<object>();
  const item = {};
  for (let i = 0; i < pending; i++) queue.push(item, DELTAS[i & MASK], PRIORITIES[i & MASK]);
  const start = process.hrtime.bigint();
  for (let i = 0; i < events; i++) {
    const now = queue.peekCycle();
    queue.pop();
    queue.push(item, now + DELTAS[i & MASK], PRIORITIES[i & MASK]);
  }
  return events / seconds(start);
}

function holdCalendar(pending: number, events: number): number {
  const queue = new CalendarQueue<object>();
  const item = {};
  for (let i = 0; i < pending; i++) queue.push(item, DELTAS[i & MASK], PRIORITIES[i & MASK]);
  const start = process.hrtime.bigint();
  for (let i = 0; i < events; i++) {
    const now = queue.peekCycle();
    queue.pop();
    queue.push(item, now + DELTAS[i & MASK], PRIORITIES[i & MASK]);
  }
  return events / seconds(start);
}

function holdReference(pending: number, events: number): number {
  const queue = new ReferenceQueue<object>();
  const item = {};
  for (let i = 0; i < pending; i++) queue.push(item, DELTAS[i & MASK], PRIORITIES[i & MASK]);
  const start = process.hrtime.bigint();
  for (let i = 0; i < events; i++) {
    const now = queue.peekCycle();
    queue.pop();
    queue.push(item, now + DELTAS[i & MASK], PRIORITIES[i & MASK]);
  }
  return events / seconds(start);
}

/** `components` components, each with one event that reschedules itself 1..1000 cycles later. */
function dispatchLoop(kind: QueueKind, components: number, events: number): number {
  const sim = new Simulator({ queue: kind });
  const top = new Component(sim, 'chip');
  let draw = 0;
  for (let c = 0; c < components; c++) {
    const pe = new Component(sim, indexedName('pe', c), top);
    const tick: SimEvent = new SimEvent(pe, 'tick', () => {
      sim.schedule(tick, sim.now + DELTAS[draw++ & MASK]);
    });
    sim.schedule(tick, DELTAS[c & MASK]);
  }
  sim.run(0); // wire and start outside the timed part
  const start = process.hrtime.bigint();
  let dispatched = sim.eventsDispatched;
  // Run in slices of simulated time until enough events have been dispatched.
  while (sim.eventsDispatched - dispatched < events) sim.run(sim.now + 10_000);
  dispatched = sim.eventsDispatched - dispatched;
  return dispatched / seconds(start);
}

interface Figure {
  label: string;
  median: number;
  best: number;
  gcsPerMillion: number;
}

async function measure(label: string, run: () => number, events: number): Promise<Figure> {
  run(); // warm-up: let the JIT compile the loop
  const gc = new ScavengeCounter();
  gc.start();
  const rates: number[] = [];
  for (let r = 0; r < REPEATS; r++) rates.push(run());
  const gcs = await gc.stop();
  const figure = {
    label,
    median: median(rates),
    best: Math.max(...rates),
    gcsPerMillion: (gcs / (REPEATS * events)) * 1e6,
  };
  console.log(
    `${label.padEnd(46)} ${(figure.median / 1e6).toFixed(2).padStart(6)} M/s median ` +
      `${(figure.best / 1e6).toFixed(2).padStart(6)} M/s best  ${figure.gcsPerMillion.toFixed(1).padStart(6)} minor GCs per M events`,
  );
  return figure;
}

/** Prints events per second; returns the figures (for anyone who wants to post-process them). */
export async function engineBench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const events = 1_000_000;
  console.log(
    `engine: median and best of ${REPEATS} runs of ${events / 1e6} M events after a warm-up (node ${process.version})`,
  );
  const load = (): string => loadavg()[0].toFixed(1);
  console.log(`load average at start: ${load()} (figures drop when other processes share the cores)`);
  console.log('push+pop, hold model (pop the first event, push it back 1..1000 cycles later)');
  for (const pending of [1e3, 1e4, 1e5]) {
    const n = pending.toExponential(0).replace('+', '');
    figures.push(
      await measure(
        `  ${n} pending   CalendarQueue (buckets, default)`,
        () => holdCalendar(pending, events),
        events,
      ),
    );
    figures.push(
      await measure(`  ${n} pending   HeapQueue (typed arrays)`, () => holdHeap(pending, events), events),
    );
    figures.push(
      await measure(
        `  ${n} pending   ReferenceQueue (js-sdsl)`,
        () => holdReference(pending, events),
        events,
      ),
    );
  }
  console.log('dispatch through components (each component event reschedules itself 1..1000 cycles later)');
  // The default queue first: once the simulator's run loop has seen another queue too, its calls
  // become polymorphic, which is not what a real run (one queue) sees.
  for (const kind of ['calendar', 'heap', 'reference'] as const) {
    for (const components of [1e3, 1e4]) {
      const n = components.toExponential(0).replace('+', '');
      figures.push(
        await measure(
          `  ${n} components ${kind} queue`,
          () => dispatchLoop(kind, components, events),
          events,
        ),
      );
    }
  }
  console.log(`load average at end: ${load()}`);
  return figures;
}

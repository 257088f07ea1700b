import { expect } from 'chai';
import fc from 'fast-check';
import { Component } from '../../src/engine/component.ts';
import { SimEvent } from '../../src/engine/event.ts';
import { Link } from '../../src/engine/link.ts';
import { indexedName } from '../../src/engine/names.ts';
import { InPort, OutPort } from '../../src/engine/port.ts';
import { Resource } from '../../src/engine/resource.ts';
import { Simulator } from '../../src/engine/simulator.ts';

/*
 * The model: a source emits job j at cycle j*P into a chain of K single-server FIFO stages with
 * service times s_1..s_K, joined by links with latencies l_0 (source -> stage 1) ... l_K
 * (stage K -> sink); the sink serves each job on a shared Resource of S servers for R cycles.
 *
 * Closed form. Let D_k(j) be the cycle stage k finishes job j and A_k(j) when it arrives:
 *   A_1(j) = jP + l_0,   D_k(j) = max(A_k(j), D_k(j-1)) + s_k,   A_{k+1}(j) = D_k(j) + l_k.
 * Unrolling the max gives a longest path through the (stage, job) grid: a path from job i at the
 * source visits every stage once (collecting s_k + l_k) and makes j - i steps "to the next job"
 * at some stages, each worth that stage's s_k, best taken at the slowest stage s_max. So
 *   D_K(j) + l_K = max_i (iP + (j-i) s_max) + sum(l_0..l_K) + sum(s_1..s_K) = A0 + jT,
 * with T = max(P, s_max) and A0 = sum(l) + sum(s): the sink sees one job every T cycles.
 * With S servers, FIFO and equal service R, job j takes the server job j-S leaves, so
 *   start(j) = max(A0 + jT, start(j-S) + R) = A0 + jT + floor(j/S) * max(0, R - S*T),
 * and job j completes at start(j) + R.
 */
interface Params {
  period: number; // P
  service: number[]; // s_1..s_K
  latency: number[]; // l_0..l_K (K + 1 entries)
  servers: number; // S
  hold: number; // R
  jobs: number; // N
}

function closedFormCompletion(p: Params, j: number): number {
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const T = Math.max(p.period, ...p.service);
  const A0 = sum(p.latency) + sum(p.service);
  return A0 + j * T + Math.floor(j / p.servers) * Math.max(0, p.hold - p.servers * T) + p.hold;
}

class Source extends Component {
  readonly out: OutPort<number>;
  private nextJob = 0;
  private readonly emit: SimEvent;

  constructor(
    sim: Simulator,
    parent: Component,
    private readonly period: number,
    private readonly jobs: number,
  ) {
    super(sim, 'source', parent);
    this.out = new OutPort<number>(this, 'out', () => {
      throw this.error('no back-pressure expected in this model');
    });
    this.emit = new SimEvent(this, 'emit', () => {
      expect(this.out.send(this.nextJob++)).to.equal(true);
      if (this.nextJob < this.jobs) this.sim.schedule(this.emit, this.now + this.period);
    });
  }

  override start(): void {
    if (this.jobs > 0) this.sim.schedule(this.emit, 0);
  }
}

/** One server, FIFO: takes a job from its in-port, holds it `service` cycles, sends it on. */
class Stage extends Component {
  readonly in: InPort<number>;
  readonly out: OutPort<number>;
  private current = -1;
  private readonly done: SimEvent;

  constructor(
    sim: Simulator,
    name: string,
    parent: Component,
    capacity: number,
    private readonly service: number,
  ) {
    super(sim, name, parent);
    this.in = new InPort<number>(this, 'in', () => this.startNext(), capacity);
    this.out = new OutPort<number>(this, 'out', () => {
      throw this.error('no back-pressure expected in this model');
    });
    this.done = new SimEvent(this, 'done', () => {
      expect(this.out.send(this.current)).to.equal(true);
      this.current = -1;
      this.startNext();
    });
  }

  private startNext(): void {
    if (this.current >= 0 || this.in.size === 0) return;
    this.current = this.in.take();
    this.sim.schedule(this.done, this.now + this.service);
  }
}

/** Serves each arriving job on the shared resource for `hold` cycles and records completions. */
class Sink extends Component {
  readonly in: InPort<number>;
  readonly completions: number[] = [];
  private readonly waiting: number[] = [];
  private readonly finishEvents: SimEvent[];
  private readonly granted = (): void => {
    const job = this.waiting.shift()!;
    this.sim.schedule(this.finishEvents[job], this.now + this.hold);
  };

  constructor(
    sim: Simulator,
    parent: Component,
    capacity: number,
    private readonly resource: Resource,
    private readonly hold: number,
    jobs: number,
  ) {
    super(sim, 'sink', parent);
    this.in = new InPort<number>(this, 'in', () => this.arrive(), capacity);
    this.finishEvents = Array.from(
      { length: jobs },
      (_, job) =>
        new SimEvent(this, indexedName('finish', job), () => {
          this.completions[job] = this.now;
          this.resource.release();
        }),
    );
  }

  private arrive(): void {
    this.waiting.push(this.in.take());
    this.resource.acquire(this.granted);
  }
}

function simulate(p: Params): { completions: number[]; finalCycle: number; busy: number } {
  const sim = new Simulator();
  const top = new Component(sim, 'pipeline');
  const capacity = Math.max(1, p.jobs); // big enough that nothing is ever refused
  const source = new Source(sim, top, p.period, p.jobs);
  const stages = p.service.map((s, k) => new Stage(sim, indexedName('stage', k), top, capacity, s));
  const resource = new Resource(sim, 'shared', top, p.servers);
  const sink = new Sink(sim, top, capacity, resource, p.hold, p.jobs);
  const outs = [source.out, ...stages.map((s) => s.out)];
  const ins = [...stages.map((s) => s.in), sink.in];
  outs.forEach(
    (from, k) =>
      new Link<number>(sim, indexedName('link', k), top, { from, to: ins[k], latency: p.latency[k] }),
  );
  const finalCycle = sim.run();
  sim.finish();
  return {
    completions: sink.completions,
    finalCycle,
    busy: sim.stats.value('pipeline.shared', 'busy_cycles'),
  };
}

const paramsArb: fc.Arbitrary<Params> = fc.integer({ min: 1, max: 4 }).chain((stages) =>
  fc.record({
    period: fc.integer({ min: 1, max: 6 }),
    service: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: stages, maxLength: stages }),
    latency: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: stages + 1, maxLength: stages + 1 }),
    servers: fc.integer({ min: 1, max: 3 }),
    hold: fc.integer({ min: 1, max: 12 }),
    jobs: fc.integer({ min: 1, max: 20 }),
  }),
);

describe('engine/closed-form pipeline', () => {
  it('a worked example: P=2, stages (3, 1), latencies (1, 2, 0), 2 servers holding 7 cycles, 5 jobs', () => {
    // T = max(2, 3) = 3, A0 = (1+2+0) + (3+1) = 7; R - S*T = 1 > 0, so every pair of jobs slips a cycle.
    const p: Params = { period: 2, service: [3, 1], latency: [1, 2, 0], servers: 2, hold: 7, jobs: 5 };
    const { completions, finalCycle, busy } = simulate(p);
    expect(completions).to.deep.equal([14, 17, 21, 24, 28]);
    expect(finalCycle).to.equal(28);
    expect(busy).to.equal(5 * 7);
  });

  it('completion times of random pipelines equal the closed form exactly (components, events, links, resource)', () => {
    fc.assert(
      fc.property(paramsArb, (p) => {
        const { completions, busy } = simulate(p);
        const expected = Array.from({ length: p.jobs }, (_, j) => closedFormCompletion(p, j));
        expect(completions).to.deep.equal(expected);
        expect(busy).to.equal(p.jobs * p.hold);
      }),
      { numRuns: 150 },
    );
  });

  it('the calendar (reserve) view of the shared resource gives the same completions without events', () => {
    fc.assert(
      fc.property(paramsArb, (p) => {
        const sim = new Simulator();
        const shared = new Resource(sim, 'shared', undefined, p.servers);
        const T = Math.max(p.period, ...p.service);
        const A0 = p.latency.reduce((a, b) => a + b, 0) + p.service.reduce((a, b) => a + b, 0);
        const completions = Array.from(
          { length: p.jobs },
          (_, j) => shared.reserve(A0 + j * T, p.hold) + p.hold,
        );
        expect(completions).to.deep.equal(simulate(p).completions);
      }),
      { numRuns: 100 },
    );
  });
});

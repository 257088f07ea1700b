import { expect } from 'chai';
import fc from 'fast-check';
import { Component } from '../../src/engine/component.ts';
import { SimEvent } from '../../src/engine/event.ts';
import { Resource } from '../../src/engine/resource.ts';
import { Simulator } from '../../src/engine/simulator.ts';

interface Job {
  arrival: number;
  duration: number;
}

/** Jobs in nondecreasing arrival order (gaps drawn, then summed), many ties and zero durations. */
const jobsArb: fc.Arbitrary<Job[]> = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 9 })), { maxLength: 40 })
  .map((pairs) => {
    let t = 0;
    return pairs.map(([gap, duration]) => ({ arrival: (t += gap), duration }));
  });

const STATS = ['jobs_count', 'waits_count', 'wait_cycles', 'busy_cycles'] as const;

/** Every job arrives by its own event, acquires, holds `duration` cycles and releases. */
function eventDriven(servers: number, jobs: Job[]): { starts: number[]; stats: number[]; end: number } {
  const sim = new Simulator();
  const top = new Component(sim, 'pe');
  const adc = new Resource(sim, 'adc', top, servers);
  const starts: number[] = [];
  jobs.forEach((job, i) => {
    const done = new SimEvent(top, `done${i}`, () => adc.release());
    const granted = (): void => {
      starts[i] = sim.now;
      sim.schedule(done, sim.now + job.duration);
    };
    sim.schedule(new SimEvent(top, `arrive${i}`, () => adc.acquire(granted)), job.arrival);
  });
  const end = sim.run();
  return { starts, stats: STATS.map((s) => sim.stats.value('pe.adc', s)), end };
}

function calendar(servers: number, jobs: Job[]): { starts: number[]; stats: number[] } {
  const sim = new Simulator();
  const adc = new Resource(sim, 'adc', new Component(sim, 'pe'), servers);
  const starts = jobs.map((job) => adc.reserve(job.arrival, job.duration));
  return { starts, stats: STATS.map((s) => sim.stats.value('pe.adc', s)) };
}

/** Independent oracle: S servers, FIFO, each job on the server that frees first. */
function oracleStarts(servers: number, jobs: Job[]): number[] {
  const free = new Array<number>(servers).fill(0);
  return jobs.map((job) => {
    const k = free.indexOf(Math.min(...free));
    const start = Math.max(job.arrival, free[k]);
    free[k] = start + job.duration;
    return start;
  });
}

describe('engine/resource', () => {
  it('acquire/release and reserve agree on start times and statistics for the same jobs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), jobsArb, (servers, jobs) => {
        const ev = eventDriven(servers, jobs);
        const cal = calendar(servers, jobs);
        expect(ev.starts).to.deep.equal(oracleStarts(servers, jobs));
        expect(cal.starts).to.deep.equal(ev.starts);
        expect(cal.stats).to.deep.equal(ev.stats);
      }),
      { numRuns: 300 },
    );
  });

  it('counts waits, wait cycles, busy cycles, longest queue and utilisation (worked example)', () => {
    // One server; jobs arrive at 0, 1, 2 and each holds it 4 cycles: starts 0, 4, 8; end 12.
    const { starts, stats, end } = eventDriven(1, [
      { arrival: 0, duration: 4 },
      { arrival: 1, duration: 4 },
      { arrival: 2, duration: 4 },
    ]);
    expect(starts).to.deep.equal([0, 4, 8]);
    expect(end).to.equal(12);
    expect(stats).to.deep.equal([3, 2, 3 + 6, 12]); // jobs, waits, (4-1)+(8-2), busy
  });

  it('tracks the longest waiting line and utilisation in event-driven use', () => {
    const sim = new Simulator();
    const bus = new Resource(sim, 'bus', undefined, 2);
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const done = new SimEvent(bus, `done${i}`, () => bus.release());
      const granted = (): void => {
        starts.push(sim.now);
        sim.schedule(done, sim.now + 5);
      };
      sim.schedule(new SimEvent(bus, `arrive${i}`, () => bus.acquire(granted)), 0);
    }
    // Five 5-cycle jobs at cycle 0 on 2 servers: two start at 0, two at 5, one at 10; 3 wait at most.
    expect(sim.run()).to.equal(15);
    expect(starts).to.deep.equal([0, 0, 5, 5, 10]);
    expect(sim.stats.value('bus', 'queue_max_count')).to.equal(3);
    expect(sim.stats.value('bus', 'busy_cycles')).to.equal(25);
    expect(sim.stats.value('bus', 'utilisation_ratio')).to.equal(25 / (2 * 15));
  });

  it('refuses misuse, naming the resource', () => {
    const sim = new Simulator();
    const chip = new Component(sim, 'chip');
    const adc = new Resource(sim, 'adc[0]', chip, 1);
    expect(() => adc.release()).to.throw(/chip\.adc\[0\].*release\(\) without a matching acquire/);
    adc.reserve(0, 1);
    expect(() => adc.acquire(() => {})).to.throw(/chip\.adc\[0\].*cannot mix/);
    expect(() => adc.reserve(1.5, 1)).to.throw(/chip\.adc\[0\].*integer cycles/);
    expect(() => new Resource(sim, 'none', chip, 0)).to.throw(
      /chip\.none.*positive integer number of servers/,
    );
  });
});

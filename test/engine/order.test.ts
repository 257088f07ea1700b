import { expect } from 'chai';
import fc from 'fast-check';
import { Component } from '../../src/engine/component.ts';
import { SimEvent } from '../../src/engine/event.ts';
import type { QueueKind } from '../../src/engine/queue.ts';
import { Simulator } from '../../src/engine/simulator.ts';

type OpKind = 'schedule' | 'reschedule' | 'deschedule';
interface Op {
  kind: OpKind;
  event: number;
  delta: number;
}

const opArb = fc.record({
  kind: fc.constantFrom<OpKind>('schedule', 'reschedule', 'deschedule'),
  event: fc.nat(),
  delta: fc.integer({ min: 0, max: 4 }),
});

/** The naive oracle: pending (event -> cycle, priority, order), where order counts schedule calls. */
interface Pending {
  cycle: number;
  priority: number;
  order: number;
}

/**
 * Builds `priorities.length` events; `initial` ops run before the run, and each dispatch runs the
 * next `perDispatch` ops of `later`. Every op is mirrored in a naive oracle (a map searched
 * linearly for the minimum (cycle, priority, order)); each dispatch must be the oracle's minimum.
 * Returns the dispatch log.
 */
function runProgram(
  queue: QueueKind,
  priorities: number[],
  initial: Op[],
  later: Op[],
  perDispatch: number,
): { cycle: number; priority: number; order: number }[] {
  const sim = new Simulator({ queue });
  const owner = new Component(sim, 'top');
  const pending = new Map<number, Pending>();
  let order = 0;
  let next = 0;
  let runningPriority = 0;
  const log: { cycle: number; priority: number; order: number }[] = [];

  const apply = (op: Op): void => {
    const index = op.event % events.length;
    const event = events[index];
    // Same cycle, lower priority than the running event would be in the past: push it one cycle on.
    const cycle = sim.now + (op.delta === 0 && event.priority < runningPriority ? 1 : op.delta);
    // Turn each op into a legal one so that programs never stop early on an error.
    if (op.kind === 'deschedule' && event.scheduled) {
      sim.deschedule(event);
      pending.delete(index);
    } else if (event.scheduled) {
      sim.reschedule(event, cycle);
      pending.set(index, { cycle, priority: event.priority, order: order++ });
    } else {
      sim.schedule(event, cycle);
      pending.set(index, { cycle, priority: event.priority, order: order++ });
    }
    expect(sim.pending).to.equal(pending.size);
  };

  const events = priorities.map(
    (priority, index) =>
      new SimEvent(
        owner,
        `e${index}`,
        () => {
          let best = -1;
          let b: Pending | undefined;
          for (const [i, p] of pending) {
            const earlier =
              !b ||
              p.cycle < b.cycle ||
              (p.cycle === b.cycle &&
                (p.priority < b.priority || (p.priority === b.priority && p.order < b.order)));
            if (earlier) [best, b] = [i, p];
          }
          const expected = pending.get(best)!;
          expect(index, 'dispatched event is the oracle minimum').to.equal(best);
          expect(sim.now).to.equal(expected.cycle);
          expect(events[index].scheduled).to.equal(false);
          pending.delete(index);
          log.push(expected);
          runningPriority = priority;
          for (let k = 0; k < perDispatch && next < later.length; k++) apply(later[next++]);
        },
        priority,
      ),
  );
  for (const op of initial) apply(op);
  sim.run();
  expect(pending.size, 'every scheduled event ran').to.equal(0);
  return log;
}

describe('engine/simulator order', () => {
  for (const queue of ['calendar', 'heap', 'reference'] as const) {
    it(`${queue}: random schedule/reschedule/deschedule interleavings dispatch in (cycle, priority, FIFO) order`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(0, 50, 50, 90, 100), { minLength: 1, maxLength: 12 }),
          fc.array(opArb, { maxLength: 20 }),
          fc.array(opArb, { maxLength: 200 }),
          fc.integer({ min: 1, max: 3 }),
          (priorities, initial, later, perDispatch) => {
            const log = runProgram(queue, priorities, initial, later, perDispatch);
            for (let i = 1; i < log.length; i++) {
              const a = log[i - 1];
              const b = log[i];
              expect(a.cycle < b.cycle || (a.cycle === b.cycle && a.priority <= b.priority)).to.equal(true);
              if (a.cycle === b.cycle && a.priority === b.priority) expect(a.order).to.be.lessThan(b.order);
            }
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('calendar, heap and reference queues give the same dispatch sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0, 50, 100), { minLength: 1, maxLength: 8 }),
        fc.array(opArb, { maxLength: 10 }),
        fc.array(opArb, { maxLength: 100 }),
        (priorities, initial, later) => {
          const reference = runProgram('reference', priorities, initial, later, 2);
          expect(runProgram('heap', priorities, initial, later, 2)).to.deep.equal(reference);
          expect(runProgram('calendar', priorities, initial, later, 2)).to.deep.equal(reference);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('stale entries from many reschedules are compacted away and never dispatched', () => {
    const sim = new Simulator();
    const owner = new Component(sim, 'watchdog');
    let fired = 0;
    const timeout = new SimEvent(owner, 'timeout', () => fired++);
    const ticks: number[] = [];
    const tick = new SimEvent(owner, 'tick', () => {
      ticks.push(sim.now);
      if (sim.now < 5000) {
        sim.reschedule(timeout, sim.now + 100); // pushed back forever, like a watchdog
        sim.schedule(tick, sim.now + 1);
      }
    });
    sim.schedule(timeout, 100);
    sim.schedule(tick, 0);
    expect(sim.run()).to.equal(5099); // the last push-back happened at tick 4999
    expect(fired).to.equal(1);
    expect(ticks).to.have.length(5001);
    expect(sim.eventsDispatched).to.equal(5002);
    expect(sim.pending).to.equal(0);
  });

  it('run(until) stops before later events, advances time to until, and resumes', () => {
    const sim = new Simulator();
    const owner = new Component(sim, 'a');
    const seen: number[] = [];
    const ev = new SimEvent(owner, 'ev', () => {
      seen.push(sim.now);
      if (sim.now < 40) sim.schedule(ev, sim.now + 10);
    });
    sim.schedule(ev, 0);
    expect(sim.run(25)).to.equal(25);
    expect(seen).to.deep.equal([0, 10, 20]);
    expect(sim.run()).to.equal(40);
    expect(seen).to.deep.equal([0, 10, 20, 30, 40]);
  });

  it('stop() returns after the current event', () => {
    const sim = new Simulator();
    const owner = new Component(sim, 'a');
    let count = 0;
    const ev = new SimEvent(owner, 'ev', () => {
      if (++count === 3) sim.stop();
      sim.schedule(ev, sim.now + 2);
    });
    sim.schedule(ev, 1);
    expect(sim.run()).to.equal(5);
    expect(count).to.equal(3);
    expect(sim.pending).to.equal(1);
  });

  it('calls the lifecycle hooks in phase order, parents before children', () => {
    const sim = new Simulator();
    const calls: string[] = [];
    class Probe extends Component {
      override wire(): void {
        calls.push(`wire ${this.path} ${this.sim.phase}`);
      }
      override start(): void {
        calls.push(`start ${this.path} ${this.sim.phase}`);
      }
      override finish(): void {
        calls.push(`finish ${this.path} ${this.sim.phase}`);
      }
    }
    const chip = new Probe(sim, 'chip');
    new Probe(sim, 'tile[0]', chip);
    new Probe(sim, 'tile[1]', chip);
    expect(sim.phase).to.equal('build');
    sim.run();
    sim.finish();
    expect(calls).to.deep.equal([
      'wire chip wire',
      'wire chip.tile[0] wire',
      'wire chip.tile[1] wire',
      'start chip run',
      'start chip.tile[0] run',
      'start chip.tile[1] run',
      'finish chip finish',
      'finish chip.tile[0] finish',
      'finish chip.tile[1] finish',
    ]);
  });
});

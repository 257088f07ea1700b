import { expect } from 'chai';
import fc from 'fast-check';
import { Component } from '../../src/engine/component.ts';
import { SimEvent } from '../../src/engine/event.ts';
import { Link } from '../../src/engine/link.ts';
import { InPort, OutPort } from '../../src/engine/port.ts';
import { Simulator } from '../../src/engine/simulator.ts';

/**
 * A sender that tries to send `count` numbered messages as fast as it is allowed (a refused send
 * is retried only when the link calls back), and a receiver that takes one message whenever its
 * `drain` event fires (at the cycles listed in `takeAt`); from cycle `greedyFrom` on it takes
 * everything at once and on arrival. Everything observable is logged.
 */
function pair(options: {
  latency: number;
  interval: number;
  capacity: number;
  count: number;
  takeAt: number[];
  greedyFrom?: number;
}) {
  const sim = new Simulator();
  const top = new Component(sim, 'noc');
  const sender = new Component(sim, 'sender', top);
  const receiver = new Component(sim, 'receiver', top);
  const log = {
    sent: [] as number[],
    refused: [] as number[],
    retries: [] as number[],
    arrived: [] as number[],
  };
  const taken: { msg: number; cycle: number }[] = [];
  let next = 0;
  let greedy = false;
  const takeAll = (): void => {
    while (inp.size > 0) taken.push({ msg: inp.take(), cycle: sim.now });
  };
  const trySend = (): void => {
    while (next < options.count) {
      if (!out.send(next)) {
        log.refused.push(sim.now);
        return;
      }
      log.sent[next++] = sim.now;
    }
  };
  const out = new OutPort<number>(sender, 'out', () => {
    log.retries.push(sim.now);
    expect(out.canSend(), 'a retry comes only when a send would succeed').to.equal(true);
    trySend();
  });
  const inp = new InPort<number>(
    receiver,
    'in',
    () => {
      log.arrived.push(sim.now);
      expect(inp.size).to.be.at.most(options.capacity);
      if (greedy) takeAll();
    },
    options.capacity,
  );
  const link = new Link<number>(sim, 'link', top, {
    from: out,
    to: inp,
    latency: options.latency,
    interval: options.interval,
  });
  const kick = new SimEvent(sender, 'kick', trySend);
  const drains = options.takeAt.map(
    (cycle, i) =>
      [
        new SimEvent(receiver, `drain${i}`, () => {
          if (inp.size > 0) taken.push({ msg: inp.take(), cycle: sim.now });
        }),
        cycle,
      ] as const,
  );
  sim.schedule(kick, 0);
  for (const [event, cycle] of drains) sim.schedule(event, cycle);
  if (options.greedyFrom !== undefined) {
    const greedyOn = new SimEvent(receiver, 'greedy', () => {
      greedy = true;
      takeAll();
    });
    sim.schedule(greedyOn, options.greedyFrom);
  }
  sim.run();
  return { sim, link, log, taken, inp };
}

describe('engine/link', () => {
  it('delivers at send + latency, one message per interval', () => {
    const { log, taken } = pair({ latency: 3, interval: 2, capacity: 8, count: 4, takeAt: [20, 20, 20, 20] });
    expect(log.sent).to.deep.equal([0, 2, 4, 6]); // link busy for 2 cycles after each send
    expect(log.refused).to.deep.equal([0, 2, 4]); // ... so each next send is refused ...
    expect(log.retries).to.deep.equal([2, 4, 6]); // ... and retried exactly when the link is free
    expect(log.arrived).to.deep.equal([3, 5, 7, 9]);
    expect(taken.map((t) => t.msg)).to.deep.equal([0, 1, 2, 3]);
  });

  it('refuses when the receiver is full (counting messages in flight) and retries when it drains', () => {
    const { log, taken, sim } = pair({
      latency: 2,
      interval: 1,
      capacity: 2,
      count: 4,
      takeAt: [10, 15, 30, 31],
    });
    // 1 is refused at cycle 0 (link busy for one cycle) and goes at 1; then both slots are used by
    // messages in flight or waiting, so 2 waits for the take at 10 and 3 for the take at 15.
    expect(log.sent).to.deep.equal([0, 1, 10, 15]);
    expect(log.refused).to.deep.equal([0, 1, 10]);
    expect(log.retries).to.deep.equal([1, 10, 15]);
    expect(log.arrived).to.deep.equal([2, 3, 12, 17]);
    expect(taken).to.deep.equal([
      { msg: 0, cycle: 10 },
      { msg: 1, cycle: 15 },
      { msg: 2, cycle: 30 },
      { msg: 3, cycle: 31 },
    ]);
    expect(sim.stats.value('noc.link', 'messages_count')).to.equal(4);
    expect(sim.stats.value('noc.link', 'refusals_count')).to.equal(log.refused.length);
  });

  it('never overflows, keeps order and exact latency, and loses nothing under random drains', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 25 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 30, maxLength: 30 }),
        (latency, interval, capacity, count, takeAt) => {
          const { log, taken } = pair({ latency, interval, capacity, count, takeAt, greedyFrom: 100 });
          expect(taken.map((t) => t.msg)).to.deep.equal(Array.from({ length: count }, (_, i) => i));
          expect(log.arrived).to.deep.equal(log.sent.map((t) => t + latency));
          for (let i = 1; i < count; i++) expect(log.sent[i] - log.sent[i - 1]).to.be.at.least(interval);
          // every refusal is answered by exactly one retry, never earlier
          expect(log.retries.length).to.equal(log.refused.length);
          log.retries.forEach((t, i) => expect(t).to.be.at.least(log.refused[i]));
        },
      ),
      { numRuns: 200 },
    );
  });
});

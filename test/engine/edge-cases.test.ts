import { expect } from 'chai';
import { Component, InPort, Link, OutPort, Priority, SimEvent, Simulator } from '../../src/engine/index.ts';

describe('engine edge cases', () => {
  it('a receiver may take() from an event of any priority while its sender waits', () => {
    const sim = new Simulator();
    const a = new Component(sim, 'a');
    const b = new Component(sim, 'b');
    const retries: number[] = [];
    const out = new OutPort<number>(a, 'out', () => retries.push(sim.now));
    const inp = new InPort<number>(b, 'in', () => {}, 1);
    new Link(sim, 'l', undefined, { from: out, to: inp, latency: 1 });
    sim.schedule(
      new SimEvent(a, 'send', () => {
        expect(out.send(1)).to.equal(true);
        expect(out.send(2)).to.equal(false);
      }),
      0,
    );
    sim.schedule(new SimEvent(b, 'take', () => inp.take(), Priority.DEFAULT + 10), 5);
    sim.run();
    // The retry cannot run in cycle 5 after a priority-60 event: it runs at the start of cycle 6.
    expect(retries).to.deep.equal([6]);
  });

  it('a 0-latency send from a STATS event arrives in the next cycle', () => {
    const sim = new Simulator();
    const a = new Component(sim, 'a');
    const b = new Component(sim, 'b');
    const arrivals: number[] = [];
    const out = new OutPort<number>(a, 'out', () => {});
    const inp = new InPort<number>(b, 'in', () => arrivals.push(sim.now), 4);
    new Link(sim, 'l', undefined, { from: out, to: inp, latency: 0 });
    sim.schedule(new SimEvent(a, 'early', () => out.send(1), Priority.CLOCK), 3);
    sim.schedule(new SimEvent(a, 'late', () => out.send(2), Priority.STATS), 7);
    sim.run();
    expect(arrivals).to.deep.equal([3, 8]);
  });

  it('run(until) returns the last event cycle when only descheduled entries lie beyond it', () => {
    const sim = new Simulator();
    const c = new Component(sim, 'c');
    const kept = new SimEvent(c, 'kept', () => {});
    const dropped = new SimEvent(c, 'dropped', () => {});
    sim.schedule(kept, 10);
    sim.schedule(dropped, 1000);
    sim.deschedule(dropped);
    expect(sim.run(500)).to.equal(10);
  });

  it('stop() from a component start() stops the first run before any event, and only that run', () => {
    const sim = new Simulator();
    let ticks = 0;
    class Ticker extends Component {
      readonly tick = new SimEvent(this, 'tick', () => {
        ticks++;
        if (ticks < 5) this.sim.schedule(this.tick, this.now + 1);
      });
      override start(): void {
        this.sim.schedule(this.tick, 0);
        this.sim.stop();
      }
    }
    new Ticker(sim, 'ticker');
    sim.run();
    expect(ticks).to.equal(0);
    sim.run();
    expect(ticks).to.equal(5);
  });
});

import { expect } from 'chai';
import { Component, SimEvent, Simulator } from '../../src/engine/index.ts';
import { StateWriter } from '../../src/engine/snapshot.ts';
import { Arbiter, type Contender } from '../../src/sim/arbiter.ts';

/** Contenders that record when and in which order the arbiter drains them. */
function contenders(indices: number[], drained: string[]): Contender[] {
  return indices.map((globalIndex) => ({
    placement: { globalIndex },
    drain: (now: number) => drained.push(`${now}:${globalIndex}`),
  }));
}

describe('Arbiter: copies finishing in one cycle are granted in copy order', () => {
  it('drains the copies noted in a cycle once each, lowest copy index first, whatever the noting order', () => {
    const sim = new Simulator();
    const arbiter = new Arbiter(sim, new Component(sim, 'chip'));
    const drained: string[] = [];
    const [c0, c1, c2, c3, c4] = contenders([0, 1, 2, 3, 4], drained);
    const owner = new Component(sim, 'copies');
    const noteAll = (list: Contender[]) => () => list.forEach((c) => arbiter.note(c));
    // Cycle 5: five copies noted in a shuffled order; cycle 9: two, reversed; cycle 12: one.
    sim.schedule(new SimEvent(owner, 'a', noteAll([c3, c0, c4, c2, c1])), 5);
    sim.schedule(new SimEvent(owner, 'b', noteAll([c4, c1])), 9);
    sim.schedule(new SimEvent(owner, 'c', noteAll([c2])), 12);
    sim.run();
    expect(drained).to.deep.equal(['5:0', '5:1', '5:2', '5:3', '5:4', '9:1', '9:4', '12:2']);
  });

  it('a snapshot between cycles lists the copies waiting, none once granted', () => {
    const sim = new Simulator();
    const arbiter = new Arbiter(sim, new Component(sim, 'chip'));
    const drained: string[] = [];
    const [c7, c2] = contenders([7, 2], drained);
    const waiting = new StateWriter(0, 0);
    sim.schedule(
      new SimEvent(new Component(sim, 'copies'), 'note', () => {
        arbiter.note(c7);
        arbiter.note(c2);
        arbiter.capture(waiting);
      }),
      3,
    );
    sim.run();
    expect(waiting.values).to.deep.equal([2, 7, 2]);
    const after = new StateWriter(sim.now, 0);
    arbiter.capture(after);
    expect(after.values).to.deep.equal([0]);
    expect(drained).to.deep.equal(['3:2', '3:7']);
  });
});

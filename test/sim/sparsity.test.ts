import { expect } from 'chai';
import { arch, run, zooNetwork } from './helpers.ts';

describe('activation sparsity what-if (sparsity.skipZeroRows)', () => {
  const network = zooNetwork('tiny', arch());

  it('is off by default: a zero fraction alone changes nothing', () => {
    const base = run(network, arch(), 'pattern', 'fast');
    const fractionOnly = run(network, arch('sparsity.zeroInputFraction=0.6'), 'pattern', 'fast');
    expect(fractionOnly.counts).to.deep.equal(base.counts);
    expect(fractionOnly.cycles).to.equal(base.cycles);
  });

  it('skips more OU steps the sparser the inputs, and both fidelities agree', () => {
    const steps: number[] = [];
    for (const fraction of [0, 0.3, 0.6, 0.9]) {
      const a = arch('sparsity.skipZeroRows=true', `sparsity.zeroInputFraction=${fraction}`, 'ou.rows=4');
      const fast = run(network, a, 'dense', 'fast');
      const ou = run(network, a, 'dense', 'ou');
      expect(ou.counts).to.deep.equal(fast.counts);
      expect(ou.cycles).to.equal(fast.cycles);
      steps.push(fast.counts.ouSteps);
    }
    for (let i = 1; i < steps.length; i++) expect(steps[i]).to.be.at.most(steps[i - 1]);
    expect(steps[3]).to.be.lessThan(steps[0] * 0.9);
    // With 4-row OUs and 90% zeros, about 0.9^4 = 66% of steps are all-zero.
    expect(steps[3] / steps[0]).to.be.within(0.2, 0.5);
  });

  it('all-zero inputs skip every OU step, with no index look-ups left, in both fidelities', () => {
    const a = arch('sparsity.skipZeroRows=true', 'sparsity.zeroInputFraction=1');
    for (const mapper of ['dense', 'pattern']) {
      const fast = run(network, a, mapper, 'fast');
      const ou = run(network, a, mapper, 'ou');
      expect(fast.counts.ouSteps).to.equal(0);
      expect(fast.counts.indexLookups + fast.counts.muxSelects).to.equal(0);
      expect(ou.counts).to.deep.equal(fast.counts);
      expect(ou.cycles).to.equal(fast.cycles);
    }
  });

  it('a layer zero fraction in the trace takes precedence over the arch default', () => {
    const layers = network.layers.map((l) => ({ ...l, zeroInputFraction: 0 }));
    const a = arch('sparsity.skipZeroRows=true', 'sparsity.zeroInputFraction=0.9');
    const dense = run({ ...network, layers }, a, 'dense', 'fast');
    expect(dense.counts).to.deep.equal(run(network, arch(), 'dense', 'fast').counts);
  });
});

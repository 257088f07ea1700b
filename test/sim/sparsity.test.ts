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
    for (const mapper of ['dense', 'pattern', 'sre']) {
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

  describe('sre: dynamic wordline activation', () => {
    const pruned = zooNetwork('tiny-pruned', arch());
    const a = (fraction: number, ouRows = 8) =>
      arch('sparsity.skipZeroRows=true', `sparsity.zeroInputFraction=${fraction}`, `ou.rows=${ouRows}`);

    it('drops zero wordlines and re-packs each group, the same way in both fidelities', () => {
      const steps: number[] = [];
      const selects: number[] = [];
      for (const fraction of [0, 0.25, 0.5, 0.75]) {
        const fast = run(pruned, a(fraction), 'sre', 'fast');
        const ou = run(pruned, a(fraction), 'sre', 'ou');
        expect(ou.counts).to.deep.equal(fast.counts);
        expect(ou.cycles).to.equal(fast.cycles);
        steps.push(fast.counts.ouSteps);
        selects.push(fast.counts.muxSelects);
      }
      for (let i = 1; i < steps.length; i++) expect(steps[i]).to.be.below(steps[i - 1]);
      // Every activated wordline is one select: about (1 - z) of them stay activated.
      for (const [i, fraction] of [0, 0.25, 0.5, 0.75].entries())
        expect(selects[i] / selects[0]).to.be.within(1 - fraction - 0.05, 1 - fraction + 0.05);
      // Index look-ups do not depend on the inputs (every kept wordline's index is read).
      expect(run(pruned, a(0.5), 'sre', 'fast').counts.indexLookups).to.equal(
        run(pruned, a(0), 'sre', 'fast').counts.indexLookups,
      );
    });

    it('skips far more OU steps than whole-OU skipping at the same zero fraction', () => {
      // 8-row OUs, half the inputs zero: an 8-row OU is all-zero with probability 1/256, but about
      // half the wordlines of each group drop out, so about half the OU steps go.
      const dense =
        run(pruned, a(0.5), 'dense', 'fast').counts.ouSteps /
        run(pruned, a(0), 'dense', 'fast').counts.ouSteps;
      const sre =
        run(pruned, a(0.5), 'sre', 'fast').counts.ouSteps / run(pruned, a(0), 'sre', 'fast').counts.ouSteps;
      expect(dense).to.be.above(0.97);
      expect(sre).to.be.within(0.45, 0.7);
    });
  });
});

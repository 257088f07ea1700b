import { expect } from 'chai';
import { syntheticActivations } from '../../src/workload/synthetic-activations.ts';
import { arch, run, zooNetwork } from './helpers.ts';

describe('data-driven simulation (captured activations)', () => {
  it('smoke', () => {
    const a = arch('sparsity.skipZeroRows=true', 'ou.rows=4');
    const network = zooNetwork('tiny', a);
    network.activations = syntheticActivations(network, { zeroFraction: 0.5, bits: 8, seed: 3 });
    for (const mapper of ['dense', 'pattern']) {
      const fast = run(network, a, mapper, 'fast');
      const ou = run(network, a, mapper, 'ou');
      const base = run({ ...network, activations: undefined }, a, mapper, 'fast');
      console.log(
        mapper,
        fast.counts.ouSteps,
        ou.counts.ouSteps,
        base.counts.ouSteps,
        fast.cycles,
        ou.cycles,
        base.cycles,
      );
      expect(ou.counts).to.deep.equal(fast.counts);
      expect(ou.cycles).to.equal(fast.cycles);
    }
  });
});

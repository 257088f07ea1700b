/**
 * The PE output register sized from the mapping (issue 16): a crossbar holds one partial sum per
 * output it produces per input vector, across the input slices; bits beyond the PE's built-in
 * register (one per weight column group) are priced as register area, for every mapper.
 */
import { expect } from 'chai';
import { listMappers, mapNetwork } from '../../src/mapping/registry.ts';
import { extraOutputRegisterBits, peRegisterBits, priceArea } from '../../src/energy/price.ts';
import { arch, run, zooNetwork } from '../sim/helpers.ts';

describe('output register sized from the mapping', () => {
  const paper = arch();

  it('needs no bits beyond the built-in 32 partial sums for a crossbar producing at most 32', () => {
    // 128 columns / (8-bit weights on 2-bit cells = 4 columns per weight) = 32 partial sums per crossbar.
    const builtIn = peRegisterBits(paper).output / paper.chip.crossbarsPerPe / paper.precision.partialSumBits;
    expect(builtIn).to.equal(32);
    expect(extraOutputRegisterBits(32, paper)).to.equal(0);
    expect(extraOutputRegisterBits(459, paper)).to.equal((459 - 32) * 16);
  });

  for (const mapper of listMappers()) {
    it(`${mapper}: run inventory counts every crossbar's partial sums beyond the built-in register`, () => {
      const network = zooNetwork('tiny', paper);
      const result = run(network, paper, mapper, 'fast');
      let expected = 0;
      for (const m of mapNetwork(network, paper, mapper))
        for (const plan of m.crossbars)
          expected += Math.max(0, plan.outputsPerVector - 32) * 16 * m.replication;
      expect(result.inventory.extraOutputRegisterBits).to.equal(expected);
      const without = priceArea({ ...result.inventory, extraOutputRegisterBits: 0 }, paper);
      expect(result.chipAreaMm2 - without.chip_area_mm2).to.be.closeTo(
        (expected * paper.area.registerUm2PerBit) / 1e6,
        1e-12,
      );
    });
  }

  it('prices megabits of extra register on VGG-16 CIFAR-10 under pattern mapping, none under dense', () => {
    const network = zooNetwork('vgg16-cifar10', paper);
    const bits = (mapper: string) => {
      let sum = 0;
      for (const m of mapNetwork(network, paper, mapper))
        for (const plan of m.crossbars) sum += extraOutputRegisterBits(plan.outputsPerVector, paper);
      return sum;
    };
    expect(bits('dense')).to.equal(0);
    expect(bits('pattern')).to.be.greaterThan(1e6);
  });
});

import { expect } from 'chai';
import { inputSlices } from '../../src/config/arch.ts';
import { listMappers, mapNetwork } from '../../src/mapping/registry.ts';
import { isWeightLayer } from '../../src/workload/types.ts';
import { arch, run, zooNetwork } from './helpers.ts';

describe('conservation: simulated counts agree with the mapping', () => {
  for (const [trace, sets] of [
    ['tiny', ['chip.pesPerTile=1', 'chip.crossbarsPerPe=1', 'crossbar.rows=32', 'crossbar.cols=32']],
    ['resnet18-cifar10', []],
  ] as const) {
    for (const mapper of listMappers()) {
      it(`${trace}, ${mapper}: OU steps, ADC conversions, index look-ups, buffer reads and NoC flits`, () => {
        const a = arch(...sets);
        const network = zooNetwork(trace, a);
        const result = run(network, a, mapper, 'fast');
        const mappings = mapNetwork(network, a, mapper, {});
        let ouSteps = 0;
        let conversions = 0;
        let lookups = 0;
        let selects = 0;
        let readBits = 0;
        // Element-wise layers read their inputs too: a pooling window, one value per producer of an add.
        for (const layer of network.layers) {
          const positions = layer.outShape[1] * layer.outShape[2];
          if (layer.type === 'pool') {
            const window = layer.global
              ? layer.inShape[1] * layer.inShape[2]
              : layer.kernel[0] * layer.kernel[1];
            readBits += positions * layer.inShape[0] * window * a.precision.outputBits;
          } else if (layer.type === 'add') {
            readBits += positions * layer.outShape[0] * layer.inputs.length * a.precision.outputBits;
          } else if (layer.type === 'concat') {
            readBits += positions * layer.outShape[0] * a.precision.outputBits;
          }
        }
        network.layers.filter(isWeightLayer).forEach((layer, i) => {
          const vectors = layer.outShape[1] * layer.outShape[2];
          const window =
            layer.type === 'conv' ? layer.cin * layer.kernel[0] * layer.kernel[1] : layer.inFeatures;
          readBits += vectors * window * a.precision.inputBits;
          for (const plan of mappings[i].crossbars) {
            ouSteps += vectors * inputSlices(a) * plan.ouRows.length;
            conversions += vectors * inputSlices(a) * plan.ouCols.reduce((s, c) => s + c, 0);
            if (plan.ouRows.length === 0) continue;
            lookups += vectors * inputSlices(a) * plan.indexLookupsPerSlice;
            selects += vectors * inputSlices(a) * plan.muxSelectsPerSlice;
          }
        });
        expect(result.counts.ouSteps).to.equal(ouSteps);
        expect(result.counts.adcConversions).to.equal(conversions);
        expect(result.counts.indexLookups).to.equal(lookups);
        expect(result.counts.muxSelects).to.equal(selects);
        if (mapper !== 'dense') expect(lookups).to.be.greaterThan(0);
        expect(result.counts.bufferReadBits).to.equal(readBits);
        const nocStat = result.components.find(
          (c) => c.component === 'chip.noc' && c.statistic === 'flit_hops_count',
        );
        expect(result.counts.nocFlitHops).to.equal(nocStat?.value);
        const tileWrites = result.components
          .filter((c) => /^chip\.tile\[\d+\]$/.test(c.component) && c.statistic === 'buffer_write_bits')
          .reduce((s, c) => s + c.value, 0);
        // Every buffer write the layers counted went through a tile's ports (the input image is preloaded).
        const inputBits =
          network.inputShape[0] * network.inputShape[1] * network.inputShape[2] * a.precision.inputBits;
        expect(tileWrites).to.equal(result.counts.bufferWriteBits - inputBits);
        if (trace === 'tiny') expect(result.counts.nocFlitHops).to.be.greaterThan(0);
      });
    }
  }
});

describe('dense mapping ignores the masks', () => {
  it('gives the same counts and cycles for a trace with or without pruning (so `run --mapping dense` skips it)', () => {
    const a = arch();
    const pruned = zooNetwork('resnet18-cifar10', a);
    const unpruned = {
      ...pruned,
      layers: pruned.layers.map((l) => (l.type === 'conv' ? { ...l, pruning: undefined } : l)),
    };
    const withMasks = run(pruned, a, 'dense', 'fast');
    const withoutMasks = run(unpruned, a, 'dense', 'fast');
    expect(withoutMasks.counts).to.deep.equal(withMasks.counts);
    expect(withoutMasks.cycles).to.equal(withMasks.cycles);
  });
});

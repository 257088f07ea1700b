import { expect } from 'chai';
import { inputSlices, type Arch } from '../../src/config/arch.ts';
import { getMapper, listMappers, mapNetwork } from '../../src/mapping/registry.ts';
import { isWeightLayer, type WeightLayer } from '../../src/workload/types.ts';
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

/**
 * Partial-sum merges a layer's row splits require per input vector, from the mapper's layout (not
 * from the plans the simulator reads): every filter whose weights sit on n crossbars needs n - 1
 * additions to merge its partial sums.
 */
function mergesFromLayout(mapper: string, layer: WeightLayer, a: Arch): number {
  const layout = getMapper(mapper).layoutLayer(layer, a, {});
  const filtersOn = Array.from({ length: layout.crossbars }, () => new Set<number>());
  for (const region of layout.regions)
    for (const output of region.outputs)
      if (output >= 0) filtersOn[region.crossbar].add(Math.floor(output / layout.encoding.colsPerWeight));
  const crossbarsOf = new Map<number, number>();
  for (const filters of filtersOn) for (const f of filters) crossbarsOf.set(f, (crossbarsOf.get(f) ?? 0) + 1);
  let merges = 0;
  for (const n of crossbarsOf.values()) merges += n - 1;
  return merges;
}

describe('conservation: shift-adds = OU-step shift-adds + the partial-sum merges of the row splits', () => {
  for (const mapper of ['dense', 'pattern']) {
    it(`resnet18-cifar10, ${mapper}: per layer, with merges counted from the layout`, () => {
      const a = arch();
      const network = zooNetwork('resnet18-cifar10', a);
      const result = run(network, a, mapper, 'fast');
      const mappings = mapNetwork(network, a, mapper, {});
      let splitLayers = 0;
      network.layers.filter(isWeightLayer).forEach((layer, i) => {
        const vectors = layer.outShape[1] * layer.outShape[2];
        let perVector = 0;
        for (const plan of mappings[i].crossbars) {
          // One shift-add per column result of every OU step of every slice, plus offset encoding's.
          perVector += inputSlices(a) * plan.ouCols.reduce((sum, c) => sum + c, 0);
          perVector += (plan.offsetCorrectionsPerVector ?? 0) + (plan.inputSumAddsPerVector ?? 0);
        }
        const merges = mergesFromLayout(mapper, layer, a);
        if (merges > 0) splitLayers++;
        if (mapper === 'dense') {
          // Dense: a matrix of K rows splits into ceil(K / crossbar rows) row tiles per output.
          const rows =
            layer.type === 'conv'
              ? (layer.cin / layer.groups) * layer.kernel[0] * layer.kernel[1]
              : layer.inFeatures;
          expect(merges, layer.name).to.equal(layer.outShape[0] * (Math.ceil(rows / a.crossbar.rows) - 1));
        }
        const counted = result.layers.find((l) => l.layer === layer.name)!.counts.shiftAdds;
        expect(counted, layer.name).to.equal(vectors * (perVector + merges));
      });
      expect(splitLayers, 'layers split by rows').to.be.greaterThan(10);
    });
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

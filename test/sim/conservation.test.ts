import { expect } from 'chai';
import { inputSlices, type Arch } from '../../src/config/arch.ts';
import { placeLayers } from '../../src/sim/placement.ts';
import { getMapper, listMappers, mapNetwork } from '../../src/mapping/registry.ts';
import { isWeightLayer, type Network, type WeightLayer } from '../../src/workload/types.ts';
import { arch, run, zooNetwork } from './helpers.ts';

describe('conservation: simulated counts agree with the mapping', () => {
  for (const [trace, sets] of [
    ['tiny', ['chip.pesPerTile=1', 'chip.crossbarsPerPe=1', 'crossbar.rows=32', 'crossbar.cols=32']],
    ['resnet18-cifar10', []],
  ] as const) {
    for (const mapper of listMappers()) {
      it(`${trace}, ${mapper}: OU steps, ADC conversions, index look-ups and buffer reads`, () => {
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
        if (trace === 'tiny') expect(result.counts.nocFlitHops).to.be.greaterThan(0);
      });
    }
  }
});

/**
 * What each layer's account should hold for the shared components (tile buffers, NoC, activation
 * units), derived from the shapes, the mapping and the placement alone, not from the simulation.
 */
function expectedSharedCounts(network: Network, a: Arch, mapper: string, budget: number) {
  const mappings = mapNetwork(network, a, mapper, { replicationBudget: budget });
  const placement = placeLayers(mappings, a);
  const hops = (from: number, to: number) =>
    Math.abs((from % placement.meshX) - (to % placement.meshX)) +
    Math.abs(Math.floor(from / placement.meshX) - Math.floor(to / placement.meshX));
  const flits = (bits: number) => Math.ceil(bits / a.noc.flitBits);
  const tileOf = new Map<string, number>([['input', 0]]);
  const weightIndex = new Map<string, number>();
  network.layers.filter(isWeightLayer).forEach((layer, i) => weightIndex.set(layer.name, i));
  const expected = new Map<string, { writes: number; flitHops: number; activationOps: number }>();
  const preloadedTiles = new Set<number>();
  for (const layer of network.layers) {
    const index = weightIndex.get(layer.name);
    tileOf.set(
      layer.name,
      index === undefined ? tileOf.get(layer.inputs[0])! : placement.copies[index][0].homeTile,
    );
  }
  for (const layer of network.layers) {
    const tile = tileOf.get(layer.name)!;
    const positions = layer.outShape[1] * layer.outShape[2];
    const outBits = layer.outShape[0] * a.precision.outputBits;
    const consumers = network.layers.flatMap((l) =>
      l.inputs.filter((n) => n === layer.name).map(() => l.name),
    );
    const remote = consumers.filter((c) => tileOf.get(c) !== tile);
    // Stored at home, then once more at every consumer on another tile (the last layer: at home only).
    let writes = positions * outBits * (1 + remote.length);
    let flitHops =
      positions * flits(outBits) * remote.reduce((sum, c) => sum + hops(tile, tileOf.get(c)!), 0);
    if (layer.inputs.includes('input') && !preloadedTiles.has(tile)) {
      const [c, h, w] = network.inputShape;
      writes += c * h * w * a.precision.inputBits;
      preloadedTiles.add(tile);
    }
    let activationOps = 0;
    const index = weightIndex.get(layer.name);
    if (index !== undefined) {
      activationOps = positions * layer.outShape[0];
      const mapping = mappings[index];
      const copies = placement.copies[index];
      const windowBits =
        (layer.type === 'conv'
          ? layer.cin * layer.kernel[0] * layer.kernel[1]
          : layer.type === 'fc'
            ? layer.inFeatures
            : 0) * a.precision.inputBits;
      for (const copy of copies) {
        const vectors =
          Math.floor(positions / copies.length) + (copy.copy < positions % copies.length ? 1 : 0);
        for (const remoteTile of copy.tiles.slice(1)) {
          let inputBits = 0;
          let psumBits = 0;
          mapping.crossbars.forEach((plan, i) => {
            if (copy.crossbarTile[i] !== remoteTile) return;
            inputBits += plan.inputsPerVector * a.precision.inputBits;
            psumBits += plan.outputsPerVector * a.precision.partialSumBits;
          });
          const there = hops(copy.homeTile, remoteTile);
          flitHops += vectors * there * (flits(Math.min(inputBits, windowBits)) + flits(psumBits));
        }
      }
    } else if (layer.type === 'pool') {
      const window = layer.global ? layer.inShape[1] * layer.inShape[2] : layer.kernel[0] * layer.kernel[1];
      activationOps = positions * layer.outShape[0] * window;
    } else if (layer.type === 'add') {
      activationOps = positions * layer.outShape[0] * (layer.inputs.length - 1);
    }
    expected.set(layer.name, { writes, flitHops, activationOps });
  }
  return expected;
}

describe('conservation: shared components charge the layer that uses them', () => {
  for (const [trace, sets, budget, fidelity] of [
    [
      'tiny',
      ['chip.pesPerTile=1', 'chip.crossbarsPerPe=1', 'crossbar.rows=32', 'crossbar.cols=32'],
      0,
      'fast',
    ],
    ['tiny', ['chip.pesPerTile=1', 'chip.crossbarsPerPe=1', 'crossbar.rows=32', 'crossbar.cols=32'], 0, 'ou'],
    [
      'tiny',
      ['chip.pesPerTile=1', 'chip.crossbarsPerPe=2', 'crossbar.rows=32', 'crossbar.cols=32'],
      400,
      'fast',
    ],
    ['resnet18-cifar10', [], 0, 'fast'],
  ] as const) {
    for (const mapper of listMappers()) {
      it(`${trace} (${fidelity}${budget ? `, replication budget ${budget}` : ''}), ${mapper}: per layer buffer writes, NoC flit-hops and activation ops`, () => {
        const a = arch(...sets);
        const network = zooNetwork(trace, a);
        const result = run(network, a, mapper, fidelity, 1, budget);
        const expected = expectedSharedCounts(network, a, mapper, budget);
        let flitHops = 0;
        let writes = 0;
        let activationOps = 0;
        for (const layer of result.layers) {
          const want = expected.get(layer.layer)!;
          expect(layer.counts.bufferWriteBits, `${layer.layer} buffer writes`).to.equal(want.writes);
          expect(layer.counts.nocFlitHops, `${layer.layer} NoC flit-hops`).to.equal(want.flitHops);
          expect(layer.counts.activationOps, `${layer.layer} activation ops`).to.equal(want.activationOps);
          flitHops += want.flitHops;
          writes += want.writes;
          activationOps += want.activationOps;
        }
        // The components' own statistics hold the same totals (the preloaded input books no port).
        const stat = (component: RegExp, statistic: string) =>
          result.components
            .filter((c) => component.test(c.component) && c.statistic === statistic)
            .reduce((sum, c) => sum + c.value, 0);
        const [c, h, w] = network.inputShape;
        expect(stat(/^chip\.noc$/, 'flit_hops_count')).to.equal(flitHops);
        expect(stat(/^chip\.tile\[\d+\]$/, 'buffer_write_bits')).to.equal(
          writes - c * h * w * a.precision.inputBits,
        );
        expect(stat(/^chip\.tile\[\d+\]$/, 'activation_ops_count')).to.equal(activationOps);
        if (trace === 'tiny') expect(flitHops).to.be.greaterThan(0);
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

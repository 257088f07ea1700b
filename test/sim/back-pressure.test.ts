/**
 * Back-pressure in the inter-layer pipeline (issue 17): a layer reads a window only when its copy has
 * a free window slot, so it cannot book the buffer port and the NoC links far ahead of its crossbars
 * and leave its own outputs, and its neighbours' traffic, queued behind those bookings.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { layerRows, summaryRows } from '../../src/output/csv.ts';
import { toCsv } from '../../src/output/csv-text.ts';
import { loadArch, type Arch } from '../../src/config/arch.ts';
import { parseOverride } from '../../src/config/overrides.ts';
import { lastNeededFn } from '../../src/sim/receptive-field.ts';
import type { RunResult } from '../../src/sim/types.ts';
import type { Network } from '../../src/workload/types.ts';
import { networkFrom, run, zooNetwork } from './helpers.ts';

/** An MNSIM-like arch (256x256 crossbars, 1-bit cells, 9-bit data, 64-bit buffer): the fixture's comment. */
const MNSIM_LIKE = join(import.meta.dirname, '..', 'fixtures', 'arch', 'mnsim-like.json');

function mnsimLike(...sets: string[]): Arch {
  return loadArch(MNSIM_LIKE, sets.map(parseOverride));
}

/** Two 3x3 convs of 256 channels on an 8x8 map: 81 crossbars each, three tiles each. */
const pair: Network = networkFrom({
  name: 'pair',
  inputShape: [256, 8, 8],
  layers: [
    {
      name: 'producer',
      type: 'conv',
      cin: 256,
      cout: 256,
      kernel: [3, 3],
      stride: [1, 1],
      padding: [1, 1],
      groups: 1,
      outShape: [256, 8, 8],
    },
    {
      name: 'consumer',
      type: 'conv',
      cin: 256,
      cout: 256,
      kernel: [3, 3],
      stride: [1, 1],
      padding: [1, 1],
      groups: 1,
      outShape: [256, 8, 8],
    },
  ],
});

/** Cycles by which a layer starts before its producer's end, as a fraction of the producer's span. */
function overlap(result: RunResult, producer: string, consumer: string): number {
  const from = result.layers.find((l) => l.layer === producer)!;
  const to = result.layers.find((l) => l.layer === consumer)!;
  return (from.endCycle - to.startCycle) / (from.endCycle - from.startCycle);
}

function csvOf(result: RunResult): string {
  const summary = summaryRows([result]).map(({ fidelity: _f, ...rest }) => rest);
  return toCsv(summary) + toCsv(layerRows([result]));
}

describe('back-pressure between layers', () => {
  it('a producer spanning tiles and its consumer overlap under a narrow buffer and narrow links', () => {
    const a = mnsimLike();
    const result = run(pair, a, 'dense', 'fast');
    const producer = result.layers[0];
    expect(producer.tiles, 'the producer spans tiles, so its windows cross the NoC').to.be.greaterThan(1);
    // The consumer's first output needs the producer's first two rows (16 of 64 positions): with the
    // windows paced by the crossbars, it starts in the first half of the producer's span. Without
    // back-pressure the producer booked every window's multicast at the start, its outputs queued
    // behind them on the links and the consumer started after the producer's end.
    expect(overlap(result, 'producer', 'consumer')).to.be.greaterThan(0.5);
  });

  it('on the paper preset (compute-bound) the same pair overlaps as well', () => {
    const result = run(pair, loadArch('paper'), 'dense', 'fast');
    expect(overlap(result, 'producer', 'consumer')).to.be.greaterThan(0.5);
  });

  it('VGG-16 on the MNSIM-like arch: every conv starts before its producer ends when its window allows', () => {
    const a = mnsimLike();
    const network = zooNetwork('vgg16-cifar10', a);
    for (const mapper of ['dense', 'pattern']) {
      const result = run(network, a, mapper, 'fast');
      network.layers.forEach((layer, i) => {
        if (i === 0 || layer.type !== 'conv') return;
        const producer = network.layers[i - 1];
        const positions = producer.outShape[1] * producer.outShape[2];
        // 2x2 maps (conv5_x): the first output's window covers the whole map, no overlap possible.
        if (lastNeededFn(layer, producer.outShape)(0) >= positions - 1) return;
        expect(overlap(result, producer.name, layer.name), `${mapper} ${layer.name}`).to.be.greaterThan(0.1);
      });
    }
  });

  it('ou and fast fidelity give identical CSVs when back-pressure binds (two tiles per layer, 2 images)', () => {
    const a = mnsimLike();
    for (const mapper of ['dense', 'pattern']) {
      const fast = run(pair, a, mapper, 'fast', 1, 0, 2);
      const ou = run(pair, a, mapper, 'ou', 1, 0, 2);
      expect(csvOf(ou), mapper).to.equal(csvOf(fast));
    }
  });
});

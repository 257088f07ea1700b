/**
 * The mappers' output must not change when their code is only made faster: every LayerMapping
 * (all fields, the OU step arrays included) of whole networks, for every registered mapper under every
 * combination of its own options (`dense`, `sre`, every packing of `pattern`), is hashed and compared with hashes recorded from the code BEFORE the speed-up of the
 * pattern mapper (commit 3081a4b); `sre`'s from its first, plain version (commit 895f720), before its
 * typed-array speed-up. A change of the mapping's results must update these on purpose.
 *
 * The networks' pruning is made here from a seeded PRNG (test/mapping/helpers.ts), not by
 * src/workload/prune.ts, so that a change of the pruner does not move the snapshots: the layer
 * shapes are those of the zoo traces, the pattern ids are skewed (a few common patterns, as real
 * pruning gives) and some kernels are connectivity-pruned. tiny-pruned carries its own masks.
 */
import { createHash, type Hash } from 'node:crypto';
import { expect } from 'chai';
import type { Arch } from '../../src/config/arch.ts';
import { mapNetwork } from '../../src/mapping/registry.ts';
import { loadTrace, resolveTracePath } from '../../src/workload/trace.ts';
import { PRUNED, type Network } from '../../src/workload/types.ts';
import { mapperVariants, randomPatterns, rng, testArch, type MapperVariant } from './helpers.ts';

/**
 * Feeds a value into the hash: typed arrays by type, length and bytes; objects by sorted keys, without
 * the keys in `omit` (the data-driven wordline fields were added after the first snapshots: hashing
 * without them must still give those, so adding them provably changed nothing else).
 */
function feed(hash: Hash, value: unknown, omit: ReadonlySet<string> = NONE): void {
  if (ArrayBuffer.isView(value)) {
    hash.update(`${value.constructor.name}[${value.byteLength}]`);
    hash.update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  } else if (Array.isArray(value)) {
    hash.update(`[${value.length}`);
    for (const item of value) feed(hash, item, omit);
    hash.update(']');
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => !omit.has(k))
      .sort();
    hash.update(`{${keys.join(',')}:`);
    for (const key of keys) feed(hash, (value as Record<string, unknown>)[key], omit);
    hash.update('}');
  } else hash.update(`${typeof value}:${String(value)};`);
}

const NONE: ReadonlySet<string> = new Set();
/** CrossbarPlan fields of the data-driven simulation (issue 9), hashed separately. */
const WORDLINE_FIELDS: ReadonlySet<string> = new Set(['wordlineInputs', 'ouFirstRow']);

function mappingHash(network: Network, arch: Arch, variant: MapperVariant, omit = NONE): string {
  const hash = createHash('sha256');
  feed(hash, mapNetwork(network, arch, variant.mapper, variant.options), omit);
  return hash.digest('hex').slice(0, 16);
}

/** Seeded pattern pruning of every 3x3 conv (8 patterns of 4, skewed use, 30 % of kernels removed). */
function seededPruning(network: Network, seed: number): Network {
  const r = rng(seed);
  for (const layer of network.layers) {
    if (layer.type !== 'conv' || layer.kernel[0] !== 3 || layer.kernel[1] !== 3) continue;
    const patterns = randomPatterns(r, 8, 4);
    const kernelPattern = new Uint8Array((layer.cout * layer.cin) / layer.groups);
    for (let i = 0; i < kernelPattern.length; i++)
      kernelPattern[i] = r() < 0.3 ? PRUNED : Math.floor(r() ** 2 * patterns.length);
    layer.pruning = { patterns, kernelPattern };
  }
  return network;
}

const paper = testArch({ rows: 128, cols: 128, ouRows: 8, ouCols: 8, patternSize: 4 });
const differential16 = testArch({ differential: true, ouRows: 16, ouCols: 4 });

interface Case {
  name: string;
  network: () => Network;
  arch: Arch;
  /** Hashes recorded from the code before the speed-up: dense, pattern/<packing>, sre. */
  expected: Record<string, string>;
  /**
   * Hashes of the whole LayerMappings with wordlineInputs / ouFirstRow, recorded when those were
   * added (their correctness is proven against the layouts in mappers.test.ts).
   */
  expectedWithWordlines: Record<string, string>;
}

const CASES: Case[] = [
  {
    name: 'vgg16-cifar10 (seeded pruning)',
    network: () => seededPruning(loadTrace(resolveTracePath('vgg16-cifar10')), 1),
    arch: paper,
    expected: {
      dense: 'bf55c39451dcf3a2',
      // skipZeroOus (issue 16), recorded from main's code at its merge (hashed whole).
      'dense/skipZeroOus': 'f5f473eb64a2c60c',
      'pattern/merge': '77092003ae005cf2',
      'pattern/merge-stack': 'c09d5b3d33de4662',
      'pattern/band': 'b6a32d93375253c2',
      'pattern/stack': '2e21600d27f8f90e',
      sre: 'abb6974b7b9d7d65',
    },
    expectedWithWordlines: {
      dense: '2d7b03a6315b8c00',
      'pattern/merge': 'b6c9cf426e19faff',
      'pattern/merge-stack': '251a02f8433cd62f',
      'pattern/band': '756fcb935b652065',
      'pattern/stack': 'e2710a59ab1195d3',
    },
  },
  {
    name: 'resnet18-cifar10 (seeded pruning)',
    network: () => seededPruning(loadTrace(resolveTracePath('resnet18-cifar10')), 2),
    arch: paper,
    expected: {
      dense: '5e2fa6a48cdf3c57',
      // skipZeroOus (issue 16), recorded from main's code at its merge (hashed whole).
      'dense/skipZeroOus': 'd32fb11526365534',
      'pattern/merge': 'e7849426eb3d0ffe',
      'pattern/merge-stack': '31bbe4e6235321a8',
      'pattern/band': '615a37353e7d6845',
      'pattern/stack': '336082b7f87b59df',
      sre: '1ea137c60f0c6d8b',
    },
    expectedWithWordlines: {
      dense: '00e5587b238ae761',
      'pattern/merge': '7db82bfa35a6922b',
      'pattern/merge-stack': '39af1151f4fddcc6',
      'pattern/band': '276e56cbd68e2393',
      'pattern/stack': '2560e76aa5ee0603',
    },
  },
  {
    name: 'resnet18-cifar10 (seeded pruning), differential 16x4 OUs',
    network: () => seededPruning(loadTrace(resolveTracePath('resnet18-cifar10')), 3),
    arch: differential16,
    expected: {
      dense: 'ce321e7c9a4692b6',
      // skipZeroOus (issue 16), recorded from main's code at its merge (hashed whole).
      'dense/skipZeroOus': '5b8859be3eaf947c',
      'pattern/merge': '25ecdfc29b43920a',
      'pattern/merge-stack': '420c82e235fbf49b',
      'pattern/band': 'd1d7315d3afd8df1',
      'pattern/stack': '8347635b9f20087b',
      sre: 'df19c8958f4d38a9',
    },
    expectedWithWordlines: {
      dense: 'e507a20fcc29c641',
      'pattern/merge': 'd9f31d555f1daaac',
      'pattern/merge-stack': '53d4b146b269bd56',
      'pattern/band': 'bf5200d616c3bcf1',
      'pattern/stack': 'f523d7b586fcec4d',
    },
  },
  {
    name: 'tiny-pruned',
    network: () => loadTrace(resolveTracePath('tiny-pruned')),
    arch: paper,
    expected: {
      dense: '67a6d046a2841aeb',
      // skipZeroOus (issue 16), recorded from main's code at its merge (hashed whole).
      'dense/skipZeroOus': 'f58d58e4e55f1dbb',
      'pattern/merge': 'a866861504c656c2',
      'pattern/merge-stack': '287f3bdfd5917837',
      'pattern/band': 'eb701374807ab5eb',
      'pattern/stack': '6e1cdbffa941a5ee',
      sre: '6c240053e8836b4b',
    },
    expectedWithWordlines: {
      dense: '131a63667dc49a7f',
      'pattern/merge': '492d00f1203ae7fe',
      'pattern/merge-stack': 'e65c70d31e0b7196',
      'pattern/band': 'c839fe648c2d3c9f',
      'pattern/stack': 'fc51e50ee054632e',
    },
  },
];

describe('mapping snapshots (results unchanged by optimisations)', function () {
  this.timeout(120000);
  for (const c of CASES) {
    it(`${c.name}: every LayerMapping hashes as recorded`, () => {
      const network = c.network();
      // Every registered mapper under each of its option combinations (labels: dense, pattern/merge, ...).
      // A variant with a recorded wordline hash was first recorded without the wordline fields; one
      // without (sre, any newer one) is hashed whole. A variant with no recorded hash fails below.
      const actual: Record<string, string> = {};
      const whole: Record<string, string> = {};
      for (const variant of mapperVariants()) {
        const withWordlines = variant.label in c.expectedWithWordlines;
        actual[variant.label] = mappingHash(network, c.arch, variant, withWordlines ? WORDLINE_FIELDS : NONE);
        if (withWordlines) whole[variant.label] = mappingHash(network, c.arch, variant, NONE);
      }
      if (process.env.PRINT_SNAPSHOTS) console.log(c.name, JSON.stringify(actual), JSON.stringify(whole));
      expect(actual).to.deep.equal(c.expected);
      expect(whole).to.deep.equal(c.expectedWithWordlines);
    });
  }

  it('the hash sees a change in a Uint16Array deep inside the plans', () => {
    const network = loadTrace(resolveTracePath('tiny-pruned'));
    const mappings = mapNetwork(network, paper, 'pattern');
    const hashOf = () => {
      const hash = createHash('sha256');
      feed(hash, mappings);
      return hash.digest('hex');
    };
    const before = hashOf();
    const plan = mappings.find((m) => m.crossbars.length > 0)!.crossbars[0];
    plan.ouCols[plan.ouCols.length - 1]++;
    expect(hashOf()).to.not.equal(before);
  });
});

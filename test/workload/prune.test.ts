import { expect } from 'chai';
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import {
  candidatePatterns,
  choosePatterns,
  nthSmallest,
  strongestKernels,
} from '../../src/workload/patterns.ts';
import { pruneNetwork } from '../../src/workload/prune.ts';
import { loadTrace, parseTrace, resolveTracePath, writeTrace } from '../../src/workload/trace.ts';
import { PRUNED, type ConvLayer, type Network } from '../../src/workload/types.ts';
import { syntheticConvWeights, type WeightSource } from '../../src/workload/weights/source.ts';

const tiny = () => loadTrace(resolveTracePath('tiny'));

/** Kept energy of a kernel under a pattern, computed directly (the reference for the checks). */
function keptEnergy(weights: ArrayLike<number>, k: number, pattern: number[]): number {
  return pattern.reduce((s, p) => s + weights[k * 9 + p] ** 2, 0);
}

/** A weight source over fixed arrays, by layer name. */
function fixedWeights(byLayer: Record<string, ArrayLike<number>>): WeightSource {
  return { origin: 'test', convWeights: (layer) => byLayer[layer.name] };
}

describe('workload: pattern candidates', () => {
  it('has C(8, size-1) candidates, each keeping the centre, all distinct (checked by bitmask enumeration)', () => {
    for (let size = 1; size <= 9; size++) {
      const candidates = candidatePatterns(3, 3, size);
      // Independent enumeration: every 9-bit mask with `size` bits set and bit 4 (centre) set.
      const masks: number[] = [];
      for (let m = 0; m < 512; m++) {
        let bits = 0;
        for (let b = 0; b < 9; b++) bits += (m >> b) & 1;
        if (bits === size && m & 16) masks.push(m);
      }
      const asMasks = candidates.map((c) => c.reduce((m, p) => m | (1 << p), 0)).sort((a, b) => a - b);
      expect(asMasks).to.deep.equal(masks.sort((a, b) => a - b));
    }
    expect(candidatePatterns(3, 3, 4)).to.have.length(56);
  });
});

describe('workload: pattern projection and connectivity', () => {
  it('picks the most frequent best candidates as library and the best library pattern per kernel', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        (kernels, count, size, seed) => {
          let x = seed + 1;
          const weights = Array.from({ length: kernels * 9 }, () => {
            x = (x * 16807) % 2147483647;
            return (x / 2147483647) * 2 - 1;
          });
          const { library, ids, keptEnergy: kept } = choosePatterns(weights, kernels, 3, 3, size, count);
          expect(library.length).to.be.at.most(count);
          expect(library.length).to.be.at.least(1);
          for (let k = 0; k < kernels; k++) {
            const mine = keptEnergy(weights, k, library[ids[k]]);
            expect(kept[k]).to.be.closeTo(mine, 1e-12);
            for (const other of library) expect(mine).to.be.at.least(keptEnergy(weights, k, other) - 1e-12);
          }
          // Library = most frequent best candidates: recount with a direct search.
          const candidates = candidatePatterns(3, 3, size);
          const freq = new Map<string, number>();
          for (let k = 0; k < kernels; k++) {
            let best = candidates[0];
            for (const c of candidates)
              if (keptEnergy(weights, k, c) > keptEnergy(weights, k, best)) best = c;
            freq.set(best.join(), (freq.get(best.join()) ?? 0) + 1);
          }
          const libFreq = library.map((p) => freq.get(p.join()) ?? 0);
          for (let i = 1; i < libFreq.length; i++) expect(libFreq[i]).to.be.at.most(libFreq[i - 1]);
          const outside = [...freq].filter(([p]) => !library.some((l) => l.join() === p)).map(([, n]) => n);
          if (outside.length) expect(Math.max(...outside)).to.be.at.most(libFreq[libFreq.length - 1]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps round(kernels / ratio) kernels, none weaker than a pruned one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 1, max: 8, noNaN: true }),
        (energies, ratio) => {
          const kept = strongestKernels(Float64Array.from(energies), ratio);
          const n = kept.reduce((a, b) => a + b, 0);
          expect(n).to.equal(Math.max(1, Math.round(energies.length / ratio)));
          const keptMin = Math.min(...energies.filter((_, i) => kept[i]));
          const prunedMax = Math.max(-1, ...energies.filter((_, i) => !kept[i]));
          expect(prunedMax).to.be.at.most(keptMin);
        },
      ),
    );
  });

  it('projects a hand-made kernel onto the positions holding its largest weights', () => {
    // One kernel, strongest off-centre weights at positions 0, 2 and 8: with size 4 the
    // best candidate is {0, 2, 4, 8}, whatever the (small) other weights are.
    const w = [5, 0.1, -4, 0.2, 0.3, 0.1, 0.2, 0.1, 3];
    const { library, ids } = choosePatterns(w, 1, 3, 3, 4, 8);
    expect(library[ids[0]]).to.deep.equal([0, 2, 4, 8]);
  });
});

/**
 * The pattern choice by brute force, as choosePatterns is specified: every candidate tried per
 * kernel (first best wins), library = most frequent first (lower candidate first on equal counts),
 * then every library pattern tried per kernel (first best wins).
 */
function exhaustiveChoice(weights: number[], kernels: number, size: number, count: number) {
  const candidates = candidatePatterns(3, 3, size);
  const firstBest = (k: number, patterns: number[][]) => {
    let best = 0;
    for (let i = 1; i < patterns.length; i++)
      if (keptEnergy(weights, k, patterns[i]) > keptEnergy(weights, k, patterns[best])) best = i;
    return best;
  };
  const frequency = candidates.map(() => 0);
  for (let k = 0; k < kernels; k++) frequency[firstBest(k, candidates)]++;
  const library = candidates
    .map((c, i) => ({ c, i, n: frequency[i] }))
    .filter((x) => x.n > 0)
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .slice(0, count)
    .map((x) => x.c);
  const ids = Array.from({ length: kernels }, (_, k) => firstBest(k, library));
  const kept = ids.map((id, k) => keptEnergy(weights, k, library[id]));
  return { library, ids, kept };
}

/** The fast pattern choice of kernels made from `raw` equals the exhaustive search, bit for bit. */
function sameAsExhaustive(size: number, count: number, raw: number[]): void {
  const kernels = Math.floor(raw.length / 9);
  const weights = raw.slice(0, kernels * 9);
  const fast = choosePatterns(weights, kernels, 3, 3, size, count);
  const slow = exhaustiveChoice(weights, kernels, size, count);
  expect(fast.library).to.deep.equal(slow.library);
  expect(Array.from(fast.ids)).to.deep.equal(slow.ids);
  expect(Array.from(fast.keptEnergy)).to.deep.equal(slow.kept);
}

describe('workload: fast pattern choice equals the exhaustive search', () => {
  it('on small integer weights, where many candidates tie', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 9, maxLength: 9 * 60 }),
        sameAsExhaustive,
      ),
      { numRuns: 300 },
    );
  });

  it('on real-valued weights, bit for bit (kept energies summed in the same order)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 9, maxLength: 9 * 80 }),
        sameAsExhaustive,
      ),
      { numRuns: 200 },
    );
  });

  it('breaks an all-equal kernel towards the lowest positions', () => {
    const { library } = choosePatterns(new Array<number>(9).fill(1), 1, 3, 3, 4, 8);
    expect(library).to.deep.equal([[0, 1, 2, 4]]);
  });
});

describe('workload: threshold selection', () => {
  it('nthSmallest gives the entry of the sorted array, duplicates included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 300 }),
        fc.nat(),
        (values, at) => {
          const index = at % values.length;
          const sorted = [...values].sort((a, b) => a - b);
          expect(nthSmallest(Float64Array.from(values), index)).to.equal(sorted[index]);
        },
      ),
    );
  });
});

describe('workload: synthetic weights', () => {
  it("follow Box-Muller over seedrandom's Alea stream exactly", () => {
    const layer: ConvLayer = {
      ...(tiny().layers.find((l) => l.type === 'conv') as ConvLayer),
      name: 'probe',
    };
    const n = layer.cout * layer.cin * 9;
    const rng = seedrandom.alea('ousim-weights:11:probe');
    const std = Math.sqrt(2 / (layer.cin * 9));
    const expected: number[] = [];
    while (expected.length < n) {
      const radius = Math.sqrt(-2 * Math.log(1 - rng()));
      const angle = 2 * Math.PI * rng();
      expected.push(std * radius * Math.cos(angle), std * radius * Math.sin(angle));
    }
    expect(Array.from(syntheticConvWeights(layer, 11))).to.deep.equal(expected.slice(0, n));
  });
});

describe('workload: pruneNetwork', () => {
  const options = { size: 4, count: 4, connectivity: 2 };

  it('prunes every 3x3 conv layer to valid masks with the asked library size and connectivity', () => {
    const { network, stats } = pruneNetwork(tiny(), options, 7);
    const convs = network.layers.filter((l): l is ConvLayer => l.type === 'conv');
    expect(convs).to.have.length(3);
    for (const layer of convs) {
      const pruning = layer.pruning;
      expect(pruning, layer.name).to.not.equal(undefined);
      if (!pruning) continue;
      expect(pruning.patterns.length).to.be.at.most(4);
      for (const p of pruning.patterns) expect(p).to.have.length(4).and.include(4);
      const kernels = layer.cout * layer.cin;
      const kept = pruning.kernelPattern.filter((id) => id !== PRUNED).length;
      expect(kept).to.equal(Math.round(kernels / 2));
    }
    expect(stats.map((s) => s.status)).to.deep.equal(['pruned', 'pruned', 'pruned']);
    for (const s of stats) expect(s.histogram.reduce((a, b) => a + b, 0)).to.equal(s.kept);
    // The masked network is a valid trace (masks re-checked on load).
    expect(() => parseTrace(JSON.parse(writeTrace(network)), 'test')).to.not.throw();
  });

  it('gives the same trace byte for byte for the same seed, another for another seed', () => {
    const a = writeTrace(pruneNetwork(tiny(), options, 3).network);
    const b = writeTrace(pruneNetwork(tiny(), options, 3).network);
    const c = writeTrace(pruneNetwork(tiny(), options, 4).network);
    expect(a).to.equal(b);
    expect(a).to.not.equal(c);
  });

  it('leaves non-3x3 convs dense and already-pruned layers as they are', () => {
    const resnet = loadTrace(resolveTracePath('resnet18-imagenet'));
    const net: Network = { ...resnet, layers: resnet.layers.slice(0, 5) }; // conv1 7x7 .. layer1.0.add
    const { network, stats } = pruneNetwork(net, options, 1);
    const conv1 = network.layers[0] as ConvLayer;
    expect(conv1.pruning).to.equal(undefined);
    expect(stats[0]).to.include({ layer: 'conv1', status: 'dense', kept: 64 * 3 });

    const prePruned = loadTrace(resolveTracePath('tiny-pruned'));
    const again = pruneNetwork(prePruned, { size: 2, count: 1, connectivity: 4 }, 99);
    expect(writeTrace(again.network)).to.equal(writeTrace(prePruned));
    expect(again.stats.every((s) => s.status === 'kept')).to.equal(true);
  });

  it('uses given weights: a layer of all-equal kernels but one strong one keeps that one under connectivity', () => {
    const net = tiny();
    const byLayer: Record<string, Float64Array> = {};
    for (const l of net.layers) if (l.type === 'conv') byLayer[l.name] = syntheticConvWeights(l, 5);
    const w = new Float64Array(3 * 8 * 9).fill(0.01); // conv1: cin 3, cout 8
    for (let p = 0; p < 9; p++) w[13 * 9 + p] = 1; // kernel 13 = (f 4, c 1) is the strong one
    byLayer.conv1 = w;
    const { network } = pruneNetwork(net, { size: 4, count: 8, connectivity: 24 }, 1, fixedWeights(byLayer));
    const ids = (network.layers[0] as ConvLayer).pruning?.kernelPattern;
    expect(
      Array.from(ids ?? [])
        .map((id, k) => (id === PRUNED ? -1 : k))
        .filter((k) => k >= 0),
    ).to.deep.equal([13]);
  });

  it('rejects impossible options', () => {
    expect(() => pruneNetwork(tiny(), { size: 0, count: 4, connectivity: 1 }, 1)).to.throw(/pattern.size/);
    expect(() => pruneNetwork(tiny(), { size: 4, count: 4, connectivity: 0.5 }, 1)).to.throw(/connectivity/);
  });
});

/**
 * The dense mapper's `skipZeroOus` option ("traditional + zero-skip", issue 16): the same crossbars and
 * cells as dense, without the OU steps whose weights the masks all prune.
 */
import { expect } from 'chai';
import { mapperOptionsOf } from '../../src/cli/options.ts';
import { mapDense } from '../../src/mapping/dense.ts';
import { mapNetwork, mapperNeedsMasks } from '../../src/mapping/registry.ts';
import { PRUNED, type ConvLayer } from '../../src/workload/types.ts';
import { arch, run, zooNetwork } from '../sim/helpers.ts';

describe('dense mapper, skipZeroOus', () => {
  const paper = arch();

  /** A 32-channel 3x3 conv, 16 filters, every kernel pruned but `keep` (filter, channel, pattern). */
  function convWith(keep: [number, number, number[]][]): ConvLayer {
    const cin = 32;
    const cout = 16;
    const patterns = keep.map(([, , p]) => p);
    const kernelPattern = new Uint8Array(cout * cin).fill(PRUNED);
    keep.forEach(([f, c], i) => (kernelPattern[f * cin + c] = i));
    return {
      name: 'conv',
      type: 'conv',
      inputs: ['input'],
      inShape: [cin, 8, 8],
      outShape: [cout, 8, 8],
      cin,
      cout,
      kernel: [3, 3],
      stride: [1, 1],
      padding: [1, 1],
      groups: 1,
      pruning: { patterns, kernelPattern },
    };
  }

  it('keeps exactly the OU steps that hold a kept weight (one kernel, counted by hand)', () => {
    // Filter 5, channel 3, positions 0, 4, 5, 8: matrix rows 27, 31, 32, 35 -> 8-row chunks 3 and 4
    // (27 and 31 in rows 24-31; 32 and 35 in rows 32-39); filter 5's 4 columns 20-23 -> column chunk 2.
    const layer = convWith([[5, 3, [0, 4, 5, 8]]]);
    const dense = mapDense(layer, paper, 'dense');
    const skipped = mapDense(layer, paper, 'dense', { skipZeroOus: true });
    expect(skipped.crossbars.length).to.equal(dense.crossbars.length);
    const steps = skipped.crossbars.reduce((n, p) => n + p.ouRows.length, 0);
    expect(steps).to.equal(2);
    expect([...skipped.crossbars[0].ouFirstRow!]).to.deep.equal([24, 32]);
    expect(skipped.scheme).to.equal('dense/zero-skip');
    // cells and outputs as dense
    expect(skipped.crossbars[0].cellsUsed).to.equal(dense.crossbars[0].cellsUsed);
    expect(skipped.crossbars[0].outputsPerVector).to.equal(dense.crossbars[0].outputsPerVector);
  });

  it('skips nothing on an unpruned layer', () => {
    const layer = { ...convWith([]), pruning: undefined };
    const dense = mapDense(layer, paper, 'dense');
    const skipped = mapDense(layer, paper, 'dense', { skipZeroOus: true });
    expect(skipped.crossbars.map((p) => p.ouRows.length)).to.deep.equal(
      dense.crossbars.map((p) => p.ouRows.length),
    );
  });

  it('skips part of VGG-16 CIFAR-10 and keeps more OU steps than pattern mapping', () => {
    const network = zooNetwork('vgg16-cifar10', paper);
    const steps = (mapper: string, skipZeroOus = false) =>
      mapNetwork(network, paper, mapper, { skipZeroOus }).reduce(
        (n, m) => n + m.crossbars.reduce((k, p) => k + p.ouRows.length, 0) * m.vectors,
        0,
      );
    const dense = steps('dense');
    const skipped = steps('dense', true);
    expect(skipped).to.be.lessThan(dense * 0.9);
    expect(skipped).to.be.greaterThan(steps('pattern'));
  });

  it('runs the same in both fidelities, with fewer OU steps than dense', () => {
    const network = zooNetwork('tiny', paper);
    const request = (fidelity: 'fast' | 'ou') =>
      run(network, paper, 'dense', fidelity, 1, 0, 1, { skipZeroOus: true });
    const fast = request('fast');
    const ou = request('ou');
    expect(ou.cycles).to.equal(fast.cycles);
    expect(ou.counts).to.deep.equal(fast.counts);
    expect(fast.counts.ouSteps).to.be.lessThan(run(network, paper, 'dense', 'fast').counts.ouSteps);
  });

  it('is asked for with --skip-zero-ous, and then the dense mapper needs masks', () => {
    expect(mapperOptionsOf({ 'skip-zero-ous': true }).skipZeroOus).to.equal(true);
    expect(mapperOptionsOf({})).to.not.have.property('skipZeroOus');
    expect(mapperNeedsMasks('dense')).to.equal(false);
    expect(mapperNeedsMasks('dense', { skipZeroOus: true })).to.equal(true);
    expect(mapperNeedsMasks('pattern')).to.equal(true);
  });
});

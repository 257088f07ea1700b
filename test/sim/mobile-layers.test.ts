/**
 * The element-wise layer types of imported mobile and detection networks (mul, resize, slice) in the
 * simulator: both fidelities agree, each layer waits for the producer rows it reads, and the activation
 * unit does the work docs/traces.md says.
 */
import { expect } from 'chai';
import { layerRows, summaryRows } from '../../src/output/csv.ts';
import { toCsv } from '../../src/output/csv-text.ts';
import { lastNeededFn } from '../../src/sim/receptive-field.ts';
import { pruneNetwork } from '../../src/workload/prune.ts';
import type { Layer } from '../../src/workload/types.ts';
import { arch, networkFrom, run } from './helpers.ts';

/** SE block, channel split, nearest / bilinear upsampling and a transposed conv's depth-to-space. */
const MOBILE = {
  name: 'mobile',
  inputShape: [3, 8, 8],
  layers: [
    { name: 'stem', type: 'conv', cout: 8, kernel: 3, padding: 1 },
    { name: 'se.pool', type: 'pool', mode: 'avg', global: true },
    { name: 'se.fc', type: 'conv', cout: 8, kernel: 1 },
    { name: 'se.mul', type: 'mul', inputs: ['stem', 'se.fc'] },
    { name: 'half', type: 'slice', channels: [0, 4] },
    { name: 'down', type: 'conv', cout: 8, kernel: 3, stride: 2, padding: 1 },
    { name: 'up', type: 'resize', mode: 'nearest', scale: 2 },
    { name: 'smooth', type: 'resize', mode: 'bilinear', scale: [1, 1], inputs: ['se.mul'] },
    { name: 'deconv', type: 'conv', cout: 32, kernel: 1, inputs: ['down'] },
    { name: 'deconv.scatter', type: 'resize', mode: 'depthToSpace', scale: 2 },
    { name: 'sum', type: 'add', inputs: ['up', 'deconv.scatter', 'smooth'] },
    { name: 'head', type: 'conv', cout: 4, kernel: 3, padding: 1 },
  ],
};

const csvOf = (r: ReturnType<typeof run>) =>
  toCsv(summaryRows([r]).map(({ fidelity: _f, ...rest }) => rest)) + toCsv(layerRows([r]));

describe('sim: mul, resize and slice layers', () => {
  const a = arch();
  const network = pruneNetwork(networkFrom(MOBILE), a.pattern, 1).network;

  it('have the shapes of their definitions', () => {
    const shapes = Object.fromEntries(network.layers.map((l) => [l.name, l.outShape]));
    expect(shapes).to.deep.include({
      'se.mul': [8, 8, 8],
      half: [4, 8, 8],
      up: [8, 8, 8],
      'deconv.scatter': [8, 8, 8],
      sum: [8, 8, 8],
    });
  });

  for (const mapper of ['dense', 'pattern'])
    it(`give identical results in both fidelities (${mapper})`, () => {
      const fast = run(network, a, mapper, 'fast');
      expect(csvOf(run(network, a, mapper, 'ou'))).to.equal(csvOf(fast));
      // Per output position: mul one op per channel, bilinear three per value, copies none.
      const ops = (name: string) => fast.layers.find((l) => l.layer === name)!.counts.activationOps;
      expect(ops('se.mul')).to.equal(8 * 64);
      expect(ops('smooth')).to.equal(3 * 8 * 64);
      expect([ops('up'), ops('half'), ops('deconv.scatter')]).to.deep.equal([0, 0, 0]);
    });

  it('an upsampled row waits for the input row it copies (bilinear: and the next)', () => {
    const byName = new Map<string, Layer>(network.layers.map((l) => [l.name, l]));
    const up = lastNeededFn(byName.get('up')!, [8, 4, 4]);
    // Output (3, 5) of the 8x8 map copies input (1, 2) of the 4x4 one.
    expect(up(3 * 8 + 5)).to.equal(1 * 4 + 2);
    const smooth = lastNeededFn(byName.get('smooth')!, [8, 8, 8]);
    expect(smooth(3 * 8 + 5)).to.equal(4 * 8 + 6);
    expect(smooth(63)).to.equal(63);
    // The SE scale vector has one position: every output needs it.
    expect(lastNeededFn(byName.get('se.mul')!, [8, 1, 1])(40)).to.equal(0);
  });
});

import { expect } from 'chai';
import { lineBufferBytes, lineBufferWarnings } from '../../src/sim/line-buffers.ts';
import { loadTrace, resolveTracePath } from '../../src/workload/trace.ts';
import { arch } from './helpers.ts';

describe('line buffers against buffer.sizeKiB', () => {
  const vgg = loadTrace(resolveTracePath('vgg16-imagenet'));

  it('sizes a conv line buffer as (kernel + stride) rows of the input map, all channels', () => {
    const conv12 = vgg.layers.find((l) => l.name === 'conv1_2');
    expect(conv12).to.not.equal(undefined);
    // 224 wide, 64 channels, 3 + 1 rows, 8-bit inputs.
    expect(lineBufferBytes(conv12!, arch())).to.equal(4 * 224 * 64);
  });

  it('every zoo network fits the paper preset; a 16 KiB buffer does not hold VGG-16 ImageNet', () => {
    for (const name of ['vgg16-cifar10', 'vgg16-imagenet', 'resnet18-imagenet', 'resnet50-imagenet']) {
      expect(lineBufferWarnings(loadTrace(resolveTracePath(name)).layers, arch()), name).to.deep.equal([]);
    }
    const warnings = lineBufferWarnings(vgg.layers, arch('buffer.sizeKiB=16'));
    expect(warnings.some((w) => w.includes('conv1_2') && w.includes('56.0 KiB'))).to.equal(true);
  });
});

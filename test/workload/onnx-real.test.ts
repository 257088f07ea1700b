/**
 * ONNX import on graphs torch.onnx really exported (test/fixtures/onnx/README.md says how), not
 * on graphs our tests build: torchvision's ResNet-18 and VGG-16 must import layer for layer as the
 * zoo's hand-written traces.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripOnnx } from '../../scripts/strip-onnx.ts';
import { InputError } from '../../src/util/errors.ts';
import { projectRoot } from '../../src/util/paths.ts';
import { importOnnx } from '../../src/workload/onnx/import.ts';
import { decodeOnnx, readOnnxFile, tensorValues } from '../../src/workload/onnx/model.ts';
import { loadTrace, resolveTracePath } from '../../src/workload/trace.ts';
import type { Layer } from '../../src/workload/types.ts';
import { OnnxBuilder } from './onnx-builder.ts';

const fixture = (name: string) => join(projectRoot, 'test', 'fixtures', 'onnx', name);
const importFixture = (name: string) => {
  const path = fixture(name);
  const graph = readOnnxFile(path);
  return { graph, ...importOnnx(graph, 'imported', path) };
};
const withoutName = ({ name: _name, inputs, ...rest }: Layer) => ({
  ...rest,
  // Unnamed references only: which earlier layer (by position) feeds this one.
  inputs: inputs.length,
});

describe('workload: ONNX import of real torchvision exports', () => {
  const resnet18 = loadTrace(resolveTracePath('resnet18-imagenet'));

  for (const file of [
    'torchvision-resnet18-graph.onnx',
    'torchvision-resnet18-zero-init-graph.onnx',
    'torchvision-resnet18-no-params.onnx',
  ]) {
    it(`${file} imports layer for layer as traces/resnet18-imagenet.json`, () => {
      const { network, convWeights, graph } = importFixture(file);
      expect(network.inputShape).to.deep.equal(resnet18.inputShape);
      expect(network.layers.map((l) => l.name)).to.deep.equal(resnet18.layers.map((l) => l.name));
      // Every field of every layer: type, shapes, kernel, stride, padding, groups, inputs.
      network.layers.forEach((layer, i) => expect(layer, layer.name).to.deep.equal(resnet18.layers[i]));
      // Each conv layer's weights are named by a real parameter of the model (never an Identity copy).
      const parameters = new Set([...graph.initializers.keys(), ...graph.inputs.map((v) => v.name)]);
      expect(convWeights.size).to.equal(20);
      for (const tensor of convWeights.values()) expect(parameters.has(tensor), tensor).to.equal(true);
    });
  }

  it('passes over what torch adds around the layers, and says so once', () => {
    const { warnings } = importFixture('torchvision-resnet18-graph.onnx');
    expect(warnings).to.have.length(1);
    // Identity: torch shares the equal (all-zero) biases of a fresh model through Identity nodes.
    expect(warnings[0]).to.match(/Identity x16, Relu x17, Flatten x1$/);
  });

  it('zero-initialised residual branches share one weight tensor through Identity nodes', () => {
    const { graph, convWeights } = importFixture('torchvision-resnet18-zero-init-graph.onnx');
    const conv2 = graph.nodes.find((n) => n.name === '/layer1/layer1.1/conv2/Conv');
    expect(conv2, 'the export has the node').to.not.equal(undefined);
    expect(graph.initializers.has(conv2!.inputs[1]), 'its weight is an Identity output').to.equal(false);
    expect(graph.initializers.get(convWeights.get('layer1.1.conv2')!)?.dims).to.deep.equal([64, 64, 3, 3]);
  });

  it('torchvision-vgg16-graph.onnx imports as traces/vgg16-imagenet.json apart from layer names', () => {
    const { network, warnings } = importFixture('torchvision-vgg16-graph.onnx');
    const vgg16 = loadTrace(resolveTracePath('vgg16-imagenet'));
    expect(network.inputShape).to.deep.equal(vgg16.inputShape);
    expect(network.layers.map(withoutName)).to.deep.equal(vgg16.layers.map(withoutName));
    // torchvision's AdaptiveAvgPool2d(7) on the 7x7 map exports as a 1x1, stride-1 AveragePool.
    expect(warnings[0]).to.match(/AveragePool x1/);
  });

  it('keeps a 1x1 pool that strides or pads: only the copying one is passed over', () => {
    const b = new OnnxBuilder();
    const x = b.input('x', [1, 2, 8, 8]);
    const y = b.node('AveragePool', '/p/AveragePool', [x], { kernel_shape: [1, 1] })[0];
    const z = b.node('MaxPool', '/q/MaxPool', [y], { kernel_shape: [1, 1], strides: [2, 2] })[0];
    const { network } = importOnnx(decodeOnnx(b.encode(z), 'm.onnx'), 'm', 'm.onnx');
    expect(network.layers.map((l) => [l.name, l.outShape])).to.deep.equal([['q', [2, 4, 4]]]);
  });
});

describe('scripts/strip-onnx.ts', () => {
  it('drops weight data, keeps dims and small tensors, and imports the same', () => {
    const path = fixture('tiny.onnx');
    const original = readFileSync(path);
    const stripped = stripOnnx(original);
    expect(stripped.length).to.be.lessThan(original.length / 2);
    const before = decodeOnnx(original, path);
    const after = decodeOnnx(stripped, path);
    expect(importOnnx(after, 'tiny', path).network).to.deep.equal(importOnnx(before, 'tiny', path).network);
    expect([...after.initializers.keys()]).to.deep.equal([...before.initializers.keys()]);
    for (const [name, tensor] of after.initializers) {
      const had = before.initializers.get(name)!;
      expect(tensor.dims, name).to.deep.equal(had.dims);
      if (tensorValues(had, path).length * 4 > 64)
        expect(() => tensorValues(tensor, path), name).to.throw(InputError, /no values/);
      else expect(tensorValues(tensor, path), name).to.deep.equal(tensorValues(had, path));
    }
  });

  it('leaves an already stripped fixture byte for byte as it is', () => {
    const bytes = readFileSync(fixture('torchvision-resnet18-graph.onnx'));
    expect(Buffer.from(stripOnnx(bytes)).equals(bytes)).to.equal(true);
  });
});

import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/util/errors.ts';
import { importOnnx, layerNameOf } from '../../src/workload/onnx/import.ts';
import { decodeOnnx, readOnnxFile } from '../../src/workload/onnx/model.ts';
import { projectRoot } from '../../src/util/paths.ts';
import { pruneNetwork } from '../../src/workload/prune.ts';
import { loadTrace, resolveTracePath, writeTrace } from '../../src/workload/trace.ts';
import type { ConvLayer } from '../../src/workload/types.ts';
import { onnxWeights } from '../../src/workload/weights/files.ts';
import { OnnxBuilder, resnet18Onnx, tinyOnnx } from './onnx-builder.ts';

const importBytes = (bytes: Uint8Array, name = 'm') =>
  importOnnx(decodeOnnx(bytes, 'model.onnx'), name, 'model.onnx');

describe('workload: ONNX import', () => {
  it('imports a torchvision-style ResNet-18 layer for layer as traces/resnet18-imagenet.json', () => {
    const { network, warnings } = importBytes(resnet18Onnx(), 'resnet18-imagenet');
    const zoo = loadTrace(resolveTracePath('resnet18-imagenet'));
    expect(network.inputShape).to.deep.equal(zoo.inputShape);
    expect(network.layers.length).to.equal(zoo.layers.length);
    network.layers.forEach((layer, i) => expect(layer, layer.name).to.deep.equal(zoo.layers[i]));
    expect(warnings).to.have.length(1);
    expect(warnings[0])
      .to.match(/BatchNormalization x20/)
      .and.match(/Relu x17/)
      .and.match(/Flatten x1/);
  });

  it('names layers from torch module paths', () => {
    const node = (name: string, opType: string) => ({
      name,
      opType,
      inputs: [],
      outputs: [],
      attributes: new Map(),
    });
    expect(layerNameOf(node('/layer2/layer2.0/downsample/downsample.0/Conv', 'Conv'))).to.equal(
      'layer2.0.downsample.0',
    );
    expect(layerNameOf(node('/layer1/layer1.0/Add_1', 'Add'))).to.equal('layer1.0.add_1');
    expect(layerNameOf(node('conv_7', 'Conv'))).to.equal('conv_7');
  });

  it('imports groups, strides, pads, MatMul, Concat and pools; passes Reshape/Shape/Constant over', () => {
    const b = new OnnxBuilder();
    const x = b.input('x', [1, 4, 9, 9]);
    const c1 = b.conv('a', x, 4, 8, 3, { group: 2, stride: 2, pad: 1 }); // 8x5x5
    const c2 = b.conv('b', x, 4, 8, 1, { stride: 2 }); // 8x5x5
    const cat = b.node('Concat', '/Concat', [c1, c2], { axis: 1 })[0]; // 16x5x5
    const avg = b.node('AveragePool', '/pool/AveragePool', [cat], {
      kernel_shape: [2, 2],
      strides: [2, 2],
      ceil_mode: 1,
    })[0]; // 16x3x3
    const shape = b.node('Shape', '/Shape', [avg])[0];
    const flat = b.node('Reshape', '/Reshape', [avg, shape])[0];
    const w = b.initializer('w', [144, 10]);
    const y = b.node('MatMul', '/fc/MatMul', [flat, w])[0];
    const { network, warnings } = importBytes(b.encode(y));
    expect(network.layers.map((l) => [l.name, l.type, l.outShape])).to.deep.equal([
      ['a', 'conv', [8, 5, 5]],
      ['b', 'conv', [8, 5, 5]],
      ['concat', 'concat', [16, 5, 5]],
      ['pool', 'pool', [16, 3, 3]],
      ['fc', 'fc', [10, 1, 1]],
    ]);
    expect((network.layers[0] as ConvLayer).groups).to.equal(2);
    expect(network.layers[1].inputs).to.deep.equal(['input']);
    expect(network.layers[2].inputs).to.deep.equal(['a', 'b']);
    expect(warnings[0])
      .to.match(/Shape x1/)
      .and.match(/Reshape x1/);
  });

  it('rejects an operator that matters and is not supported, naming the node', () => {
    const b = new OnnxBuilder();
    const x = b.input('x', [1, 3, 8, 8]);
    const y = b.node('LRN', '/norm/LRN', [x], { size: 3 })[0];
    expect(() => importBytes(b.encode(y))).to.throw(InputError, /node '\/norm\/LRN' \(LRN\).*not supported/);
  });

  it('rejects asymmetric padding and dilation', () => {
    const b = new OnnxBuilder();
    const x = b.input('x', [1, 3, 8, 8]);
    const w = b.initializer('w', [4, 3, 3, 3]);
    const y = b.node('Conv', '/c/Conv', [x, w], { pads: [0, 0, 1, 1] })[0];
    expect(() => importBytes(b.encode(y))).to.throw(InputError, /not symmetric/);
    const b2 = new OnnxBuilder();
    const x2 = b2.input('x', [1, 3, 8, 8]);
    const y2 = b2.node('Conv', '/c/Conv', [x2, b2.initializer('w', [4, 3, 3, 3])], { dilations: [2, 2] })[0];
    expect(() => importBytes(b2.encode(y2))).to.throw(InputError, /dilated/);
  });

  it('rejects bytes that are not a model', () => {
    expect(() => decodeOnnx(new Uint8Array([0xff, 0xff, 0xff, 0x01]), 'junk.onnx')).to.throw(
      InputError,
      /junk\.onnx/,
    );
  });
});

describe('workload: pruning with ONNX weights', () => {
  /** Two 3x3 convs with real weights: raw_data for one, float_data for the other. */
  function model(w1: number[], w2: number[]): string {
    const b = new OnnxBuilder();
    const x = b.input('x', [1, 2, 6, 6]);
    const y1 = b.conv('c1', x, 2, 3, 3, { pad: 1, weights: w1 });
    b.initializer('unused', [1]);
    const w = b.initializer('c2.w', [2, 3, 3, 3], w2, false);
    const y2 = b.node('Conv', '/c2/Conv', [y1, w], { pads: [1, 1, 1, 1] })[0];
    const dir = mkdtempSync(join(tmpdir(), 'ousim-onnx-'));
    const path = join(dir, 'small.onnx');
    writeFileSync(path, b.encode(y2));
    return path;
  }
  const ramp = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed));

  it('reads float32 raw_data and float_data and prunes exactly as with the same weights in memory', () => {
    const w1 = ramp(2 * 3 * 9, 1);
    const w2 = ramp(3 * 2 * 9, 2);
    const path = model(w1, w2);
    const imported = importOnnx(decodeOnnx(readFileSync(path), path), 'small', path).network;
    const options = { size: 3, count: 2, connectivity: 1.5 };
    const fromOnnx = pruneNetwork(imported, options, 1, onnxWeights(path, imported));
    const f32 = (a: number[]) => Array.from(Float32Array.from(a));
    const byName: Record<string, number[]> = { c1: f32(w1), c2: f32(w2) };
    const inMemory = pruneNetwork(imported, options, 1, {
      origin: 'mem',
      convWeights: (l) => byName[l.name],
    });
    expect(writeTrace(fromOnnx.network)).to.equal(writeTrace(inMemory.network));
    // And the weights mattered: synthetic weights give other masks.
    expect(writeTrace(fromOnnx.network)).to.not.equal(writeTrace(pruneNetwork(imported, options, 1).network));
  });

  it('matches by order when names differ, and rejects a shapes-only model', () => {
    const path = model(ramp(54, 3), ramp(54, 4));
    const imported = importOnnx(decodeOnnx(readFileSync(path), path), 'small', path).network;
    const renamed = { ...imported, layers: imported.layers.map((l, i) => ({ ...l, name: `L${i}` })) };
    renamed.layers[1].inputs = ['L0'];
    const a = pruneNetwork(imported, { size: 4, count: 4, connectivity: 1 }, 1, onnxWeights(path, imported));
    const b = pruneNetwork(renamed, { size: 4, count: 4, connectivity: 1 }, 1, onnxWeights(path, renamed));
    expect(a.stats.map((s) => s.histogram)).to.deep.equal(b.stats.map((s) => s.histogram));

    const dir = mkdtempSync(join(tmpdir(), 'ousim-onnx-'));
    const shapesOnly = join(dir, 'r18.onnx');
    writeFileSync(shapesOnly, resnet18Onnx());
    const r18 = loadTrace(resolveTracePath('resnet18-imagenet'));
    expect(() =>
      pruneNetwork(r18, { size: 4, count: 8, connectivity: 1 }, 1, onnxWeights(shapesOnly, r18)),
    ).to.throw(InputError, /layer1\.0\.conv1\.weight.*no values/);
  });
});

describe('workload: committed ONNX fixtures', () => {
  const fixture = (name: string) => join(projectRoot, 'test', 'fixtures', 'onnx', name);

  it('are what test/fixtures/onnx/make.ts writes', () => {
    expect(Buffer.from(readFileSync(fixture('tiny.onnx'))).equals(Buffer.from(tinyOnnx()))).to.equal(true);
    expect(
      Buffer.from(readFileSync(fixture('resnet18-shapes.onnx'))).equals(Buffer.from(resnet18Onnx())),
    ).to.equal(true);
  });

  it('tiny.onnx imports as the zoo trace tiny, and its weights prune it', () => {
    const path = fixture('tiny.onnx');
    const { network } = importOnnx(readOnnxFile(path), 'tiny', path);
    expect(network.layers).to.deep.equal(loadTrace(resolveTracePath('tiny')).layers);
    const { stats } = pruneNetwork(
      network,
      { size: 4, count: 4, connectivity: 2 },
      1,
      onnxWeights(path, network),
    );
    expect(stats.map((s) => s.kept)).to.deep.equal([12, 32, 32]);
  });
});

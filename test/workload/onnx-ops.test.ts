/**
 * The operators of mobile and detection CNNs (docs/traces.md "ONNX"): every shape ousim infers is the
 * one onnxruntime computes for the same tensor, and every weight layer's MACs the operator's own
 * count on onnxruntime's shapes (test/workload/onnx-ort.ts). Also the trained PP-OCR models.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/util/errors.ts';
import { projectRoot } from '../../src/util/paths.ts';
import { importOnnx } from '../../src/workload/onnx/import.ts';
import { decodeOnnx } from '../../src/workload/onnx/model.ts';
import { isWeightLayer, layerMacs, type ConvLayer, type ResizeLayer } from '../../src/workload/types.ts';
import { hasWeightData, onnxWeights } from '../../src/workload/weights/files.ts';
import { OnnxBuilder } from './onnx-builder.ts';
import { independentMacs, ortDims } from './onnx-ort.ts';

export const OCR_MODELS = join(projectRoot, 'node_modules', '@gutenye', 'ocr-models', 'assets');

const seeded = (n: number, phase: number) =>
  Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + phase) * 0.3);

/** A small network with every supported operator, real weights, opset 17. */
export function mobileOnnx(): { bytes: Uint8Array; tensors: Record<string, string> } {
  const b = new OnnxBuilder();
  const f = (name: string, values: number[]) => b.initializer(name, [values.length], values);
  const scalar = (name: string, v: number) => b.initializer(name, [], [v]);
  let phase = 0;
  const conv = (path: string, x: string, cin: number, cout: number, k: number, o = {}) =>
    b.conv(path, x, cin, cout, k, { ...o, weights: seeded(cout * cin * k * k, phase++) });
  const x = b.input('x', [1, 3, 16, 16]);
  const c0 = conv('stem', x, 3, 8, 3, { stride: 2, pad: 1 });
  const bn = b.node('BatchNormalization', '/bn/BatchNormalization', [
    c0,
    f(
      'bn.w',
      seeded(8, 1).map((v) => 1 + v),
    ),
    f('bn.b', seeded(8, 2)),
    f('bn.m', seeded(8, 3)),
    f(
      'bn.v',
      seeded(8, 4).map((v) => 1 + Math.abs(v)),
    ),
  ])[0];
  // HardSwish as Paddle2ONNX writes it: x * clip(x + 3, 0, 6) / 6.
  const plus3 = b.node('Add', '/hs/Add', [bn, scalar('three', 3)])[0];
  const clip = b.node('Clip', '/hs/Clip', [plus3, scalar('zero', 0), scalar('six', 6)])[0];
  const times = b.node('Mul', '/hs/Mul', [bn, clip])[0];
  const hs = b.node('Div', '/hs/Div', [times, 'six'])[0];
  // Squeeze-excitation: global pool, two 1x1 convs, HardSigmoid, channel scale.
  const g = b.node('GlobalAveragePool', '/se/pool/GlobalAveragePool', [hs])[0];
  const s1 = b.node('Relu', '/se/Relu', [conv('se.fc1', g, 8, 4, 1)])[0];
  const s2 = b.node('HardSigmoid', '/se/HardSigmoid', [conv('se.fc2', s1, 4, 8, 1)])[0];
  const se = b.node('Mul', '/se/Mul', [hs, s2])[0];
  const padded = b.node('Pad', '/pad/Pad', [se, b.int64('pads', [0, 0, 1, 1, 0, 0, 1, 1])])[0];
  const c1 = conv('body', padded, 8, 8, 3);
  const [a, bb] = b.node('Split', '/split/Split', [c1, b.int64('split', [4, 4])], { axis: 1 }, 2);
  const sum = b.node('Add', '/Add', [a, bb])[0];
  const up = b.node('Resize', '/up/Resize', [sum, '', f('scales', [1, 1, 2, 2])], { mode: 'nearest' })[0];
  const wT = b.initializer('deconv.weight', [8, 4, 2, 2], seeded(128, 9));
  const dc = b.node('ConvTranspose', '/deconv/ConvTranspose', [c1, wT], {
    kernel_shape: [2, 2],
    strides: [2, 2],
  })[0];
  const cat = b.node('Concat', '/Concat', [up, dc], { axis: 1 })[0];
  const sl = b.node('Slice', '/Slice', [
    cat,
    b.int64('starts', [0]),
    b.int64('ends', [6]),
    b.int64('axes', [1]),
  ])[0];
  const tr = b.node('Transpose', '/Transpose', [sl], { perm: [0, 1, 2, 3] })[0];
  const r6 = b.node('Clip', '/relu6/Clip', [tr, 'zero', 'six'])[0];
  const mp = b.node('MaxPool', '/pool/MaxPool', [r6], { kernel_shape: [2, 2], strides: [2, 2] })[0];
  const flat = b.node('Flatten', '/Flatten', [mp], { axis: 1 })[0];
  const fc = b.node('Gemm', '/fc/Gemm', [flat, b.initializer('fc.weight', [10, 384], seeded(3840, 11))], {
    transB: 1,
  })[0];
  const mm = b.node('MatMul', '/head/MatMul', [fc, b.initializer('head.weight', [10, 5], seeded(50, 12))])[0];
  const out = b.node('Sigmoid', '/Sigmoid', [mm])[0];
  return {
    bytes: b.encode(out),
    tensors: {
      stem: c0,
      'se.pool': g,
      'se.mul': se,
      body: c1,
      'split.split_0': a,
      'split.split_1': bb,
      add: sum,
      'up.resize': up,
      'deconv.scatter': dc,
      concat: cat,
      slice: sl,
      pool: mp,
      fc,
      head: mm,
    },
  };
}

const shape3 = (dims: readonly number[]) =>
  dims.length === 4 ? [dims[1], dims[2], dims[3]] : [dims[1], 1, 1];

describe('workload: ONNX operators of mobile and detection CNNs', function () {
  this.timeout(120000);

  it('every layer has the shape onnxruntime computes for its tensor', async () => {
    const { bytes, tensors } = mobileOnnx();
    const { network, warnings } = importOnnx(decodeOnnx(bytes, 'm.onnx'), 'm', 'm.onnx');
    const byName = new Map(network.layers.map((l) => [l.name, l]));
    const named = Object.entries(tensors);
    const dims = await ortDims(
      bytes,
      named.map(([, t]) => t),
      [1, 3, 16, 16],
    );
    for (const [layer, tensor] of named)
      expect(byName.get(layer)?.outShape, layer).to.deep.equal(shape3(dims.get(tensor) as number[]));
    expect(network.layers.map((l) => [l.name, l.type])).to.deep.equal([
      ['stem', 'conv'],
      ['se.pool', 'pool'],
      ['se.fc1', 'conv'],
      ['se.fc2', 'conv'],
      ['se.mul', 'mul'],
      ['body', 'conv'],
      ['split.split_0', 'slice'],
      ['split.split_1', 'slice'],
      ['add', 'add'],
      ['up.resize', 'resize'],
      ['deconv', 'conv'],
      ['deconv.scatter', 'resize'],
      ['concat', 'concat'],
      ['slice', 'slice'],
      ['pool', 'pool'],
      ['fc', 'fc'],
      ['head', 'fc'],
    ]);
    const body = network.layers[5] as ConvLayer;
    expect(body.padding, 'the Pad folds into the conv').to.deep.equal([1, 1]);
    expect(network.layers[4].inputs, 'the SE scale multiplies the map by the vector').to.deep.equal([
      'stem',
      'se.fc2',
    ]);
    expect(warnings[0])
      .to.match(/BatchNormalization x1/)
      .and.match(/Pad x1/)
      .and.match(/Transpose x1/);
    // The transposed conv is its weight matrix (a 1x1 conv, 4 output channels x 2x2 positions) and the
    // depth-to-space of its patches.
    const deconv = network.layers[10] as ConvLayer;
    expect([deconv.kernel, deconv.cin, deconv.cout]).to.deep.equal([[1, 1], 8, 16]);
    // The HardSwish (x * clip(x + 3) / 6) folds into the stem: its Mul is passed over.
    expect(network.layers.some((l) => l.name === 'hs.mul')).to.equal(false);
  });

  it('every weight layer has the MACs of its ONNX operator on onnxruntime shapes', async () => {
    const { bytes } = mobileOnnx();
    const graph = decodeOnnx(bytes, 'm.onnx');
    const { network } = importOnnx(graph, 'm', 'm.onnx');
    const expected = await independentMacs(bytes, graph, [1, 3, 16, 16]);
    expect(network.layers.filter(isWeightLayer).map(layerMacs)).to.deep.equal(expected);
  });

  for (const [file, input] of [
    ['ch_PP-OCRv4_det_infer.onnx', [1, 3, 640, 640]],
    ['ch_ppocr_mobile_v2.0_cls_infer.onnx', [1, 3, 48, 192]],
  ] as const) {
    it(`trained ${file} at ${input.join('x')}: imports, every weight layer's MACs as onnxruntime's shapes give`, async () => {
      const path = join(OCR_MODELS, file);
      const bytes = readFileSync(path);
      const graph = decodeOnnx(bytes, path);
      expect(() => importOnnx(graph, 'm', path), 'dynamic dims need --input-shape').to.throw(
        InputError,
        /--input-shape/,
      );
      const { network } = importOnnx(graph, 'm', path, { inputShape: [...input] });
      const expected = await independentMacs(bytes, graph, [...input]);
      const macs = network.layers.filter(isWeightLayer).map(layerMacs);
      expect(macs).to.deep.equal(expected);
    });
  }

  it('refuses what it cannot simulate, naming the file, the node and the op', () => {
    const cases: [string, (b: OnnxBuilder, x: string) => string, RegExp][] = [
      [
        'ReduceMean',
        (b, x) => b.node('ReduceMean', '/norm/ReduceMean', [x])[0],
        /node '\/norm\/ReduceMean' \(ReduceMean\): operator ReduceMean/,
      ],
      [
        'overlapping ConvTranspose',
        (b, x) =>
          b.node('ConvTranspose', '/up/ConvTranspose', [x, b.initializer('w', [3, 3, 3, 3])], {
            kernel_shape: [3, 3],
            strides: [2, 2],
          })[0],
        /node '\/up\/ConvTranspose' \(ConvTranspose\): kernel 3x3 with stride 2x2/,
      ],
      [
        'fractional Resize',
        (b, x) => b.node('Resize', '/r/Resize', [x, '', b.initializer('s', [4], [1, 1, 1.5, 1.5])])[0],
        /node '\/r\/Resize' \(Resize\): scale factors \[1.5, 1.5\]/,
      ],
      [
        'spatial Slice',
        (b, x) =>
          b.node('Slice', '/s/Slice', [x, b.int64('a', [1]), b.int64('b', [4]), b.int64('c', [2])])[0],
        /node '\/s\/Slice' \(Slice\): slices axis 2/,
      ],
      [
        'Pad before a pool',
        (b, x) =>
          b.node(
            'MaxPool',
            '/p/MaxPool',
            [b.node('Pad', '/pad/Pad', [x, b.int64('p', [0, 0, 1, 1, 0, 0, 1, 1])])[0]],
            {
              kernel_shape: [2, 2],
            },
          )[0],
        /node '\/p\/MaxPool' \(MaxPool\): reads a zero-padded map/,
      ],
    ];
    for (const [what, make, message] of cases) {
      const b = new OnnxBuilder();
      const y = make(b, b.input('x', [1, 3, 8, 8]));
      expect(() => importOnnx(decodeOnnx(b.encode(y), 'bad.onnx'), 'm', 'bad.onnx'), what).to.throw(
        InputError,
        new RegExp(`^bad\\.onnx: ${message.source}`),
      );
    }
  });

  it('reads weights held by Constant nodes (Paddle2ONNX) for shapes and for pruning', () => {
    const b = new OnnxBuilder();
    const weights = seeded(4 * 3 * 9, 5);
    const w = b.constant('conv.w', [4, 3, 3, 3], weights);
    const y = b.node('Conv', 'p2o.Conv.0', [b.input('x', [1, 3, 8, 8]), w], { pads: [1, 1, 1, 1] })[0];
    const dir = mkdtempSync(join(tmpdir(), 'ousim-const-'));
    const path = join(dir, 'paddle.onnx');
    writeFileSync(path, b.encode(y));
    const graph = decodeOnnx(readFileSync(path), path);
    const { network, convWeights } = importOnnx(graph, 'm', path);
    expect(network.layers[0]).to.include({ name: 'p2o.Conv.0', cin: 3, cout: 4 });
    expect(hasWeightData(graph, convWeights)).to.equal(true);
    const values = onnxWeights(path, network).convWeights(network.layers[0] as ConvLayer);
    expect(Array.from(values)).to.deep.equal(Array.from(Float32Array.from(weights)));
  });

  it('Upsample (scales input), Resize by sizes and linear mode give whole-factor resize layers', () => {
    const b = new OnnxBuilder();
    const x = b.input('x', [1, 2, 5, 6]);
    // Upsample-9: X and a scales tensor.
    const up = b.node('Upsample', '/a/Upsample', [x, b.initializer('s', [4], [1, 1, 2, 3])])[0];
    // Resize-13 by sizes: 10x18 -> 30x36 is x3, x2; linear is bilinear for 2-D maps.
    const bySizes = b.node('Resize', '/b/Resize', [up, '', '', b.int64('sizes', [1, 2, 30, 36])], {
      mode: 'linear',
    })[0];
    const { network } = importOnnx(decodeOnnx(b.encode(bySizes), 'm.onnx'), 'm', 'm.onnx');
    expect(
      network.layers.map((l) => [l.name, l.outShape, (l as ResizeLayer).mode, (l as ResizeLayer).scale]),
    ).to.deep.equal([
      ['a.upsample', [2, 10, 18], 'nearest', [2, 3]],
      ['b.resize', [2, 30, 36], 'bilinear', [3, 2]],
    ]);
  });

  it('--input-shape must fit the dims the model fixes', () => {
    const b = new OnnxBuilder();
    const y = b.conv('c', b.input('x', [1, 3, 8, 8]), 3, 4, 3);
    const graph = decodeOnnx(b.encode(y), 'm.onnx');
    expect(() => importOnnx(graph, 'm', 'm.onnx', { inputShape: [1, 3, 9, 8] })).to.throw(
      InputError,
      /graph.input 'x': has shape \[batch, 3, 8, 8\], --input-shape 1,3,9,8 does not fit it/,
    );
    expect(importOnnx(graph, 'm', 'm.onnx', { inputShape: [1, 3, 8, 8] }).network.inputShape).to.deep.equal([
      3, 8, 8,
    ]);
  });
});

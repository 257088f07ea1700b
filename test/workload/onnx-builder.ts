/**
 * Builds small ONNX models in tests: protobufjs encodes a ModelProto from the same schema subset
 * the importer decodes with. Node names follow torch.onnx's module-path style.
 */
import { onnxRoot } from '../../src/workload/onnx/model.ts';

const INT = 2;
const STRING = 3;
const INTS = 7;

type Attr = number | number[] | string;

export class OnnxBuilder {
  private readonly nodes: object[] = [];
  private readonly initializers: object[] = [];
  private readonly inputs: object[] = [];
  private counter = 0;

  input(name: string, dims: number[]): string {
    this.inputs.push({
      name,
      type: {
        tensor_type: {
          elem_type: 1,
          shape: { dim: dims.map((d, i) => (i === 0 ? { dim_param: 'batch' } : { dim_value: d })) },
        },
      },
    });
    return name;
  }

  /** A float32 initializer; `data` absent = shapes only; `asRaw` picks raw_data over float_data. */
  initializer(name: string, dims: number[], data?: ArrayLike<number>, asRaw = true): string {
    const tensor: Record<string, unknown> = { name, dims, data_type: 1 };
    if (data && asRaw) tensor.raw_data = new Uint8Array(Float32Array.from(data).buffer);
    if (data && !asRaw) tensor.float_data = Array.from(data);
    this.initializers.push(tensor);
    return name;
  }

  /** A float32 tensor held by a Constant node, as Paddle2ONNX stores weights; returns its output. */
  constant(name: string, dims: number[], data: ArrayLike<number>): string {
    const t = { name, dims, data_type: 1, raw_data: new Uint8Array(Float32Array.from(data).buffer) };
    this.nodes.push({
      name: `${name}_Constant`,
      op_type: 'Constant',
      input: [],
      output: [name],
      attribute: [{ name: 'value', type: 4, t }],
    });
    return name;
  }

  /** An int64 constant initializer (pads, split sizes, slice bounds). */
  int64(name: string, values: number[]): string {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push({ name, dims: [values.length], data_type: 7, raw_data: raw });
    return name;
  }

  node(
    opType: string,
    name: string,
    inputs: string[],
    attrs: Record<string, Attr> = {},
    outputs = 1,
  ): string[] {
    const outs = Array.from({ length: outputs }, () => `t${this.counter++}`);
    const attribute = Object.entries(attrs).map(([key, v]) =>
      typeof v === 'number'
        ? { name: key, type: INT, i: v }
        : typeof v === 'string'
          ? { name: key, type: STRING, s: new TextEncoder().encode(v) }
          : { name: key, type: INTS, ints: v },
    );
    this.nodes.push({ name, op_type: opType, input: inputs, output: outs, attribute });
    return outs;
  }

  /** Conv + its weight initializer (dims only unless `weights` is given). */
  conv(
    path: string,
    x: string,
    cin: number,
    cout: number,
    k: number,
    opts: { stride?: number; pad?: number; group?: number; weights?: ArrayLike<number> } = {},
  ): string {
    const group = opts.group ?? 1;
    const w = this.initializer(`${path}.weight`, [cout, cin / group, k, k], opts.weights);
    const pad = opts.pad ?? 0;
    const stride = opts.stride ?? 1;
    // torch.onnx scope names: a Sequential index joins its parent, layer1.0.conv1 -> /layer1/layer1.0/conv1
    const parts = path.split('.');
    const scope = parts.map((part, i) => (/^\d+$/.test(part) && i > 0 ? `${parts[i - 1]}.${part}` : part));
    const name = `/${scope.join('/')}/Conv`;
    return this.node('Conv', name, [x, w], {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
      dilations: [1, 1],
      group,
    })[0];
  }

  /** BatchNormalization with its four per-channel initializers (shapes only). */
  batchNorm(name: string, prefix: string, x: string, channels: number): string {
    const params = ['weight', 'bias', 'running_mean', 'running_var'].map((p) =>
      this.initializer(`${prefix}.${p}`, [channels]),
    );
    return this.node('BatchNormalization', name, [x, ...params])[0];
  }

  encode(outputName: string): Uint8Array {
    const ModelProto = onnxRoot().lookupType('onnx.ModelProto');
    const message = ModelProto.fromObject({
      ir_version: 8,
      producer_name: 'ousim-test',
      opset_import: [{ domain: '', version: 17 }],
      graph: {
        name: 'test',
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: [{ name: outputName }],
      },
    });
    return ModelProto.encode(message).finish();
  }
}

/**
 * A ResNet-18 graph as torchvision exports it (training-mode export, so BatchNormalization nodes
 * stay): Conv/BatchNorm/Relu/MaxPool, basic blocks with Add, GlobalAveragePool, Flatten, Gemm.
 * Initializers carry shapes only.
 */
export function resnet18Onnx(): Uint8Array {
  const b = new OnnxBuilder();
  let x = b.input('input', [1, 3, 224, 224]);
  x = b.conv('conv1', x, 3, 64, 7, { stride: 2, pad: 3 });
  x = b.batchNorm('/bn1/BatchNormalization', 'bn1', x, 64);
  x = b.node('Relu', '/relu/Relu', [x])[0];
  x = b.node('MaxPool', '/maxpool/MaxPool', [x], {
    kernel_shape: [3, 3],
    strides: [2, 2],
    pads: [1, 1, 1, 1],
  })[0];
  let channels = 64;
  for (let s = 0; s < 4; s++) {
    const width = 64 * 2 ** s;
    for (let i = 0; i < 2; i++) {
      const stride = i === 0 && s > 0 ? 2 : 1;
      const scope = `/layer${s + 1}/layer${s + 1}.${i}`;
      const prefix = `layer${s + 1}.${i}`;
      const identity = x;
      let y = b.conv(`${prefix}.conv1`, x, channels, width, 3, { stride, pad: 1 });
      y = b.batchNorm(`${scope}/bn1/BatchNormalization`, `${prefix}.bn1`, y, width);
      y = b.node('Relu', `${scope}/relu/Relu`, [y])[0];
      y = b.conv(`${prefix}.conv2`, y, width, width, 3, { pad: 1 });
      y = b.batchNorm(`${scope}/bn2/BatchNormalization`, `${prefix}.bn2`, y, width);
      let shortcut = identity;
      if (stride !== 1 || channels !== width) {
        shortcut = b.conv(`${prefix}.downsample.0`, identity, channels, width, 1, { stride });
        shortcut = b.batchNorm(
          `${scope}/downsample/downsample.1/BatchNormalization`,
          `${prefix}.downsample.1`,
          shortcut,
          width,
        );
      }
      y = b.node('Add', `${scope}/Add`, [y, shortcut])[0];
      x = b.node('Relu', `${scope}/relu_1/Relu`, [y])[0];
      channels = width;
    }
  }
  x = b.node('GlobalAveragePool', '/avgpool/GlobalAveragePool', [x])[0];
  x = b.node('Flatten', '/Flatten', [x], { axis: 1 })[0];
  const w = b.initializer('fc.weight', [1000, 512]);
  const bias = b.initializer('fc.bias', [1000]);
  x = b.node('Gemm', '/fc/Gemm', [x, w, bias], { transB: 1 })[0];
  return b.encode(x);
}

/**
 * The zoo's `tiny` network as an ONNX model with real (deterministic, made-up) float32 weights,
 * for the docs' import + prune example and the weight-reading tests.
 */
export function tinyOnnx(): Uint8Array {
  const weights = (n: number, phase: number) =>
    Array.from({ length: n }, (_, i) => Math.sin(i * 0.73 + phase) / 3);
  const b = new OnnxBuilder();
  let x = b.input('input', [1, 3, 8, 8]);
  x = b.conv('conv1', x, 3, 8, 3, { pad: 1, weights: weights(8 * 3 * 9, 1) });
  x = b.node('Relu', '/relu1/Relu', [x])[0];
  const down = b.conv('conv2', x, 8, 8, 3, { stride: 2, pad: 1, weights: weights(8 * 8 * 9, 2) });
  x = b.node('Relu', '/relu2/Relu', [down])[0];
  x = b.conv('conv3', x, 8, 8, 3, { pad: 1, weights: weights(8 * 8 * 9, 3) });
  x = b.node('Add', '/Add', [x, down])[0];
  x = b.node('MaxPool', '/pool/MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] })[0];
  x = b.node('Flatten', '/Flatten', [x], { axis: 1 })[0];
  const w = b.initializer('fc.weight', [10, 32], weights(320, 4));
  x = b.node('Gemm', '/fc/Gemm', [x, w], { transB: 1 })[0];
  return b.encode(x);
}

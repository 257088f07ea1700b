/**
 * ONNX graph -> trace (the operator table is in docs/traces.md). Conv, ConvTranspose, Gemm / MatMul,
 * pooling, Add / Mul between layers, Concat, Resize, Split / Slice on channels become layers, with
 * shapes inferred node by node; operators that leave the crossbar work unchanged (activation
 * functions, batch norm and affine constants folded into their producer, zero Pads folded into the
 * next conv, reshapes, shape arithmetic) are passed over and reported in one warning; any other
 * operator on an activation is an InputError, because silently dropping it would simulate a
 * different network.
 */
import { basename } from 'node:path';
import { InputError } from '../../util/errors.ts';
import { inferLayer } from '../shapes.ts';
import { LayerSchema, TRACE_FORMAT, TRACE_VERSION, type LayerSpec, type TraceFile } from '../trace-format.ts';
import { parseTrace } from '../trace.ts';
import type { Network, Shape3 } from '../types.ts';
import { constantValues, type OnnxGraph, type OnnxNode } from './model.ts';

/**
 * Operators with one activation input whose output feeds the next layer unchanged as far as the
 * crossbars are concerned (element-wise functions, normalisation folded at inference, reshapes).
 */
const PASS_THROUGH = new Set([
  'Relu',
  'LeakyRelu',
  'PRelu',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'Clip',
  'Elu',
  'Selu',
  'Softmax',
  'LogSoftmax',
  'BatchNormalization',
  'Dropout',
  'Identity',
  'Flatten',
  'Reshape',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Cast',
  'Softplus',
  'Mish',
  'Gelu',
  'Erf',
  'Exp',
  'Log',
  'Neg',
  'Abs',
  'Sqrt',
  'Pow',
  'Reciprocal',
]);

/** Operators that read an activation's shape, not its values: their output is not an activation. */
const SHAPE_OF = new Set(['Shape', 'Size']);

/** Element-wise arithmetic: a layer (add) between two activations, a pass-through with a constant. */
const ELEMENTWISE = new Set(['Add', 'Sum', 'Mul', 'Sub', 'Div']);

/** Ops whose name alone identifies the layer once the module path is known (torch export names). */
const MODULE_OPS = new Set([
  'Conv',
  'ConvTranspose',
  'Gemm',
  'MatMul',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
]);

export interface ImportOptions {
  /**
   * `--input-shape`: the network input [N, C, H, W] for a model whose input has dynamic dims (the
   * norm in exported detectors); dims the model fixes must agree. N is not simulated (one image).
   */
  inputShape?: number[];
}

export interface ImportResult {
  network: Network;
  /** At most one: the operators passed over, with counts. */
  warnings: string[];
  /** Conv layer name -> name of its weight initializer, for pruning with the model's weights. */
  convWeights: Map<string, string>;
  /**
   * Conv layers that stand for a ConvTranspose (its weight matrix, docs/traces.md): layer name -> the
   * ConvTranspose weight [cin, cout, kh, kw], which `weights/files.ts` reorders to the conv layout.
   */
  deconvWeights: Map<string, { tensor: string; kernel: [number, number] }>;
  /** Weight layer name -> the ONNX tensor its input values are (what `ousim capture` reads). */
  layerInputs: Map<string, string>;
}

/** An activation tensor: the layer that produced it (`input` for the network input) and its map. */
interface Activation {
  layer: string;
  shape: Shape3;
  /** A pending zero Pad [py, px] that the consuming Conv folds into its padding. */
  pad?: [number, number];
  /** The tensor that holds the values before that pad (default: this tensor). */
  unpadded?: string;
}

/**
 * A readable, stable layer name from an ONNX node name. torch.onnx names nodes by module path,
 * `/layer1/layer1.0/conv1/Conv`: the path folds into `layer1.0.conv1` (a segment that extends the
 * previous one replaces it), the op is dropped for module ops and kept (lower case) otherwise,
 * `/layer1/layer1.0/Add` -> `layer1.0.add`. Names without `/` are kept as they are.
 */
export function layerNameOf(node: OnnxNode): string {
  if (!node.name.includes('/')) return node.name;
  const segments = node.name.split('/').filter((s) => s !== '');
  const op = segments.pop() ?? node.opType;
  const path: string[] = [];
  for (const segment of segments) {
    const last = path[path.length - 1];
    if (last !== undefined && segment.startsWith(`${last}.`)) path[path.length - 1] = segment;
    else path.push(segment);
  }
  const base = path.join('.');
  if (base && MODULE_OPS.has(node.opType)) return base;
  return base ? `${base}.${op.toLowerCase()}` : op.toLowerCase();
}

function ints(node: OnnxNode, name: string, fallback: number[]): number[] {
  const a = node.attributes.get(name);
  return a && a.ints.length ? a.ints : fallback;
}

function int(node: OnnxNode, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  return a?.i ?? fallback;
}

/** Import an ONNX graph as a trace named `name`; `source` names the file in errors. */
export function importOnnx(
  graph: OnnxGraph,
  name: string,
  source: string,
  options: ImportOptions = {},
): ImportResult {
  const nodeField = (node: OnnxNode) => `node '${node.name}' (${node.opType})`;
  const fail = (node: OnnxNode, problem: string): never => {
    throw new InputError(source, nodeField(node), problem);
  };

  const producer = new Map<string, Activation>();
  const inputShape = networkInput(graph, source, producer, options.inputShape);
  const weightName = weightAliases(graph, producer);
  const layers: LayerSpec[] = [];
  const shapes = new Map<string, Shape3>([['input', inputShape]]);
  const used = new Set<string>(['input']);
  const passedOver = new Map<string, number>();
  const convWeights = new Map<string, string>();
  const deconvWeights = new Map<string, { tensor: string; kernel: [number, number] }>();
  const layerInputs = new Map<string, string>();

  const dimsOf = (alias: string, node: OnnxNode): number[] => {
    const tensor = weightName(alias);
    const init = graph.initializers.get(tensor);
    if (init) return init.dims;
    const info = graph.valueInfo.get(tensor) ?? graph.inputs.find((v) => v.name === tensor);
    const dims = info?.dims;
    if (dims && dims.every((d) => typeof d === 'number' && d > 0)) return dims as number[];
    return fail(node, `the shape of weight tensor '${tensor}' is unknown (not an initializer)`);
  };
  /** The values of a constant input (scales, sizes, pads, starts, ...); undefined if absent. */
  const constantOf = (node: OnnxNode, index: number): number[] | undefined => {
    const tensorName = node.inputs[index];
    if (!tensorName) return undefined;
    const tensor = graph.initializers.get(weightName(tensorName));
    const values = tensor && constantValues(tensor);
    if (!values) return fail(node, `input ${index} ('${tensorName}') must be a constant with data`);
    return values;
  };
  const uniqueName = (node: OnnxNode, suffix = ''): string => {
    let base = (layerNameOf(node) || node.opType.toLowerCase()) + suffix;
    if (base === 'input') base = `${base}_layer`;
    let candidate = base;
    for (let i = 1; used.has(candidate); i++) candidate = `${base}_${i}`;
    used.add(candidate);
    return candidate;
  };
  const symmetricPads = (node: OnnxNode, kernel: number[]): [number, number] => {
    const autoPad = node.attributes.get('auto_pad')?.s ?? 'NOTSET';
    if (autoPad === 'VALID') return [0, 0];
    const strides = ints(node, 'strides', [1, 1]);
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      if (strides.some((s) => s !== 1) || kernel.some((k) => k % 2 === 0))
        fail(
          node,
          `auto_pad ${autoPad} is supported only with stride 1 and odd kernels; export explicit pads`,
        );
      return [(kernel[0] - 1) / 2, (kernel[1] - 1) / 2];
    }
    const pads = ints(node, 'pads', [0, 0, 0, 0]);
    if (pads.length !== 4 || pads[0] !== pads[2] || pads[1] !== pads[3])
      fail(node, `pads [${pads.join(', ')}] are not symmetric; traces support symmetric padding only`);
    return [pads[0], pads[1]];
  };
  const noDilation = (node: OnnxNode) => {
    if (ints(node, 'dilations', [1, 1]).some((d) => d !== 1)) fail(node, 'dilated windows are not supported');
  };

  graph.nodes.forEach((node) => {
    const activationInputs = node.inputs.filter((t) => producer.has(t));
    const passOver = () => passedOver.set(node.opType, (passedOver.get(node.opType) ?? 0) + 1);
    // Shape arithmetic and constants: nothing here reads an activation's values.
    if (activationInputs.length === 0 || SHAPE_OF.has(node.opType)) {
      passOver();
      return;
    }
    const acts = activationInputs.map((t) => producer.get(t) as Activation);
    const from = activationInputs[0];
    const act = acts[0];
    if (act.pad && node.opType !== 'Conv')
      fail(node, 'reads a zero-padded map: a Pad is supported only right before a Conv (folded into it)');
    /** Add a layer reading `inputs` (default: the node's activation inputs); returns its shape. */
    const addLayer = (spec: LayerSpec, output = node.outputs[0], inputs = acts.map((a) => a.layer)) => {
      const full = { ...spec, inputs };
      const where = (field: string) => `${nodeField(node)} -> layer '${spec.name}' ${field}`;
      const parsed = LayerSchema.safeParse(full);
      if (!parsed.success)
        return fail(
          node,
          `gives an invalid layer: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`,
        );
      const layer = inferLayer(
        parsed.data,
        inputs,
        inputs.map((l) => shapes.get(l) as Shape3),
        source,
        where,
      );
      layers.push(full);
      shapes.set(spec.name, layer.outShape);
      if (output !== undefined) producer.set(output, { layer: spec.name, shape: layer.outShape });
      return layer.outShape;
    };
    /** Record which tensor holds a weight layer's input values (for capture). */
    const weightInput = (layerName: string) => layerInputs.set(layerName, act.unpadded ?? from);
    switch (node.opType) {
      case 'Conv': {
        if (node.inputs[0] !== from)
          fail(node, 'the data input must be an activation, the weights a constant');
        if (activationInputs.length !== 1) fail(node, 'the weights must be a constant, not an activation');
        const wDims = dimsOf(node.inputs[1], node);
        if (wDims.length !== 4)
          fail(node, `weights of rank ${wDims.length}: only 2-D convolutions are supported`);
        const kernel = ints(node, 'kernel_shape', [wDims[2], wDims[3]]);
        noDilation(node);
        const groups = int(node, 'group', 1);
        const own = symmetricPads(node, kernel);
        const padding: [number, number] = act.pad ? [own[0] + act.pad[0], own[1] + act.pad[1]] : own;
        const layerName = uniqueName(node);
        convWeights.set(layerName, weightName(node.inputs[1]));
        weightInput(layerName);
        addLayer({
          name: layerName,
          type: 'conv',
          cin: wDims[1] * groups,
          cout: wDims[0],
          kernel: [kernel[0], kernel[1]],
          stride: pair(ints(node, 'strides', [1, 1])),
          padding,
          groups,
        });
        return;
      }
      case 'ConvTranspose': {
        // Mapped as its weight matrix: each input pixel's channel vector times W [cin x cout*kh*kw]
        // gives the kh x kw output patch it writes (the real op's MACs, no zero-inserted input). With
        // kernel = stride the patches tile the output without overlap, so the patch scatter is a
        // depth-to-space; overlapping patches would need an overlap-add, not modelled.
        if (node.inputs[0] !== from || activationInputs.length !== 1)
          fail(node, 'the data input must be an activation, the weights a constant');
        const wDims = dimsOf(node.inputs[1], node);
        if (wDims.length !== 4)
          fail(node, `weights of rank ${wDims.length}: only 2-D transposed convolutions are supported`);
        const kernel = ints(node, 'kernel_shape', [wDims[2], wDims[3]]);
        const strides = ints(node, 'strides', [1, 1]);
        noDilation(node);
        if (int(node, 'group', 1) !== 1) fail(node, 'grouped transposed convolutions are not supported');
        if (kernel[0] !== strides[0] || kernel[1] !== strides[1])
          fail(
            node,
            `kernel ${kernel.join('x')} with stride ${strides.join('x')}: only kernel = stride (non-overlapping) is supported`,
          );
        if (ints(node, 'pads', [0, 0, 0, 0]).some((p) => p !== 0) || node.attributes.has('output_shape'))
          fail(node, 'pads and output_shape are not supported (only kernel = stride without padding)');
        if (ints(node, 'output_padding', [0, 0]).some((p) => p !== 0))
          fail(node, 'output_padding is not supported');
        const matrix = uniqueName(node);
        deconvWeights.set(matrix, { tensor: weightName(node.inputs[1]), kernel: [kernel[0], kernel[1]] });
        convWeights.set(matrix, weightName(node.inputs[1]));
        weightInput(matrix);
        addLayer(
          {
            name: matrix,
            type: 'conv',
            cin: wDims[0],
            cout: wDims[1] * kernel[0] * kernel[1],
            kernel: [1, 1],
          },
          undefined,
        );
        addLayer(
          { name: uniqueName(node, '.scatter'), type: 'resize', mode: 'depthToSpace', scale: pair(kernel) },
          node.outputs[0],
          [matrix],
        );
        return;
      }
      case 'Gemm':
      case 'MatMul': {
        if (node.inputs[0] !== from || activationInputs.length !== 1)
          fail(node, 'only activation x constant weights is supported (a fully connected layer)');
        if (node.opType === 'Gemm' && int(node, 'transA', 0) !== 0) fail(node, 'transA=1 is not supported');
        const bDims = dimsOf(node.inputs[1], node);
        if (bDims.length !== 2) fail(node, `weights of rank ${bDims.length}, expected a matrix`);
        const transB = node.opType === 'Gemm' && int(node, 'transB', 0) === 1;
        const [inFeatures, outFeatures] = transB ? [bDims[1], bDims[0]] : [bDims[0], bDims[1]];
        const layerName = uniqueName(node);
        weightInput(layerName);
        addLayer({ name: layerName, type: 'fc', inFeatures, outFeatures });
        return;
      }
      case 'MaxPool':
      case 'AveragePool': {
        const kernel = ints(node, 'kernel_shape', []);
        if (kernel.length !== 2) fail(node, 'kernel_shape must give 2 dims');
        noDilation(node);
        // A 1x1 window moving by 1 copies its input: torchvision's VGG exports its
        // AdaptiveAvgPool2d(7) on a 7x7 map so. Nothing to simulate.
        const ones = (values: number[]) => values.every((v) => v === 1);
        if (
          ones(kernel) &&
          ones(ints(node, 'strides', [1, 1])) &&
          ints(node, 'pads', [0, 0, 0, 0]).every((p) => p === 0)
        )
          break;
        const ceil = int(node, 'ceil_mode', 0) === 1;
        addLayer({
          name: uniqueName(node),
          type: 'pool',
          mode: node.opType === 'MaxPool' ? 'max' : 'avg',
          kernel: pair(kernel),
          stride: pair(ints(node, 'strides', [1, 1])),
          padding: symmetricPads(node, kernel),
          ...(ceil ? { ceilMode: true } : {}),
        });
        return;
      }
      case 'GlobalAveragePool':
      case 'GlobalMaxPool':
        addLayer({
          name: uniqueName(node),
          type: 'pool',
          mode: node.opType === 'GlobalMaxPool' ? 'max' : 'avg',
          global: true,
        });
        return;
      case 'Concat':
        if (activationInputs.length !== node.inputs.length)
          fail(node, 'concatenates an activation with a constant');
        if (activationInputs.length < 2) break;
        if (![1, -3].includes(int(node, 'axis', 1)))
          fail(node, 'activations can only be concatenated along channels (axis 1)');
        addLayer({ name: uniqueName(node), type: 'concat' });
        return;
      case 'Resize':
      case 'Upsample': {
        const scale = resizeScale(node, act.shape, constantOf, fail);
        if (scale[0] === 1 && scale[1] === 1) break;
        const mode = node.attributes.get('mode')?.s ?? 'nearest';
        if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear')
          fail(node, `mode '${mode}' is not supported (nearest or linear)`);
        addLayer({
          name: uniqueName(node),
          type: 'resize',
          mode: mode === 'nearest' ? 'nearest' : 'bilinear',
          scale,
        });
        return;
      }
      case 'Pad': {
        const mode = node.attributes.get('mode')?.s ?? 'constant';
        const pads = node.inputs[1] ? constantOf(node, 1) : ints(node, 'pads', []);
        const value = node.inputs[2] ? constantOf(node, 2)?.[0] : (node.attributes.get('value')?.f ?? 0);
        if (node.inputs[3]) fail(node, 'the axes input is not supported');
        if (pads === undefined || pads.length !== 8)
          fail(node, 'expected pads for the 4 dims [N, C, H, W] (8 values)');
        const p = pads as number[];
        if (p.every((v) => v === 0)) break;
        if (mode !== 'constant' || value !== 0)
          fail(node, `only zero padding folds into a convolution (mode ${mode}, value ${value})`);
        if (p[0] || p[1] || p[4] || p[5] || p[2] !== p[6] || p[3] !== p[7])
          fail(node, `pads [${p.join(', ')}] are not symmetric in height and width`);
        passOver();
        const padded = act.pad ? [act.pad[0] + p[2], act.pad[1] + p[3]] : [p[2], p[3]];
        producer.set(node.outputs[0], {
          ...act,
          pad: padded as [number, number],
          unpadded: act.unpadded ?? from,
        });
        return;
      }
      case 'Split': {
        const axis = int(node, 'axis', 0);
        if (axis !== 1 && axis !== -3)
          fail(node, `splits along axis ${axis}; only channels (axis 1) are supported`);
        const channels = act.shape[0];
        const sizes = node.inputs[1]
          ? constantOf(node, 1)
          : node.attributes.has('split')
            ? ints(node, 'split', [])
            : equalSplit(channels, node.outputs.length, node, fail);
        if (!sizes || sizes.length !== node.outputs.length || sizes.reduce((a, b) => a + b, 0) !== channels)
          fail(node, `split sizes [${(sizes ?? []).join(', ')}] do not divide the ${channels} channels`);
        let start = 0;
        node.outputs.forEach((output, i) => {
          const end = start + (sizes as number[])[i];
          addLayer({ name: uniqueName(node, `_${i}`), type: 'slice', channels: [start, end] }, output);
          start = end;
        });
        return;
      }
      case 'Slice': {
        const range = sliceChannels(node, act.shape, constantOf, fail);
        if (range[0] === 0 && range[1] === act.shape[0]) break;
        addLayer({ name: uniqueName(node), type: 'slice', channels: range });
        return;
      }
      default:
        if (ELEMENTWISE.has(node.opType) && activationInputs.length >= 2) {
          // A function of one map (HardSwish as x * relu6(x + 3) / 6, Swish as x * sigmoid(x)):
          // every operand comes from the same layer's output, so it folds into that layer.
          if (acts.every((a) => a.layer === act.layer && sameShape(a.shape, act.shape))) break;
          if (node.opType === 'Div') fail(node, 'Div of two activations is not supported');
          // Sub costs what Add does: one element-wise operation per value.
          addLayer({ name: uniqueName(node), type: node.opType === 'Mul' ? 'mul' : 'add' });
          return;
        }
        if (!PASS_THROUGH.has(node.opType) && !ELEMENTWISE.has(node.opType))
          fail(node, `operator ${node.opType} on an activation is not supported by ousim traces`);
    }
    // Passed over: every output is the same activation as the data input.
    passOver();
    for (const out of node.outputs)
      producer.set(out, act.pad ? { ...act } : { layer: act.layer, shape: act.shape });
  });

  if (layers.length === 0)
    throw new InputError(source, 'graph', 'no layer ousim simulates (Conv, Gemm, pooling, ...)');
  const document: TraceFile = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    name,
    description: `imported from ONNX ${basename(source)}`,
    inputShape,
    layers,
  };
  const warnings: string[] = [];
  if (passedOver.size)
    warnings.push(
      `${source}: passed over operators that do not use the crossbars: ${[...passedOver]
        .map(([op, n]) => `${op} x${n}`)
        .join(', ')}`,
    );
  return {
    network: parseTrace(document, source),
    warnings,
    convWeights,
    deconvWeights,
    layerInputs,
  };
}

function sameShape(a: Shape3, b: Shape3): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

type Fail = (node: OnnxNode, problem: string) => never;
type ConstantOf = (node: OnnxNode, index: number) => number[] | undefined;

function equalSplit(channels: number, parts: number, node: OnnxNode, fail: Fail): number[] {
  if (channels % parts !== 0) fail(node, `${channels} channels do not split into ${parts} equal parts`);
  return new Array<number>(parts).fill(channels / parts);
}

/**
 * Whole upsampling factors [sy, sx] of a Resize (opset 11+: inputs X, roi, scales, sizes; opset 10:
 * X, scales) or an Upsample (scales as input or attribute), from constant scales or sizes.
 */
function resizeScale(node: OnnxNode, shape: Shape3, constantOf: ConstantOf, fail: Fail): [number, number] {
  const [, h, w] = shape;
  let factors: number[] | undefined;
  const scalesIndex = node.opType === 'Resize' && node.inputs.length >= 3 ? 2 : 1;
  const sizesTensor = node.opType === 'Resize' ? node.inputs[3] : undefined;
  if (sizesTensor) {
    const sizes = constantOf(node, 3) as number[];
    if (sizes.length !== 4) fail(node, `sizes [${sizes.join(', ')}] must give [N, C, H, W]`);
    factors = [sizes[2] / h, sizes[3] / w];
  } else if (node.inputs[scalesIndex]) {
    const scales = constantOf(node, scalesIndex) as number[];
    if (scales.length === 4) factors = [scales[2], scales[3]];
    else if (scales.length !== 0) fail(node, `scales [${scales.join(', ')}] must give [N, C, H, W]`);
  }
  if (!factors && node.attributes.get('scales')?.floats.length === 4) {
    const scales = node.attributes.get('scales')?.floats as number[];
    factors = [scales[2], scales[3]];
  }
  if (!factors) return fail(node, 'needs constant scales or sizes');
  const rounded = factors.map((f) => Math.round(f));
  if (factors.some((f, i) => Math.abs(f - rounded[i]) > 1e-6 || rounded[i] < 1))
    fail(node, `scale factors [${factors.join(', ')}]: only whole upsampling factors are supported`);
  return [rounded[0], rounded[1]];
}

/** The channel range of a Slice (opset 10+: inputs data, starts, ends, axes, steps; opset 1-9: attributes). */
function sliceChannels(node: OnnxNode, shape: Shape3, constantOf: ConstantOf, fail: Fail): [number, number] {
  const fromInputs = node.inputs.length > 1;
  const starts = fromInputs ? (constantOf(node, 1) as number[]) : ints(node, 'starts', []);
  const ends = fromInputs ? (constantOf(node, 2) as number[]) : ints(node, 'ends', []);
  const axes = fromInputs && node.inputs[3] ? (constantOf(node, 3) as number[]) : ints(node, 'axes', []);
  const steps = fromInputs && node.inputs[4] ? (constantOf(node, 4) as number[]) : [];
  const dims = [1, ...shape];
  let range: [number, number] = [0, shape[0]];
  (axes.length ? axes : starts.map((_, i) => i)).forEach((rawAxis, i) => {
    const axis = rawAxis < 0 ? rawAxis + 4 : rawAxis;
    const size = dims[axis];
    const clamp = (v: number) => Math.max(0, Math.min(size, v < 0 ? v + size : v));
    const [start, end] = [clamp(starts[i]), clamp(ends[i])];
    if ((steps[i] ?? 1) !== 1) fail(node, 'slices with a step other than 1 are not supported');
    if (start === 0 && end === size) return;
    if (axis !== 1) fail(node, `slices axis ${rawAxis}; only a channel range (axis 1) is supported`);
    range = [start, end];
  });
  if (range[0] >= range[1]) fail(node, 'the slice is empty');
  return range;
}

function pair(values: number[]): [number, number] {
  return [values[0], values[1] ?? values[0]];
}

/**
 * The one network input, [N, C, H, W]; registers it as `input`. Graph inputs that are initializers
 * are parameters (older exports list them so). A model exported without its parameters
 * (torch.onnx.export(..., export_params=False)) lists them as bare graph inputs: the network input
 * is then the one that some node reads as its data input (input 0), parameters being read only
 * after it (Conv W and B, Gemm B, ...) or copied by Identity.
 */
function networkInput(
  graph: OnnxGraph,
  source: string,
  producer: Map<string, Activation>,
  given: number[] | undefined,
): Shape3 {
  let real = graph.inputs.filter((v) => !graph.initializers.has(v.name));
  if (real.length > 1) {
    const readAsData = new Set(graph.nodes.filter((n) => n.opType !== 'Identity').map((n) => n.inputs[0]));
    real = real.filter((v) => readAsData.has(v.name));
  }
  if (real.length !== 1)
    throw new InputError(
      source,
      'graph.input',
      `expected one network input, found ${real.length} (${real.map((v) => v.name).join(', ')})`,
    );
  const input = real[0];
  const dims = input.dims ?? [];
  const known = (d: number | string | undefined): d is number => typeof d === 'number' && d > 0;
  const field = `graph.input '${input.name}'`;
  let shape: number[];
  if (given) {
    if (given.length !== 4 || given.some((d) => !Number.isInteger(d) || d < 1))
      throw new InputError('--input-shape', given.join(','), 'expected four whole numbers N,C,H,W');
    if (dims.length !== 4 || dims.some((d, i) => known(d) && i > 0 && d !== given[i]))
      throw new InputError(
        source,
        field,
        `has shape [${dims.join(', ')}], --input-shape ${given.join(',')} does not fit it`,
      );
    shape = given;
  } else {
    if (dims.length !== 4 || dims.slice(1).some((d) => !known(d)))
      throw new InputError(
        source,
        field,
        `needs a known [N, C, H, W] shape, got [${dims.join(', ')}]: give one with --input-shape 1,C,H,W (e.g. 1,3,640,640)`,
      );
    shape = dims as number[];
  }
  const inputShape: Shape3 = [shape[1], shape[2], shape[3]];
  producer.set(input.name, { layer: 'input', shape: inputShape });
  return inputShape;
}

/**
 * Weight tensor names: an Identity of a parameter is that parameter (torch.onnx shares equal
 * tensors so, e.g. the all-zero biases of a freshly initialised model, or the weights of
 * zero-initialised residual branches). Parameters are the initializers and the graph inputs other
 * than the network input. Returns the lookup from a tensor name to the parameter it copies.
 */
function weightAliases(graph: OnnxGraph, producer: Map<string, Activation>): (name: string) => string {
  const parameters = new Set(graph.initializers.keys());
  for (const v of graph.inputs) if (!producer.has(v.name)) parameters.add(v.name);
  const copyOf = new Map<string, string>();
  const resolve = (name: string): string => copyOf.get(name) ?? name;
  for (const node of graph.nodes) {
    const from = node.inputs[0];
    if (node.opType !== 'Identity' || from === undefined || node.outputs.length !== 1) continue;
    const original = resolve(from);
    if (parameters.has(original)) copyOf.set(node.outputs[0], original);
  }
  return resolve;
}

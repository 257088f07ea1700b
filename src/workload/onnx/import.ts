/**
 * ONNX graph -> trace. Conv, Gemm / MatMul, pooling, Add and Concat become layers; operators that
 * leave the crossbar work unchanged (activations, batch norm, reshapes, shape arithmetic) are passed
 * over and reported in one warning; any other operator on an activation is an InputError, because
 * silently dropping it would simulate a different network.
 */
import { basename } from 'node:path';
import { InputError } from '../../util/errors.ts';
import { TRACE_FORMAT, TRACE_VERSION, type LayerSpec, type TraceFile } from '../trace-format.ts';
import { parseTrace } from '../trace.ts';
import type { Network, Shape3 } from '../types.ts';
import type { OnnxGraph, OnnxNode } from './model.ts';

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
  'Squeeze',
  'Unsqueeze',
  'Cast',
]);

/** Operators that read an activation's shape, not its values: their output is not an activation. */
const SHAPE_OF = new Set(['Shape', 'Size']);

/** Element-wise arithmetic: a layer (add) between two activations, a pass-through with a constant. */
const ELEMENTWISE = new Set(['Add', 'Sum', 'Mul', 'Sub', 'Div']);

/** Ops whose name alone identifies the layer once the module path is known (torch export names). */
const MODULE_OPS = new Set([
  'Conv',
  'Gemm',
  'MatMul',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
]);

export interface ImportResult {
  network: Network;
  /** At most one: the operators passed over, with counts. */
  warnings: string[];
  /** Conv layer name -> name of its weight initializer, for pruning with the model's weights. */
  convWeights: Map<string, string>;
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
export function importOnnx(graph: OnnxGraph, name: string, source: string): ImportResult {
  const nodeField = (node: OnnxNode) => `node '${node.name}' (${node.opType})`;
  const fail = (node: OnnxNode, problem: string): never => {
    throw new InputError(source, nodeField(node), problem);
  };

  // Activation tensors: the tensor name -> the layer that produced it (`input` for the network input).
  const producer = new Map<string, string>();
  const inputShape = networkInput(graph, source, producer);
  const weightName = weightAliases(graph, producer);
  const layers: LayerSpec[] = [];
  const used = new Set<string>(['input']);
  const passedOver = new Map<string, number>();
  const convWeights = new Map<string, string>();

  const dimsOf = (alias: string, node: OnnxNode): number[] => {
    const tensor = weightName(alias);
    const init = graph.initializers.get(tensor);
    if (init) return init.dims;
    const info = graph.valueInfo.get(tensor) ?? graph.inputs.find((v) => v.name === tensor);
    const dims = info?.dims;
    if (dims && dims.every((d) => typeof d === 'number' && d > 0)) return dims as number[];
    return fail(node, `the shape of weight tensor '${tensor}' is unknown (not an initializer)`);
  };
  const uniqueName = (node: OnnxNode): string => {
    let base = layerNameOf(node) || node.opType.toLowerCase();
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
    const addLayer = (spec: LayerSpec) => {
      layers.push({ ...spec, inputs: activationInputs.map((t) => producer.get(t) ?? 'input') });
      producer.set(node.outputs[0], spec.name);
    };
    const from = activationInputs[0];
    switch (node.opType) {
      case 'Conv': {
        if (node.inputs[0] !== from)
          fail(node, 'the data input must be an activation, the weights a constant');
        const wDims = dimsOf(node.inputs[1], node);
        if (wDims.length !== 4)
          fail(node, `weights of rank ${wDims.length}: only 2-D convolutions are supported`);
        const kernel = ints(node, 'kernel_shape', [wDims[2], wDims[3]]);
        noDilation(node);
        const groups = int(node, 'group', 1);
        const layerName = uniqueName(node);
        convWeights.set(layerName, weightName(node.inputs[1]));
        addLayer({
          name: layerName,
          type: 'conv',
          cin: wDims[1] * groups,
          cout: wDims[0],
          kernel: [kernel[0], kernel[1]],
          stride: pair(ints(node, 'strides', [1, 1])),
          padding: symmetricPads(node, kernel),
          groups,
        });
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
        addLayer({ name: uniqueName(node), type: 'fc', inFeatures, outFeatures });
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
        if (activationInputs.length < 2) break;
        if (int(node, 'axis', 1) !== 1)
          fail(node, 'activations can only be concatenated along channels (axis 1)');
        addLayer({ name: uniqueName(node), type: 'concat' });
        return;
      default:
        if (ELEMENTWISE.has(node.opType) && activationInputs.length >= 2) {
          if (node.opType !== 'Add' && node.opType !== 'Sum')
            fail(node, `${node.opType} of two activations is not supported`);
          addLayer({ name: uniqueName(node), type: 'add' });
          return;
        }
        if (!PASS_THROUGH.has(node.opType) && !ELEMENTWISE.has(node.opType))
          fail(node, `operator ${node.opType} on an activation is not supported by ousim traces`);
    }
    // Passed over: every output is the same activation as the data input.
    passOver();
    for (const out of node.outputs) producer.set(out, producer.get(from) ?? 'input');
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
  return { network: parseTrace(document, source), warnings, convWeights };
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
function networkInput(graph: OnnxGraph, source: string, producer: Map<string, string>): Shape3 {
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
  const dims = input.dims;
  if (!dims || dims.length !== 4 || dims.slice(1).some((d) => typeof d !== 'number' || d <= 0))
    throw new InputError(
      source,
      `graph.input '${input.name}'`,
      `needs a known [N, C, H, W] shape, got [${(dims ?? []).join(', ')}]`,
    );
  producer.set(input.name, 'input');
  return [dims[1] as number, dims[2] as number, dims[3] as number];
}

/**
 * Weight tensor names: an Identity of a parameter is that parameter (torch.onnx shares equal
 * tensors so, e.g. the all-zero biases of a freshly initialised model, or the weights of
 * zero-initialised residual branches). Parameters are the initializers and the graph inputs other
 * than the network input. Returns the lookup from a tensor name to the parameter it copies.
 */
function weightAliases(graph: OnnxGraph, producer: Map<string, string>): (name: string) => string {
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

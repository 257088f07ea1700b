/**
 * `ousim capture`: runs an ONNX model with onnxruntime-node on one input and keeps, for every weight
 * layer of a trace imported from that model, its input feature map quantised to `bits` (docs/capture.md).
 * The layer -> tensor correspondence is the importer's (`layerInputs`), so the trace must be the
 * model's: same SHA-256 when the trace remembers its source, and in any case the same layers.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { InputError } from '../../util/errors.ts';
import type { LayerActivations } from '../activations.ts';
import { sha256Of } from '../file-ref.ts';
import { importOnnx } from '../onnx/import.ts';
import { decodeOnnx } from '../onnx/model.ts';
import type { Layer, Network, Shape3 } from '../types.ts';
import { withGraphOutputs } from './graph-outputs.ts';
import { inputTensor, type Preprocess } from './image.ts';
import { quantiseTensor } from './quantise.ts';

export interface CaptureOptions {
  /** The ONNX model file. */
  model: string;
  /** PNG / JPEG image or .npy tensor. */
  input: string;
  /** The loaded trace and its path (for messages). */
  network: Network;
  tracePath: string;
  bits: number;
  /** Percentile calibration (0 < P <= 100; 100 = max calibration, the default). */
  percentile?: number;
  preprocess: Preprocess;
}

export interface CaptureResult {
  activations: Map<string, LayerActivations>;
  /** Free text for the trace: input, preprocessing, quantisation. */
  input: string;
  /** Seconds spent in onnxruntime (session creation + run). */
  inferenceSeconds: number;
  /** Of which creating the session (loading and optimising the model). */
  sessionSeconds: number;
}

/** The layer fields that must agree between the trace and a fresh import of the model. */
function signature(layer: Layer): string {
  const { name, type, inShape, outShape } = layer;
  return JSON.stringify([name, type, inShape, outShape]);
}

export async function captureActivations(options: CaptureOptions): Promise<CaptureResult> {
  const { network, tracePath, model, bits } = options;
  const percentile = options.percentile ?? 100;
  if (!(percentile > 0 && percentile <= 100))
    throw new InputError('--percentile', String(percentile), 'must be above 0 and at most 100');
  if (!Number.isInteger(bits) || bits < 1 || bits > 16)
    throw new InputError('precision.inputBits', '', `capture stores 1 to 16 bits per value, got ${bits}`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(model);
  } catch {
    throw new InputError('--model', model, 'cannot read the file');
  }
  if (network.source && sha256Of(bytes) !== network.source.sha256)
    throw new InputError(
      '--model',
      model,
      `is not the model the trace ${tracePath} was imported from (its SHA-256 differs from source '${network.source.path}')`,
    );
  const graph = decodeOnnx(bytes, model);
  let imported: ReturnType<typeof importOnnx>;
  try {
    imported = importOnnx(graph, network.name, model, { inputShape: [1, ...network.inputShape] });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(
      '--trace',
      tracePath,
      `does not come from ${model}: importing the model at the trace's input [${network.inputShape.join(', ')}] fails (${error.message})`,
    );
  }
  const fresh = imported.network.layers;
  const mismatch = network.layers.findIndex((l, i) => !fresh[i] || signature(l) !== signature(fresh[i]));
  if (mismatch >= 0 || fresh.length !== network.layers.length) {
    const at = mismatch >= 0 ? mismatch : network.layers.length;
    const mine = network.layers[at];
    throw new InputError(
      '--trace',
      tracePath,
      `does not come from ${model}: layer ${at} ${mine ? `'${mine.name}' ${JSON.stringify(mine.outShape)}` : '(none)'} ` +
        `is ${fresh[at] ? `'${fresh[at].name}' ${JSON.stringify(fresh[at].outShape)}` : 'absent'} in the model`,
    );
  }
  const weightLayers = network.layers.filter((l) => l.type === 'conv' || l.type === 'fc');
  const tensorOf = (l: Layer) => imported.layerInputs.get(l.name) as string;
  const fetches = [...new Set(weightLayers.map(tensorOf))];
  const { data, what } = inputTensor(options.input, network.inputShape, options.preprocess);

  const start = performance.now();
  // Graph outputs are returned already, graph inputs cannot be outputs: add only the others.
  const extra = fetches.filter((f) => !graph.outputs.includes(f) && !graph.inputs.some((v) => v.name === f));
  const session = await ort.InferenceSession.create(withGraphOutputs(bytes, extra), {
    graphOptimizationLevel: 'all',
  });
  const sessionSeconds = (performance.now() - start) / 1000;
  const inputName = session.inputNames[0];
  const feeds = { [inputName]: new ort.Tensor('float32', data, [1, ...network.inputShape]) };
  const outputs = fetches.filter((f) => f !== inputName);
  const results = await session.run(feeds, outputs);
  const inferenceSeconds = (performance.now() - start) / 1000;
  await session.release();

  const activations = new Map<string, LayerActivations>();
  for (const layer of weightLayers) {
    const name = tensorOf(layer);
    const values = name === inputName ? data : (results[name].data as Float32Array);
    const shape: Shape3 = layer.type === 'fc' ? [layer.inFeatures, 1, 1] : [...layer.inShape];
    if (values.length !== shape[0] * shape[1] * shape[2])
      throw new Error(
        `capture: tensor '${name}' has ${values.length} values, layer ${layer.name} reads ${shape.join('x')}`,
      );
    activations.set(layer.name, quantiseTensor(values, shape, bits, percentile));
  }
  return {
    activations,
    input:
      `${options.input}: ${what}; per-tensor ${percentile < 100 ? `${percentile}th-percentile` : 'max'} ` +
      `calibration to ${bits} bits (unsigned when no value is negative, else symmetric)`,
    inferenceSeconds,
    sessionSeconds,
  };
}

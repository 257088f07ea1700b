/**
 * Real weights for pruning: a folder of `<layer name>.npy` files, or an ONNX model's initializers.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../../util/errors.ts';
import { importOnnx } from '../onnx/import.ts';
import { ONNX_DOUBLE, ONNX_FLOAT, readOnnxFile, tensorValues, type OnnxGraph } from '../onnx/model.ts';
import { sha256File } from '../file-ref.ts';
import type { ConvLayer, Network } from '../types.ts';
import { readNpy } from './npy.ts';
import { checkWeightDims, type WeightSource } from './source.ts';

/** One `<layer name>.npy` per conv layer, shaped [cout, cin/groups, kh, kw]. */
export function npyFolderWeights(folder: string): WeightSource {
  return {
    origin: folder,
    convWeights(layer: ConvLayer) {
      const path = join(folder, `${layer.name}.npy`);
      if (!existsSync(path))
        throw new InputError('--weights', folder, `no weights for layer '${layer.name}' (expected ${path})`);
      const array = readNpy(path);
      checkWeightDims(array.shape, layer, path, 'shape');
      return array.data;
    },
  };
}

/**
 * The Conv weights of an ONNX model, matched to `network`'s conv layers by name (layer names as
 * `ousim import` gives them) or, when the names differ but the model has as many Conv nodes as
 * the trace has conv layers, by order.
 */
export function onnxWeights(path: string, network: Network): WeightSource {
  const graph = readOnnxFile(path);
  // The trace's input shape stands in for the model's dynamic dims (the layers' weights do not depend on it).
  const { convWeights, deconvWeights } = importOnnx(graph, 'weights', path, {
    inputShape: [1, ...network.inputShape],
  });
  const convLayers = network.layers.filter((l): l is ConvLayer => l.type === 'conv');
  const byName = convLayers.every((l) => convWeights.has(l.name));
  const modelConvs = [...convWeights.values()];
  if (!byName && modelConvs.length !== convLayers.length)
    throw new InputError(
      path,
      '',
      `the model's ${modelConvs.length} Conv nodes match neither the names nor the number of the trace's ${convLayers.length} conv layers`,
    );
  const initializerOf = new Map(
    convLayers.map((l, i) => [l.name, byName ? (convWeights.get(l.name) as string) : modelConvs[i]]),
  );
  return {
    origin: path,
    convWeights(layer: ConvLayer) {
      const name = initializerOf.get(layer.name);
      const tensor = name === undefined ? undefined : graph.initializers.get(name);
      if (!tensor)
        throw new InputError(path, `layer '${layer.name}'`, 'no weight initializer for this conv layer');
      const deconv = deconvWeights.get(layer.name);
      if (deconv) return deconvMatrix(tensorValues(tensor, path), tensor.dims, layer, path);
      checkWeightDims(tensor.dims, layer, path, `initializer '${tensor.name}'`);
      return tensorValues(tensor, path);
    },
  };
}

/**
 * A ConvTranspose weight [cin, cout, kh, kw] as the 1x1 conv layer ousim maps it to: output channel
 * (co * kh + ky) * kw + kx reads input channel ci with W[ci][co][ky][kx] (docs/traces.md).
 */
function deconvMatrix(
  values: ArrayLike<number>,
  dims: number[],
  layer: ConvLayer,
  path: string,
): Float64Array {
  const [cin, cout, kh, kw] = dims;
  if (dims.length !== 4 || cin !== layer.cin || cout * kh * kw !== layer.cout)
    throw new InputError(
      path,
      `layer '${layer.name}'`,
      `ConvTranspose weights [${dims.join(', ')}] do not fit the layer`,
    );
  const out = new Float64Array(layer.cout * cin);
  for (let ci = 0; ci < cin; ci++)
    for (let co = 0; co < cout; co++)
      for (let k = 0; k < kh * kw; k++)
        out[(co * kh * kw + k) * cin + ci] = values[(ci * cout + co) * kh * kw + k];
  return out;
}

/**
 * The trained weights a trace remembers (`source`, set by `ousim import` from an ONNX model with
 * weights), after checking the model is still the one imported; undefined when the trace has no source.
 */
export function traceWeights(network: Network, tracePath: string): WeightSource | undefined {
  return checkTraceSource(network, tracePath) ? sourceWeights(network) : undefined;
}

/**
 * Checks that the model a trace remembers is there and unchanged (one InputError naming the trace and
 * the field); false when the trace has no source. Cheaper than reading its weights: a prune-cache hit
 * needs only this.
 */
export function checkTraceSource(network: Network, tracePath: string): boolean {
  const source = network.source;
  if (!source) return false;
  if (!existsSync(source.path))
    throw new InputError(
      tracePath,
      'source.path',
      `the model the trace was imported from, '${source.path}', is missing (its trained weights prune the trace)`,
    );
  if (sha256File(source.path) !== source.sha256)
    throw new InputError(
      tracePath,
      'source.sha256',
      `'${source.path}' changed since the trace was imported (SHA-256 differs); import it again`,
    );
  return true;
}

/** The weights of the model a trace remembers, already checked by checkTraceSource. */
export function sourceWeights(network: Network): WeightSource | undefined {
  const source = network.source;
  if (!source) return undefined;
  // Named by file and hash, not by absolute path: a pruned trace's description is the same on any clone.
  return {
    ...onnxWeights(source.path, network),
    origin: `trained ${basename(source.path)} (sha256 ${source.sha256.slice(0, 12)})`,
  };
}

/** True when every conv weight of an imported model carries data (not a shapes-only export). */
export function hasWeightData(graph: OnnxGraph, convWeights: ReadonlyMap<string, string>): boolean {
  if (convWeights.size === 0) return false;
  for (const name of convWeights.values()) {
    const t = graph.initializers.get(name);
    if (!t || t.external) return false;
    const count = t.dims.reduce((a, b) => a * b, 1);
    const width = t.dataType === ONNX_DOUBLE ? 8 : 4;
    const has =
      (t.dataType === ONNX_FLOAT || t.dataType === ONNX_DOUBLE) &&
      (t.rawData.length === count * width || t.floatData.length === count || t.doubleData.length === count);
    if (!has) return false;
  }
  return true;
}

/** `--weights`: a folder of .npy files or an ONNX file. */
export function weightsFrom(path: string, network: Network): WeightSource {
  if (!existsSync(path)) throw new InputError('--weights', path, 'no such file or folder');
  return statSync(path).isDirectory() ? npyFolderWeights(path) : onnxWeights(path, network);
}

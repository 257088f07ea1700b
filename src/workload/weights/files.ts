/**
 * Real weights for pruning: a folder of `<layer name>.npy` files, or an ONNX model's initializers.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../util/errors.ts';
import { importOnnx } from '../onnx/import.ts';
import { readOnnxFile, tensorValues } from '../onnx/model.ts';
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
  const { convWeights } = importOnnx(graph, 'weights', path);
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
      checkWeightDims(tensor.dims, layer, path, `initializer '${tensor.name}'`);
      return tensorValues(tensor, path);
    },
  };
}

/** `--weights`: a folder of .npy files or an ONNX file. */
export function weightsFrom(path: string, network: Network): WeightSource {
  if (!existsSync(path)) throw new InputError('--weights', path, 'no such file or folder');
  return statSync(path).isDirectory() ? npyFolderWeights(path) : onnxWeights(path, network);
}

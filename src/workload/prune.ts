/**
 * Pattern + connectivity pruning of a network (docs/design.md §1, docs/references.md "Pattern pruning").
 * Every 3x3 conv layer without a pruning gets its own library of `count` patterns of `size`
 * positions, then keeps the round(kernels / connectivity) kernels with the largest L2 norm after
 * projection. Other kernel sizes stay dense; layers already pruned are left as they are.
 */
import { InputError } from '../util/errors.ts';
import { gigabytes, MAX_LAYER_BYTES } from '../util/memory.ts';
import { choosePatterns, strongestKernels } from './patterns.ts';
import { PRUNED, type ConvLayer, type ConvPruning, type Layer, type Network } from './types.ts';
import { syntheticWeights, type WeightSource } from './weights/source.ts';

export interface PruneOptions {
  /** Kept positions per 3x3 kernel, the centre included. */
  size: number;
  /** Patterns in each layer's library. */
  count: number;
  /** Connectivity pruning ratio: kernels before / kernels after (1 = no kernel removed). */
  connectivity: number;
}

/** What pruning did to one conv layer (a row of patterns.csv). */
export interface PatternStats {
  layer: string;
  /** `pruned` by this call, `kept` (the trace already had masks) or `dense` (not a 3x3 kernel). */
  status: 'pruned' | 'kept' | 'dense';
  kernels: number;
  /** Kernels left after connectivity pruning. */
  kept: number;
  /** Kernels removed by connectivity pruning. */
  pruned: number;
  /** The layer's pattern library (empty when dense). */
  patterns: number[][];
  /** Kept kernels per pattern id. */
  histogram: number[];
}

/** Only square 3x3 kernels have patterns (docs/design.md §2). */
export function isPrunable(layer: Layer): boolean {
  return layer.type === 'conv' && layer.kernel[0] === 3 && layer.kernel[1] === 3;
}

export function pruneNetwork(
  network: Network,
  options: PruneOptions,
  seed: number,
  weights?: WeightSource,
): { network: Network; stats: PatternStats[] } {
  checkOptions(options);
  const source = weights ?? syntheticWeights(seed);
  const stats: PatternStats[] = [];
  const layers = network.layers.map((layer): Layer => {
    if (layer.type !== 'conv') return layer;
    if (layer.pruning) {
      stats.push(statsOf(layer, layer.pruning, 'kept'));
      return layer;
    }
    if (!isPrunable(layer)) {
      const kernels = (layer.cout * layer.cin) / layer.groups;
      stats.push({
        layer: layer.name,
        status: 'dense',
        kernels,
        kept: kernels,
        pruned: 0,
        patterns: [],
        histogram: [],
      });
      return layer;
    }
    checkPruningMemory(layer, network.name);
    const pruning = pruneLayer(layer, options, source.convWeights(layer));
    stats.push(statsOf(layer, pruning, 'pruned'));
    return { ...layer, pruning };
  });
  const pruned: Network = { ...network, layers };
  return { network: pruned, stats };
}

/**
 * Bytes pruning a 3x3 layer holds at once, per kernel: its 9 weights and their 9 energies (float64),
 * the kept energy and its copy for the selection (float64), candidate, pattern and mask bytes.
 */
const PRUNING_BYTES_PER_KERNEL = 9 * 8 + 9 * 8 + 8 + 8 + 8;

/** Refuse, with the estimate, a layer whose pruning would not fit in memory (issue 18). */
function checkPruningMemory(layer: ConvLayer, network: string): void {
  const kernels = (layer.cout * layer.cin) / layer.groups;
  const bytes = kernels * PRUNING_BYTES_PER_KERNEL;
  if (bytes > MAX_LAYER_BYTES)
    throw new InputError(
      `trace '${network}'`,
      `layer '${layer.name}'`,
      `pattern pruning of ${kernels.toExponential(2)} kernels would need about ${gigabytes(bytes)} of memory (estimate), more than ousim allows for one layer (${gigabytes(MAX_LAYER_BYTES)}); map it with --mapping dense or prune it elsewhere`,
    );
}

function pruneLayer(layer: ConvLayer, options: PruneOptions, weights: ArrayLike<number>): ConvPruning {
  const kernels = (layer.cout * layer.cin) / layer.groups;
  const [kh, kw] = layer.kernel;
  const choice = choosePatterns(weights, kernels, kh, kw, options.size, options.count);
  const kept = strongestKernels(choice.keptEnergy, options.connectivity);
  const kernelPattern = new Uint8Array(kernels);
  for (let k = 0; k < kernels; k++) kernelPattern[k] = kept[k] ? choice.ids[k] : PRUNED;
  return { patterns: choice.library, kernelPattern };
}

function statsOf(layer: ConvLayer, pruning: ConvPruning, status: PatternStats['status']): PatternStats {
  const histogram = new Array<number>(pruning.patterns.length).fill(0);
  let kept = 0;
  for (const id of pruning.kernelPattern) {
    if (id === PRUNED) continue;
    histogram[id]++;
    kept++;
  }
  const kernels = pruning.kernelPattern.length;
  return {
    layer: layer.name,
    status,
    kernels,
    kept,
    pruned: kernels - kept,
    patterns: pruning.patterns,
    histogram,
  };
}

function checkOptions(options: PruneOptions): void {
  const { size, count, connectivity } = options;
  if (!Number.isInteger(size) || size < 1 || size > 9)
    throw new InputError('pattern', 'pattern.size', `must be a whole number from 1 to 9, got ${size}`);
  if (!Number.isInteger(count) || count < 1 || count > 254)
    throw new InputError('pattern', 'pattern.count', `must be a whole number from 1 to 254, got ${count}`);
  if (!(connectivity >= 1))
    throw new InputError('pattern', 'pattern.connectivity', `must be at least 1, got ${connectivity}`);
}

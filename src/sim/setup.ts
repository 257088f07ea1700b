/**
 * From command-line words to a ready RunRequest: resolve the arch (preset + overrides) and the trace,
 * pruning it on the fly with the arch's pattern.* settings and the run seed when its 3x3 layers carry
 * no masks (docs/design.md §4b: "When a run is given an unpruned trace, it prunes on the fly").
 */
import { loadArch, resolveArchPath, type Arch } from '../config/arch.ts';
import type { Override } from '../config/overrides.ts';
import { relative, isAbsolute } from 'node:path';
import { OUSIM_VERSION } from '../util/version.ts';
import { projectRoot } from '../util/paths.ts';
import { isPrunable, pruneNetwork } from '../workload/prune.ts';
import { cachedPrune, pruneKey, type PrunedMasks } from '../workload/prune-cache.ts';
import { loadTrace, resolveTracePath } from '../workload/trace.ts';
import { checkTraceSource, sourceWeights } from '../workload/weights/files.ts';
import type { Network } from '../workload/types.ts';
import type { MapperOptions } from '../mapping/types.ts';
import type { Fidelity } from './types.ts';

export interface PreparedNetwork {
  network: Network;
  tracePath: string;
  /** True when the trace had unpruned 3x3 layers and ousim pruned them for this run. */
  prunedOnTheFly: boolean;
  /** The masks pruning gave (when prunedOnTheFly): what a sweep hands to its workers. */
  masks?: PrunedMasks;
  /**
   * The weights pruning used (config.resolved.json): the trace's source model (trained weights),
   * synthetic He-normal ones when it has none, or the masks the trace carries.
   */
  weights: string;
}

export function needsPruning(network: Network): boolean {
  return network.layers.some((l) => isPrunable(l) && l.type === 'conv' && !l.pruning);
}

/**
 * The trace, pruned on the fly when it has unpruned 3x3 layers. `masks: false` (the dense mapper, whose
 * placement and work do not depend on which weights are zero) skips the pruning.
 */
export function prepareNetwork(
  trace: string,
  arch: Arch,
  seed: number,
  options: { masks: boolean; given?: PrunedMasks } = { masks: true },
): PreparedNetwork {
  const tracePath = resolveTracePath(trace);
  return prepareLoadedNetwork(loadTrace(tracePath), tracePath, arch, seed, options);
}

/** prepareNetwork for a network already loaded from `tracePath` (or built in memory, named by it). */
export function prepareLoadedNetwork(
  loaded: Network,
  tracePath: string,
  arch: Arch,
  seed: number,
  options: { masks: boolean; given?: PrunedMasks } = { masks: true },
): PreparedNetwork {
  if (!options.masks || !needsPruning(loaded))
    return {
      network: loaded,
      tracePath,
      prunedOnTheFly: false,
      weights: pruningWeights(loaded, seed, false),
    };
  // Trained weights when the trace remembers the model it came from, synthetic ones otherwise. The
  // model is checked every run but read only to prune (a cache hit skips reading and decoding it: 1.7 s
  // per run on a 553 MB VGG-16 model).
  checkTraceSource(loaded, tracePath);
  // Pruned once per trace content, pruning keys, weights and seed (src/workload/prune-cache.ts).
  const key = pruneKey(loaded, arch.pattern, seed, loaded.source?.sha256);
  const prune = () => pruneNetwork(loaded, arch.pattern, seed, sourceWeights(loaded)).network;
  const pruned = cachedPrune(loaded, key, prune, { given: options.given });
  return {
    network: pruned.network,
    masks: pruned.masks,
    tracePath,
    prunedOnTheFly: true,
    weights: pruningWeights(loaded, seed, true),
  };
}

/** What config.resolved.json says about the weights behind a network's masks. */
export function pruningWeights(network: Network, seed: number, prunedOnTheFly: boolean): string {
  if (!prunedOnTheFly)
    return network.layers.some((l) => l.type === 'conv' && l.pruning)
      ? 'masks in the trace'
      : 'none (no 3x3 conv layers to prune)';
  if (network.source) return `trained: ${displayPath(network.source.path)} (sha256 ${network.source.sha256})`;
  return `synthetic He-normal, seed ${seed}`;
}

export function prepareArch(
  nameOrPath: string,
  overrides: readonly Override[],
): { arch: Arch; archPath: string } {
  return { arch: loadArch(nameOrPath, overrides), archPath: resolveArchPath(nameOrPath) };
}

/** What config.resolved.json records: enough to rerun the exact same simulation. */
export function resolvedConfig(parts: {
  command: string;
  arch: Arch;
  archPath: string;
  overrides: readonly Override[];
  networks: readonly PreparedNetwork[];
  mappers: readonly string[];
  mapperOptions: MapperOptions;
  fidelity: Fidelity;
  seed: number;
  images?: number;
  fastForward?: boolean;
}): unknown {
  return {
    ousim: OUSIM_VERSION,
    command: parts.command,
    seed: parts.seed,
    fidelity: parts.fidelity,
    // Recorded only for a stream, so that one-image configs stay as they were.
    ...(parts.images !== undefined && parts.images > 1
      ? { images: parts.images, fastForward: parts.fastForward ?? true }
      : {}),
    mappers: parts.mappers,
    mapperOptions: parts.mapperOptions,
    archFile: displayPath(parts.archPath),
    overrides: parts.overrides,
    networks: parts.networks.map((n) => ({
      name: n.network.name,
      trace: displayPath(n.tracePath),
      prunedOnTheFly: n.prunedOnTheFly,
      weights: n.weights,
      ...(n.network.activationsFile ? { activations: displayPath(n.network.activationsFile.path) } : {}),
    })),
    arch: parts.arch,
  };
}

/** Files inside the repository are recorded relative to it, so results do not depend on the clone's path. */
function displayPath(path: string): string {
  const rel = relative(projectRoot, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

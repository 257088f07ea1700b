/**
 * One simulation of an experiment, described by plain data so that it can be sent to a worker
 * thread: which trace, which arch (preset + overrides), which mapping, seed and fidelity.
 *
 * Pruning belongs to the configuration: a trace without masks is pruned with the arch's
 * `pattern.*` keys and the seed, so dense and pattern see the same pruned weights, and a sweep
 * over `pattern.connectivity` really changes the trace.
 */
import { loadArch, type Arch } from '../config/arch.ts';
import type { Override } from '../config/overrides.ts';
import { mapperNeedsMasks } from '../mapping/registry.ts';
import type { MapperOptions } from '../mapping/types.ts';
import type { Fidelity, RunResult } from '../sim/types.ts';
import type { PrunedMasks } from '../workload/prune-cache.ts';
import type { Network } from '../workload/types.ts';
import { prepareNetwork, simulate } from './simulator.ts';

export interface SimulationTask {
  trace: string;
  arch: string;
  overrides: Override[];
  mapping: string;
  seed: number;
  fidelity: Fidelity;
  /** The mapper's own options and the replication budget (default: the mapper's defaults, none). */
  mapperOptions?: MapperOptions;
  /** Images streamed through the pipeline (default 1), and whether to fast-forward (default yes). */
  images?: number;
  fastForward?: boolean;
  /** The pruned masks, when the main thread pruned the network for every worker (backend.ts). */
  pruned?: PrunedMasks;
}

// Loading and pruning a trace is shared by every point with the same trace and pruning keys;
// a worker keeps the last few.
const networkCache = new Map<string, Network>();
const NETWORK_CACHE_SIZE = 8;

/**
 * The trace, pruned with the arch's pattern keys when its 3x3 layers carry no masks and `masks` are
 * wanted: the same preparation as `ousim run` (src/sim/setup.ts), cached.
 */
export function loadExperimentNetwork(
  trace: string,
  arch: Arch,
  seed: number,
  masks = true,
  given?: PrunedMasks,
): Network {
  const { size, count, connectivity } = arch.pattern;
  const cacheKey = JSON.stringify(masks ? [trace, size, count, connectivity, seed] : [trace]);
  const cached = networkCache.get(cacheKey);
  if (cached) return cached;
  const prepared = prepareNetwork(trace, arch, seed, { masks, given }).network;
  if (networkCache.size >= NETWORK_CACHE_SIZE) networkCache.delete(networkCache.keys().next().value!);
  networkCache.set(cacheKey, prepared);
  return prepared;
}

/** Run one task to its result (synchronous; the worker entry and `--jobs 1` both call it). */
export function runTask(task: SimulationTask): RunResult {
  const arch = loadArch(task.arch, task.overrides);
  // A mapper whose work does not depend on the masks (dense: test/sim/conservation.test.ts) gets no pruning.
  const masks = mapperNeedsMasks(task.mapping, task.mapperOptions ?? {});
  const network = loadExperimentNetwork(task.trace, arch, task.seed, masks, task.pruned);
  return simulate({
    arch,
    network,
    mapper: task.mapping,
    mapperOptions: task.mapperOptions ?? {},
    fidelity: task.fidelity,
    seed: task.seed,
    images: task.images ?? 1,
    fastForward: task.fastForward ?? true,
  });
}

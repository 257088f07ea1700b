/**
 * The real sweep backend: simulations on a piscina worker pool (or in this thread for
 * `--jobs 1`), re-pricing and CSV rows from the simulator's own functions.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import type { Piscina as PiscinaPool } from 'piscina';
import { loadArch } from '../config/arch.ts';
import { mapperNeedsMasks } from '../mapping/registry.ts';
import type { RunResult } from '../sim/types.ts';
import type { SweepBackend } from './runner.ts';
import type { PrunedMasks } from '../workload/prune-cache.ts';
import {
  getMapper,
  loadTrace,
  needsPruning,
  prepareNetwork,
  reprice,
  resolveTracePath,
  simulationKey,
} from './simulator.ts';
import { summaryRows } from './outputs.ts';
import { runBatchSafely, runTaskSafely } from './worker.ts';
import type { TaskOutcome } from './outcome.ts';
import type { SimulationTask } from './experiment.ts';

/** piscina is loaded when a sweep starts a pool: library users and `ousim run` never start one. */
const requireCjs = createRequire(import.meta.url);

export interface ClosableBackend extends SweepBackend {
  /** Tasks that should share one worker (and its trace cache), run in order. */
  simulateBatch(tasks: SimulationTask[]): Promise<TaskOutcome[]>;
  close(): Promise<void>;
}

/** Threads to use: `--jobs`, else every core. */
export function defaultJobs(): number {
  return availableParallelism();
}

export function createBackend(jobs: number): ClosableBackend {
  const shared = {
    loadArch,
    checkTrace: (trace: string) => {
      const network = loadTrace(resolveTracePath(trace));
      const pruning = needsPruning(network);
      return {
        needsPruning: pruning,
        ...(pruning && network.source ? { trainedWeights: network.source.path } : {}),
      };
    },
    checkMapping: (name: string) => void getMapper(name),
    simulationKey,
    reprice,
    summaryRow: (result: RunResult) => summaryRows([result])[0],
  };
  if (jobs <= 1) {
    return {
      ...shared,
      threads: 1,
      // Yield to the event loop between points so the progress bar can redraw.
      simulate: async (task: SimulationTask) => {
        await new Promise((r) => setImmediate(r));
        return runTaskSafely(task);
      },
      simulateBatch: async (tasks: SimulationTask[]) => {
        await new Promise((r) => setImmediate(r));
        return runBatchSafely(tasks);
      },
      close: async () => {},
    };
  }
  const withMasks = pruneOnceForWorkers();
  const { Piscina } = requireCjs('piscina') as { Piscina: typeof PiscinaPool };
  const pool = new Piscina<SimulationTask | SimulationTask[], TaskOutcome | TaskOutcome[]>({
    filename: new URL('./worker-entry.js', import.meta.url).href,
    minThreads: 0, // threads start on demand: a sweep with one simulation left needs one
    maxThreads: jobs,
    idleTimeout: 1000,
  });
  return {
    ...shared,
    threads: jobs,
    simulate: (task) => pool.run(withMasks(task)) as Promise<TaskOutcome>,
    simulateBatch: (tasks) =>
      pool.run(tasks.map(withMasks), { name: 'runBatchSafely' }) as Promise<TaskOutcome[]>,
    close: () => pool.destroy(),
  };
}

/**
 * Prune once: each distinct network (trace, pruning keys, seed) is pruned here, in the main thread,
 * the first time a task needs it (or read from the prune cache), and its masks travel with every task
 * on it, so workers never prune. A task whose preparation fails goes as it is: its worker reports the
 * error as a task outcome, as before.
 */
function pruneOnceForWorkers(): (task: SimulationTask) => SimulationTask {
  const prepared = new Map<string, PrunedMasks | undefined>();
  return (task) => {
    let arch;
    try {
      if (!mapperNeedsMasks(task.mapping, task.mapperOptions)) return task; // as runTask decides
      arch = loadArch(task.arch, task.overrides);
    } catch {
      return task;
    }
    const { size, count, connectivity } = arch.pattern;
    const key = JSON.stringify([task.trace, size, count, connectivity, task.seed]);
    if (!prepared.has(key)) {
      try {
        prepared.set(key, prepareNetwork(task.trace, arch, task.seed).masks);
      } catch {
        prepared.set(key, undefined);
      }
    }
    const pruned = prepared.get(key);
    return pruned ? { ...task, pruned } : task;
  };
}

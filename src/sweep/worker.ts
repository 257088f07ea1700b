/**
 * The worker-thread side of a sweep: run one simulation task. Errors come back as data, so that
 * the main thread can tell bad input (an InputError, worded for the user) from a bug.
 */
import { InputError } from '../util/errors.ts';
import { runTask, type SimulationTask } from './experiment.ts';
import { problemOf, type TaskOutcome } from './outcome.ts';

export type { TaskOutcome };

export function runTaskSafely(task: SimulationTask): TaskOutcome {
  const start = performance.now();
  try {
    const result = runTask(task);
    return { ok: true, result, ms: performance.now() - start };
  } catch (error) {
    if (error instanceof InputError) {
      return {
        ok: false,
        message: error.message,
        input: { source: error.source, field: error.field, problem: problemOf(error) },
      };
    }
    const e = error instanceof Error ? error : new Error(String(error));
    return { ok: false, message: e.message, stack: e.stack };
  }
}

/**
 * Several tasks in one worker, in order: tasks on the same trace and pruning then load and prune
 * it once (the worker's cache), which `compare` uses for the two mappings of a network.
 */
export function runBatchSafely(tasks: readonly SimulationTask[]): TaskOutcome[] {
  return tasks.map(runTaskSafely);
}

export default runTaskSafely;

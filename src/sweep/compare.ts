/**
 * `ousim compare` (and `npm start`): each network simulated under dense and pattern mapping on
 * the same arch and the same pruned trace, the run outputs of all of them in one folder, and
 * `compare.csv` with the paper's three figures per network.
 */
import { loadArch, resolveArchPath } from '../config/arch.ts';
import { parseOverride } from '../config/overrides.ts';
import { OutputFolder } from '../output/atomic.ts';
import type { MapperOptions } from '../mapping/types.ts';
import type { Fidelity, RunResult } from '../sim/types.ts';
import { InputError } from '../util/errors.ts';
import { csvDocument } from '../output/csv-text.ts';
import type { SimulationTask } from './experiment.ts';
import { COMPARE_COLUMNS, compareRow, type CompareRow } from './paper.ts';
import { silentProgress, type Progress } from './progress.ts';
import { writeRunOutputs } from './outputs.ts';
import { loadTrace, needsPruning, pruningWeights, resolvedConfig, resolveTracePath } from './simulator.ts';
import { inputErrorOf, type TaskOutcome } from './outcome.ts';

/** The paper comparison's networks: VGG-16 and ResNet-18 on CIFAR-10 and ImageNet. */
export const DEFAULT_COMPARE_TRACES = [
  'vgg16-cifar10',
  'resnet18-cifar10',
  'vgg16-imagenet',
  'resnet18-imagenet',
];
export const COMPARE_MAPPINGS = ['dense', 'pattern'] as const;
export const COMPARE_CSV = 'compare.csv';

export interface CompareOptions {
  traces: string[];
  arch: string;
  /** `--set key=value` texts. */
  sets: string[];
  seed: number;
  fidelity: Fidelity;
  out: string;
  /** The same for both mappings: with a replication budget, each gets that many crossbars in total. */
  mapperOptions?: MapperOptions;
}

export interface CompareOutcome {
  out: string;
  rows: CompareRow[];
  results: RunResult[];
}

/** Runs batches of tasks (one batch per network, so that it is loaded and pruned once). */
export type BatchRunner = (tasks: SimulationTask[]) => Promise<TaskOutcome[]>;

export async function runCompare(
  options: CompareOptions,
  runBatch: BatchRunner,
  progress: Progress = silentProgress,
): Promise<CompareOutcome> {
  if (options.traces.length === 0) throw new InputError('--traces', '', 'name at least one network');
  if (new Set(options.traces).size !== options.traces.length)
    throw new InputError('--traces', '', 'a network is listed twice');
  const overrides = options.sets.map(parseOverride);
  // Validate the arch here, once, so bad input fails before any worker starts.
  const arch = loadArch(options.arch, overrides);
  for (const trace of options.traces) resolveTracePath(trace);

  progress.start(options.traces.length, 'compare');
  const batches = await Promise.all(
    options.traces.map(async (trace) => {
      const tasks = COMPARE_MAPPINGS.map((mapping): SimulationTask => ({
        trace,
        arch: options.arch,
        overrides,
        mapping,
        seed: options.seed,
        fidelity: options.fidelity,
        mapperOptions: options.mapperOptions,
      }));
      const outcomes = await runBatch(tasks);
      progress.tick();
      return outcomes.map((outcome) => {
        if (outcome.ok) return outcome.result;
        const input = inputErrorOf(outcome);
        if (input) throw input;
        throw new Error(`compare: ${trace} failed: ${outcome.stack ?? outcome.message}`);
      });
    }),
  ).finally(() => progress.stop());

  const results = batches.flat();
  const rows = batches.map(([dense, pattern]) => compareRow(dense, pattern));
  const folder = new OutputFolder(options.out);
  try {
    const networks = options.traces.map((trace) => {
      // Shapes only (cheap): the workers did the pruning; this records whether they had to.
      const tracePath = resolveTracePath(trace);
      const network = loadTrace(tracePath);
      const prunedOnTheFly = needsPruning(network);
      return {
        network,
        tracePath,
        prunedOnTheFly,
        weights: pruningWeights(network, options.seed, prunedOnTheFly),
      };
    });
    const config = resolvedConfig({
      command: 'compare',
      arch,
      archPath: resolveArchPath(options.arch),
      overrides,
      networks,
      mappers: [...COMPARE_MAPPINGS],
      mapperOptions: options.mapperOptions ?? {},
      fidelity: options.fidelity,
      seed: options.seed,
    });
    writeRunOutputs(folder, results, config);
    folder.write(COMPARE_CSV, csvDocument(COMPARE_COLUMNS, rows));
    folder.commit();
  } catch (error) {
    folder.discard();
    throw error;
  }
  return { out: folder.out, rows, results };
}

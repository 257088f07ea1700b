/**
 * `ousim compare` (and `npm start`): each network simulated under dense and pattern mapping (or the
 * mappings `--mappings` names, dense among them) on the same arch and the same pruned trace, the run
 * outputs of all of them in one folder, and `compare.csv` with the paper's three figures per network
 * for every mapping over dense.
 */
import { loadArch, resolveArchPath } from '../config/arch.ts';
import { parseOverride } from '../config/overrides.ts';
import { OutputFolder } from '../output/atomic.ts';
import type { MapperOptions } from '../mapping/types.ts';
import type { Fidelity, RunResult } from '../sim/types.ts';
import { InputError } from '../util/errors.ts';
import { csvDocument } from '../output/csv-text.ts';
import type { SimulationTask } from './experiment.ts';
import { listMappers } from '../mapping/registry.ts';
import { BASELINE_MAPPING, compareColumns, compareRecord, type CompareRecord } from './paper.ts';
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
  /** The same for every mapping: with a replication budget, each gets that many crossbars in total. */
  mapperOptions?: MapperOptions;
  /** Mappings to run, dense (the baseline) among them; default COMPARE_MAPPINGS. */
  mappings?: readonly string[];
  /**
   * What the replication budget holds equal: `crossbars` (each mapping gets the budget's crossbars) or
   * `area` (dense replicates within the crossbar budget; pattern then gets dense's chip area).
   */
  budgetBy?: 'crossbars' | 'area';
  /** Images streamed through the pipeline (default 1), fast-forwarded unless false. */
  images?: number;
  fastForward?: boolean;
}

export interface CompareOutcome {
  out: string;
  rows: CompareRecord[];
  results: RunResult[];
  mappings: string[];
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
  const mappings = checkMappings(options.mappings ?? COMPARE_MAPPINGS);
  const overrides = options.sets.map(parseOverride);
  // Validate the arch here, once, so bad input fails before any worker starts.
  const arch = loadArch(options.arch, overrides);
  for (const trace of options.traces) resolveTracePath(trace);
  const budgetBy = options.budgetBy ?? 'crossbars';
  if (budgetBy === 'area' && !(options.mapperOptions?.replicationBudget ?? 0))
    throw new InputError(
      '--budget-by',
      '',
      'area needs a --replication-budget (the dense mapping sets the area)',
    );

  progress.start(options.traces.length, 'compare');
  const batches = await Promise.all(
    options.traces.map(async (trace) => {
      const task = (mapping: string, mapperOptions = options.mapperOptions): SimulationTask => ({
        trace,
        arch: options.arch,
        overrides,
        mapping,
        seed: options.seed,
        fidelity: options.fidelity,
        mapperOptions,
        images: options.images ?? 1,
        fastForward: options.fastForward ?? true,
      });
      const resultOf = (outcome: TaskOutcome): RunResult => {
        if (outcome.ok) return outcome.result;
        const input = inputErrorOf(outcome);
        if (input) throw input;
        throw new Error(`compare: ${trace} failed: ${outcome.stack ?? outcome.message}`);
      };
      let results: RunResult[];
      if (budgetBy === 'area') {
        // Same chip area: the dense mapping's replicated chip is every other mapping's area budget.
        const [dense] = (await runBatch([task(BASELINE_MAPPING)])).map(resultOf);
        const areaOptions = { ...options.mapperOptions, replicationAreaMm2: dense.chipAreaMm2 };
        const others = await runBatch(mappings.slice(1).map((mapping) => task(mapping, areaOptions)));
        results = [dense, ...others.map(resultOf)];
      } else {
        results = (await runBatch(mappings.map((mapping) => task(mapping)))).map(resultOf);
      }
      progress.tick();
      return results;
    }),
  ).finally(() => progress.stop());

  const results = batches.flat();
  const rows = batches.map((batch) => compareRecord(new Map(batch.map((r, i) => [mappings[i], r]))));
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
      mappers: [...mappings],
      mapperOptions: { ...options.mapperOptions, ...(budgetBy === 'area' ? { budgetBy } : {}) },
      fidelity: options.fidelity,
      seed: options.seed,
      images: options.images,
      fastForward: options.fastForward,
    });
    writeRunOutputs(folder, results, config);
    folder.write(COMPARE_CSV, csvDocument(compareColumns(mappings), rows));
    folder.commit();
  } catch (error) {
    folder.discard();
    throw error;
  }
  return { out: folder.out, rows, results, mappings };
}

/** `--mappings`: registered mappers, each once, dense (the baseline) and at least one other. */
function checkMappings(mappings: readonly string[]): string[] {
  const known = listMappers();
  for (const m of mappings)
    if (!known.includes(m))
      throw new InputError('--mappings', '', `unknown mapper '${m}' (mappers: ${known.join(', ')})`);
  if (new Set(mappings).size !== mappings.length)
    throw new InputError('--mappings', '', 'a mapping is listed twice');
  if (!mappings.includes(BASELINE_MAPPING) || mappings.length < 2)
    throw new InputError(
      '--mappings',
      '',
      `name ${BASELINE_MAPPING} (the baseline) and at least one mapping to compare with it`,
    );
  // Dense first: its columns and runs lead, whatever order the flag gave.
  return [BASELINE_MAPPING, ...mappings.filter((m) => m !== BASELINE_MAPPING)];
}

/**
 * `ousim compare` (and `npm start`): each network simulated under a baseline mapping (`--baseline`,
 * default dense) and candidates (`--mappings`, default pattern; any registered mappers) on the same
 * arch and the same pruned trace, the run outputs of all of them in one folder, and `compare.csv`
 * with the paper's three figures per network for every candidate over the baseline.
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
import {
  BASELINE_MAPPING,
  compareColumns,
  compareRecord,
  PAPER_CANDIDATE,
  type CompareRecord,
} from './paper.ts';
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
/** The mappings compared by default: the paper's baseline and candidate. */
export const COMPARE_MAPPINGS: readonly string[] = [BASELINE_MAPPING, PAPER_CANDIDATE];
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
  /** Mappings to run: candidates, the baseline among them or not; default COMPARE_MAPPINGS. */
  mappings?: readonly string[];
  /** The mapping every other one is measured against (default BASELINE_MAPPING, dense). */
  baseline?: string;
  /**
   * What the replication budget holds equal: `crossbars` (each mapping gets the budget's crossbars) or
   * `area` (the baseline replicates within the crossbar budget; the candidates then get its chip area).
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
  baseline: string;
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
  const baseline = options.baseline ?? BASELINE_MAPPING;
  const mappings = checkMappings(options.mappings ?? COMPARE_MAPPINGS, baseline);
  const overrides = options.sets.map(parseOverride);
  // Validate the arch here, once, so bad input fails before any worker starts.
  const arch = loadArch(options.arch, overrides);
  for (const trace of options.traces) resolveTracePath(trace);
  const budgetBy = options.budgetBy ?? 'crossbars';
  if (budgetBy === 'area' && !(options.mapperOptions?.replicationBudget ?? 0))
    throw new InputError(
      '--budget-by',
      '',
      `area needs a --replication-budget (the ${baseline} mapping sets the area)`,
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
        // Same chip area: the baseline's replicated chip is every other mapping's area budget.
        const [base] = (await runBatch([task(baseline)])).map(resultOf);
        const areaOptions = { ...options.mapperOptions, replicationAreaMm2: base.chipAreaMm2 };
        const others = await runBatch(mappings.slice(1).map((mapping) => task(mapping, areaOptions)));
        results = [base, ...others.map(resultOf)];
      } else {
        results = (await runBatch(mappings.map((mapping) => task(mapping)))).map(resultOf);
      }
      progress.tick();
      return results;
    }),
  ).finally(() => progress.stop());

  const results = batches.flat();
  const rows = batches.map((batch) =>
    compareRecord(new Map(batch.map((r, i) => [mappings[i], r])), baseline),
  );
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
    folder.write(COMPARE_CSV, csvDocument(compareColumns(mappings, baseline), rows));
    folder.commit();
  } catch (error) {
    folder.discard();
    throw error;
  }
  return { out: folder.out, rows, results, mappings, baseline };
}

/**
 * `--baseline` and `--mappings`: registered mappers, each once, and at least one besides the baseline.
 * The baseline comes first (its columns and runs lead, whatever order the flag gave); it may be left
 * out of `--mappings`.
 */
function checkMappings(mappings: readonly string[], baseline: string): string[] {
  const known = listMappers();
  if (!known.includes(baseline))
    throw new InputError('--baseline', '', `unknown mapper '${baseline}' (mappers: ${known.join(', ')})`);
  for (const m of mappings)
    if (!known.includes(m))
      throw new InputError('--mappings', '', `unknown mapper '${m}' (mappers: ${known.join(', ')})`);
  if (new Set(mappings).size !== mappings.length)
    throw new InputError('--mappings', '', 'a mapping is listed twice');
  const candidates = mappings.filter((m) => m !== baseline);
  if (candidates.length === 0)
    throw new InputError(
      '--mappings',
      '',
      `name at least one mapping to compare with ${baseline} (the baseline)`,
    );
  return [baseline, ...candidates];
}

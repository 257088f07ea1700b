/**
 * `ousim compare`: candidate mappings over a baseline (default pattern over dense; `--baseline`,
 * `--mappings dense,pattern,sre`, any registered mapper) on the same arch and pruned networks, the
 * paper's three figures next to its ranges (src/sweep/compare.ts). `npm start` runs it with the defaults.
 */
import type { Argv, CommandModule } from 'yargs';
import type { Fidelity } from '../../sim/types.ts';
import { COMPARE_MAPPINGS, DEFAULT_COMPARE_TRACES } from '../../sweep/compare.ts';
import { BASELINE_MAPPING, formatCompareTable } from '../../sweep/paper.ts';
import { listMappers } from '../../mapping/registry.ts';
import { formatSeconds, stderrProgress } from '../../sweep/progress.ts';
import { InputError } from '../../util/errors.ts';
import {
  apiMappingOptionsOf,
  streamOptionsOf,
  withArchOptions,
  withMappingOptions,
  withOutputOptions,
  withStreamOptions,
  type ArchArgs,
  splitList,
} from '../options.ts';

interface CompareArgs extends ArchArgs {
  baseline: string;
  'replication-budget': number;
  traces: string[];
  mappings: string[];
  fidelity: string;
  out: string;
  jobs?: number;
  images: number;
  'fast-forward': boolean;
  'budget-by': string;
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare',
  describe: "mappings over a baseline (pattern over dense) on the same arch and networks: the paper's table",
  builder: (y: Argv) =>
    withStreamOptions(withMappingOptions(withOutputOptions(withArchOptions(y), 'results')))
      .option('traces', {
        type: 'string',
        array: true,
        default: [DEFAULT_COMPARE_TRACES.join(',')],
        describe: 'networks (zoo names or trace paths), comma-separated',
      })
      .option('mappings', {
        type: 'string',
        array: true,
        default: [COMPARE_MAPPINGS.join(',')],
        describe: `mappings to compare, comma-separated, the baseline among them or not (mappers: ${listMappers().join(', ')})`,
      })
      .option('baseline', {
        type: 'string',
        default: BASELINE_MAPPING,
        describe: 'the mapping every other one is measured against',
      })
      .option('fidelity', {
        type: 'string',
        choices: ['fast', 'ou'],
        default: 'fast',
        describe: 'simulation fidelity',
      })
      .option('budget-by', {
        type: 'string',
        choices: ['crossbars', 'area'],
        default: 'crossbars',
        describe:
          'with --replication-budget: both mappings get the same crossbars, or the same chip area (the dense chip replicated within the budget)',
      })
      .option('jobs', {
        type: 'number',
        describe: 'worker threads (default: every core, at most one per network)',
      })
      .example('$0 compare', 'the paper comparison on the four bundled networks, into results/')
      .example('$0 compare --traces vgg16-cifar10 --set pattern.connectivity=3', 'a what-if')
      .example('$0 compare --mappings dense,pattern,sre', 'pattern and SRE, each over dense')
      .example('$0 compare --baseline sre --mappings pattern', 'pattern over SRE')
      .example(
        '$0 compare --traces resnet18-imagenet --replication-budget 20000',
        'both mappings replicate early layers within the same crossbar budget',
      )
      .example(
        '$0 compare --images 1000 --replication-budget 40000 --budget-by area',
        'throughput of 1000-image streams, both mappings on the same chip area',
      ),
  handler: async (args) => {
    const traces = splitList(args.traces);
    // Loaded here so that `--help` does not pull in the simulator.
    const { compare } = await import('../../api/index.ts');
    const { defaultJobs } = await import('../../sweep/backend.ts');
    const jobs = Math.min(args.jobs ?? defaultJobs(), traces.length);
    if (!Number.isInteger(jobs) || jobs < 1)
      throw new InputError('--jobs', '', `expected a whole number >= 1`);
    const started = performance.now();
    const outcome = await compare({
      traces,
      arch: args.arch,
      overrides: args.set,
      seed: args.seed,
      fidelity: args.fidelity as Fidelity,
      out: args.out,
      ...apiMappingOptionsOf(args),
      mappings: splitList(args.mappings),
      baseline: args.baseline,
      budgetBy: args['budget-by'] as 'crossbars' | 'area',
      ...streamOptionsOf(args),
      jobs,
      progress: stderrProgress(),
    });
    for (const result of outcome.results)
      for (const warning of result.warnings)
        process.stderr.write(`ousim compare: ${result.network} ${result.mapping}: ${warning}\n`);
    process.stdout.write(`${formatCompareTable(outcome.rows, outcome.mappings, outcome.baseline)}\n\n`);
    process.stdout.write(
      `wrote summary.csv, layers.csv, components.csv, compare.csv, config.resolved.json to ${outcome.out} ` +
        `in ${formatSeconds((performance.now() - started) / 1000)}; figures: ousim figures --in ${args.out}\n`,
    );
  },
};

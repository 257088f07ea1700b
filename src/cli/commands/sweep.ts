/**
 * `ousim sweep`: a grid over arch keys, pruning keys, mappings and traces, one CSV row per point
 * (src/sweep/runner.ts); `ousim sweep merge`: join shard folders (src/sweep/merge.ts).
 */
import type { Argv, CommandModule } from 'yargs';
import { CommandFailed, EXIT_BAD_INPUT, InputError } from '../../util/errors.ts';
import {
  mapperFlagsOf,
  splitList,
  streamOptionsOf,
  withArchOptions,
  withMapperOptionFlags,
  withStreamOptions,
  type ArchArgs,
} from '../options.ts';
import { BASELINE_MAPPING, PAPER_CANDIDATE } from '../../sweep/paper.ts';
import { stderrProgress, formatSeconds } from '../../sweep/progress.ts';
import { formatRanges, mergeSweeps } from '../../sweep/merge.ts';
import type { Fidelity } from '../../sim/types.ts';

interface SweepArgs extends ArchArgs {
  trace: string[];
  mapping: string[];
  fidelity: string;
  out: string;
  jobs?: number;
  shard?: string;
  images: number;
  'fast-forward': boolean;
}

const mergeCommand: CommandModule<object, { folders: string[]; out: string }> = {
  command: 'merge <folders..>',
  describe: "join shard folders' sweep.csv into one, sorted by point",
  builder: (y) =>
    y
      .positional('folders', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'shard output folders',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'folder for the merged sweep.csv (a sweep already there keeps its rows)',
      })
      .example('$0 sweep merge results/sweep-shard-* --out results/sweep', ''),
  handler: (args) => {
    // The API's mergeSweep is this same function; called directly so that merging does not load the simulator.
    const report = mergeSweeps(args.folders, args.out);
    const complete = report.missing.length === 0;
    process.stdout.write(
      `merged ${report.rows} of ${report.points} points from ${args.folders.length} folder(s) (shards ${report.shards.join(', ')})` +
        (report.keptFromOut > 0 ? ` and ${report.keptFromOut} already in it` : '') +
        ` into ${report.out}/sweep.csv\n`,
    );
    if (report.duplicates > 0)
      process.stderr.write(`sweep merge: ${report.duplicates} point(s) appeared twice; kept the first\n`);
    if (!complete)
      process.stderr.write(
        `sweep merge: incomplete, ${report.missing.length} point(s) missing: ${formatRanges(report.missing)}` +
          ` (run the missing shards, or run ousim sweep with the same flags and --out ${args.out} to fill them in)\n`,
      );
  },
};

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep',
  describe: 'a grid over arch / pruning keys and mappings, in parallel, resumable, shardable',
  builder: (y: Argv) =>
    withMapperOptionFlags(withStreamOptions(withArchOptions(y)))
      .command(mergeCommand as unknown as CommandModule)
      .option('trace', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'network trace(s): zoo names or paths, comma-separated (an axis of the grid)',
      })
      .option('mapping', {
        type: 'string',
        array: true,
        default: [`${BASELINE_MAPPING},${PAPER_CANDIDATE}`],
        describe: 'mapper(s), comma-separated (an axis of the grid)',
      })
      .option('set', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'an axis: arch or pattern key and its values, e.g. --set adc.bits=4,5,6 (repeatable)',
      })
      .option('fidelity', {
        type: 'string',
        choices: ['fast', 'ou'],
        default: 'fast',
        describe: 'simulation fidelity',
      })
      .option('out', {
        type: 'string',
        default: 'results/sweep',
        describe: 'folder of sweep.csv (resumed if present)',
      })
      .option('jobs', { type: 'number', describe: 'worker threads (default: every core)' })
      .option('shard', {
        type: 'string',
        describe:
          'run slice i of N (0-based; groups of points that share a simulation, ranked by first point, go to rank mod N), e.g. 0/4',
      })
      .example(
        '$0 sweep --trace vgg16-cifar10 --set adc.bits=4,5,6,7,8 --set ou.rows=4,8,16 --set ou.cols=4,8 --out results/sweep',
        '60 points, dense and pattern',
      )
      .example('$0 sweep ... --shard 0/4 --out results/sweep-shard-0', 'one of four shards'),
  handler: async (args) => {
    const traces = splitList(args.trace);
    if (traces.length === 0)
      throw new InputError('--trace', '', 'name the network(s) to sweep, e.g. --trace vgg16-cifar10');
    // The API pulls in the simulator; loaded here so `sweep merge` and --help stay light.
    const { sweep } = await import('../../api/index.ts');
    const { defaultJobs } = await import('../../sweep/backend.ts');
    const jobs = args.jobs ?? defaultJobs();
    if (!Number.isInteger(jobs) || jobs < 1)
      throw new InputError('--jobs', '', `expected a whole number >= 1, got ${jobs}`);
    const mapperOptions = mapperFlagsOf(args) as Record<string, number | boolean | string>;
    const report = await sweep({
      traces,
      mappings: splitList(args.mapping),
      ...(Object.keys(mapperOptions).length > 0 ? { mapperOptions } : {}),
      axes: args.set,
      arch: args.arch,
      seed: args.seed,
      fidelity: args.fidelity as Fidelity,
      out: args.out,
      shard: args.shard,
      ...streamOptionsOf(args),
      jobs,
      progress: stderrProgress(),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const written = report.simulated + report.repriced;
    process.stdout.write(
      `${report.csv}: ${report.alreadyDone + written} of ${report.shardPoints} points ` +
        `(${report.simulated} simulated, ${report.repriced} re-priced, ${report.alreadyDone} already there) ` +
        `in ${formatSeconds(report.seconds)}\n`,
    );
    if (report.failed.length > 0)
      // Exit 2 when every failure was bad input (a point whose arch or network cannot work), else 1.
      throw new CommandFailed(
        `${report.failed.length} sweep point(s) failed (listed above); the other rows are saved in ` +
          `${report.csv}, rerun to retry the failed ones`,
        report.failed.every((f) => f.badInput) ? EXIT_BAD_INPUT : 1,
      );
  },
};

/**
 * `ousim prune`: pattern + connectivity pruning of a trace's 3x3 conv layers (src/workload/prune.ts),
 * with the pattern settings of the arch file (`pattern.size`, `pattern.count`, `pattern.connectivity`,
 * overridable with --set) and weights that are either seeded synthetic ones or real ones.
 */
import type { Argv, CommandModule } from 'yargs';
import { loadArch, loadTrace, prune, writeTrace } from '../../api/index.ts';
import { OutputFolder } from '../../output/atomic.ts';
import { PATTERN_HISTOGRAM_CSV, patternHistogramCsv, patternStatsCsv } from '../../workload/pattern-stats.ts';
import { withArchOptions, type ArchArgs } from '../options.ts';

interface PruneArgs extends ArchArgs {
  trace: string;
  weights?: string;
  out: string;
}

export const pruneCommand: CommandModule<object, PruneArgs> = {
  command: 'prune',
  describe: 'pattern + connectivity pruning of a trace into a masked trace and patterns.csv',
  builder: (y: Argv) =>
    withArchOptions(y)
      .option('trace', {
        type: 'string',
        demandOption: true,
        describe: 'zoo trace name (e.g. vgg16-cifar10) or path to a trace JSON file',
      })
      .option('weights', {
        type: 'string',
        describe:
          'real weights: an ONNX model (Conv initializers, float32/float64) or a folder of <layer name>.npy ' +
          'files shaped [cout, cin/groups, kh, kw]; default: the trained weights of the model the trace was ' +
          'imported from (its `source`), else seeded synthetic He-normal weights (--seed)',
      })
      .option('out', {
        type: 'string',
        default: 'pruned',
        describe: 'output folder (written atomically): trace.json, patterns.csv and pattern-histogram.csv',
      })
      .example('$0 prune --trace vgg16-cifar10 --set pattern.count=6 --seed 2 --out out/vgg16-p6', '')
      .epilogue(
        'Only 3x3 conv layers are pruned; layers with masks already are kept. The pattern settings come from ' +
          'the arch file: pattern.size (kept positions, centre included), pattern.count (patterns per layer), ' +
          'pattern.connectivity (kernels before / after).',
      ),
  handler: (args) => {
    const arch = loadArch(args.arch, args.set);
    const network = loadTrace(args.trace);
    // Default weights: the trained ones of the model the trace was imported from, if it remembers one
    // (given by name, so that a missing or changed model is reported against the trace file).
    const {
      network: pruned,
      stats,
      weights,
    } = prune(args.trace, arch, { seed: args.seed, weights: args.weights });
    const { size, count, connectivity } = arch.pattern;
    const note =
      `pruned by ousim: pattern.size ${size}, pattern.count ${count}, pattern.connectivity ${connectivity}, ` +
      `weights ${weights}`;
    // Only a trace that this call pruned says so; masks it already had are kept as they were.
    if (stats.some((s) => s.status === 'pruned'))
      pruned.description = network.description ? `${network.description}; ${note}` : note;

    // trace.json marks a finished folder: removed first, moved in last (never beside an old patterns.csv).
    const out = new OutputFolder(args.out, { marker: 'trace.json' });
    try {
      out.write('trace.json', writeTrace(pruned, out.out));
      out.write('patterns.csv', patternStatsCsv(stats));
      out.write(PATTERN_HISTOGRAM_CSV, patternHistogramCsv(stats));
      out.commit();
    } catch (error) {
      out.discard();
      throw error;
    }
    const kernels = stats.reduce((s, l) => s + l.kernels, 0);
    const kept = stats.reduce((s, l) => s + l.kept, 0);
    process.stdout.write(
      `ousim prune: ${network.name}: ${stats.filter((s) => s.status === 'pruned').length} layers pruned, ` +
        `${kept} of ${kernels} conv kernels kept -> ${out.out}\n`,
    );
  },
};

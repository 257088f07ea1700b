/**
 * `ousim map`: mapping only, no timing (docs/design.md §6). Per weight layer the mapping figures go to
 * layers.csv, per network the totals to summary.csv, and a short table to the terminal. Traces
 * without masks are pruned on the fly with the arch's pattern.* settings and --seed.
 */
import type { Argv, CommandModule } from 'yargs';
import { loadArch, map } from '../../api/index.ts';
import { DEFAULT_MAPPER, listMappers, resolvedMapperOptions } from '../../mapping/registry.ts';
import type { LayerRow, SummaryRow } from '../../mapping/report.ts';
import { OutputFolder } from '../../output/atomic.ts';
import { toCsv } from '../../output/csv-text.ts';
import { OUSIM_VERSION } from '../../util/version.ts';
import {
  apiMappingOptionsOf,
  parseOverrides,
  withMapperOptionFlags,
  splitList,
  withArchOptions,
  withOutputOptions,
  type ArchArgs,
} from '../options.ts';
import { InputError } from '../../util/errors.ts';

interface MapArgs extends ArchArgs {
  trace: string[];
  mapping: string;
  'replication-budget': number;
  out: string;
}

function table(rows: SummaryRow[]): string {
  const head = [
    'network',
    'mapping',
    'crossbars',
    '3x3 xbars',
    'utilisation',
    'OU steps/inf',
    'critical',
    'index KiB',
  ];
  const body = rows.map((r) => [
    r.network,
    r.packing ? `${r.mapping}/${r.packing}` : r.mapping,
    String(r.crossbars),
    String(r.crossbars_3x3),
    r.utilisation.toFixed(3),
    r.ou_steps_per_inference.toExponential(3),
    r.ou_steps_critical.toExponential(3),
    (r.index_bits / 8192).toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...body.map(line)].join('\n') + '\n';
}

export const mapCommand: CommandModule<object, MapArgs> = {
  command: 'map',
  describe: 'mapping only: crossbars, blocks, utilisation, OU steps and index overhead per layer',
  builder: (y: Argv) =>
    withMapperOptionFlags(withOutputOptions(withArchOptions(y), 'results/map'), { choices: true })
      .option('trace', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'zoo trace name or trace file; repeat the flag or give a comma list',
      })
      .option('mapping', {
        type: 'string',
        default: DEFAULT_MAPPER,
        choices: listMappers(),
        describe: 'mapper',
      })
      .option('replication-budget', {
        type: 'number',
        default: 0,
        describe: 'total crossbars allowed for replicating the slowest layers (0: no replication)',
      })
      .example('$0 map --trace vgg16-cifar10,resnet18-cifar10 --mapping dense', '')
      .example('$0 map --trace vgg16-imagenet --packing stack --set ou.rows=16', ''),
  handler: (args) => {
    const overrides = parseOverrides(args.set);
    const arch = loadArch(args.arch, overrides);
    const given = apiMappingOptionsOf(args);
    // Every mapper's options as they apply (defaults filled in), whichever mapper runs.
    const options = {
      ...resolvedMapperOptions(given.mapperOptions),
      replicationBudget: given.replicationBudget,
    };
    const layerRows: LayerRow[] = [];
    const summaries: SummaryRow[] = [];
    const traces = splitList(args.trace);
    if (traces.length === 0) throw new InputError('--trace', '', 'name at least one network');
    for (const trace of traces) {
      // A mapper that needs masks prunes an unpruned trace with its source model's trained weights
      // when it remembers one, as run and compare do (api/index.ts); the others ignore the masks.
      const mapped = map(trace, arch, { ...given, mapping: args.mapping, seed: args.seed });
      layerRows.push(...mapped.layers);
      summaries.push(mapped.summary);
    }
    const config = {
      ousimVersion: OUSIM_VERSION,
      command: 'map',
      seed: args.seed,
      traces,
      mapping: args.mapping,
      mapperOptions: options,
      overrides,
      arch,
    };
    const out = new OutputFolder(args.out);
    try {
      out.write('layers.csv', toCsv(layerRows));
      out.write('config.resolved.json', JSON.stringify(config, null, 2) + '\n');
      out.write('summary.csv', toCsv(summaries));
      out.commit();
    } catch (error) {
      out.discard();
      throw error;
    }
    process.stdout.write(table(summaries) + `-> ${out.out}\n`);
  },
};

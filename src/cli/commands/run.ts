/**
 * `ousim run`: simulate one network on one arch with one mapping; writes summary.csv, layers.csv,
 * components.csv and config.resolved.json atomically, and prints a short summary.
 */
import type { Argv, CommandModule } from 'yargs';
import { loadArch, simulate, writeRun, type Simulation } from '../../api/index.ts';
import { DEFAULT_MAPPER, listMappers } from '../../mapping/registry.ts';
import type { Fidelity, RunResult } from '../../sim/types.ts';
import { createLogger, type LogLevel } from '../../util/logger.ts';
import { LazyProgress } from '../progress.ts';
import {
  apiMappingOptionsOf,
  streamOptionsOf,
  withArchOptions,
  withMappingOptions,
  withOutputOptions,
  withStreamOptions,
  type ArchArgs,
} from '../options.ts';

interface RunArgs extends ArchArgs {
  trace: string;
  mapping: string;
  'replication-budget': number;
  fidelity: Fidelity;
  out: string;
  'log-level': string;
  images: number;
  'fast-forward': boolean;
}

/** `--fidelity`. */
export function withFidelityOption<T>(y: Argv<T>) {
  return y.option('fidelity', {
    choices: ['fast', 'ou'] as const,
    default: 'fast' as const,
    describe: 'fast: one closed-form OU pipeline per crossbar per vector; ou: every OU step an event',
  });
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'simulate one network on one arch with one mapping',
  builder: (y: Argv) =>
    withStreamOptions(
      withFidelityOption(withMappingOptions(withOutputOptions(withArchOptions(y), 'results/run'))),
    )
      .option('trace', {
        type: 'string',
        default: 'vgg16-cifar10',
        describe: 'zoo trace name or path to a trace JSON file (unpruned traces are pruned with --seed)',
      })
      .option('mapping', {
        type: 'string',
        default: DEFAULT_MAPPER,
        describe: `mapper: ${listMappers().join(', ')}`,
      })
      .example('$0 run --trace vgg16-cifar10 --mapping pattern --set adc.bits=6 --out results/run', ''),
  handler: (args) => {
    const log = createLogger(args['log-level'] as LogLevel);
    const arch = loadArch(args.arch, args.set);
    const mapperOptions = apiMappingOptionsOf(args);
    const stream = streamOptionsOf(args);
    const progress = new LazyProgress(`${args.trace} ${args.mapping}`);
    const started = Date.now();
    let simulation: Simulation;
    try {
      simulation = simulate(args.trace, arch, {
        ...mapperOptions,
        mapping: args.mapping,
        fidelity: args.fidelity,
        seed: args.seed,
        ...stream,
        onProgress: (f) => progress.update(f),
      });
    } finally {
      progress.stop();
    }
    const result = simulation.result;
    for (const warning of result.warnings) log.warn(warning);
    const out = writeRun(args.out, simulation);
    printSummary(result, Date.now() - started, out);
  },
};

function printSummary(r: RunResult, ms: number, out: string): void {
  const events =
    r.components.find((c) => c.component === 'simulator' && c.statistic === 'events')?.value ?? 0;
  const lines = [
    `${r.network} on ${r.mapping} mapping (${r.fidelity} fidelity), simulated in ${(ms / 1000).toFixed(2)} s, ` +
      `${events} events (${((events / Math.max(ms, 1)) * 1e3).toPrecision(3)} events/s)`,
    `  crossbars ${r.crossbars}, tiles ${r.inventory.tiles}, crossbar area ${r.crossbarAreaMm2.toFixed(4)} mm2, chip area ${r.chipAreaMm2.toFixed(2)} mm2`,
    r.stream.images === 1
      ? `  latency ${r.cycles} cycles = ${(r.latencyNs / 1e3).toFixed(2)} us, energy ${(r.energyPj / 1e6).toFixed(3)} uJ`
      : `  ${r.stream.images} images in ${r.cycles} cycles: first latency ${r.stream.firstLatencyCycles} cycles, ` +
        `interval ${r.stream.intervalCycles} cycles (${(1e9 / r.stream.intervalNs).toFixed(2)} images/s), ` +
        `energy ${(r.energyPj / r.stream.images / 1e6).toFixed(3)} uJ per image`,
    ...r.warnings.map((w) => `  note: ${w}`),
    `  results in ${out}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Flags shared by several commands, declared once so that `--help` reads the same everywhere.
 */
import type { Argv } from 'yargs';
import { parseOverride, type Override } from '../config/overrides.ts';
import { mapperOptionSpecs } from '../mapping/registry.ts';
import type { MapperOptions } from '../mapping/types.ts';
import { InputError } from '../util/errors.ts';

export interface ArchArgs {
  arch: string;
  set: string[];
  seed: number;
}

/** `--arch`, repeated `--set key=value`, `--seed`. */
export function withArchOptions<T>(y: Argv<T>) {
  return y
    .option('arch', {
      type: 'string',
      default: 'paper',
      describe: 'arch preset name in arch/ (e.g. paper, isaac) or a path to an arch JSON file',
    })
    .option('set', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe:
        'override one arch key, e.g. --set adc.bits=6 (repeatable; every key and its unit: docs/arch.md)',
    })
    .option('seed', {
      type: 'number',
      default: 1,
      describe: 'run seed; every random stream derives from it',
    })
    .check((argv) => {
      // Recorded in config.resolved.json to reproduce the run: it must be a whole number.
      if (!Number.isSafeInteger(argv.seed)) throw new InputError('--seed', '', 'expected a whole number');
      return true;
    });
}

/** `--out` folder and `--log-level`. */
export function withOutputOptions<T>(y: Argv<T>, defaultOut: string) {
  return y
    .option('out', { type: 'string', default: defaultOut, describe: 'output folder (written atomically)' })
    .option('log-level', {
      type: 'string',
      default: 'warn',
      choices: ['trace', 'debug', 'info', 'warn', 'error', 'silent'],
      describe: 'log level of the JSON log on stderr',
    });
}

/** Parse the repeated `--set key=value` flags. */
export function parseOverrides(set: readonly string[] | undefined): Override[] {
  return (set ?? []).map(parseOverride);
}

/**
 * Every registered mapper's own options as flags (pattern's `--packing`, ...; src/mapping/registry.ts),
 * with their descriptions and allowed values. Read when the command's flags are built, so a mapper
 * registered before that (a test's toy one) has its flags too. With `choices`, yargs refuses a value
 * outside an enum (`ousim map`, as before); otherwise the mapper does, naming the flag.
 */
export function withMapperOptionFlags<T>(y: Argv<T>, { choices = false } = {}) {
  let out = y;
  for (const spec of mapperOptionSpecs()) {
    out = out.option(spec.flag, {
      type: spec.type,
      ...(choices && spec.choices ? { choices: spec.choices } : {}),
      describe: `${spec.mapper} mapper: ${spec.description}`,
    });
  }
  return out;
}

/** The mapper option flags and `--replication-budget`: how weights are mapped (run, map, compare, sweep). */
export function withMappingOptions<T>(y: Argv<T>) {
  return withMapperOptionFlags(y).option('replication-budget', {
    type: 'number',
    default: 0,
    describe:
      'total crossbar budget; early layers are replicated within it to balance the layer pipeline (0 = off)',
  });
}

/** The mapper options given on the command line (by key, registry order), unchecked. */
export function mapperFlagsOf(args: Record<string, unknown>): MapperOptions {
  const options: MapperOptions = {};
  for (const spec of mapperOptionSpecs())
    if (args[spec.flag] !== undefined) options[spec.key] = args[spec.flag];
  return options;
}

/** MapperOptions from the flags of withMappingOptions: each mapper's own, then the replication budget. */
export function mapperOptionsOf(args: {
  'replication-budget'?: number;
  [flag: string]: unknown;
}): MapperOptions {
  const budget = args['replication-budget'] ?? 0;
  if (!Number.isInteger(budget) || budget < 0)
    throw new InputError('--replication-budget', '', `expected a whole number >= 0, got ${budget}`);
  return { ...mapperFlagsOf(args), replicationBudget: budget };
}

/** The same flags as the api's MappingOptions (run, map, compare): own options apart, budget checked. */
export function apiMappingOptionsOf(args: { 'replication-budget'?: number; [flag: string]: unknown }): {
  mapperOptions: MapperOptions;
  replicationBudget: number;
} {
  const { replicationBudget, ...own } = mapperOptionsOf(args);
  return { mapperOptions: own, replicationBudget: replicationBudget ?? 0 };
}

/** `--images` and `--fast-forward`: a stream of images through the layer pipeline (run, compare, sweep). */
export function withStreamOptions<T>(y: Argv<T>) {
  return y
    .option('images', {
      type: 'number',
      default: 1,
      describe:
        'images streamed back to back through the layer pipeline; cycles is then the makespan of all of them',
    })
    .option('fast-forward', {
      type: 'boolean',
      default: true,
      describe:
        'jump over the periodic steady state of a stream of images (exact); --no-fast-forward simulates every image',
    });
}

/** The stream flags, checked. */
export function streamOptionsOf(args: { images?: number; 'fast-forward'?: boolean }): {
  images: number;
  fastForward: boolean;
} {
  const images = args.images ?? 1;
  if (!Number.isSafeInteger(images) || images < 1)
    throw new InputError('--images', '', `expected a whole number >= 1, got ${images}`);
  return { images, fastForward: args['fast-forward'] ?? true };
}

/** Split a comma list flag (`--trace a,b --trace c`) into its values. */
export function splitList(values: readonly string[] | string | undefined): string[] {
  const list: readonly string[] = typeof values === 'string' ? [values] : (values ?? []);
  return list
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

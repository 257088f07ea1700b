/**
 * Flags shared by several commands, declared once so that `--help` reads the same everywhere.
 */
import type { Argv } from 'yargs';
import { parseOverride, type Override } from '../config/overrides.ts';

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
      describe: 'override one arch key, e.g. --set adc.bits=6 (repeatable)',
    })
    .option('seed', {
      type: 'number',
      default: 1,
      describe: 'run seed; every random stream derives from it',
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

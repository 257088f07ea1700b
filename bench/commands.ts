/**
 * `npm run bench -- commands [--runs N] [--only text]`: the README's speed table, measured the way a
 * user pays for it: each command is its own `node bin/ousim.js ...` process, and the figure is that
 * process's whole CPU time (user + system, its worker threads included), median of N runs (default 5),
 * with its peak resident memory. It prints the table in Markdown, ready for the README.
 *
 * CPU and memory come from GNU time (`/usr/bin/time -f '%U %S %M'`, Debian's `time` package); without
 * it, from the children's CPU times in /proc/self/stat (Linux; no memory figure). Elsewhere only wall
 * time is printed, and the table says so.
 *
 * "warm" rows share one prune cache (a temporary OUSIM_CACHE_DIR filled by an untimed first run), so
 * your own cache is neither used nor touched; "cold" rows get an empty cache folder every run. A row
 * with `--out` gets a fresh output folder every run (a sweep would otherwise resume).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/util/paths.ts';
// Plain JavaScript beside bin/ousim.js: which code the command runs (dist/ or src/ through tsx).
import { compiledEntry } from '../bin/compiled.js';

interface Case {
  /** The arguments after `ousim`. */
  args: string[];
  /** Prune cache: shared and filled first ("warm"), or empty every run ("cold"). */
  cache: 'warm' | 'cold';
  /** Runs an output folder (`--out` is appended, fresh each run). */
  writes: boolean;
}

const run = (args: string, cache: Case['cache'] = 'warm'): Case => ({
  args: args.split(' '),
  cache,
  writes: !args.startsWith('--'),
});

/** The README's speed table, in its order. */
const CASES: Case[] = [
  run('--version'),
  run('--help'),
  run('run --trace vgg16-imagenet --mapping dense'),
  run('run --trace vgg16-imagenet --mapping pattern'),
  run('run --trace vgg16-imagenet --mapping sre'),
  run('run --trace vgg16-imagenet --mapping pattern', 'cold'),
  run('run --trace resnet18-imagenet --mapping dense'),
  run('run --trace resnet18-imagenet --mapping pattern'),
  run('run --trace resnet18-imagenet --mapping sre'),
  run('run --trace resnet18-imagenet --mapping pattern', 'cold'),
  run('run --trace vgg16-cifar10 --mapping dense'),
  run('run --trace vgg16-cifar10 --mapping pattern'),
  run('run --trace vgg16-cifar10 --mapping sre'),
  run('run --trace vgg16-cifar10 --mapping pattern', 'cold'),
  run('map --trace vgg16-imagenet --mapping dense'),
  run('map --trace vgg16-imagenet --mapping pattern'),
  run('map --trace vgg16-imagenet --mapping sre'),
  run('run --trace vgg16-imagenet --images 1000 --mapping dense'),
  run('run --trace vgg16-imagenet --images 1000 --mapping pattern'),
  run('run --trace resnet18-imagenet --images 1000 --mapping dense'),
  run('run --trace resnet18-imagenet --images 1000 --mapping pattern'),
  run(
    'run --trace vgg16-imagenet --mapping dense --set sparsity.skipZeroRows=true --set sparsity.zeroInputFraction=0.5',
  ),
  run(
    'sweep --trace vgg16-cifar10 --mapping dense,pattern --set adc.bits=4,5,6,7,8 --set ou.rows=4,8,16 --set ou.cols=4,8 --jobs 2',
  ),
  run(
    'sweep --trace vgg16-cifar10 --mapping dense,pattern --set adc.bits=4,5,6,7,8 --set ou.rows=4,8,16 --set ou.cols=4,8 --jobs 2',
    'cold',
  ),
  run('compare'),
  run('compare', 'cold'),
  run('run --trace vgg16-cifar10 --mapping dense --fidelity ou'),
];

interface Measure {
  cpuS: number;
  wallS: number;
  /** Peak resident set, MB (GNU time only). */
  peakMb?: number;
}

const GNU_TIME = '/usr/bin/time';
const PROC_STAT = '/proc/self/stat';

/** CPU seconds of this process's waited-for children (cutime + cstime), from /proc (Linux). */
function childCpuSeconds(): number {
  // Fields after the parenthesised command name; cutime and cstime are fields 16 and 17 (1-based).
  const stat = readFileSync(PROC_STAT, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ: 100 on every Linux ABI Node supports
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
}

function measureOnce(args: string[], env: NodeJS.ProcessEnv): Measure {
  const command = [process.execPath, join(projectRoot, 'bin', 'ousim.js'), ...args];
  const viaTime = existsSync(GNU_TIME);
  const [file, ...rest] = viaTime ? [GNU_TIME, '-f', 'OUSIM-BENCH %U %S %M', ...command] : command;
  const cpuBefore = !viaTime && existsSync(PROC_STAT) ? childCpuSeconds() : 0;
  const started = performance.now();
  const child = spawnSync(file, rest, { cwd: projectRoot, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallS = (performance.now() - started) / 1000;
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    throw new Error(`'ousim ${args.join(' ')}' failed with exit code ${child.status}`);
  }
  if (viaTime) {
    const line = child.stderr.split('\n').find((l) => l.startsWith('OUSIM-BENCH ')) ?? '';
    const [, user, sys, peakKb] = line.split(' ').map(Number);
    return { cpuS: user + sys, wallS, peakMb: peakKb / 1024 };
  }
  return { cpuS: existsSync(PROC_STAT) ? childCpuSeconds() - cpuBefore : NaN, wallS };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

export async function commandsBench(): Promise<void> {
  const runs = Number(option('--runs') ?? 5);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs: a whole number >= 1, not '${option('--runs')}'`);
  const only = option('--only') ?? '';
  const compiled = compiledEntry('cli/main.js') !== undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'ousim-bench-commands-'));
  const warmCache = join(scratch, 'cache-warm');
  const source = existsSync(GNU_TIME)
    ? 'GNU time'
    : existsSync(PROC_STAT)
      ? '/proc/self/stat'
      : 'wall time only';
  console.log(
    `whole-process CPU (user + system), median of ${runs}, ${compiled ? 'compiled (dist/)' : 'through tsx: run `npm run build` first for the compiled figures'}; CPU from ${source}\n`,
  );
  console.log(
    '| command (`ousim ...`) | cache | CPU s (median) | CPU s (min-max) | wall s (median) | peak MB |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  try {
    let n = 0;
    for (const c of CASES) {
      const label = c.args.join(' ');
      if (!label.includes(only)) continue;
      const measures: Measure[] = [];
      for (let k = -1; k < runs; k++) {
        // k = -1: an untimed run that fills the warm cache (and the OS file cache) first.
        if (k < 0 && c.cache === 'cold') continue;
        const cacheDir = c.cache === 'warm' ? warmCache : join(scratch, `cache-cold-${n}-${k}`);
        const args = c.writes ? [...c.args, '--out', join(scratch, `out-${n}-${k}`)] : c.args;
        const env: NodeJS.ProcessEnv = { ...process.env, OUSIM_CACHE_DIR: cacheDir };
        delete env.OUSIM_CACHE; // a user's OUSIM_CACHE=off would make every row cold
        const m = measureOnce(args, env);
        if (k >= 0) measures.push(m);
        if (c.writes) rmSync(join(scratch, `out-${n}-${k}`), { recursive: true, force: true });
        if (c.cache === 'cold') rmSync(cacheDir, { recursive: true, force: true });
      }
      n++;
      const cpu = measures.map((m) => m.cpuS);
      const peaks = measures.flatMap((m) => (m.peakMb === undefined ? [] : [m.peakMb]));
      console.log(
        `| \`${label}\` | ${c.cache} | ${median(cpu).toFixed(2)} | ${Math.min(...cpu).toFixed(2)}-${Math.max(...cpu).toFixed(2)} | ` +
          `${median(measures.map((m) => m.wallS)).toFixed(2)} | ${peaks.length ? median(peaks).toFixed(0) : '-'} |`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  await Promise.resolve();
}

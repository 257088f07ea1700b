/**
 * Benchmark (issue 6): a 60-point sweep of VGG-16 on CIFAR-10 (adc.bits 4..8 x ou.rows 4,8,16 x
 * ou.cols 4,8 x dense, pattern) through the real command, from an empty folder, on `--jobs`
 * threads (default 2, the machine the budget is for). Budget: under 60 s.
 *
 *   npx tsx bench/sweep.ts [--jobs N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/util/paths.ts';

const BUDGET_S = 60;
const jobsFlag = process.argv.indexOf('--jobs');
const jobs = jobsFlag >= 0 ? process.argv[jobsFlag + 1] : '2';

const out = mkdtempSync(join(tmpdir(), 'ousim-bench-sweep-'));
try {
  const args = [
    join(projectRoot, 'bin', 'ousim.js'),
    'sweep',
    '--trace',
    'vgg16-cifar10',
    '--mapping',
    'dense,pattern',
    '--set',
    'adc.bits=4,5,6,7,8',
    '--set',
    'ou.rows=4,8,16',
    '--set',
    'ou.cols=4,8',
    '--jobs',
    jobs,
    '--out',
    out,
  ];
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: projectRoot });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    throw new Error(`the sweep failed with exit code ${run.status}`);
  }
  const rows = readFileSync(join(out, 'sweep.csv'), 'utf8').trimEnd().split('\n').length - 1;
  const repriced = (run.stderr.match(/(\d+) point\(s\) re-priced/) ?? [])[1] ?? '0';
  process.stdout.write(
    `sweep bench: ${rows} points (${repriced} re-priced) on ${jobs} thread(s) in ${seconds.toFixed(1)} s ` +
      `(budget ${BUDGET_S} s: ${seconds < BUDGET_S ? 'ok' : 'OVER'})\n`,
  );
  if (rows !== 60) throw new Error(`expected 60 rows, got ${rows}`);
  if (seconds >= BUDGET_S) process.exitCode = 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}

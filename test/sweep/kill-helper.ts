// Runs a stand-in sweep or merge for the kill and race tests (test/sweep/kill.test.ts, safety.test.ts):
//   kill-helper.ts sweep <out> [delayMs] [barrier-folder]   kill-helper.ts merge <out> <folder>...
// With a barrier folder it writes <barrier>/ready-<pid> and starts once <barrier>/go exists, so that
// two helpers really run at the same time. Bad input ends as the CLI ends it: one line, exit 2.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSweep } from '../../src/sweep/runner.ts';
import { mergeSweeps } from '../../src/sweep/merge.ts';
import { InputError } from '../../src/util/errors.ts';
import { fakeBackend, killTestOptions } from './fake-backend.ts';

const [mode, out, ...rest] = process.argv.slice(2);
try {
  if (mode === 'merge') mergeSweeps(rest, out);
  else {
    const [delay, barrier] = rest;
    if (barrier) {
      writeFileSync(join(barrier, `ready-${process.pid}`), '');
      while (!existsSync(join(barrier, 'go'))) await new Promise((r) => setTimeout(r, 5));
    }
    await runSweep(killTestOptions(out), fakeBackend({ delayMs: Number(delay ?? 40) }));
  }
} catch (error) {
  if (!(error instanceof InputError)) throw error;
  process.stderr.write(`ousim: ${error.message}\n`);
  process.exitCode = 2;
}

import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep, SWEEP_CSV } from '../../src/sweep/runner.ts';
import { mergeSweeps } from '../../src/sweep/merge.ts';
import { MANIFEST_FILE } from '../../src/sweep/manifest.ts';
import { projectRoot } from '../../src/util/paths.ts';
import { fakeBackend, killTestOptions } from './fake-backend.ts';

const helper = join(import.meta.dirname, 'kill-helper.ts');

/** Run the helper with the process killed (SIGKILL) at a named crash point. */
function killedAt(point: string, ...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', helper, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OUSIM_CRASH_AT: point },
  });
  expect(run.signal, `${point}: the helper was not killed: ${run.stderr}`).to.equal('SIGKILL');
}

/** The visible files of a folder and their text (the lock and staging files are hidden). */
const files = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((name) => !name.startsWith('.'))
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );

const dataRows = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 2 : 0);

describe('sweep killed for real', () => {
  it('after SIGKILL mid-sweep, a rerun completes it with the rows of an uninterrupted run', async function () {
    this.timeout(30000);
    const dir = mkdtempSync(join(tmpdir(), 'ousim-kill-'));
    try {
      const killed = join(dir, 'killed');
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'kill-helper.ts'), 'sweep', killed],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise((r) => child.once('exit', r));
      const csv = join(killed, SWEEP_CSV);
      const deadline = Date.now() + 20000;
      while (dataRows(csv) < 3 && child.exitCode === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      expect(child.exitCode, `the helper ended early: ${stderr}`).to.equal(null);
      child.kill('SIGKILL');
      await exited;
      const before = dataRows(csv);
      expect(before, 'rows written before the kill').to.be.within(3, 23);

      const report = await runSweep(killTestOptions(killed), fakeBackend());
      expect(report.alreadyDone).to.be.at.least(3);
      const whole = join(dir, 'whole');
      await runSweep(killTestOptions(whole), fakeBackend());
      // Byte for byte, bookkeeping columns included: rows do not depend on where the kill fell.
      expect(readFileSync(join(killed, SWEEP_CSV), 'utf8')).to.equal(
        readFileSync(join(whole, SWEEP_CSV), 'utf8'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('killed at each step of a commit, then rerun', function () {
  this.timeout(60000);
  let dir: string;
  let whole: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ousim-kill-steps-'));
    whole = join(dir, 'whole');
    await runSweep(killTestOptions(whole), fakeBackend());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sweep: killed while finishing (sorted CSV staged, not renamed), the rerun gives the same bytes', async () => {
    const out = join(dir, 'sweep-finish');
    killedAt('write-staged:sweep.csv', 'sweep', out, '0');
    // The journal (unsorted, whole rows) is in place; the staged sorted copy is left beside it.
    expect(readdirSync(out).some((f) => f.startsWith('.sweep.csv.partial-'))).to.equal(true);
    const report = await runSweep(killTestOptions(out), fakeBackend());
    expect(report.alreadyDone).to.equal(24);
    expect(files(out)).to.deep.equal(files(whole));
    // The killed process's staged copy and its lock are gone.
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).to.deep.equal([]);
  });

  for (const point of ['write-staged:sweep.json', 'merge:manifest-written', 'write-staged:sweep.csv'])
    it(`merge: killed at ${point}, the rerun of the merge repairs the folder`, async () => {
      const shards = [0, 1].map((index) => join(dir, `${point}-shard-${index}`));
      for (const [index, out] of shards.entries())
        await runSweep({ ...killTestOptions(out), shard: { index, count: 2 } }, fakeBackend());
      const out = join(dir, `${point}-merged`);
      killedAt(point, 'merge', out, ...shards);
      const report = mergeSweeps(shards, out);
      expect(report.missing).to.deep.equal([]);
      expect(readFileSync(join(out, SWEEP_CSV), 'utf8')).to.equal(
        readFileSync(join(whole, SWEEP_CSV), 'utf8'),
      );
      expect(existsSync(join(out, MANIFEST_FILE))).to.equal(true);
      expect(readdirSync(out).filter((f) => f.startsWith('.'))).to.deep.equal([]);
    });

  it('prune: killed between its renames over an older output, never looks finished, and is repaired', () => {
    const ousim = (out: string, seed: string, crash?: string) =>
      spawnSync(
        process.execPath,
        [join(projectRoot, 'bin', 'ousim.js'), 'prune', '--trace', 'tiny', '--seed', seed, '--out', out],
        { encoding: 'utf8', env: { ...process.env, ...(crash ? { OUSIM_CRASH_AT: crash } : {}) } },
      );
    const fresh = join(dir, 'prune-fresh');
    expect(ousim(fresh, '2').status).to.equal(0);
    const out = join(dir, 'prune-killed');
    expect(ousim(out, '1').status).to.equal(0);
    const old = files(out);
    const killed = ousim(out, '2', 'commit:moved-1');
    expect(killed.signal).to.equal('SIGKILL');
    // The marker went first: no trace.json beside a half-new set of CSVs.
    expect(existsSync(join(out, 'trace.json'))).to.equal(false);
    expect(Object.keys(files(out)).length).to.be.below(Object.keys(old).length);
    // The next start into the folder finishes the killed commit: the seed-2 output, whole.
    const rerun = ousim(out, '3', 'commit:staged');
    expect(rerun.signal).to.equal('SIGKILL');
    expect(files(out)).to.deep.equal(files(fresh));
    expect(readdirSync(dir).filter((f) => f.includes('prune-killed.partial'))).to.have.length(1);
    expect(ousim(out, '2').status).to.equal(0);
    expect(files(out)).to.deep.equal(files(fresh));
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).to.deep.equal([]);
    // The killed commits' stale lock was taken over and released: nothing hidden is left.
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).to.deep.equal([]);
  });
});

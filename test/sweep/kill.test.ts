import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep, SWEEP_CSV } from '../../src/sweep/runner.ts';
import { fakeBackend, killTestOptions } from './fake-backend.ts';

const dataRows = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 2 : 0);

describe('sweep killed for real', () => {
  it('after SIGKILL mid-sweep, a rerun completes it with the rows of an uninterrupted run', async function () {
    this.timeout(30000);
    const dir = mkdtempSync(join(tmpdir(), 'ousim-kill-'));
    try {
      const killed = join(dir, 'killed');
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'kill-helper.ts'), killed],
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

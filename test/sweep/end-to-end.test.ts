import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/paths.ts';
import { readCsv, num } from '../../src/output/csv-text.ts';
import { loadArch } from '../../src/config/arch.ts';
import { runTask } from '../../src/sweep/experiment.ts';
import { createBackend, type ClosableBackend } from '../../src/sweep/backend.ts';
import { runSweep, SWEEP_CSV, type SweepOptions } from '../../src/sweep/runner.ts';
import { mergeSweeps } from '../../src/sweep/merge.ts';
import type { Shard } from '../../src/sweep/shard.ts';

function ousim(...args: string[]) {
  return spawnSync(process.execPath, [join(projectRoot, 'bin', 'ousim.js'), ...args], {
    encoding: 'utf8',
    cwd: projectRoot,
  });
}

const GRID = ['--trace', 'tiny', '--set', 'adc.bits=4,6', '--set', 'ou.rows=4,8'];

describe('ousim sweep (end to end, real simulator, tiny network)', function () {
  this.timeout(60000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ousim-sweep-e2e-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('re-prices ADC-only points, and a re-priced row equals a fresh simulation of its point', () => {
    const out = join(dir, 'pool');
    const run = ousim('sweep', ...GRID, '--jobs', '2', '--out', out);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/4 point\(s\) re-priced/);
    const rows = readCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'), 'sweep').rows;
    expect(rows).to.have.length(8);
    const repriced = rows.filter((r) => r.repriced === 'true');
    expect(repriced).to.have.length(4);
    for (const row of repriced) {
      const overrides = [
        { key: 'adc.bits', value: num(row, 'adc.bits') },
        { key: 'ou.rows', value: num(row, 'ou.rows') },
      ];
      loadArch('paper', overrides); // the point is a valid arch
      const fresh = runTask({
        trace: 'tiny',
        arch: 'paper',
        overrides,
        mapping: row.mapping,
        seed: 1,
        fidelity: 'fast',
      });
      expect(num(row, 'cycles')).to.equal(fresh.cycles);
      expect(num(row, 'energy_pj')).to.equal(fresh.energyPj);
      expect(num(row, 'chip_area_mm2')).to.equal(fresh.chipAreaMm2);
    }
  });

  it('gives the same CSV in one thread as on the pool', () => {
    const out = join(dir, 'inline');
    expect(ousim('sweep', ...GRID, '--jobs', '1', '--out', out).status).to.equal(0);
    expect(readFileSync(join(out, 'sweep.csv'), 'utf8')).to.equal(
      readFileSync(join(dir, 'pool', 'sweep.csv'), 'utf8'),
    );
  });

  it('shards and merges from the command line', () => {
    for (const i of [0, 1]) {
      const run = ousim('sweep', ...GRID, '--jobs', '1', '--shard', `${i}/2`, '--out', join(dir, `s${i}`));
      expect(run.status, run.stderr).to.equal(0);
    }
    const merge = ousim('sweep', 'merge', join(dir, 's0'), join(dir, 's1'), '--out', join(dir, 'merged'));
    expect(merge.status, merge.stderr).to.equal(0);
    expect(merge.stdout).to.contain('merged 8 of 8 points');
    expect(readFileSync(join(dir, 'merged', 'sweep.csv'), 'utf8')).to.equal(
      readFileSync(join(dir, 'pool', 'sweep.csv'), 'utf8'),
    );
  });

  it('checks mappers and traces before writing anything: the corrected command then runs', () => {
    const out = join(dir, 'bad-mapper');
    const bad = ousim('sweep', '--trace', 'tiny', '--mapping', 'dense,bogus', '--jobs', '1', '--out', out);
    expect(bad.status).to.equal(2);
    expect(bad.stderr.trim().split('\n')).to.have.length(1);
    expect(bad.stderr).to.contain('bogus');
    expect(existsSync(join(out, 'sweep.json'))).to.equal(false);
    expect(existsSync(join(out, 'sweep.csv'))).to.equal(false);
    const fixed = ousim('sweep', '--trace', 'tiny', '--mapping', 'dense', '--jobs', '1', '--out', out);
    expect(fixed.status, fixed.stderr).to.equal(0);
  });

  describe("the README's 60-point grid on tiny, real simulator in this thread", () => {
    const readmeGrid = (out: string, shard?: Shard): SweepOptions => ({
      traces: ['tiny'],
      mappings: ['dense', 'pattern'],
      sets: ['adc.bits=4,5,6,7,8', 'ou.rows=4,8,16', 'ou.cols=4,8'],
      arch: 'paper',
      seed: 1,
      fidelity: 'fast',
      out,
      shard,
    });
    const csv = (out: string) => readFileSync(join(out, SWEEP_CSV), 'utf8');
    let backend: ClosableBackend;
    let whole: string;
    before(async () => {
      backend = createBackend(1);
      whole = join(dir, 'readme-whole');
      const report = await runSweep(readmeGrid(whole), backend);
      expect(report).to.include({ simulated: 12, repriced: 48 });
    });
    after(() => backend.close());

    it('four shards simulate 12 points in all and merge to the bytes of the unsharded sweep', async () => {
      let simulated = 0;
      for (const index of [0, 1, 2, 3]) {
        const report = await runSweep(readmeGrid(join(dir, `readme-${index}`), { index, count: 4 }), backend);
        simulated += report.simulated;
      }
      expect(simulated).to.equal(12);
      const merged = join(dir, 'readme-merged');
      mergeSweeps(
        [0, 1, 2, 3].map((i) => join(dir, `readme-${i}`)),
        merged,
      );
      expect(csv(merged)).to.equal(csv(whole));
    });

    it('a resume from a partly written group gives the same bytes', async () => {
      const lines = csv(whole).trimEnd().split('\n');
      const table = readCsv(csv(whole), whole).rows;
      // Keep every group's lead and one other row: the rest of each group is still to do.
      const kept = table.filter((r) => r.repriced === 'false' || Number(r['adc.bits']) === 6);
      expect(kept.length).to.be.above(0);
      const out = join(dir, 'readme-partial');
      mkdirSync(out);
      copyFileSync(join(whole, 'sweep.json'), join(out, 'sweep.json'));
      writeFileSync(
        join(out, SWEEP_CSV),
        `${[lines[0], ...kept.map((r) => lines[Number(r.point) + 1])].join('\n')}\n`,
      );
      const report = await runSweep(readmeGrid(out), backend);
      expect(report.alreadyDone).to.equal(kept.length);
      expect(csv(out)).to.equal(csv(whole));
    });
  });

  it('rejects an unknown key with exit code 2 and one line', () => {
    const run = ousim('sweep', '--trace', 'tiny', '--set', 'adc.nope=1,2', '--out', join(dir, 'bad'));
    expect(run.status).to.equal(2);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stderr).to.contain('adc.nope');
  });
});

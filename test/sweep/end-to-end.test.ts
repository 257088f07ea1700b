import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/paths.ts';
import { readCsv, num } from '../../src/output/csv-text.ts';
import { loadArch } from '../../src/config/arch.ts';
import { runTask } from '../../src/sweep/experiment.ts';

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
    const figures = (out: string) =>
      readCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'), out).rows.map(
        ({ repriced: _r, counts_from: _c, ...rest }) => rest,
      );
    expect(figures(join(dir, 'merged'))).to.deep.equal(figures(join(dir, 'pool')));
  });

  it('rejects an unknown key with exit code 2 and one line', () => {
    const run = ousim('sweep', '--trace', 'tiny', '--set', 'adc.nope=1,2', '--out', join(dir, 'bad'));
    expect(run.status).to.equal(2);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stderr).to.contain('adc.nope');
  });
});

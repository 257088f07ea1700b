import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/paths.ts';
import { readCsv, num } from '../../src/output/csv-text.ts';
import { makeFigures } from '../../src/figures/make.ts';

function ousim(...args: string[]) {
  return spawnSync(process.execPath, [join(projectRoot, 'bin', 'ousim.js'), ...args], {
    encoding: 'utf8',
    cwd: projectRoot,
  });
}

describe('ousim compare (end to end, tiny network)', function () {
  this.timeout(60000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ousim-compare-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the run outputs and compare.csv whose ratios match summary.csv, and prints the table', () => {
    const out = join(dir, 'a');
    const run = ousim('compare', '--traces', 'tiny', '--jobs', '1', '--out', out);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('4.16x-5.20x').and.to.contain('tiny');
    const summary = readCsv(readFileSync(join(out, 'summary.csv'), 'utf8'), 'summary').rows;
    expect(summary.map((r) => r.mapping)).to.deep.equal(['dense', 'pattern']);
    const [dense, pattern] = summary;
    const [row] = readCsv(readFileSync(join(out, 'compare.csv'), 'utf8'), 'compare').rows;
    expect(num(row, 'crossbar_area_efficiency')).to.equal(
      num(dense, 'crossbar_area_mm2') / num(pattern, 'crossbar_area_mm2'),
    );
    expect(num(row, 'energy_efficiency')).to.equal(num(dense, 'energy_pj') / num(pattern, 'energy_pj'));
    expect(num(row, 'speedup')).to.equal(num(dense, 'cycles') / num(pattern, 'cycles'));
    const config = JSON.parse(readFileSync(join(out, 'config.resolved.json'), 'utf8')) as { command: string };
    expect(config.command).to.equal('compare');
  });

  it('is deterministic across runs and thread counts', () => {
    const b = join(dir, 'b');
    expect(ousim('compare', '--traces', 'tiny', '--jobs', '2', '--out', b).status).to.equal(0);
    for (const file of ['summary.csv', 'layers.csv', 'compare.csv'])
      expect(readFileSync(join(b, file), 'utf8'), file).to.equal(readFileSync(join(dir, 'a', file), 'utf8'));
  });

  it('feeds ousim figures: the comparison, crossbars per layer and energy breakdown', async () => {
    const outcomes = await makeFigures(join(dir, 'a'), join(dir, 'figs'));
    expect(outcomes.filter((o) => !o.skipped).map((o) => o.name)).to.deep.equal([
      'crossbars-per-layer',
      'energy-breakdown',
      'paper-comparison',
    ]);
  });

  it('--mappings dense,pattern,sre: sre ratios over dense beside pattern, and figures for all three', async () => {
    const out = join(dir, 'three');
    const run = ousim(
      'compare',
      '--traces',
      'tiny',
      '--mappings',
      'dense,pattern,sre',
      '--jobs',
      '1',
      '--out',
      out,
    );
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('sre: speedup').and.to.contain('4.16x-5.20x');
    const summary = readCsv(readFileSync(join(out, 'summary.csv'), 'utf8'), 'summary').rows;
    expect(summary.map((r) => r.mapping)).to.deep.equal(['dense', 'pattern', 'sre']);
    const [dense, pattern, sre] = summary;
    const [row] = readCsv(readFileSync(join(out, 'compare.csv'), 'utf8'), 'compare').rows;
    expect(num(row, 'speedup')).to.equal(num(dense, 'cycles') / num(pattern, 'cycles'));
    expect(num(row, 'sre_speedup')).to.equal(num(dense, 'cycles') / num(sre, 'cycles'));
    expect(num(row, 'sre_energy_efficiency')).to.equal(num(dense, 'energy_pj') / num(sre, 'energy_pj'));
    expect(num(row, 'sre_crossbars')).to.equal(num(dense, 'crossbars'));
    // The pattern columns are those of a two-mapping run.
    const [two] = readCsv(readFileSync(join(dir, 'a', 'compare.csv'), 'utf8'), 'compare').rows;
    for (const [column, value] of Object.entries(two)) expect(row[column], column).to.equal(value);
    const outcomes = await makeFigures(out, join(dir, 'figs3'));
    expect(outcomes.filter((o) => !o.skipped)).to.have.length(3);
  });

  it('--baseline with candidates: the default baseline joins them; another baseline prefixes every candidate', () => {
    const same = join(dir, 'baseline-dense');
    const given = ousim(
      'compare',
      '--traces',
      'tiny',
      '--baseline',
      'dense',
      '--mappings',
      'pattern,sre',
      '--jobs',
      '1',
      '--out',
      same,
    );
    expect(given.status, given.stderr).to.equal(0);
    for (const file of ['compare.csv', 'summary.csv', 'layers.csv'])
      expect(readFileSync(join(same, file), 'utf8'), file).to.equal(
        readFileSync(join(dir, 'three', file), 'utf8'),
      );
    const over = join(dir, 'baseline-sre');
    const sre = ousim(
      'compare',
      '--traces',
      'tiny',
      '--baseline',
      'sre',
      '--mappings',
      'pattern',
      '--jobs',
      '1',
      '--out',
      over,
    );
    expect(sre.status, sre.stderr).to.equal(0);
    expect(sre.stdout).to.contain('pattern over sre').and.not.to.contain('4.16x-5.20x');
    const summary = readCsv(readFileSync(join(over, 'summary.csv'), 'utf8'), 'summary').rows;
    expect(summary.map((r) => r.mapping)).to.deep.equal(['sre', 'pattern']);
    const [row] = readCsv(readFileSync(join(over, 'compare.csv'), 'utf8'), 'compare').rows;
    expect(num(row, 'pattern_speedup')).to.equal(num(summary[0], 'cycles') / num(summary[1], 'cycles'));
    expect(num(row, 'sre_crossbars')).to.equal(num(summary[0], 'crossbars'));
    expect(row).not.to.have.property('speedup');
    expect(row).not.to.have.property('dense_crossbars');
  });

  it('rejects bad input with exit code 2, one line, and no output folder', () => {
    for (const args of [
      // (--mappings pattern,sre is fine since --baseline: the baseline joins the candidates.)
      ['--mappings', 'dense'],
      ['--baseline', 'pattern', '--mappings', 'pattern'],
      ['--baseline', 'nope'],
      ['--mappings', 'dense,nope'],
      ['--mappings', 'dense,sre,sre'],
      ['--traces', 'no-such-net'],
      ['--set', 'adc.nope=3'],
      ['--set', 'ou.rows=512'],
      ['--arch', 'no-such-preset'],
    ]) {
      const out = join(dir, 'bad');
      const run = ousim('compare', ...args, '--jobs', '1', '--out', out);
      expect(run.status, args.join(' ')).to.equal(2);
      expect(run.stderr.trim().split('\n'), run.stderr).to.have.length(1);
      expect(run.stderr).not.to.match(/\n\s+at /);
      expect(existsSync(out), 'no output folder').to.equal(false);
    }
  });
});

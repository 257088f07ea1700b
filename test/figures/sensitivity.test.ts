import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFigures } from '../../src/figures/make.ts';
import { collectSensitivity, sensitivityTornado } from '../../src/figures/sensitivity.ts';
import { readCsv } from '../../src/output/csv-text.ts';

type Values = Record<string, unknown>[];
const valuesOf = (built: ReturnType<typeof sensitivityTornado>): Values => {
  if ('skipped' in built) throw new Error(`skipped: ${built.skipped}`);
  return (built.spec as { data: { values: Values } }).data.values;
};

/** A compare.csv with the three ratios (and one column the table must not pick up). */
function compareCsv(rows: [string, number, number, number][]): string {
  return [
    'network,crossbar_area_efficiency,energy_efficiency,speedup,throughput_speedup',
    ...rows.map((r) => `${r.join(',')},9`),
  ].join('\n');
}

/** A folder laid out as scripts/fig-sensitivity.sh writes it. */
function sensitivityFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ousim-sens-'));
  const runs: Record<string, [string, number, number, number][]> = {
    baseline: [
      ['net-a', 4, 3, 1.8],
      ['net-b', 3.5, 2.8, 1.9],
    ],
    'ou=16x8': [
      ['net-a', 4.1, 1.8, 0.7],
      ['net-b', 3.6, 1.7, 0.8],
    ],
    'ou=4x8': [
      ['net-a', 3.4, 6.5, 6.4],
      ['net-b', 3, 5, 5],
    ],
    // ADCs per crossbar that change nothing: one dot labelled "2, 4" per panel.
    'adc.perCrossbar=2': [
      ['net-a', 4, 3, 1.8],
      ['net-b', 3.5, 2.8, 1.9],
    ],
    'adc.perCrossbar=4': [
      ['net-a', 4, 3, 1.8],
      ['net-b', 3.5, 2.8, 1.9],
    ],
    'leakage=off': [
      ['net-a', 4, 2.5, 1.8],
      ['net-b', 3.5, 2.2, 1.9],
    ],
  };
  for (const [name, rows] of Object.entries(runs)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'compare.csv'), compareCsv(rows));
  }
  mkdirSync(join(dir, 'figures')); // not a run: no compare.csv
  mkdirSync(join(dir, 'notes')); // no key=value name
  writeFileSync(join(dir, 'notes', 'compare.csv'), compareCsv([['net-a', 1, 1, 1]]));
  return dir;
}

describe('figure: sensitivity (tornado)', () => {
  it('gathers a tidy row per (key, value, network, ratio) from baseline and <key>=<value> folders', () => {
    const table = collectSensitivity(sensitivityFolder())!;
    expect(table.header).to.deep.equal(['key', 'value', 'network', 'ratio', 'pattern_over_dense']);
    // Two networks x three ratios per run, six runs; `notes` and `figures` are not runs.
    expect(table.rows).to.have.length(36);
    // Issue order of keys (ou before leakage), values in numeric order (4x8 before 16x8).
    expect([...new Set(table.rows.map((r) => `${r.key}=${r.value}`))]).to.deep.equal([
      'baseline=',
      'ou=4x8',
      'ou=16x8',
      'adc.perCrossbar=2',
      'adc.perCrossbar=4',
      'leakage=off',
    ]);
    const speedup = table.rows.find(
      (r) => r.value === '4x8' && r.network === 'net-a' && r.ratio === 'speedup',
    );
    expect(speedup!.pattern_over_dense).to.equal('6.4');
    expect(table.rows.some((r) => r.ratio === 'throughput_speedup')).to.equal(false);
  });

  it('spans each key from its smallest to its largest ratio, the baseline included', () => {
    const table = collectSensitivity(sensitivityFolder())!;
    const values = valuesOf(sensitivityTornado(table.rows));
    const span = (network: string, key: string, panel: string) =>
      values.find(
        (v) =>
          v.kind === 'span' && v.network === network && v.key === key && String(v.panel).startsWith(panel),
      )!;
    expect(span('net-a', 'ou', 'speedup')).to.include({ lo: 0.7, hi: 6.4 });
    // Leakage does not move the area: the span is the baseline point alone.
    expect(span('net-a', 'leakage', 'crossbar area')).to.include({ lo: 4, hi: 4 });
    // Energy without leakage is below the baseline: the span reaches down to it and up to the baseline.
    expect(span('net-b', 'leakage', 'energy')).to.include({ lo: 2.2, hi: 2.8 });
    expect(values.filter((v) => v.kind === 'baseline')).to.have.length(6);
    const points = values.filter((v) => v.kind === 'value');
    expect(points).to.have.length(24);
    expect(points.filter((v) => v.key === 'adc.perCrossbar').map((v) => v.value)).to.deep.equal(
      Array(6).fill('2, 4'),
    );
    // Neighbouring labels alternate sides: ou's two points per panel, one above and one below.
    const ou = points.filter(
      (v) => v.key === 'ou' && v.network === 'net-a' && String(v.panel).startsWith('speedup'),
    );
    expect(ou.map((v) => `${String(v.value)}:${String(v.above)}`)).to.deep.equal(['16x8:true', '4x8:false']);
  });

  it('is skipped without a baseline or without rows', () => {
    const table = collectSensitivity(sensitivityFolder())!;
    expect(sensitivityTornado(table.rows.filter((r) => r.key !== 'baseline'))).to.have.property('skipped');
    expect(sensitivityTornado(table.rows.filter((r) => r.key === 'baseline'))).to.have.property('skipped');
    expect(sensitivityTornado([])).to.have.property('skipped');
    expect(collectSensitivity(mkdtempSync(join(tmpdir(), 'ousim-sens-empty-')))).to.equal(undefined);
  });

  it('is drawn by ousim figures from the folder, with sensitivity.csv beside it', async () => {
    const dir = sensitivityFolder();
    const outcomes = await makeFigures(dir, join(dir, 'fig'), { png: false, only: ['sensitivity'] });
    expect(outcomes.filter((o) => !o.skipped).map((o) => o.name)).to.deep.equal(['sensitivity']);
    const svg = readFileSync(join(dir, 'fig', 'sensitivity.svg'), 'utf8');
    expect(svg).to.contain('16x8').and.to.contain('leakage');
    const written = readCsv(readFileSync(join(dir, 'fig', 'sensitivity.csv'), 'utf8'), 'sensitivity.csv');
    expect(written).to.deep.equal(collectSensitivity(dir));
  });
});

/**
 * Golden CSVs of the tiny network: any change to the model's numbers shows up here as a readable,
 * cell-by-cell diff. After a deliberate model change, regenerate with `UPDATE_GOLDEN=1 npm test`
 * and explain the change in the commit.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { layerRows, summaryRows } from '../../src/output/csv.ts';
import { toCsv } from '../../src/output/csv-text.ts';
import { arch, run, zooNetwork } from './helpers.ts';

const GOLDEN_DIR = join(import.meta.dirname, '..', 'golden');

/** Cell-by-cell differences between two CSV texts, one line each, at most `limit`. */
function csvDiff(expected: string, actual: string, limit = 12): string[] {
  const parse = (text: string) =>
    text
      .trimEnd()
      .split('\n')
      .map((line) => line.split(','));
  const [want, got] = [parse(expected), parse(actual)];
  const header = want[0];
  const out: string[] = [];
  if (got[0].join(',') !== header.join(',')) out.push(`header: ${header.join(',')} -> ${got[0].join(',')}`);
  for (let r = 1; r < Math.max(want.length, got.length) && out.length < limit; r++) {
    const a = want[r] ?? [];
    const b = got[r] ?? [];
    const label = (a.length ? a : b).slice(0, 3).join(' ');
    for (let c = 0; c < Math.max(a.length, b.length) && out.length < limit; c++) {
      if (a[c] !== b[c]) out.push(`row ${r} (${label}) ${header[c] ?? `column ${c}`}: ${a[c]} -> ${b[c]}`);
    }
  }
  return out;
}

describe('golden CSVs (tiny-pruned, paper preset, seed 1)', () => {
  const a = arch();
  const network = zooNetwork('tiny-pruned', a);
  const results = ['dense', 'pattern'].map((mapper) => run(network, a, mapper, 'fast'));
  for (const [file, text] of [
    ['tiny-summary.csv', toCsv(summaryRows(results))],
    ['tiny-layers.csv', toCsv(layerRows(results))],
  ] as const) {
    it(`${file} is unchanged`, () => {
      const path = join(GOLDEN_DIR, file);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, text);
      const diff = csvDiff(readFileSync(path, 'utf8'), text);
      expect(diff, `${file} differs (UPDATE_GOLDEN=1 to accept):\n${diff.join('\n')}`).to.deep.equal([]);
    });
  }

  it('the diff names the row, the column and both values', () => {
    const diff = csvDiff(
      'network,mapping,cycles\ntiny,dense,10\n',
      'network,mapping,cycles\ntiny,dense,12\n',
    );
    expect(diff).to.deep.equal(['row 1 (tiny dense 10) cycles: 10 -> 12']);
  });
});

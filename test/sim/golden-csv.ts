/**
 * Golden CSV files shared by the golden tests: the cell-by-cell diff and the check against
 * test/golden/. After a deliberate model change, regenerate with `UPDATE_GOLDEN=1 npm test` and
 * explain the change in the commit.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GOLDEN_DIR = join(import.meta.dirname, '..', 'golden');

/** Cell-by-cell differences between two CSV texts, one line each, at most `limit`. */
export function csvDiff(expected: string, actual: string, limit = 12): string[] {
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

/** Compare `text` with test/golden/`file` (written when missing or under UPDATE_GOLDEN=1). */
export function expectGolden(file: string, text: string): void {
  const path = join(GOLDEN_DIR, file);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, text);
  const diff = csvDiff(readFileSync(path, 'utf8'), text);
  expect(diff, `${file} differs (UPDATE_GOLDEN=1 to accept):\n${diff.join('\n')}`).to.deep.equal([]);
}

import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RowJournal } from '../../src/sweep/journal.ts';
import { readCsv } from '../../src/output/csv-text.ts';

describe('sweep journal', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ousim-journal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends whole rows, reopens them, and finishes sorted', () => {
    const path = join(dir, 's.csv');
    const j = new RowJournal(path);
    j.append({ point: 2, v: 'c' });
    j.append({ point: 0, v: 'a,quoted' });
    j.close();
    const again = new RowJournal(path);
    expect(again.existingRows.map((r) => r.point)).to.deep.equal(['2', '0']);
    again.append({ point: 1, v: 'b' });
    again.finish((r) => Number(r.point));
    const table = readCsv(readFileSync(path, 'utf8'), path);
    expect(table.header).to.deep.equal(['point', 'v']);
    expect(table.rows.map((r) => r.v)).to.deep.equal(['a,quoted', 'b', 'c']);
  });

  it('cuts off a torn last line before the first append (not on open), so the next row starts clean', () => {
    const path = join(dir, 's.csv');
    writeFileSync(path, 'point,v\n0,a\n1,"hal');
    const j = new RowJournal(path);
    expect(j.existingRows).to.have.length(1);
    // Opening reads only: a file that is then refused is left as it was.
    expect(readFileSync(path, 'utf8')).to.equal('point,v\n0,a\n1,"hal');
    j.append({ point: 1, v: 'whole' });
    j.close();
    expect(readFileSync(path, 'utf8')).to.equal('point,v\n0,a\n1,whole\n');
  });

  it('flattens newlines in values so that one row stays one line', () => {
    const path = join(dir, 's.csv');
    const j = new RowJournal(path);
    j.append({ point: 0, warnings: 'one\ntwo' });
    j.close();
    expect(readFileSync(path, 'utf8').split('\n')).to.have.length(3);
  });

  it('refuses a row with a column the header does not have', () => {
    const path = join(dir, 's.csv');
    appendFileSync(path, 'point,v\n');
    const j = new RowJournal(path);
    expect(() => j.append({ point: 0, other: 1 })).to.throw(/not in the existing header/);
  });
});

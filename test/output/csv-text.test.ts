import { expect } from 'chai';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import {
  csvDocument,
  csvLine,
  readCsv,
  splitTornLine,
  toCsv,
  type CsvRow,
} from '../../src/output/csv-text.ts';
import { InputError } from '../../src/util/errors.ts';

// Two columns at least: a one-column row holding '' is a blank line, which CSV cannot tell apart.
const columnNames = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z._]{0,6}$/), { minLength: 2, maxLength: 5 });

/** Rows of `columns` with values drawn from `value`. */
function rowsOf<T>(columns: string[], value: fc.Arbitrary<T>, maxLength = 6) {
  return fc
    .array(fc.array(value, { minLength: columns.length, maxLength: columns.length }), { maxLength })
    .map((cells) => cells.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))));
}

describe('csv text', () => {
  it('reads back what it writes, quotes, commas and newlines included', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', '1', 'é') });
    fc.assert(
      fc.property(
        columnNames.chain((columns) => fc.tuple(fc.constant(columns), rowsOf(columns, text))),
        ([columns, rows]) => {
          const table = readCsv(csvDocument(columns, rows), 'test');
          expect(table.header).to.deep.equal(columns);
          expect(table.rows).to.deep.equal(rows);
        },
      ),
    );
  });

  it('reads back appended lines of one-line text, up to wherever the file was torn', () => {
    // What the sweep journal does: a header, then csvLine per row; a kill may cut the file at any byte.
    const unit = fc.oneof(
      fc.constantFrom(',', '"', ' '),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    );
    const oneLine = fc.string({ unit }).map((s) => s.replace(/[\r\n]/g, ''));
    fc.assert(
      fc.property(
        columnNames.chain((columns) =>
          fc.tuple(
            fc.constant(columns),
            rowsOf(columns, oneLine),
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
        ),
        ([columns, rows, cutAt]) => {
          const header = csvDocument(columns, []);
          const whole = header + rows.map((row) => csvLine(columns, row)).join('');
          const cut = Math.floor(cutAt * whole.length);
          const { complete, torn } = splitTornLine(whole.slice(0, cut));
          expect(complete + torn).to.equal(whole.slice(0, cut));
          expect(torn).not.to.include('\n');
          const table = readCsv(complete, 'test');
          // Every row whose line ended before the cut is there, and no other.
          let end = header.length;
          const kept = rows.filter((row) => (end += csvLine(columns, row).length) <= cut);
          expect(table.rows).to.deep.equal(kept);
        },
      ),
    );
  });

  it('writes numbers in their shortest round-trip form, which read back to the same number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.integer(), (x, n) => {
        const text = toCsv([{ x, n }]);
        expect(text).to.equal(`x,n\n${String(x)},${String(n)}\n`);
        const [row] = readCsv(text, 'test').rows;
        expect(Number(row.x)).to.equal(x);
        expect(Number(row.n)).to.equal(n);
      }),
    );
  });

  it('writes the same bytes as csv-stringify given objects and a number cast (the old toCsv)', () => {
    const value = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'é') }),
      fc.double(),
      fc.integer(),
    );
    fc.assert(
      fc.property(
        columnNames.chain((columns) => rowsOf<string | number>(columns, value)),
        (rows: CsvRow[]) => {
          const before =
            rows.length === 0
              ? ''
              : stringify(rows, {
                  header: true,
                  columns: Object.keys(rows[0]),
                  cast: { number: (v) => String(v) },
                });
          expect(toCsv(rows)).to.equal(before);
        },
      ),
    );
  });

  it('tells a torn last line from complete rows', () => {
    const whole = csvDocument(['a', 'b'], [{ a: 1, b: 'x,y' }]);
    expect(splitTornLine(whole)).to.deep.equal({ complete: whole, torn: '' });
    const line = csvLine(['a', 'b'], { a: 2, b: 'z' });
    expect(splitTornLine(whole + line.slice(0, 3))).to.deep.equal({ complete: whole, torn: '2,z' });
    // Torn inside a quoted field.
    expect(splitTornLine(whole + '3,"a,b')).to.deep.equal({ complete: whole, torn: '3,"a,b' });
    expect(readCsv(splitTornLine(whole + '3,"a,b').complete, 'f.csv').rows).to.deep.equal([
      { a: '1', b: 'x,y' },
    ]);
  });

  it('rejects a row with the wrong number of fields, naming the file and line', () => {
    expect(() => readCsv('a,b\n1,2\n3\n', 'f.csv')).to.throw(
      InputError,
      /^f\.csv: line 3: has 1 fields, header has 2$/,
    );
    // Lines count as in an editor, blank ones included.
    expect(() => readCsv('a,b\n\n1,2,3\n', 'f.csv')).to.throw(InputError, /^f\.csv: line 3: has 3 fields/);
  });

  it('rejects a torn quoted field and a stray quote as InputErrors naming the line', () => {
    expect(() => readCsv('a,b\n1,"x', 'f.csv')).to.throw(InputError, /^f\.csv: line 2: Quote Not Closed/);
    expect(() => readCsv('a,b\n1,2\n3,x"y\n', 'f.csv')).to.throw(InputError, /^f\.csv: line 3: /);
  });

  it('reads values as strings, skips blank lines, and keeps a header with no rows', () => {
    expect(readCsv('a,b\n\n1,true\n', 'f.csv')).to.deep.equal({
      header: ['a', 'b'],
      rows: [{ a: '1', b: 'true' }],
    });
    expect(readCsv('a,b\n', 'f.csv')).to.deep.equal({ header: ['a', 'b'], rows: [] });
    expect(readCsv('', 'f.csv')).to.deep.equal({ header: [], rows: [] });
  });

  it('writes missing values as empty fields and booleans as words', () => {
    expect(csvLine(['a', 'b', 'c'], { a: 1, c: true })).to.equal('1,,true\n');
    expect(toCsv([])).to.equal('');
  });
});

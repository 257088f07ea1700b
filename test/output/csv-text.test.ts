import { expect } from 'chai';
import fc from 'fast-check';
import { csvDocument, csvLine, parseCsv, parseCsvRecords } from '../../src/sweep/csv.ts';
import { InputError } from '../../src/util/errors.ts';

describe('sweep csv', () => {
  it('parses back what it writes, quotes, commas and newlines included', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', '1', 'é') });
    fc.assert(
      fc.property(
        // Two columns at least: a one-column row holding '' is a blank line, which CSV cannot tell apart.
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z._]{0,6}$/), { minLength: 2, maxLength: 5 }),
        fc.array(fc.array(text, { minLength: 5, maxLength: 5 }), { maxLength: 6 }),
        (columns, cells) => {
          const rows = cells.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
          const table = parseCsv(csvDocument(columns, rows), 'test');
          if (rows.length === 0) expect(table.rows).to.deep.equal([]);
          else {
            expect(table.header).to.deep.equal(columns);
            expect(table.rows).to.deep.equal(rows);
          }
        },
      ),
    );
  });

  it('tells a torn last line from complete rows', () => {
    const whole = csvDocument(['a', 'b'], [{ a: 1, b: 'x,y' }]);
    expect(parseCsvRecords(whole).tail).to.equal(undefined);
    const torn = whole + csvLine(['a', 'b'], { a: 2, b: 'z' }).slice(0, 3);
    const parsed = parseCsvRecords(torn);
    expect(parsed.records).to.have.length(2);
    expect(parsed.tail).to.deep.equal(['2', 'z']);
    // Torn inside a quoted field.
    expect(parseCsvRecords(whole + '3,"a,b').tail).to.deep.equal(['3', 'a,b']);
  });

  it('rejects a row with the wrong number of fields, naming the line', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', 'f.csv')).to.throw(InputError, /f\.csv: line 3/);
  });

  it('writes missing values as empty fields', () => {
    expect(csvLine(['a', 'b', 'c'], { a: 1, c: true })).to.equal('1,,true\n');
  });
});

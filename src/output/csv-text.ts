/**
 * CSV text, both ways, for every CSV ousim writes or reads (run results, sweeps, merges, figures).
 * Writing is csv-stringify's format (written here, faster; tested against it), reading goes through
 * csv-parse. Values are written as
 * `String(value)` — numbers in their shortest round-trip form, booleans as `true`/`false` — so
 * equal inputs give equal bytes; values are read back as strings, and callers convert.
 */
// CsvError from the same entry point as parse: the ESM and CommonJS builds each have their own.
import { CsvError, parse } from 'csv-parse/sync';
import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '../util/errors.ts';

export type CsvValue = string | number | boolean;
export type CsvRow = Record<string, CsvValue>;

export interface CsvTable {
  header: string[];
  /** Every row as strings, keyed by the header. */
  rows: Record<string, string>[];
}

function formatValue(value: CsvValue | null | undefined): string {
  return value === undefined || value === null ? '' : String(value);
}

/** Fields csv-stringify quotes (with its defaults): those holding a quote, a comma or a line break. */
const NEEDS_QUOTES = /[",\n\r]/;

/**
 * One record as csv-stringify writes it with its defaults, byte for byte (test/output/csv-text.test.ts
 * holds the two together on random fields), in a fraction of its time: components.csv has tens of
 * thousands of rows.
 */
function record(fields: readonly string[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (i > 0) line += ',';
    line += NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
  }
  return `${line}\n`;
}

/** One CSV line (with its newline) of `row` in `columns` order; missing values are empty. */
export function csvLine(
  columns: readonly string[],
  row: Readonly<Record<string, CsvValue | undefined>>,
): string {
  return record(columns.map((c) => formatValue(row[c])));
}

/** A whole CSV document: header line, then one line per row. */
export function csvDocument(columns: readonly string[], rows: readonly Readonly<CsvRow>[]): string {
  const lines = [record(columns)];
  for (const row of rows) lines.push(record(columns.map((c) => formatValue(row[c]))));
  return lines.join('');
}

/** A CSV document whose columns are the first row's keys, in order; '' when there are no rows. */
export function toCsv<T extends Record<keyof T, CsvValue>>(rows: readonly Readonly<T>[]): string {
  if (rows.length === 0) return '';
  return csvDocument(Object.keys(rows[0]), rows);
}

/**
 * Split text that is appended to one whole line at a time into its complete lines and whatever
 * follows the last newline: a torn last line from a write that never finished ('' if none).
 */
export function splitTornLine(text: string): { complete: string; torn: string } {
  const end = text.lastIndexOf('\n') + 1;
  return { complete: text.slice(0, end), torn: text.slice(end) };
}

/**
 * Parse a CSV document (header, then rows; blank lines skipped). A row whose field count differs
 * from the header's, or malformed quoting, is an InputError naming `source` and the line.
 */
export function readCsv(text: string, source: string): CsvTable {
  let header: string[] = [];
  try {
    // Values stay strings (no `cast`); the first record names the columns, and csv-parse holds
    // every later record to that width.
    const rows = parse<Record<string, string>>(text, {
      skip_empty_lines: true,
      columns: (names: string[]) => (header = names),
    });
    return { header, rows };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = typeof error.lines === 'number' ? `line ${error.lines}` : '';
    const problem =
      error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' && Array.isArray(error.record)
        ? `has ${error.record.length} fields, header has ${header.length}`
        : // csv-parse's own words, less its "at line N" (the field names the line).
          error.message.replace(/ (on|at) line \d+.*$/, '');
    throw new InputError(source, line, problem);
  }
}

/** Read a CSV file, or undefined when it does not exist. */
export function readCsvFile(path: string): CsvTable | undefined {
  if (!existsSync(path)) return undefined;
  return readCsv(readFileSync(path, 'utf8'), path);
}

/** A numeric column value; NaN when empty or not a number (figures drop those rows). */
export function num(row: Readonly<Record<string, string>>, column: string): number {
  const text = row[column];
  return text === undefined || text.trim() === '' ? NaN : Number(text);
}

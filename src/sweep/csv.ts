/**
 * Reading and writing the result CSVs that sweeps, merges and figures work on. Writing goes
 * through csv-stringify (quoting done right); reading is a small RFC 4180 parser, because the
 * files we read are our own and small, and a parser we can see is easier to trust on a
 * half-written last line.
 */
import { stringify } from 'csv-stringify/sync';
import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '../util/errors.ts';

export type CsvValue = string | number | boolean;
export type CsvRow = Record<string, CsvValue>;

export interface CsvTable {
  header: string[];
  /** Every row as strings, keyed by the header. */
  rows: Record<string, string>[];
}

/** One CSV line (with its newline) of `values` in `columns` order; missing values are empty. */
export function csvLine(
  columns: readonly string[],
  row: Readonly<Record<string, CsvValue | undefined>>,
): string {
  return stringify([columns.map((c) => formatValue(row[c]))]);
}

/** A whole CSV document: header line, then one line per row. */
export function csvDocument(columns: readonly string[], rows: readonly Readonly<CsvRow>[]): string {
  return stringify([columns, ...rows.map((row) => columns.map((c) => formatValue(row[c])))]);
}

function formatValue(value: CsvValue | undefined): string {
  if (value === undefined) return '';
  return String(value);
}

/**
 * Split CSV text into records. A last record with no closing newline is reported separately,
 * so that callers that append whole lines can tell a torn write from a complete row.
 */
export function parseCsvRecords(text: string): { records: string[][]; tail: string[] | undefined } {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      fieldStarted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      fieldStarted = false;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  const torn = quoted || fieldStarted || record.length > 0 || field !== '';
  return { records, tail: torn ? [...record, field] : undefined };
}

/** Parse a complete CSV document (header + rows). A torn last line is an error here. */
export function parseCsv(text: string, source: string): CsvTable {
  const { records, tail } = parseCsvRecords(text);
  if (tail) records.push(tail);
  return toTable(records, source);
}

/** Build a table from records, checking that every row has the header's width. */
export function toTable(records: string[][], source: string): CsvTable {
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0] === ''));
  if (nonEmpty.length === 0) return { header: [], rows: [] };
  const [header, ...body] = nonEmpty;
  const rows = body.map((record, i) => {
    if (record.length !== header.length)
      throw new InputError(
        source,
        `line ${i + 2}`,
        `has ${record.length} fields, header has ${header.length}`,
      );
    const row: Record<string, string> = {};
    header.forEach((column, c) => (row[column] = record[c]));
    return row;
  });
  return { header, rows };
}

/** Read a CSV file, or undefined when it does not exist. */
export function readCsvFile(path: string): CsvTable | undefined {
  if (!existsSync(path)) return undefined;
  return parseCsv(readFileSync(path, 'utf8'), path);
}

/** A numeric column value; NaN when empty or not a number (figures drop those rows). */
export function num(row: Readonly<Record<string, string>>, column: string): number {
  const text = row[column];
  return text === undefined || text.trim() === '' ? NaN : Number(text);
}

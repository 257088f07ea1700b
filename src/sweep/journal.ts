/**
 * The sweep's CSV as a journal: each finished point is appended as one whole line with one write,
 * so a sweep killed at any moment leaves only complete rows (and, at worst, a torn last line from
 * a write the kernel never finished, which the next open cuts off). Finishing rewrites the file
 * sorted by point index through a temporary file and a rename, so the final CSV does not depend
 * on the order in which workers happened to finish.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { InputError } from '../util/errors.ts';
import {
  csvDocument,
  csvLine,
  readCsv,
  splitTornLine,
  type CsvRow,
  type CsvValue,
} from '../output/csv-text.ts';

export class RowJournal {
  readonly path: string;
  private headerColumns: string[] | undefined;
  private readonly loaded: Record<string, string>[];
  private fd: number | undefined;

  /** Open `path`, reading the rows already there and cutting off a torn last line. */
  constructor(path: string) {
    this.path = path;
    this.loaded = [];
    if (!existsSync(path)) return;
    const text = readFileSync(path, 'utf8');
    const { complete, torn } = splitTornLine(text);
    if (torn !== '') truncateSync(path, Buffer.byteLength(complete));
    const table = readCsv(complete, path);
    if (table.header.length > 0) this.headerColumns = table.header;
    this.loaded.push(...table.rows);
  }

  /** The columns of the file, once it has a header. */
  get header(): readonly string[] | undefined {
    return this.headerColumns;
  }

  /** Rows that were in the file when it was opened. */
  get existingRows(): readonly Record<string, string>[] {
    return this.loaded;
  }

  /**
   * Append one row. The first row fixes the header (its keys, in order); later rows must not
   * bring new columns. Newlines inside values are flattened so that one row is one line.
   */
  append(row: Readonly<CsvRow>): void {
    const clean: Record<string, CsvValue> = {};
    for (const [key, value] of Object.entries(row))
      clean[key] = typeof value === 'string' ? value.replace(/[\r\n]+/g, ' ') : value;
    let text: string;
    if (!this.headerColumns) {
      this.headerColumns = Object.keys(clean);
      text = csvDocument(this.headerColumns, [clean]);
    } else {
      const extra = Object.keys(clean).filter((k) => !this.headerColumns!.includes(k));
      if (extra.length > 0)
        throw new InputError(this.path, extra[0], 'column not in the existing header (a different sweep?)');
      text = csvLine(this.headerColumns, clean);
    }
    this.fd ??= openSync(this.path, 'a');
    // One write per row; writeSync may write less than asked, so finish it off.
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Rewrite the file with every row sorted by `order` (rows that compare equal keep file
   * order), atomically. Returns the rows as written.
   */
  finish(order: (row: Readonly<Record<string, string>>) => number): Record<string, string>[] {
    this.close();
    if (!existsSync(this.path)) return [];
    const table = readCsv(splitTornLine(readFileSync(this.path, 'utf8')).complete, this.path);
    const sorted = table.rows
      .map((row, i) => ({ row, i }))
      .sort((a, b) => order(a.row) - order(b.row) || a.i - b.i)
      .map(({ row }) => row);
    writeFileAtomic(this.path, csvDocument(table.header, sorted));
    return sorted;
  }
}

/** Write through a temporary file in the same folder and rename it into place. */
export function writeFileAtomic(path: string, content: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}

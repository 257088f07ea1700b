/**
 * The sweep's CSV as a journal: each finished point is appended as one whole line with one write,
 * so a sweep killed at any moment leaves only complete rows (and, at worst, a torn last line from
 * a write the kernel never finished). Finishing rewrites the file sorted by point index, each point
 * once, through a staging file and a rename, so the final CSV does not depend on the order in which
 * workers happened to finish.
 *
 * Opening reads and checks the file without changing it: every row must be one the caller
 * recognises as its own (`check`, the row's point key), else the file is refused untouched. Only a
 * file that passed is repaired (a torn last line cut off, a missing final newline added), and only
 * when the first row is appended.
 */
import { closeSync, existsSync, openSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { InputError } from '../util/errors.ts';
import { onDisk } from '../output/folder.ts';
import { writeFileAtomic } from '../output/atomic.ts';
import {
  csvDocument,
  csvLine,
  readCsv,
  splitTornLine,
  type CsvRow,
  type CsvValue,
} from '../output/csv-text.ts';

export interface JournalRules {
  /** The column every row of ours ends with. */
  keyColumn: string;
  /** Why a row is not ours (undefined: it is). */
  check: (row: Readonly<Record<string, string>>) => string | undefined;
  /** Whether a key field is whole: a last line with a whole key that fails `check` is not torn, but foreign. */
  isWholeKey: (text: string | undefined) => boolean;
  /** Whether a file with no complete line may be our own first write, cut short. */
  mayBeTornStart: boolean;
}

interface Opened {
  header: string[] | undefined;
  rows: Record<string, string>[];
  /** Bytes of a torn last line to cut off before appending. */
  tornBytes: number;
  /** The file's last row lacks its newline (a whole row, the newline lost or edited away). */
  needsNewline: boolean;
}

export class RowJournal {
  readonly path: string;
  private headerColumns: string[] | undefined;
  private readonly loaded: Record<string, string>[];
  private pendingRepair: { tornBytes: number; needsNewline: boolean };
  private fd: number | undefined;

  /** Open `path` and read the rows already there; throws an InputError, untouched, if not ours. */
  constructor(path: string, rules?: JournalRules) {
    this.path = path;
    const opened = readJournal(path, rules);
    this.headerColumns = opened.header;
    this.loaded = opened.rows;
    this.pendingRepair = { tornBytes: opened.tornBytes, needsNewline: opened.needsNewline };
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
    onDisk('--out', this.path, () => {
      if (this.fd === undefined) {
        const { tornBytes, needsNewline } = this.pendingRepair;
        if (tornBytes > 0) truncateSync(this.path, fileSize(this.path) - tornBytes);
        this.fd = openSync(this.path, 'a');
        if (needsNewline) writeWhole(this.fd, '\n');
        this.pendingRepair = { tornBytes: 0, needsNewline: false };
      }
      writeWhole(this.fd, text);
    });
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Rewrite the file with each point once (the first row of a point in file order) and the rows
   * sorted by `order`, atomically. Untouched when nothing was appended and it is already so.
   * Returns the rows as written.
   */
  finish(order: (row: Readonly<Record<string, string>>) => number): Record<string, string>[] {
    const appended = this.fd !== undefined;
    this.close();
    if (!existsSync(this.path)) return [];
    const text = readFileSync(this.path, 'utf8');
    const table = readCsv(splitTornLine(text).complete, this.path);
    const first = new Map<number, { row: Record<string, string>; i: number }>();
    table.rows.forEach((row, i) => {
      const at = order(row);
      if (!first.has(at)) first.set(at, { row, i });
    });
    const sorted = [...first.entries()]
      .sort(([a, x], [b, y]) => a - b || x.i - y.i)
      .map(([, { row }]) => row);
    const document = csvDocument(table.header, sorted);
    if (appended || document !== text) writeFileAtomic(this.path, document);
    return sorted;
  }
}

function readJournal(path: string, rules: JournalRules | undefined): Opened {
  if (!existsSync(path)) return { header: undefined, rows: [], tornBytes: 0, needsNewline: false };
  const text = onDisk('--out', path, () => readFileSync(path, 'utf8'));
  const { complete, torn } = splitTornLine(text);
  const table = readCsv(complete, path);
  const header = table.header.length > 0 ? table.header : undefined;
  if (!rules) return { header, rows: table.rows, tornBytes: Buffer.byteLength(torn), needsNewline: false };
  const notOurs = (problem: string) =>
    new InputError(
      path,
      '',
      `${problem}; not a sweep.csv this sweep wrote (left as it is): pick another --out`,
    );

  if (header && header[header.length - 1] !== rules.keyColumn)
    throw notOurs(`its last column is '${header[header.length - 1]}', not ${rules.keyColumn}`);
  for (const row of table.rows) {
    const problem = rules.check(row);
    if (problem) throw notOurs(`point ${row.point}: ${problem}`);
  }
  const rows = [...table.rows];
  let tornBytes = 0;
  let needsNewline = false;
  if (torn !== '') {
    if (!header) {
      // Only our own first write (header and row in one) can leave a file without a whole line.
      if (!rules.mayBeTornStart || !torn.startsWith('point,')) throw notOurs('it has no complete line');
      tornBytes = Buffer.byteLength(torn);
    } else {
      const last = parseLastLine(complete, torn, path);
      if (last && !rules.check(last)) {
        rows.push(last);
        needsNewline = true;
      } else if (last && rules.isWholeKey(last[rules.keyColumn])) {
        throw notOurs(`point ${last.point} (the last line, without a newline): ${rules.check(last)}`);
      } else {
        tornBytes = Buffer.byteLength(torn); // a row cut short by a kill: cut off before appending
      }
    }
  }
  return { header, rows, tornBytes, needsNewline };
}

/** The text after the last newline as a row under the file's header, or undefined if it is not one. */
function parseLastLine(complete: string, torn: string, path: string): Record<string, string> | undefined {
  const headerLine = complete.slice(0, complete.indexOf('\n') + 1);
  try {
    return readCsv(`${headerLine}${torn}\n`, path).rows[0];
  } catch {
    return undefined;
  }
}

function fileSize(path: string): number {
  return statSync(path).size;
}

/** One write; writeSync may write less than asked, so finish it off. */
function writeWhole(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

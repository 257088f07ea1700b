/**
 * Atomic output folders (docs/design.md §5): a run writes into a hidden staging folder beside `--out`
 * and moves the files in only when every one is complete. One file is the folder's marker
 * (`summary.csv` for a run, `trace.json` for prune): an old marker is removed first and the new one
 * moved in last, so a folder with a marker is never the result of a half-finished commit. Only files
 * the command writes are replaced; everything else in the folder is left alone.
 *
 * A commit holds the folder's lock (lock.ts), so two commits into one folder do not interleave. A
 * process killed mid-commit leaves its staging folder with a `.commit` note: the next start into the
 * same `--out` finishes that commit (rolls it forward); staging of a process killed before its
 * commit began is removed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { crashPoint } from '../util/crash-point.ts';
import {
  checkOutFolder,
  checkPathTo,
  makeFolder,
  onDisk,
  removeStaleStaging,
  staleStaging,
  stagingPath,
} from './folder.ts';
import { lockFolder } from './lock.ts';

/** The note a commit leaves in its staging folder before it moves the first file. */
const COMMIT_NOTE = '.commit';
/** How long a commit waits for another process's commit into the same folder. */
const COMMIT_WAIT_MS = 10000;

/** Refuses, before any work is done, a file target that is an existing folder (or cannot be). */
export function checkFileTarget(path: string, flag = '--out'): void {
  checkPathTo(resolve(path), path, flag, 'file');
}

/** Writes one file atomically: into a staging file beside it, then renamed into place. */
export function writeFileAtomic(path: string, content: string | Uint8Array, flag = '--out'): void {
  checkFileTarget(path, flag);
  const target = resolve(path);
  makeFolder(dirname(target), flag);
  removeStaleStaging(dirname(target), basename(target));
  const staging = stagingPath(target);
  try {
    onDisk(flag, path, () => {
      writeFileSync(staging, content);
      crashPoint(`write-staged:${basename(target)}`);
      renameSync(staging, target);
    });
  } finally {
    rmSync(staging, { force: true });
  }
}

export interface OutputFolderOptions {
  /** The file that marks a finished folder, moved in last (default `summary.csv`). */
  marker?: string;
  /** The flag named in error messages (default `--out`). */
  flag?: string;
  /** How long a commit waits for another process's lock on the folder (default 10 s). */
  lockWaitMs?: number;
}

export class OutputFolder {
  readonly out: string;
  private readonly staging: string;
  private readonly marker: string;
  private readonly flag: string;
  private readonly lockWaitMs: number;
  private committed = false;

  constructor(out: string, options: OutputFolderOptions = {}) {
    this.flag = options.flag ?? '--out';
    this.marker = options.marker ?? 'summary.csv';
    this.lockWaitMs = options.lockWaitMs ?? COMMIT_WAIT_MS;
    this.out = checkOutFolder(out, this.flag);
    this.staging = stagingPath(this.out);
    makeFolder(dirname(this.out), this.flag);
    recoverKilledCommits(this.out, this.flag);
    onDisk(this.flag, out, () => {
      rmSync(this.staging, { recursive: true, force: true });
      mkdirSync(this.staging);
    });
  }

  /** Stage one file (relative name inside the folder). */
  write(name: string, content: string | Uint8Array): void {
    const path = join(this.staging, name);
    onDisk(this.flag, join(this.out, name), () => {
      makeFolder(dirname(path), this.flag);
      writeFileSync(path, content);
    });
  }

  /** Move every staged file into place, the marker last, holding the folder's lock. */
  commit(): void {
    makeFolder(this.out, this.flag);
    const lock = lockFolder(this.out, 'commit', { flag: this.flag, waitMs: this.lockWaitMs });
    try {
      onDisk(this.flag, this.out, () => {
        writeFileSync(join(this.staging, COMMIT_NOTE), `${JSON.stringify({ marker: this.marker })}\n`);
        crashPoint('commit:staged');
        moveStaged(this.staging, this.out, this.marker);
      });
      this.committed = true;
    } finally {
      lock.release();
    }
  }

  /** Drop the staged files (on error); the output folder is left as it was. */
  discard(): void {
    if (!this.committed) rmSync(this.staging, { recursive: true, force: true });
  }
}

/** Move the files of `staging` into `out`: the old marker out first, the new one in last. */
function moveStaged(staging: string, out: string, marker: string): void {
  const names = listFiles(staging).filter((name) => name !== COMMIT_NOTE);
  const hasMarker = names.includes(marker);
  // The marker goes first only when a new one replaces it; a command that writes none keeps it.
  if (hasMarker) rmSync(join(out, marker), { force: true });
  const ordered = [...names.filter((n) => n !== marker).sort(), ...(hasMarker ? [marker] : [])];
  for (const [i, name] of ordered.entries()) {
    const target = join(out, name);
    makeFolder(dirname(target));
    renameSync(join(staging, name), target);
    crashPoint(`commit:moved-${i + 1}`);
  }
  rmSync(staging, { recursive: true, force: true });
}

/**
 * Staging folders of `out` left by killed processes: a commit that had begun is finished (its files
 * are complete, and half of them are already in place), any other is removed.
 */
function recoverKilledCommits(out: string, flag: string): void {
  const stale = staleStaging(dirname(out), basename(out));
  if (stale.length === 0) return;
  const begun = stale.filter((path) => existsSync(join(path, COMMIT_NOTE)));
  for (const path of stale) if (!begun.includes(path)) rmSync(path, { recursive: true, force: true });
  if (begun.length === 0) return;
  makeFolder(out, flag);
  const lock = lockFolder(out, 'commit', { flag, waitMs: COMMIT_WAIT_MS });
  try {
    for (const path of begun) {
      if (!existsSync(path)) continue; // another process finished it meanwhile
      onDisk(flag, out, () => moveStaged(path, out, noteMarker(path)));
    }
  } finally {
    lock.release();
  }
}

/** The marker named by a staging folder's commit note (a note cut short by the kill: the default). */
function noteMarker(staging: string): string {
  try {
    const note = JSON.parse(readFileSync(join(staging, COMMIT_NOTE), 'utf8')) as { marker?: unknown };
    return typeof note.marker === 'string' ? note.marker : 'summary.csv';
  } catch {
    return 'summary.csv';
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(join(dir, entry.name), rel));
    else out.push(rel);
  }
  return out;
}

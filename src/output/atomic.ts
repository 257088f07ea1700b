/**
 * Atomic output folders (docs/design.md §5): a run writes into a hidden staging folder beside `--out`
 * and moves the files in only when every one is complete, `summary.csv` last, so a folder with a
 * summary is never the result of a half-finished run.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../util/errors.ts';

/** Runs a file-system step, turning its failure (a file where a folder should be, no permission...)
 * into one line that names the flag and the path. */
function onDisk<T>(flag: string, path: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InputError(flag, '', `cannot write '${path}' (${reason})`);
  }
}

/** Refuses, before any work is done, a file target that is an existing folder. */
export function checkFileTarget(path: string, flag = '--out'): void {
  const target = resolve(path);
  if (existsSync(target) && statSync(target).isDirectory())
    throw new InputError(flag, '', `'${path}' is a folder; name the file to write`);
}

/** Writes one file atomically: into a staging file beside it, then renamed into place. */
export function writeFileAtomic(path: string, content: string | Uint8Array, flag = '--out'): void {
  checkFileTarget(path, flag);
  const target = resolve(path);
  const staging = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  try {
    onDisk(flag, path, () => {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(staging, content);
      renameSync(staging, target);
    });
  } finally {
    rmSync(staging, { force: true });
  }
}

export class OutputFolder {
  readonly out: string;
  private readonly staging: string;
  private committed = false;

  constructor(out: string) {
    this.out = resolve(out);
    if (existsSync(this.out) && !statSync(this.out).isDirectory())
      throw new InputError('--out', '', `'${out}' is a file, not a folder`);
    this.staging = join(dirname(this.out), `.${basename(this.out)}.partial-${process.pid}`);
    onDisk('--out', out, () => {
      mkdirSync(dirname(this.out), { recursive: true });
      rmSync(this.staging, { recursive: true, force: true });
      mkdirSync(this.staging, { recursive: true });
    });
  }

  /** Stage one file (relative name inside the folder). */
  write(name: string, content: string | Uint8Array): void {
    const path = join(this.staging, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }

  /**
   * Move every staged file into place; an old `summary.csv` goes first and the new one last, so the
   * folder never shows a summary next to files of another run.
   */
  commit(): void {
    onDisk('--out', this.out, () => mkdirSync(this.out, { recursive: true }));
    rmSync(join(this.out, 'summary.csv'), { force: true });
    const names = listFiles(this.staging).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    for (const name of names) {
      const target = join(this.out, name);
      mkdirSync(dirname(target), { recursive: true });
      renameSync(join(this.staging, name), target);
    }
    rmSync(this.staging, { recursive: true, force: true });
    this.committed = true;
  }

  /** Drop the staged files (on error); the output folder is left as it was. */
  discard(): void {
    if (!this.committed) rmSync(this.staging, { recursive: true, force: true });
  }
}

function rank(name: string): number {
  return name === 'summary.csv' ? 1 : 0;
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

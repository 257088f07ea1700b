/**
 * Atomic output folders (docs/design.md §5): a run writes into a hidden staging folder beside `--out`
 * and moves the files in only when every one is complete, `summary.csv` last, so a folder with a
 * summary is never the result of a half-finished run.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export class OutputFolder {
  readonly out: string;
  private readonly staging: string;
  private committed = false;

  constructor(out: string) {
    this.out = resolve(out);
    mkdirSync(dirname(this.out), { recursive: true });
    this.staging = join(dirname(this.out), `.${basename(this.out)}.partial-${process.pid}`);
    rmSync(this.staging, { recursive: true, force: true });
    mkdirSync(this.staging, { recursive: true });
  }

  /** Stage one file (relative name inside the folder). */
  write(name: string, content: string | Uint8Array): void {
    const path = join(this.staging, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }

  /** Move every staged file into place; `summary.csv` goes last. */
  commit(): void {
    mkdirSync(this.out, { recursive: true });
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

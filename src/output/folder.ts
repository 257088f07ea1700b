/**
 * Checks and file-system steps shared by every command that writes an output folder: refusing
 * targets that must never be written into (the file-system root, an empty `--out`), naming a
 * dangling symlink or a file where a folder should be, turning a failed file-system call into one
 * line that names the path, and telling staging files of killed processes (by pid) from live ones.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import { InputError } from '../util/errors.ts';

/**
 * Runs a file-system step, turning its failure (no permission, a read-only disk, a file where a
 * folder should be, a full disk) into one line that names the flag and the path.
 */
export function onDisk<T>(flag: string, path: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error; // not a file-system failure: a bug, keep its stack
    throw new InputError(flag, '', `cannot write '${path}' (${describeCode(code)})`);
  }
}

function describeCode(code: string): string {
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOTDIR: 'a file stands where a folder should be',
    EISDIR: 'a folder stands where a file should be',
    EEXIST: 'something else already has that name',
  };
  return words[code] ? `${code}: ${words[code]}` : code;
}

/**
 * Refuses, before any work is done, an output folder that must not or cannot be written into:
 * an empty name (it would mean the current folder, usually an unset variable), the root of a
 * file system, a regular file, a symlink to nothing, or a path under a regular file.
 */
export function checkOutFolder(out: string, flag = '--out'): string {
  if (out.trim() === '') throw new InputError(flag, '', 'is empty; name the output folder');
  const target = resolve(out);
  if (parse(target).root === target)
    throw new InputError(flag, '', `'${out}' is the root of the file system; name a folder for the outputs`);
  checkPathTo(target, out, flag, 'folder');
  return target;
}

/**
 * The parts of `target` that exist must be folders (and the last, when it exists, a `kind`); a
 * symlink must lead somewhere. Names the offending part.
 */
export function checkPathTo(target: string, given: string, flag: string, kind: 'folder' | 'file'): void {
  let link: string | undefined;
  try {
    if (lstatSync(target).isSymbolicLink()) link = readlinkSync(target);
  } catch {
    // does not exist: checked below through its parents
  }
  if (link !== undefined && !existsSync(target))
    throw new InputError(flag, '', `'${given}' is a symlink to '${link}', which does not exist`);
  if (existsSync(target)) {
    const isDir = statSync(target).isDirectory();
    if (kind === 'folder' && !isDir) throw new InputError(flag, '', `'${given}' is a file, not a folder`);
    if (kind === 'file' && isDir)
      throw new InputError(flag, '', `'${given}' is a folder; name the file to write`);
    return;
  }
  for (let parent = dirname(target); ; parent = dirname(parent)) {
    if (existsSync(parent)) {
      if (!statSync(parent).isDirectory())
        throw new InputError(flag, '', `cannot write '${given}': '${parent}' is a file, not a folder`);
      return;
    }
    if (dirname(parent) === parent) return;
  }
}

/**
 * mkdir -p, one level at a time from the nearest existing folder (Node 20's recursive mkdir never
 * returns on some paths of a pseudo file system such as /proc), failures named in one line.
 */
export function makeFolder(path: string, flag = '--out'): void {
  const target = resolve(path);
  const missing: string[] = [];
  for (let p = target; !existsSync(p) && dirname(p) !== p; p = dirname(p)) missing.unshift(p);
  onDisk(flag, path, () => {
    for (const p of missing) {
      try {
        mkdirSync(p);
      } catch (error) {
        // Another process made it in the meantime: fine when it is a folder.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(p).isDirectory()) throw error;
      }
    }
  });
}

/** This machine's name as it may appear in a file name. */
export function hostTag(): string {
  return hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'host';
}

/** Whether a process of this machine with this pid is running. */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The staging name of `target` for this process: hidden, beside it, tagged with the pid and host
 * so that the next start can tell the staging of a killed process from that of a live one.
 */
export function stagingPath(target: string): string {
  const full = resolve(target);
  return join(dirname(full), `.${parse(full).base}.partial-${process.pid}@${hostTag()}`);
}

const STAGING = /^\.(.+)\.partial-(\d+)@([A-Za-z0-9._-]+)$/;

/** Staging entries of `target` (or of every name, when `target` is a folder and `all`) left by
 * processes of this machine that are no longer running. */
export function staleStaging(dir: string, base?: string): string[] {
  if (!existsSync(dir)) return [];
  const here = hostTag();
  const stale: string[] = [];
  for (const name of readdirSync(dir)) {
    const match = STAGING.exec(name);
    if (!match || (base !== undefined && match[1] !== base)) continue;
    if (match[3] === here && !isAlive(Number(match[2]))) stale.push(join(dir, name));
  }
  return stale.sort();
}

/** Remove staging files and folders of killed processes in `dir` (for one `base` name, or all). */
export function removeStaleStaging(dir: string, base?: string): string[] {
  const stale = staleStaging(dir, base);
  for (const path of stale) rmSync(path, { recursive: true, force: true });
  return stale;
}

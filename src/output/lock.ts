/**
 * An exclusive lock on an output folder: the file `.ousim-lock` inside it names the owner (pid,
 * host, command). It is made whole and atomically (written to a file of our own, then hard-linked
 * to the lock's name, which fails if the name is taken), so a reader never sees half a lock.
 *
 * A lock whose owner is a process of this machine that is no longer running (killed) is stale
 * and taken over. A lock of another machine cannot be checked from here and counts as held.
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../util/errors.ts';
import { hostTag, isAlive, onDisk, removeStaleStaging, stagingPath } from './folder.ts';

export const LOCK_FILE = '.ousim-lock';

interface LockOwner {
  pid: number;
  host: string;
  command: string;
}

export interface FolderLock {
  readonly path: string;
  release(): void;
}

/** Locks held by this process, by folder: a second claim of one of them is refused too. */
const held = new Set<string>();

/**
 * Take the lock of `dir` (an existing folder) for `command`. When a live process holds it, wait
 * up to `waitMs` (a commit of a few renames), then refuse in one line naming the holder.
 */
export function lockFolder(
  dir: string,
  command: string,
  options: { flag?: string; waitMs?: number } = {},
): FolderLock {
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    const lock = tryLockFolder(dir, command, options.flag);
    if ('release' in lock) return lock;
    if (Date.now() >= deadline) throw busy(dir, lock.owner, options.flag);
    // A synchronous pause: commits run inside synchronous command handlers.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

function busy(dir: string, owner: LockOwner | undefined, flag = '--out'): InputError {
  const who = owner ? `ousim ${owner.command} (pid ${owner.pid} on ${owner.host})` : 'another ousim';
  return new InputError(
    flag,
    '',
    `'${dir}' is in use by ${who}; wait for it to finish, or delete ${join(dir, LOCK_FILE)} if that process is gone`,
  );
}

function tryLockFolder(
  dir: string,
  command: string,
  flag = '--out',
): FolderLock | { owner: LockOwner | undefined } {
  const path = join(dir, LOCK_FILE);
  if (held.has(path)) return { owner: { pid: process.pid, host: hostTag(), command } };
  // Our own half-made lock files, if a process was killed while taking or taking over the lock.
  removeStaleStaging(dir, LOCK_FILE);
  removeStaleStaging(dir, `${LOCK_FILE}-stale`);
  const mine = stagingPath(path);
  const me: LockOwner = { pid: process.pid, host: hostTag(), command };
  onDisk(flag, dir, () => writeFileSync(mine, `${JSON.stringify(me)}\n`));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (onDisk(flag, dir, () => linkOrBusy(mine, path))) {
        held.add(path);
        return {
          path,
          release: () => {
            held.delete(path);
            rmSync(path, { force: true });
          },
        };
      }
      const owner = readOwner(path);
      if (owner === 'gone') continue; // released in the meantime: try again
      if (!owner || owner.host !== hostTag() || (owner.pid !== process.pid && isAlive(owner.pid)))
        return { owner: owner || undefined };
      // A dead owner, or this very pid without this process holding the lock: an earlier process
      // that had the same pid (a container restarts its pids) and was killed.
      takeOverStale(path, owner);
    }
    return { owner: undefined };
  } finally {
    rmSync(mine, { force: true });
  }
}

/** Hard-link `from` to `to`: true when done, false when `to` exists (someone holds the lock). */
function linkOrBusy(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readOwner(path: string): LockOwner | 'gone' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 'gone';
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined; // not ours, or damaged: left for the user, named in the refusal
  }
}

/**
 * Move the stale lock aside (a rename: of two processes doing this at once, one wins), and check
 * that what was moved is the dead owner's lock; a live one taken by mistake is linked back.
 */
function takeOverStale(path: string, stale: LockOwner): void {
  const aside = stagingPath(`${path}-stale`);
  try {
    renameSync(path, aside);
  } catch {
    return; // another process moved it first
  }
  const moved = readOwner(aside);
  if (moved !== 'gone' && moved && (moved.pid !== stale.pid || moved.host !== stale.host))
    linkOrBusy(aside, path);
  rmSync(aside, { force: true });
}

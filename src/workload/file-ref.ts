/**
 * Files a trace refers to (its source model, its activations sidecar): stored in the trace as a path
 * relative to the trace file's folder plus the SHA-256 of the bytes, so that moving the trace and its
 * files together keeps them connected and a changed or swapped file is detected (docs/traces.md).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../util/errors.ts';

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The SHA-256 of a file (read whole; a 553 MB model takes about a second). */
export function sha256File(path: string, flag = path): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new InputError(flag, '', `cannot read '${path}'`);
  }
  return sha256Of(bytes);
}

/**
 * The path as written in a trace in folder `dir`: relative with forward slashes when the two share a
 * top-level folder (a project moved or cloned elsewhere keeps working), absolute otherwise (a trace in
 * /tmp naming a model in a project).
 */
export function pathForTrace(path: string, dir: string): string {
  const top = (p: string) => resolve(p).split(sep)[1];
  if (top(path) !== top(dir)) return resolve(path);
  return relative(dir, path).split(sep).join('/');
}

/** A path read from the trace file `tracePath`, resolved against the trace's folder. */
export function pathFromTrace(path: string, tracePath: string): string {
  return isAbsolute(path) ? path : resolve(dirname(tracePath), path);
}

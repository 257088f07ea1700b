import type { z } from 'zod';
import { InputError } from '../util/errors.ts';

/** Dotted path of a zod issue: `layers[3].cin`. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/**
 * Parse `value` with `schema`, turning the first zod issue into one InputError that
 * names the file and the field (docs/design.md §6: one clear message, exit code 2).
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // An unknown key is reported by zod at its parent object; name the key itself.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  throw new InputError(source, issuePath(path), issue.message);
}

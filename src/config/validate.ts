import type { z } from 'zod';
import { InputError } from '../util/errors.ts';

/** Dotted path of a zod issue: `layers[3].cin`; `top level` for the document itself. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || 'top level';
}

type Issue = z.core.$ZodIssue & { input?: unknown };

/** The field an issue is about; an unknown key is reported by zod at its parent object, name the key. */
export function issueField(issue: Issue): string {
  return issuePath(issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path);
}

/** A value as a message shows it: short, on one line. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text =
    typeof value === 'string'
      ? JSON.stringify(value)
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : typeof value;
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const KINDS: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  tuple: 'a list',
};

/**
 * One line saying what is wrong and what was found (zod's defaults are terse: a bare "Invalid
 * input" for a union, no value). Schemas' own messages (refinements, unions) are kept.
 */
export function issueProblem(issue: Issue): string {
  const got = `got ${shown(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `missing (expected ${KINDS[issue.expected] ?? issue.expected})`;
      return `expected ${KINDS[issue.expected] ?? issue.expected}, ${got}`;
    case 'too_small':
    case 'too_big': {
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      const limit = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      if (issue.origin === 'array' || issue.origin === 'set')
        return `expected ${op} ${limit} items, got ${shown(issue.input)}`;
      if (issue.origin === 'string') return `expected ${op} ${limit} characters, ${got}`;
      return `expected a number ${op} ${limit}, ${got}`;
    }
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, ${got}`;
    case 'unrecognized_keys':
      return 'unknown key';
    case 'invalid_union':
      return issue.message === 'Invalid input' ? `not one of the allowed forms, ${got}` : issue.message;
    default:
      return issue.message.replace(/\s*\n\s*/g, ' ');
  }
}

/** The first issue of a failed parse of `value` (with the offending input attached). */
export function firstIssue<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; data: z.output<S> } | { ok: false; issue: Issue } {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, issue: result.error.issues[0] };
}

/**
 * Parse `value` with `schema`, turning the first zod issue into one InputError that
 * names the file and the field (docs/design.md §6: one clear message, exit code 2).
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const result = firstIssue(schema, value);
  if (result.ok) return result.data;
  throw new InputError(source, issueField(result.issue), issueProblem(result.issue));
}

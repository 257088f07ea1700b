/**
 * `--set key=value` overrides of dotted keys (docs/design.md §4b). Overriding a key that the file
 * does not have is an error, never a silent no-op.
 */
import { InputError } from '../util/errors.ts';

export interface Override {
  /** Dotted key, e.g. `adc.bits`. */
  key: string;
  /** Parsed value: number, boolean or string. */
  value: number | boolean | string;
}

/** Parse one scalar: numbers and booleans become typed, anything else stays a string. */
export function parseScalar(text: string): number | boolean | string {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  return text;
}

/** Parse `key=value` (one value). */
export function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InputError('--set', text, 'expected key=value, e.g. --set adc.bits=6');
  return { key: text.slice(0, eq).trim(), value: parseScalar(text.slice(eq + 1).trim()) };
}

/** Parse `key=v1,v2,...` for sweeps: one override list per value. */
export function parseSweepOverride(text: string): Override[] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InputError('--set', text, 'expected key=v1,v2,..., e.g. --set adc.bits=4,5,6');
  const key = text.slice(0, eq).trim();
  const values = text
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (values.length === 0) throw new InputError('--set', key, 'no values given');
  return values.map((v) => ({ key, value: parseScalar(v) }));
}

/**
 * Return a deep copy of `document` with each override applied. The key must already exist and hold
 * a scalar; `prefixes` lets a caller restrict which top-level sections may be overridden.
 */
export function applyOverrides(document: unknown, overrides: readonly Override[], source = '--set'): unknown {
  if (overrides.length === 0) return document;
  const copy = structuredClone(document) as Record<string, unknown>;
  for (const { key, value } of overrides) {
    const parts = key.split('.');
    let node: unknown = copy;
    for (let i = 0; i < parts.length - 1; i++) {
      node = isObject(node) ? node[parts[i]] : undefined;
      if (!isObject(node))
        throw new InputError(source, key, `unknown key (no section '${parts.slice(0, i + 1).join('.')}')`);
    }
    const leaf = parts[parts.length - 1];
    if (!isObject(node) || !(leaf in node)) throw new InputError(source, key, 'unknown key');
    const old = node[leaf];
    if (isObject(old) || Array.isArray(old)) throw new InputError(source, key, 'is a section, not a value');
    if (typeof old !== typeof value)
      throw new InputError(source, key, `expected a ${typeof old}, got '${String(value)}'`);
    node[leaf] = value;
  }
  return copy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

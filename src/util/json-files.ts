import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from './errors.ts';

/** Names (without `.json`) of the JSON files directly in `dir`, sorted; none if it does not exist. */
export function jsonNamesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** Read a JSON file, with one clear InputError when it is missing or not JSON (line and column named). */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(path, '', 'cannot read the file');
  }
  return parseJsonText(text, path);
}

/** JSON.parse, with a syntax error as one line naming `source`, the line and the column. */
export function parseJsonText(text: string, source: string): unknown {
  // Editors on Windows may start a UTF-8 file with a byte-order mark; it is not part of the JSON.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    // Node's messages differ between versions and may quote the whole file: locate the error ourselves.
    const found = jsonSyntaxError(body);
    if (!found) throw new InputError(source, '', `not valid JSON (${(error as Error).message})`);
    const before = body.slice(0, found.offset);
    const line = before.split('\n').length;
    const column = found.offset - before.lastIndexOf('\n');
    throw new InputError(source, `line ${line}, column ${column}`, `not valid JSON: ${found.problem}`);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'];

/**
 * Offset and description of the first syntax error of `text` as JSON (RFC 8259), or null when it
 * is valid. Iterative, with an explicit stack: any nesting depth is fine.
 */
export function jsonSyntaxError(text: string): { offset: number; problem: string } | null {
  const n = text.length;
  let i = 0;
  const found = () =>
    i >= n ? 'the end of the file' : text[i] < ' ' ? `character ${text.charCodeAt(i)}` : `'${text[i]}'`;
  const fail = (expected: string) => ({ offset: i, problem: `expected ${expected}, found ${found()}` });
  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  /** Skips a string at i; returns a problem or null. */
  const skipString = (): { offset: number; problem: string } | null => {
    i++;
    for (;;) {
      if (i >= n) return { offset: i, problem: 'a string is not closed' };
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c < 0x20) return { offset: i, problem: 'a control character (a line break?) inside a string' };
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            return { offset: i, problem: 'a \\u escape needs 4 hex digits' };
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e))
          return { offset: i, problem: `an unknown escape '\\${e ?? ''}' in a string` };
        i += 2;
        continue;
      }
      i++;
    }
  };
  /** After '{' or ',' in an object: a key, a colon; leaves i at the value. */
  const skipKey = (): { offset: number; problem: string } | null => {
    if (text[i] !== '"') return fail('a key in double quotes');
    const bad = skipString();
    if (bad) return bad;
    skipSpace();
    if (text[i] !== ':') return fail("':' after the key");
    i++;
    skipSpace();
    return null;
  };
  const stack: string[] = [];
  skipSpace();
  if (i >= n) return { offset: 0, problem: 'the file is empty' };
  for (;;) {
    // A value starts at i.
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      skipSpace();
      if (text[i] === (c === '{' ? '}' : ']')) i++;
      else {
        stack.push(c);
        if (c === '{') {
          const bad = skipKey();
          if (bad) return bad;
        }
        continue;
      }
    } else if (c === '"') {
      const bad = skipString();
      if (bad) return bad;
    } else {
      NUMBER.lastIndex = i;
      const literal = LITERALS.find((l) => text.startsWith(l, i));
      if (literal) i += literal.length;
      else if (NUMBER.test(text)) i = NUMBER.lastIndex;
      else return fail('a value');
    }
    // After a value: close containers, or a comma and the next value.
    for (;;) {
      skipSpace();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? fail('the end of the file after the value') : null;
      const close = top === '{' ? '}' : ']';
      if (text[i] === close) {
        stack.pop();
        i++;
        continue;
      }
      if (text[i] !== ',') return fail(`',' or '${close}'`);
      i++;
      skipSpace();
      if (top === '{') {
        const bad = skipKey();
        if (bad) return bad;
      }
      break;
    }
  }
}

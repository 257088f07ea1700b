import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';

/** Names (without `.json`) of the JSON files directly in `dir`, sorted; none if it does not exist. */
export function jsonNamesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where `arch/` and `traces/` live), found from this file's location. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Which code runs: the compiled JavaScript in dist/ when `npm run build` made it from the src/ that is
// here now, else src/ through tsx. The build writes dist/build-stamp.json with a hash of every file
// under src/; a mismatch (src/ edited since) or a missing dist/ means tsx, silently. Plain JavaScript:
// it runs before TypeScript can be loaded. OUSIM_COMPILED=0 forces tsx (for debugging src/).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';

export const STAMP_FILE = 'build-stamp.json';

/** The package root (bin/..). */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** SHA-256 over every file under `dir` (relative path and bytes, in sorted path order). */
export function sourceHash(dir) {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    hash.update(`${file}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/**
 * The file URL of `dist/<entry>` when dist/ is current for src/ under `root`, else undefined.
 * Current: dist/build-stamp.json names the hash src/ has now.
 */
export function compiledEntry(entry, root = packageRoot) {
  if (process.env.OUSIM_COMPILED === '0') return undefined;
  const file = join(root, 'dist', entry);
  const stamp = join(root, 'dist', STAMP_FILE);
  if (!existsSync(file) || !existsSync(stamp)) return undefined;
  try {
    const recorded = JSON.parse(readFileSync(stamp, 'utf8')).sourceHash;
    return recorded === sourceHash(join(root, 'src')) ? pathToFileURL(file).href : undefined;
  } catch {
    return undefined; // an unreadable stamp is a stale one
  }
}

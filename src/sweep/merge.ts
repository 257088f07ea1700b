/**
 * `ousim sweep merge`: join the CSVs of a sweep's shards (or of any folders holding parts of the
 * same sweep) into one `sweep.csv`, sorted by point index. The result is itself a whole-grid
 * sweep folder, so running `ousim sweep` on it with the same flags fills in whatever is missing.
 * When `--out` already holds that whole-grid sweep, its rows are kept and merged with the inputs'.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../util/errors.ts';
import { csvDocument, readCsv, splitTornLine } from '../output/csv-text.ts';
import { writeFileAtomic } from './journal.ts';
import {
  MANIFEST_FILE,
  manifestJson,
  readManifest,
  sweepDifference,
  type SweepManifest,
} from './manifest.ts';
import { SWEEP_CSV } from './runner.ts';
import { formatShard, WHOLE } from './shard.ts';

export interface MergeReport {
  out: string;
  rows: number;
  points: number;
  /** Point indices no input folder had. */
  missing: number[];
  shards: string[];
  /** Points found in more than one folder (the first folder's row is kept). */
  duplicates: number;
  /** Rows kept from the sweep already in --out that no input folder had. */
  keptFromOut: number;
}

export function mergeSweeps(folders: readonly string[], out: string): MergeReport {
  if (folders.length === 0) throw new InputError('sweep merge', '', 'name the shard folders to merge');
  let reference: SweepManifest | undefined;
  let referencePath = '';
  const header: string[] = [];
  const byPoint = new Map<number, Record<string, string>>();
  let duplicates = 0;
  const shards: string[] = [];

  for (const folder of folders) {
    const manifestPath = join(resolve(folder), MANIFEST_FILE);
    const manifest = readManifest(manifestPath);
    if (!manifest) throw new InputError(manifestPath, '', 'missing: not a sweep folder');
    if (!reference) {
      reference = manifest;
      referencePath = manifestPath;
    } else {
      const difference = sweepDifference(reference, manifest);
      if (difference)
        throw new InputError(manifestPath, '', `a different sweep from ${referencePath} (${difference})`);
    }
    shards.push(manifest.shard);
    for (const row of sweepRows(folder, manifest, header)) {
      const point = Number(row.point);
      if (byPoint.has(point)) duplicates++;
      else byPoint.set(point, row);
    }
  }

  const manifest = reference!;
  const merged: SweepManifest = { ...manifest, shard: formatShard(WHOLE) };
  const target = resolve(out);
  const targetManifest = join(target, MANIFEST_FILE);
  const existing = readManifest(targetManifest);
  if (existing && (sweepDifference(existing, merged) || existing.shard !== merged.shard))
    throw new InputError(targetManifest, '', 'the --out folder holds another sweep or a shard');
  if (!existing && existsSync(join(target, SWEEP_CSV)))
    throw new InputError(
      join(target, SWEEP_CSV),
      '',
      'the --out folder holds a sweep.csv without sweep.json',
    );
  // A whole-grid sweep already in --out (an earlier merge, or the sweep itself) keeps its rows:
  // the inputs' rows come first, the folder's own fill in the points they lack.
  const isInput = folders.some((folder) => resolve(folder) === target);
  let keptFromOut = 0;
  if (existing && !isInput)
    for (const row of sweepRows(target, existing, header)) {
      const point = Number(row.point);
      if (byPoint.has(point)) continue;
      byPoint.set(point, row);
      keptFromOut++;
    }

  const sorted = [...byPoint.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
  const missing: number[] = [];
  for (let p = 0; p < manifest.points; p++) if (!byPoint.has(p)) missing.push(p);
  mkdirSync(target, { recursive: true });
  writeFileAtomic(join(target, SWEEP_CSV), csvDocument(header, sorted));
  writeFileAtomic(targetManifest, manifestJson(merged));
  return {
    out: target,
    rows: sorted.length,
    points: manifest.points,
    missing,
    shards,
    duplicates,
    keptFromOut,
  };
}

/** The whole rows of a sweep folder's CSV (none if it has no CSV yet); new columns join `header`. */
function sweepRows(folder: string, manifest: SweepManifest, header: string[]): Record<string, string>[] {
  const csvPath = join(resolve(folder), SWEEP_CSV);
  if (!existsSync(csvPath)) return []; // a shard that has not finished a point yet
  // A shard still running may have a torn last line; merge only its whole rows.
  const table = readCsv(splitTornLine(readFileSync(csvPath, 'utf8')).complete, csvPath);
  for (const column of table.header) if (!header.includes(column)) header.push(column);
  for (const row of table.rows) {
    const point = Number(row.point);
    if (!Number.isInteger(point) || point < 0 || point >= manifest.points)
      throw new InputError(csvPath, 'point', `'${row.point}' is not a point of this sweep`);
  }
  return table.rows;
}

/** `0, 3, 5-9, 12` for a sorted list of indices. */
export function formatRanges(indices: readonly number[], limit = 12): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(i === j ? `${indices[i]}` : `${indices[i]}-${indices[j]}`);
    i = j + 1;
  }
  return parts.length > limit ? `${parts.slice(0, limit).join(', ')}, ...` : parts.join(', ');
}

/**
 * `ousim sweep merge`: join the CSVs of a sweep's shards (or of any folders holding parts of the
 * same sweep) into one `sweep.csv`, sorted by point index. The result is itself a whole-grid
 * sweep folder, so running `ousim sweep` on it with the same flags fills in whatever is missing.
 * When `--out` already holds that whole-grid sweep, its rows are kept and merged with the inputs'.
 *
 * Every row is checked against its folder's manifest by its point key, so rows of another sweep
 * never get in. The merge holds the lock of `--out` and writes the manifest first, then the CSV
 * (each atomically): killed between the two, `--out` holds the manifest and the old rows (or none),
 * a consistent sweep folder that the rerun merges into. A `sweep.csv` without `sweep.json` in
 * `--out` is adopted only when every row's key is this sweep's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../util/errors.ts';
import { crashPoint } from '../util/crash-point.ts';
import { csvDocument, readCsv, splitTornLine } from '../output/csv-text.ts';
import { writeFileAtomic } from '../output/atomic.ts';
import { checkOutFolder, makeFolder, onDisk } from '../output/folder.ts';
import { lockFolder } from '../output/lock.ts';
import {
  MANIFEST_FILE,
  manifestJson,
  POINT_KEY_COLUMN,
  readManifest,
  removeStaleSweepFiles,
  rowProblem,
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
  const target = checkOutFolder(out);
  makeFolder(target);
  const lock = lockFolder(target, 'sweep merge');
  let keptFromOut = 0;
  try {
    removeStaleSweepFiles(target);
    const targetManifest = join(target, MANIFEST_FILE);
    const existing = readManifest(targetManifest);
    if (existing && (sweepDifference(existing, merged) || existing.shard !== merged.shard))
      throw new InputError(targetManifest, '', 'the --out folder holds another sweep or a shard');
    // A whole-grid sweep already in --out (an earlier merge, or the sweep itself) keeps its rows:
    // the inputs' rows come first, the folder's own fill in the points they lack.
    const isInput = folders.some((folder) => resolve(folder) === target);
    if (!isInput)
      for (const row of sweepRows(target, existing ?? merged, header, existing === undefined)) {
        const point = Number(row.point);
        if (byPoint.has(point)) continue;
        byPoint.set(point, row);
        keptFromOut++;
      }

    const columns = [...header.filter((c) => c !== POINT_KEY_COLUMN), POINT_KEY_COLUMN];
    const sorted = [...byPoint.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
    if (!existing) writeFileAtomic(targetManifest, manifestJson(merged));
    crashPoint('merge:manifest-written');
    writeFileAtomic(join(target, SWEEP_CSV), csvDocument(columns, sorted));
    const missing: number[] = [];
    for (let p = 0; p < manifest.points; p++) if (!byPoint.has(p)) missing.push(p);
    return {
      out: target,
      rows: sorted.length,
      points: manifest.points,
      missing,
      shards,
      duplicates,
      keptFromOut,
    };
  } finally {
    lock.release();
  }
}

/** The whole rows of a sweep folder's CSV (none if it has no CSV yet); new columns join `header`. */
function sweepRows(
  folder: string,
  manifest: SweepManifest,
  header: string[],
  withoutManifest = false,
): Record<string, string>[] {
  const csvPath = join(resolve(folder), SWEEP_CSV);
  if (!existsSync(csvPath)) return []; // a shard that has not finished a point yet
  // A shard still running may have a torn last line; merge only its whole rows (read, never changed).
  const text = onDisk(csvPath, csvPath, () => readFileSync(csvPath, 'utf8'));
  const table = readCsv(splitTornLine(text).complete, csvPath);
  for (const row of table.rows) {
    const problem = rowProblem(manifest, row);
    if (problem)
      throw new InputError(
        csvPath,
        `point ${row.point}`,
        withoutManifest
          ? `a sweep.csv without sweep.json whose rows are not this sweep's (${problem}); left as it is`
          : problem,
      );
  }
  for (const column of table.header) if (!header.includes(column)) header.push(column);
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

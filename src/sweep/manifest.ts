/**
 * `sweep.json`, written next to `sweep.csv`: what the sweep is (arch, seed, fidelity, axes, the
 * content hash of every trace, shard). A resumed sweep must be the same sweep, or its old rows would
 * be mixed with rows of another configuration; shards being merged must be slices of the same sweep.
 *
 * Every row of `sweep.csv` also carries its own identity, `point_key` (its last column): a hash of
 * the base arch, the trace's contents, seed, fidelity, images, the grid and the point. So the CSV
 * alone says which sweep wrote each row: a CSV whose manifest is missing (a merge killed between its
 * writes, a copied file) is adopted only when every key is the one this sweep would write, and a CSV
 * of another seed, arch or trace contents is refused instead of relabelled.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../util/errors.ts';
import { removeStaleStaging } from '../output/folder.ts';
import { parseWith } from '../config/validate.ts';
import type { Axis } from './grid.ts';

export const MANIFEST_FILE = 'sweep.json';
/** The rows (runner.ts exports it as SWEEP_CSV). */
export const SWEEP_CSV_FILE = 'sweep.csv';
export const MANIFEST_FORMAT = 'ousim-sweep';
/** 2: `traces` (content hashes) and the `point_key` column. */
export const MANIFEST_VERSION = 2;
/** The last column of sweep.csv: the row's identity (see above). */
export const POINT_KEY_COLUMN = 'point_key';
const POINT_KEY_LENGTH = 16;

const ManifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    version: z.literal(MANIFEST_VERSION),
    ousimVersion: z.string(),
    arch: z.string().describe('the --arch given (preset name or path)'),
    archHash: z.string().describe('sha256 of the base arch before the sweep overrides'),
    seed: z.number(),
    fidelity: z.string(),
    images: z.number().int().min(2).optional().describe('images per point, when more than one'),
    traces: z
      .record(z.string(), z.string())
      .describe('sha256 of each trace file, by the name the sweep gives it'),
    mapperOptions: z
      .record(z.string(), z.union([z.number(), z.boolean(), z.string()]))
      .optional()
      .describe("the mappers' own options (--packing, ...), when any was given"),
    axes: z.array(
      z.object({ key: z.string(), values: z.array(z.union([z.number(), z.boolean(), z.string()])) }),
    ),
    points: z.number().int().min(1),
    shard: z.string().describe('i/N, or 0/1 for the whole grid'),
  })
  .strict();

export type SweepManifest = z.output<typeof ManifestSchema>;

/** A stable hash of a JSON value (object keys sorted), for comparing configurations. */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Staging files of the sweep's own writes (sweep.csv, sweep.json) left by killed processes; called
 * holding the folder's lock. Other staging in the folder (a `figures` output inside it) is not ours.
 */
export function removeStaleSweepFiles(out: string): void {
  for (const name of [SWEEP_CSV_FILE, MANIFEST_FILE]) removeStaleStaging(out, name);
}

export function readManifest(path: string): SweepManifest | undefined {
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new InputError(path, '', 'not valid JSON; delete the folder or pick another --out');
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version < MANIFEST_VERSION)
    throw new InputError(
      path,
      'version',
      `a sweep folder of an older ousim (format ${version}, rows without ${POINT_KEY_COLUMN}); pick another --out`,
    );
  return parseWith(ManifestSchema, raw, path);
}

/**
 * The identity of one point's row: what decides its numbers (base arch, trace contents, seed,
 * fidelity, images, ousim's version), the grid and the point's index and values. Values are taken
 * as text, so a key computed from a CSV row equals the key of the point it was written for.
 */
export function pointKeyOf(
  manifest: SweepManifest,
  point: number | string,
  params: Readonly<Record<string, unknown>>,
): string {
  const values = manifest.axes.map(({ key }) => [key, String(params[key])]);
  return stableHash({
    sweep: sweepHashOf(manifest),
    traceHash: manifest.traces[String(params.trace)] ?? '',
    point: String(point),
    values,
  }).slice(0, POINT_KEY_LENGTH);
}

/** The part of every point's key that the whole sweep shares, hashed once per manifest. */
const sweepHashes = new WeakMap<SweepManifest, string>();
function sweepHashOf(manifest: SweepManifest): string {
  let hash = sweepHashes.get(manifest);
  if (hash === undefined) {
    hash = stableHash({
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      ousimVersion: manifest.ousimVersion,
      archHash: manifest.archHash,
      seed: manifest.seed,
      fidelity: manifest.fidelity,
      images: manifest.images ?? 1,
      axes: manifest.axes,
      // The mappers' own options decide the numbers too (only when given, so other keys stay as they were).
      ...(manifest.mapperOptions ? { mapperOptions: manifest.mapperOptions } : {}),
    });
    sweepHashes.set(manifest, hash);
  }
  return hash;
}

/**
 * Why a CSV row is not a row this sweep wrote (undefined when it is): no key, or a key that is not
 * this point's under this manifest.
 */
export function rowProblem(
  manifest: SweepManifest,
  row: Readonly<Record<string, string>>,
): string | undefined {
  const key = row[POINT_KEY_COLUMN];
  if (key === undefined || key === '') return `no ${POINT_KEY_COLUMN}`;
  const point = Number(row.point);
  if (!Number.isInteger(point) || point < 0 || point >= manifest.points)
    return `'${row.point}' is not a point of this sweep`;
  if (key !== pointKeyOf(manifest, row.point, row))
    return (
      `${POINT_KEY_COLUMN} ${key} is not this sweep's (the row was written with another arch, seed, ` +
      'fidelity, images, grid or trace contents)'
    );
  return undefined;
}

/** Whether a key field is whole (a torn row's last field is a shorter prefix of one). */
export function isWholeKey(text: string | undefined): boolean {
  return text !== undefined && new RegExp(`^[0-9a-f]{${POINT_KEY_LENGTH}}$`).test(text);
}

export function manifestJson(manifest: SweepManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * The first field in which two manifests describe different sweeps (the shard aside), or
 * undefined when they are the same sweep.
 */
export function sweepDifference(a: SweepManifest, b: SweepManifest): string | undefined {
  const fields = ['ousimVersion', 'arch', 'archHash', 'seed', 'fidelity', 'points'] as const;
  for (const field of fields)
    if (a[field] !== b[field]) return `${field}: ${String(a[field])} vs ${String(b[field])}`;
  if ((a.images ?? 1) !== (b.images ?? 1)) return `images: ${a.images ?? 1} vs ${b.images ?? 1}`;
  const options = (m: SweepManifest) => stableJson(m.mapperOptions ?? {});
  if (options(a) !== options(b)) return `mapper options: ${options(a)} vs ${options(b)}`;
  if (stableJson(a.axes) !== stableJson(b.axes))
    return `axes: ${describeAxes(a.axes)} vs ${describeAxes(b.axes)}`;
  for (const trace of Object.keys({ ...a.traces, ...b.traces }))
    if (a.traces[trace] !== b.traces[trace])
      return `trace ${trace}: its contents changed (sha256 ${short(a.traces[trace])} vs ${short(b.traces[trace])})`;
  return undefined;
}

function short(hash: string | undefined): string {
  return hash ? hash.slice(0, 12) : 'none';
}

export function describeAxes(axes: readonly Axis[]): string {
  return axes.map((a) => `${a.key}=${a.values.join(',')}`).join(' ');
}

/**
 * `sweep.json`, written next to `sweep.csv`: what the sweep is (arch, seed, fidelity, axes,
 * shard). A resumed sweep must be the same sweep, or its old rows would be mixed with rows of
 * another configuration; shards being merged must be slices of the same sweep.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../util/errors.ts';
import { parseWith } from '../config/validate.ts';
import type { Axis } from './grid.ts';

export const MANIFEST_FILE = 'sweep.json';
export const MANIFEST_FORMAT = 'ousim-sweep';

const ManifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    version: z.literal(1),
    ousimVersion: z.string(),
    arch: z.string().describe('the --arch given (preset name or path)'),
    archHash: z.string().describe('sha256 of the base arch before the sweep overrides'),
    seed: z.number(),
    fidelity: z.string(),
    images: z.number().int().min(2).optional().describe('images per point, when more than one'),
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

export function readManifest(path: string): SweepManifest | undefined {
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new InputError(path, '', 'not valid JSON; delete the folder or pick another --out');
  }
  return parseWith(ManifestSchema, raw, path);
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
  return undefined;
}

export function describeAxes(axes: readonly Axis[]): string {
  return axes.map((a) => `${a.key}=${a.values.join(',')}`).join(' ');
}

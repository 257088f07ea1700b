/**
 * The sweep grid: axes (a parameter and its values) and the points of their cartesian product.
 *
 * Points are numbered in a fixed order (the first axis varies slowest), so a point's index is
 * the same on every machine and in every shard; the index, not the order in which workers
 * happen to finish, decides the order of rows in the final CSV.
 */
import { parseSweepOverride, type Override } from '../config/overrides.ts';
import { InputError } from '../util/errors.ts';

export type ParamValue = number | boolean | string;

/** Axes that are not arch keys: the network trace and the mapper. */
export const TRACE_AXIS = 'trace';
export const MAPPING_AXIS = 'mapping';

export interface Axis {
  /** `trace`, `mapping`, or a dotted arch key (`adc.bits`, `pattern.connectivity`). */
  key: string;
  values: ParamValue[];
}

export interface Point {
  /** Position in the full grid (before sharding). */
  index: number;
  /** One value per axis, in axis order. */
  params: Record<string, ParamValue>;
}

/**
 * Axes from the command line: traces and mappings first, then each `--set key=v1,v2,...` in the
 * order given. A key given twice is an error (which of the two lists would win is not obvious).
 */
export function buildAxes(
  traces: readonly string[],
  mappings: readonly string[],
  sets: readonly string[],
): Axis[] {
  if (traces.length === 0) throw new InputError('--trace', '', 'name at least one trace');
  if (mappings.length === 0) throw new InputError('--mapping', '', 'name at least one mapping');
  const axes: Axis[] = [
    { key: TRACE_AXIS, values: [...traces] },
    { key: MAPPING_AXIS, values: [...mappings] },
  ];
  for (const text of sets) {
    const overrides = parseSweepOverride(text);
    const key = overrides[0].key;
    if (key === TRACE_AXIS || key === MAPPING_AXIS)
      throw new InputError('--set', key, `use --${key} to sweep ${key}s`);
    if (axes.some((a) => a.key === key))
      throw new InputError('--set', key, 'given twice; list all values once');
    axes.push({ key, values: overrides.map((o) => o.value) });
  }
  for (const axis of axes) {
    const seen = new Set(axis.values.map(String));
    if (seen.size !== axis.values.length) throw new InputError('--set', axis.key, 'a value is listed twice');
  }
  return axes;
}

/** Number of points of the grid. */
export function gridSize(axes: readonly Axis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** Every point of the grid, in index order (the first axis varies slowest). */
export function expandGrid(axes: readonly Axis[]): Point[] {
  const total = gridSize(axes);
  const points: Point[] = [];
  for (let index = 0; index < total; index++) points.push(pointAt(axes, index));
  return points;
}

/** The point with a given index (mixed-radix digits of the index, last axis fastest). */
export function pointAt(axes: readonly Axis[], index: number): Point {
  const params: Record<string, ParamValue> = {};
  let rest = index;
  for (let a = axes.length - 1; a >= 0; a--) {
    const { key, values } = axes[a];
    params[key] = values[rest % values.length];
    rest = Math.floor(rest / values.length);
  }
  // Re-insert in axis order so that iteration order (and so CSV columns) follows the axes.
  const ordered: Record<string, ParamValue> = {};
  for (const { key } of axes) ordered[key] = params[key];
  return { index, params: ordered };
}

/**
 * A point's identity, from its parameter values alone: `trace=tiny;mapping=dense;adc.bits=4`.
 * Values are compared as text, so a key rebuilt from a CSV row equals the original.
 */
export function pointKey(
  axes: readonly Axis[],
  params: Readonly<Record<string, ParamValue | string>>,
): string {
  return axes.map(({ key }) => `${key}=${String(params[key])}`).join(';');
}

/** The arch overrides of a point (every axis but trace and mapping). */
export function archOverrides(params: Readonly<Record<string, ParamValue>>): Override[] {
  return Object.entries(params)
    .filter(([key]) => key !== TRACE_AXIS && key !== MAPPING_AXIS)
    .map(([key, value]) => ({ key, value }));
}

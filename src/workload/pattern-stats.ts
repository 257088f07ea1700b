/**
 * patterns.csv: one row per conv layer with what pruning did to it. Columns: layer, status
 * (pruned / kept / dense), kernels, kept, pruned, kept_fraction, patterns (the library as
 * `positions|positions|...`, positions space-separated, row-major ky*kw+kx), then
 * pattern_0..pattern_{n-1}: kept kernels per pattern id (empty where a layer has fewer patterns).
 */
import { stringify } from 'csv-stringify/sync';
import type { PatternStats } from './prune.ts';

export function patternStatsCsv(stats: readonly PatternStats[]): string {
  const width = Math.max(0, ...stats.map((s) => s.histogram.length));
  const header = [
    'layer',
    'status',
    'kernels',
    'kept',
    'pruned',
    'kept_fraction',
    'patterns',
    ...Array.from({ length: width }, (_, i) => `pattern_${i}`),
  ];
  const rows = stats.map((s) => [
    s.layer,
    s.status,
    s.kernels,
    s.kept,
    s.pruned,
    (s.kept / s.kernels).toFixed(6),
    s.patterns.map((p) => p.join(' ')).join('|'),
    ...Array.from({ length: width }, (_, i) => (i < s.histogram.length ? s.histogram[i] : '')),
  ]);
  return stringify([header, ...rows]);
}

export const PATTERN_HISTOGRAM_CSV = 'pattern-histogram.csv';

/**
 * pattern-histogram.csv: the same histogram in long form, one row per (layer, library pattern) of the
 * layers with patterns: layer, pattern (id), positions (space-separated, row-major ky*kw+kx),
 * kernels (kept kernels using it), fraction (of the layer's kept kernels, 0 when none is kept),
 * rank (1 = the most used pattern of the layer; ties: the lower id). Why long form: one row per bar
 * of the histogram figure, readable by any plotting tool.
 */
export function patternHistogramCsv(stats: readonly PatternStats[]): string {
  const header = ['layer', 'pattern', 'positions', 'kernels', 'fraction', 'rank'];
  const rows: (string | number)[][] = [];
  for (const s of stats) {
    if (s.patterns.length === 0) continue;
    const order = s.histogram.map((_, i) => i).sort((a, b) => s.histogram[b] - s.histogram[a] || a - b);
    const rank = new Array<number>(order.length);
    order.forEach((id, r) => (rank[id] = r + 1));
    s.patterns.forEach((positions, id) =>
      rows.push([
        s.layer,
        id,
        positions.join(' '),
        s.histogram[id],
        (s.kept ? s.histogram[id] / s.kept : 0).toFixed(6),
        rank[id],
      ]),
    );
  }
  return stringify([header, ...rows]);
}

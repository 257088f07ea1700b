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

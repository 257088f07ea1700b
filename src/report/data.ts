/**
 * What `ousim report` shows, read from a results folder (of run, compare, map or sweep): the
 * resolved configuration, the CSV tables as text, and the figures as vega-lite specs built by
 * src/figures/specs.ts (the same figures `ousim figures` draws), plus one sweep heatmap per metric
 * for the report's metric selector.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { sweptKeys } from '../figures/make.ts';
import {
  crossbarsPerLayer,
  energyBreakdown,
  HEATMAP_METRICS,
  paperComparison,
  sweepHeatmap,
  type Built,
  type HeatmapMetric,
} from '../figures/specs.ts';
import { num, readCsvFile, type CsvTable } from '../output/csv-text.ts';
import { MANIFEST_FILE } from '../sweep/manifest.ts';
import { InputError } from '../util/errors.ts';

/** The CSVs a report reads, in the order it shows them. */
export const REPORT_CSVS = ['summary.csv', 'compare.csv', 'layers.csv', 'sweep.csv'] as const;
type ReportCsv = (typeof REPORT_CSVS)[number];

export interface ReportFigure {
  id: string;
  title: string;
  spec?: TopLevelSpec;
  /** Why the figure is not drawn (its CSV lacks what it needs). */
  skipped?: string;
}

export interface ReportData {
  folder: string;
  /** config.resolved.json, or sweep.json for a sweep folder; undefined when neither is there. */
  config?: unknown;
  configFile?: string;
  tables: Partial<Record<ReportCsv, CsvTable>>;
  figures: ReportFigure[];
  /** The sweep heatmap, one spec per metric column (the first is shown first). */
  heatmaps?: { metrics: { column: string; label: string; spec: TopLevelSpec }[]; skipped?: string };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new InputError(path, '', `not valid JSON (${(error as Error).message})`);
  }
}

export function readReportData(inDir: string): ReportData {
  const folder = resolve(inDir);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new InputError('--in', '', `no such folder '${inDir}'`);
  const tables: ReportData['tables'] = {};
  for (const name of REPORT_CSVS) {
    const table = readCsvFile(join(folder, name));
    if (table && table.rows.length > 0) tables[name] = table;
  }
  if (Object.keys(tables).length === 0)
    throw new InputError(
      '--in',
      '',
      `'${inDir}' holds no rows in any of ${REPORT_CSVS.join(', ')}; point it at a results folder of run, compare or sweep`,
    );
  const configFile = ['config.resolved.json', MANIFEST_FILE].find((f) => existsSync(join(folder, f)));
  const data: ReportData = {
    folder: basename(folder),
    config: configFile ? readJson(join(folder, configFile)) : undefined,
    configFile,
    tables,
    figures: [],
  };
  const figure = (id: string, title: string, built: Built) =>
    data.figures.push(
      'spec' in built ? { id, title, spec: built.spec } : { id, title, skipped: built.skipped },
    );
  if (tables['compare.csv'])
    figure(
      'paper-comparison',
      'Pattern over dense: ours against the paper',
      paperComparison(tables['compare.csv'].rows),
    );
  if (tables['summary.csv'])
    figure('energy-breakdown', 'Energy by component', energyBreakdown(tables['summary.csv'].rows));
  if (tables['layers.csv'])
    figure('crossbars-per-layer', 'Crossbars per layer', crossbarsPerLayer(tables['layers.csv'].rows));
  if (tables['sweep.csv']) data.heatmaps = heatmaps(tables['sweep.csv'], folder);
  return data;
}

/** Metrics of a sweep row worth a heatmap: energies, times, areas, sizes that vary across points. */
function heatmapMetric(column: string): HeatmapMetric | undefined {
  if (column === HEATMAP_METRICS.energy.column) return HEATMAP_METRICS.energy;
  if (column === HEATMAP_METRICS.latency.column) return HEATMAP_METRICS.latency;
  const words = column.replace(/_(pj|ns|mm2)$/, '').replace(/_/g, ' ');
  if (column.endsWith('_pj')) return { column, title: words, divisor: 1e6, unit: 'µJ' };
  if (column.endsWith('_ns')) return { column, title: words, divisor: 1e3, unit: 'µs' };
  if (column.endsWith('_mm2')) return { column, title: words, divisor: 1, unit: 'mm²' };
  if (column === 'cycles' || column === 'crossbars' || column === 'tiles')
    return { column, title: column, divisor: 1, unit: column };
  return undefined;
}

function heatmaps(sweep: CsvTable, folder: string): NonNullable<ReportData['heatmaps']> {
  const keys = sweptKeys(sweep, folder);
  const metrics: NonNullable<ReportData['heatmaps']>['metrics'] = [];
  let skipped: string | undefined;
  for (const column of sweep.header) {
    const metric = heatmapMetric(column);
    if (!metric || keys.includes(column)) continue;
    const values = new Set(sweep.rows.map((r) => num(r, column)).filter(Number.isFinite));
    // A metric the sweep does not change (an energy part that stays 0) is one flat colour.
    if (values.size < 2 && column !== HEATMAP_METRICS.energy.column) continue;
    const built = sweepHeatmap(sweep.rows, metric, keys);
    if ('skipped' in built) {
      skipped = built.skipped;
      break;
    }
    metrics.push({ column, label: `${metric.title} (${metric.unit})`, spec: built.spec });
  }
  // Energy and latency first, as `ousim figures` draws them; the rest in CSV order.
  const first = [HEATMAP_METRICS.energy.column, HEATMAP_METRICS.latency.column];
  const rank = (c: string) => (first.includes(c) ? first.indexOf(c) : first.length);
  metrics.sort((a, b) => rank(a.column) - rank(b.column));
  return skipped ? { metrics: [], skipped } : { metrics };
}

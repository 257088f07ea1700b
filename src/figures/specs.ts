/**
 * The figures as vega-lite specs, built from the rows of ousim's result CSVs (docs/design.md §5).
 * Each builder returns undefined when its CSV lacks what the figure needs, with the reason, so
 * `ousim figures` can draw whatever a results folder supports and say what it skipped.
 *
 * Field names are rewritten without dots (`adc.bits` -> `adc_bits`) because vega-lite reads a
 * dot as a nested field.
 */
import type { TopLevelSpec } from 'vega-lite';
import { num } from '../output/csv-text.ts';
import { listMappers } from '../mapping/registry.ts';
import { COMPARE_METRICS, PAPER_CANDIDATE, PAPER_CITATION, PAPER_RANGES } from '../sweep/paper.ts';
import { FIGURE_CONFIG } from './render.ts';

type Row = Readonly<Record<string, string>>;
type Datum = Record<string, string | number | boolean>;

/** One facet column per compare metric, in COMPARE_METRICS order; a '|' in a panel name breaks its header line. */
export const METRIC_PANELS = {
  field: 'panel',
  type: 'nominal',
  title: null,
  sort: { field: 'metric_order', op: 'min' },
  header: { labelExpr: "split(datum.value, '|')" },
} as const;

export type Built = { spec: TopLevelSpec } | { skipped: string };

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** One colour per mapping, in registry order (dense, pattern, sre, then any added mapper). */
const PALETTE = ['#4c78a8', '#f58518', '#b279a2', '#54a24b', '#e45756', '#72b7b2', '#eeca3b', '#9d755d'];

/**
 * Colours of the mappings shown (so the legend lists only those): each registered mapper keeps its
 * colour whichever others are shown; names the registry does not know come after them.
 */
function colorsOf(mappings: readonly string[]): { domain: string[]; range: string[] } {
  const known = listMappers();
  const all = [...known, ...mappings.filter((m) => !known.includes(m))];
  const shown = all.filter((m) => mappings.includes(m));
  return { domain: shown, range: shown.map((m) => PALETTE[all.indexOf(m) % PALETTE.length]) };
}

/** The mappings in rows' `mapping` column, in order of appearance: "dense vs pattern vs sre". */
function mappingsTitle(rows: readonly Row[]): string {
  return [...new Set(rows.map((r) => r.mapping))].join(' vs ');
}

/** Crossbars per weight layer, one bar per mapping (dense, pattern, sre, ...), one panel per network. */
export function crossbarsPerLayer(layers: readonly Row[]): Built {
  const need = ['network', 'mapping', 'layer', 'crossbars'];
  const missing = need.find((c) => layers.length > 0 && !(c in layers[0]));
  if (layers.length === 0 || missing) return { skipped: `layers.csv has no ${missing ?? 'rows'}` };
  // Keep each network's layer order as written (the network's topological order).
  const order = new Map<string, number>();
  const values: Datum[] = [];
  for (const row of layers) {
    const crossbars = num(row, 'crossbars');
    if (!(crossbars > 0)) continue; // pooling, adds: no weights, no crossbars
    const key = `${row.network}/${row.layer}`;
    if (!order.has(key)) order.set(key, order.size);
    values.push({
      network: row.network,
      mapping: row.mapping,
      layer: row.layer,
      crossbars,
      order: order.get(key)!,
    });
  }
  if (values.length === 0) return { skipped: 'layers.csv has no layer with crossbars' };
  return {
    spec: {
      $schema: SCHEMA,
      title: `Crossbars per layer, ${mappingsTitle(layers)} mapping`,
      data: { values },
      facet: { row: { field: 'network', type: 'nominal', title: null } },
      spec: {
        width: { step: 22 },
        height: 180,
        mark: 'bar',
        encoding: {
          x: { field: 'layer', type: 'nominal', sort: { field: 'order', op: 'min' }, title: 'layer' },
          xOffset: { field: 'mapping', type: 'nominal' },
          // Symlog scale: FC layers can hold thousands of crossbars next to convs with a few.
          y: {
            field: 'crossbars',
            type: 'quantitative',
            title: 'crossbars (log scale)',
            scale: { type: 'symlog' },
            axis: { values: [1, 10, 100, 1000, 10000, 100000], format: ',d' },
          },
          color: {
            field: 'mapping',
            type: 'nominal',
            // Every registered mapper in the legend, as before a mapper was added (and any other shown).
            scale: colorsOf([...listMappers(), ...values.map((v) => String(v.mapping))]),
            title: 'mapping',
          },
          tooltip: [{ field: 'layer' }, { field: 'mapping' }, { field: 'crossbars' }],
        },
      },
      resolve: { scale: { x: 'independent', y: 'independent' } },
      config: FIGURE_CONFIG,
    },
  };
}

/** Energy per inference split by component, one bar per mapping, one panel per network. */
export function energyBreakdown(summary: readonly Row[]): Built {
  if (summary.length === 0) return { skipped: 'summary.csv has no rows' };
  const parts = Object.keys(summary[0]).filter((c) => /^energy_.+_pj$/.test(c));
  if (parts.length === 0 || !('mapping' in summary[0]) || !('network' in summary[0]))
    return { skipped: 'summary.csv has no energy_<part>_pj columns' };
  const values: Datum[] = [];
  for (const row of summary)
    parts.forEach((column, order) => {
      const pj = num(row, column);
      if (Number.isFinite(pj))
        values.push({
          network: row.network,
          mapping: row.mapping,
          part: partName(column),
          order,
          uj: pj / 1e6,
        });
    });
  return {
    spec: {
      $schema: SCHEMA,
      title: `Energy per inference by component, ${mappingsTitle(summary)} mapping`,
      data: { values },
      facet: { column: { field: 'network', type: 'nominal', title: null } },
      spec: {
        width: 110,
        height: 260,
        mark: 'bar',
        encoding: {
          x: { field: 'mapping', type: 'nominal', title: null, axis: { labelAngle: 0 } },
          y: { field: 'uj', type: 'quantitative', title: 'energy per inference (µJ)', stack: 'zero' },
          // Eleven parts: a 20-colour scheme, so no two share a colour.
          color: {
            field: 'part',
            type: 'nominal',
            sort: parts.map(partName),
            title: 'component',
            scale: { scheme: 'tableau20' },
          },
          order: { field: 'order' },
          tooltip: [{ field: 'part' }, { field: 'uj', format: '.4g', title: 'µJ' }],
        },
      },
      resolve: { scale: { y: 'independent' } },
      config: FIGURE_CONFIG,
    },
  };
}

function partName(column: string): string {
  return column.replace(/^energy_/, '').replace(/_pj$/, '');
}

export interface HeatmapMetric {
  column: string;
  title: string;
  /** Divide the CSV value by this for the shown unit. */
  divisor: number;
  unit: string;
}

export const HEATMAP_METRICS: Record<'energy' | 'latency', HeatmapMetric> = {
  energy: { column: 'energy_pj', title: 'Energy per inference', divisor: 1e6, unit: 'µJ' },
  latency: { column: 'latency_ns', title: 'Latency per inference', divisor: 1e3, unit: 'µs' },
};

/**
 * ADC bits (x) against OU size (y) of a sweep, one panel per mapping, and one row of panels per
 * combination of the other swept keys, titled horizontally, with a colour scale of its own.
 * Needs `adc.bits` and at least one of `ou.rows`, `ou.cols` among the sweep's columns.
 */
export function sweepHeatmap(
  sweep: readonly Row[],
  metric: HeatmapMetric,
  sweptKeys: readonly string[],
): Built {
  if (sweep.length === 0) return { skipped: 'sweep.csv has no rows' };
  if (!sweptKeys.includes('adc.bits')) return { skipped: 'the sweep does not vary adc.bits' };
  const ouKeys = ['ou.rows', 'ou.cols'].filter((k) => sweptKeys.includes(k));
  if (ouKeys.length === 0) return { skipped: 'the sweep varies neither ou.rows nor ou.cols' };
  if (!(metric.column in sweep[0])) return { skipped: `sweep.csv has no ${metric.column} column` };
  const others = sweptKeys.filter((k) => k !== 'adc.bits' && k !== 'mapping' && !ouKeys.includes(k));
  const values: Datum[] = [];
  for (const row of sweep) {
    const value = num(row, metric.column) / metric.divisor;
    if (!Number.isFinite(value)) continue;
    const ouRows = 'ou.rows' in row ? num(row, 'ou.rows') : NaN;
    const ouCols = 'ou.cols' in row ? num(row, 'ou.cols') : NaN;
    values.push({
      adc_bits: num(row, 'adc.bits'),
      ou: ouKeys.map((k) => (k === 'ou.rows' ? `${ouRows} rows` : `${ouCols} cols`)).join(' x '),
      // Sort OU labels by size, rows first, not as text ("16" before "4").
      ou_order: (Number.isFinite(ouRows) ? ouRows : 0) * 1e4 + (Number.isFinite(ouCols) ? ouCols : 0),
      mapping: row.mapping ?? '',
      group: others.map((k) => `${k}=${row[k]}`).join(' '),
      value,
      repriced: row.repriced === 'true',
    });
  }
  if (values.length === 0) return { skipped: `sweep.csv has no numeric ${metric.column}` };
  // One row of panels per combination of the other swept keys, each with its own colour scale:
  // networks far apart in size would otherwise share one scale and show one flat colour each.
  const groups = [...new Set(values.map((v) => v.group as string))];
  const rows = groups.map((group, i) => {
    const shown = values.filter((v) => v.group === group).map((v) => v.value as number);
    return {
      // A horizontal row header; vega-lite's facet row headers are rotated and overlap.
      ...(others.length > 0 ? { title: { text: group, fontSize: 12, fontWeight: 'normal' as const } } : {}),
      transform: [{ filter: { field: 'group', equal: group } }],
      // The `mapping` title once, over the first row.
      facet: { column: { field: 'mapping', type: 'nominal' as const, title: i === 0 ? 'mapping' : null } },
      spec: heatmapPanel(metric, (Math.min(...shown) + Math.max(...shown)) / 2),
    };
  });
  return {
    spec: {
      $schema: SCHEMA,
      title: `${metric.title} (${metric.unit}): ADC bits x OU size`,
      data: { values },
      vconcat: rows,
      resolve: { scale: { color: 'independent' } },
      config: FIGURE_CONFIG,
    },
  };
}

/** One mapping's heatmap cells with their values; `midpoint` switches the text to white. */
function heatmapPanel(metric: HeatmapMetric, midpoint: number) {
  return {
    width: { step: 48 },
    height: { step: 28 },
    encoding: {
      x: { field: 'adc_bits', type: 'ordinal' as const, title: 'ADC bits', axis: { labelAngle: 0 } },
      y: {
        field: 'ou',
        type: 'ordinal' as const,
        title: 'OU size',
        sort: { field: 'ou_order', op: 'min' as const },
      },
    },
    layer: [
      {
        mark: 'rect' as const,
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative' as const,
            title: metric.unit,
            scale: { scheme: 'viridis', reverse: true },
          },
          tooltip: [
            { field: 'adc_bits' },
            { field: 'ou' },
            { field: 'value', format: '.4g' },
            { field: 'repriced' },
          ],
        },
      },
      {
        mark: { type: 'text' as const, fontSize: 9 },
        encoding: {
          text: { field: 'value', type: 'quantitative' as const, format: ',.3~r' },
          // Light text on the dark (high) end of the reversed viridis scale.
          color: { condition: { test: `datum.value > ${midpoint}`, value: 'white' }, value: '#222' },
        },
      },
    ],
  };
}

/**
 * The candidates compare.csv compares with its baseline, with the prefix of their ratio columns: the
 * paper candidate's are unprefixed (`crossbar_area_efficiency`), another's carry its name (`sre_...`).
 */
function comparedMappings(row: Row): { mapping: string; prefix: string }[] {
  const found: { mapping: string; prefix: string }[] = [];
  if (COMPARE_METRICS.every((m) => m in row)) found.push({ mapping: PAPER_CANDIDATE, prefix: '' });
  for (const column of Object.keys(row)) {
    const match = /^(.+)_crossbar_area_efficiency$/.exec(column);
    if (!match || match[1] === `${PAPER_CANDIDATE}_layers`) continue;
    if (COMPARE_METRICS.every((m) => `${match[1]}_${m}` in row))
      found.push({ mapping: match[1], prefix: `${match[1]}_` });
  }
  return found;
}

/** The mapping compare.csv measures against: the one with figures (`<m>_crossbars`) that is no candidate. */
function baselineOf(row: Row, candidates: readonly { mapping: string }[]): string {
  for (const column of Object.keys(row)) {
    const match = /^(.+)_crossbars$/.exec(column);
    if (match && !candidates.some((c) => c.mapping === match[1])) return match[1];
  }
  return 'baseline';
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * Our three figures per network, with the paper's range drawn as a band in each panel; one bar per
 * compared mapping (pattern, sre, ...) when compare.csv holds more than pattern. The paper's ranges
 * are for pattern mapping.
 */
export function paperComparison(compare: readonly Row[]): Built {
  if (compare.length === 0) return { skipped: 'compare.csv has no rows' };
  const mappings = comparedMappings(compare[0]);
  if (mappings.length === 0) return { skipped: `compare.csv has no ${COMPARE_METRICS[0]} column` };
  const several = mappings.length > 1 || mappings[0].mapping !== PAPER_CANDIDATE;
  const baseline = baselineOf(compare[0], mappings);
  const values: Datum[] = [];
  COMPARE_METRICS.forEach((metric, m) => {
    const { low, high, label } = PAPER_RANGES[metric];
    // Two header lines, split by the header's labelExpr.
    const panel = `${label}|paper: ${low.toFixed(2)}x-${high.toFixed(2)}x`;
    compare.forEach((row, i) => {
      mappings.forEach(({ mapping, prefix }, k) => {
        const value = num(row, `${prefix}${metric}`);
        if (Number.isFinite(value))
          values.push({
            panel,
            metric_order: m,
            network: row.network,
            mapping,
            order: i,
            value,
            low,
            high,
            first: i === 0 && k === 0,
          });
      });
    });
  });
  const x = {
    field: 'network',
    type: 'nominal' as const,
    sort: { field: 'order', op: 'min' as const },
  };
  const byMapping = several ? { xOffset: { field: 'mapping', type: 'nominal' as const } } : {};
  const names = mappings.map((m) => m.mapping);
  return {
    spec: {
      $schema: SCHEMA,
      title: {
        text: several
          ? `${names.join(' and ')} over ${baseline} mapping: ours (bars) against the paper's ${PAPER_CANDIDATE} mapping (band)`
          : `${capitalised(PAPER_CANDIDATE)} over ${baseline} mapping: ours (bars) against the paper (band)`,
        subtitle: PAPER_CITATION,
      },
      data: { values },
      facet: {
        column: METRIC_PANELS,
      },
      spec: {
        width: 170,
        height: 240,
        layer: [
          // 1x: no gain, for scale.
          {
            transform: [{ filter: 'datum.first' }],
            mark: { type: 'rule', strokeDash: [4, 3], color: '#888' },
            encoding: { y: { datum: 1 } },
          },
          {
            mark: { type: 'bar', ...(several ? {} : { color: '#4c78a8' }) },
            encoding: {
              x: { ...x, title: null, axis: { labelAngle: -30 } },
              ...byMapping,
              y: {
                field: 'value',
                type: 'quantitative',
                title: `${several ? 'mapping' : PAPER_CANDIDATE} over ${baseline} (x)`,
              },
              ...(several
                ? {
                    color: {
                      field: 'mapping',
                      type: 'nominal' as const,
                      scale: colorsOf(names),
                      title: 'mapping',
                    },
                  }
                : {}),
              tooltip: [{ field: 'network' }, { field: 'mapping' }, { field: 'value', format: '.3f' }],
            },
          },
          {
            transform: [{ filter: 'datum.first' }],
            // Over the bars, translucent, so the range shows where a bar covers it.
            mark: { type: 'rect', color: '#54a24b', opacity: 0.3, stroke: '#54a24b', strokeWidth: 1 },
            encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
          },
          {
            mark: { type: 'text', dy: -6, fontSize: several ? 8 : 10 },
            encoding: {
              x,
              ...byMapping,
              y: { field: 'value', type: 'quantitative' },
              text: { field: 'value', type: 'quantitative', format: '.2f' },
            },
          },
        ],
      },
      resolve: { scale: { y: 'independent' } },
      config: FIGURE_CONFIG,
    },
  };
}

/**
 * How each pruned layer uses its pattern library (pattern-histogram.csv of `ousim prune`): one panel
 * per layer, the share of its kept kernels per pattern, most used first. A flat profile is what
 * i.i.d. synthetic weights give; trained weights concentrate on a few patterns.
 */
export function patternHistogram(rows: readonly Row[]): Built {
  const need = ['layer', 'pattern', 'positions', 'kernels', 'fraction', 'rank'];
  const missing = need.find((c) => rows.length > 0 && !(c in rows[0]));
  if (rows.length === 0 || missing) return { skipped: `pattern-histogram.csv has no ${missing ?? 'rows'}` };
  const order = new Map<string, number>();
  const values: Datum[] = rows.map((row) => {
    if (!order.has(row.layer)) order.set(row.layer, order.size);
    return {
      layer: row.layer,
      order: order.get(row.layer)!,
      rank: num(row, 'rank'),
      fraction: num(row, 'fraction'),
      kernels: num(row, 'kernels'),
      positions: row.positions,
      pattern: num(row, 'pattern'),
    };
  });
  return {
    spec: {
      $schema: SCHEMA,
      title: 'Pattern use per layer: share of kept kernels per library pattern, most used first',
      data: { values },
      facet: { field: 'layer', type: 'nominal', sort: { field: 'order', op: 'min' }, title: null },
      columns: 4,
      spec: {
        width: 150,
        height: 90,
        mark: 'bar',
        encoding: {
          x: { field: 'rank', type: 'ordinal', title: 'pattern (by use)' },
          y: {
            field: 'fraction',
            type: 'quantitative',
            title: 'share of kernels',
            scale: { domain: [0, 1] },
          },
          tooltip: [
            { field: 'pattern' },
            { field: 'positions' },
            { field: 'kernels' },
            { field: 'fraction' },
          ],
        },
      },
      config: FIGURE_CONFIG,
    },
  };
}

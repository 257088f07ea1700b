/**
 * The sensitivity (tornado) figure: how far pattern's three ratios over dense move when one key of
 * the arch or the mapper options changes at a time (scripts/fig-sensitivity.sh).
 *
 * Input: a folder of `ousim compare` results, one sub-folder per changed value named
 * `<key>=<value>` (`ou=4x8`, `pattern.connectivity=3.6`, `replication-budget=40000`) and one named
 * `baseline` (nothing changed). The folder names are the labels: ousim does not guess which of a
 * run's overrides is "the" key (an OU shape sets ou.rows, ou.cols and adc.bits together).
 * Output: the tidy table sensitivity.csv, one row per (key, value, network, ratio), and the figure.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { num, readCsvFile, type CsvTable } from '../output/csv-text.ts';
import { COMPARE_METRICS, PAPER_CITATION, PAPER_RANGES } from '../sweep/paper.ts';
import { FIGURE_CONFIG } from './render.ts';
import { METRIC_PANELS, type Built } from './specs.ts';

export const SENSITIVITY_CSV = 'sensitivity.csv';
export const SENSITIVITY_COLUMNS = ['key', 'value', 'network', 'ratio', 'pattern_over_dense'] as const;
export const BASELINE = 'baseline';

type Row = Readonly<Record<string, string>>;

/** The keys of issue 15 first, in this order; any other key after them, alphabetically. */
const KEY_ORDER = [
  'ou',
  'pattern.connectivity',
  'pattern.count',
  'adc.perCrossbar',
  'leakage',
  'replication-budget',
  'skip-zero-ous',
  'inputSelect',
];

function keyRank(key: string): number {
  if (key === BASELINE) return -1;
  const i = KEY_ORDER.indexOf(key);
  return i >= 0 ? i : KEY_ORDER.length;
}

/** Numeric order of values: `4x8` by rows then columns, numbers as numbers, words last. */
function valueRank(value: string): number {
  const shape = /^(\d+)x(\d+)$/.exec(value);
  if (shape) return Number(shape[1]) * 1e6 + Number(shape[2]);
  const n = Number(value);
  return Number.isFinite(n) ? n : Infinity;
}

function byKeyThenValue(a: Row, b: Row): number {
  return (
    keyRank(a.key) - keyRank(b.key) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
    valueRank(a.value) - valueRank(b.value) ||
    (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)
  );
}

/**
 * The tidy table of a folder of compare results (see the file comment), or undefined when the
 * folder holds no `baseline` or `<key>=<value>` sub-folder with a compare.csv. Rows: by key (issue
 * order), value (numeric), then each compare.csv's network order and the three ratios in order.
 */
export function collectSensitivity(dir: string): CsvTable | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  const runs: Row[] = [];
  for (const name of readdirSync(dir).sort()) {
    const match = name === BASELINE ? [name, BASELINE, ''] : /^([^=]+)=(.+)$/.exec(name);
    if (!match) continue;
    const compare = readCsvFile(join(dir, name, 'compare.csv'));
    if (!compare) continue;
    runs.push({ key: match[1], value: match[2], folder: name });
  }
  if (runs.length === 0) return undefined;
  const rows: Record<string, string>[] = [];
  for (const run of runs.sort(byKeyThenValue)) {
    const compare = readCsvFile(join(dir, run.folder, 'compare.csv'))!;
    for (const line of compare.rows)
      for (const ratio of COMPARE_METRICS) {
        if (!(ratio in line)) continue;
        rows.push({
          key: run.key,
          value: run.value,
          network: line.network,
          ratio,
          pattern_over_dense: line[ratio],
        });
      }
  }
  return { header: [...SENSITIVITY_COLUMNS], rows };
}

type Datum = Record<string, string | number | boolean>;

/**
 * Tornado: a panel per (network, ratio); one line per key from the smallest to the largest ratio
 * its values give (the baseline included), a dot and a label per value, the baseline as a dashed
 * line and the paper's range as a band. Log x scale: 0.7x and 6.4x are the same distance from 1x
 * as their inverses would be.
 */
export function sensitivityTornado(rows: readonly Row[]): Built {
  const missing = SENSITIVITY_COLUMNS.find((c) => rows.length > 0 && !(c in rows[0]));
  if (rows.length === 0 || missing) return { skipped: `${SENSITIVITY_CSV} has no ${missing ?? 'rows'}` };
  const baseline = new Map<string, number>();
  for (const row of rows)
    if (row.key === BASELINE) baseline.set(`${row.network}|${row.ratio}`, num(row, 'pattern_over_dense'));
  if (baseline.size === 0) return { skipped: `${SENSITIVITY_CSV} has no ${BASELINE} rows` };

  const networks = [...new Set(rows.map((r) => r.network))];
  const values: Datum[] = [];
  const spans = new Map<string, Datum>();
  const points = new Map<string, Datum>();
  for (const row of rows) {
    const x = num(row, 'pattern_over_dense');
    const base = baseline.get(`${row.network}|${row.ratio}`);
    const metric = COMPARE_METRICS.indexOf(row.ratio as (typeof COMPARE_METRICS)[number]);
    if (!Number.isFinite(x) || base === undefined || metric < 0) continue;
    const { low, high, label } = PAPER_RANGES[COMPARE_METRICS[metric]];
    const common = {
      network: row.network,
      network_order: networks.indexOf(row.network),
      // Two header lines, split by the header's labelExpr (as in the paper-comparison figure).
      panel: `${label}|paper: ${low.toFixed(2)}x-${high.toFixed(2)}x`,
      metric_order: metric,
    };
    if (row.key === BASELINE) {
      values.push({ ...common, kind: 'baseline', x, low, high });
      continue;
    }
    const spanKey = `${row.network}|${row.ratio}|${row.key}`;
    // Values that give the same ratio to 3 digits share one dot and one label ("2, 4, 8").
    const pointKey = `${spanKey}|${x.toPrecision(3)}`;
    const point = points.get(pointKey);
    if (point) point.value = `${String(point.value)}, ${row.value}`;
    else
      points.set(pointKey, { ...common, kind: 'value', key: row.key, value: row.value, x, group: spanKey });
    const span = spans.get(spanKey) ?? { ...common, kind: 'span', key: row.key, lo: base, hi: base };
    span.lo = Math.min(span.lo as number, x);
    span.hi = Math.max(span.hi as number, x);
    spans.set(spanKey, span);
  }
  // Labels alternate above and below the line, in order of x, so that neighbours do not overlap.
  const rank = new Map<string, number>();
  for (const point of [...points.values()].sort((a, b) => (a.x as number) - (b.x as number))) {
    const n = rank.get(point.group as string) ?? 0;
    rank.set(point.group as string, n + 1);
    values.push({ ...point, above: n % 2 === 0 });
  }
  values.push(...spans.values());
  if (!values.some((v) => v.kind === 'value'))
    return { skipped: `${SENSITIVITY_CSV} has no rows other than ${BASELINE}` };
  const keys = [...new Set(rows.filter((r) => r.key !== BASELINE).map((r) => r.key))].sort(
    (a, b) => keyRank(a) - keyRank(b) || (a < b ? -1 : 1),
  );
  const y = { field: 'key', type: 'nominal' as const, sort: keys, title: null };
  const x = {
    type: 'quantitative' as const,
    scale: { type: 'log' as const },
    title: 'pattern over dense (x, log)',
  };
  return {
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: 'Sensitivity of pattern over dense: one key changed at a time (dashed: the paper preset)',
        subtitle: `band: ${PAPER_CITATION}`,
      },
      data: { values },
      facet: {
        row: { field: 'network', type: 'nominal', title: null, sort: { field: 'network_order', op: 'min' } },
        column: METRIC_PANELS,
      },
      spec: {
        width: 230,
        height: { step: 34 },
        layer: [
          {
            transform: [{ filter: "datum.kind === 'baseline'" }],
            mark: { type: 'rect', color: '#54a24b', opacity: 0.25 },
            encoding: { x: { field: 'low', ...x }, x2: { field: 'high' } },
          },
          {
            transform: [{ filter: "datum.kind === 'span'" }],
            mark: { type: 'rule', color: '#4c78a8', strokeWidth: 8, opacity: 0.35 },
            encoding: { y, x: { field: 'lo', ...x }, x2: { field: 'hi' } },
          },
          {
            transform: [{ filter: "datum.kind === 'baseline'" }],
            mark: { type: 'rule', strokeDash: [4, 3], color: '#333' },
            encoding: { x: { field: 'x', ...x } },
          },
          {
            transform: [{ filter: "datum.kind === 'value'" }],
            mark: { type: 'circle', size: 40, color: '#4c78a8', opacity: 1 },
            encoding: {
              y,
              x: { field: 'x', ...x },
              tooltip: [{ field: 'key' }, { field: 'value' }, { field: 'x', format: '.3f', title: 'ratio' }],
            },
          },
          {
            transform: [{ filter: "datum.kind === 'value' && datum.above" }],
            mark: { type: 'text', dy: -9, fontSize: 8, color: '#222' },
            encoding: { y, x: { field: 'x', ...x }, text: { field: 'value' } },
          },
          {
            transform: [{ filter: "datum.kind === 'value' && !datum.above" }],
            mark: { type: 'text', dy: 10, fontSize: 8, color: '#222' },
            encoding: { y, x: { field: 'x', ...x }, text: { field: 'value' } },
          },
        ],
      },
      resolve: { scale: { x: 'independent' } },
      config: FIGURE_CONFIG,
    },
  };
}

/**
 * The comparison the project exists for: pattern mapping over dense mapping on the same arch and
 * the same pruned network, in the paper's three figures (Yu et al., arXiv 2010.06156, abstract;
 * see docs/references.md). The paper's ranges are only drawn next to ours: nothing in
 * the model reads them.
 */
import type { RunResult } from '../sim/types.ts';

export const PAPER_CITATION = 'Yu et al., arXiv 2010.06156 (NVMSA 2021), abstract';

export const COMPARE_METRICS = ['crossbar_area_efficiency', 'energy_efficiency', 'speedup'] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];

export interface PaperRange {
  low: number;
  high: number;
  label: string;
  /** The dense / pattern quantity behind the ratio. */
  basis: string;
}

export const PAPER_RANGES: Record<CompareMetric, PaperRange> = {
  crossbar_area_efficiency: {
    low: 4.16,
    high: 5.2,
    label: 'crossbar area efficiency',
    basis: 'crossbar area',
  },
  energy_efficiency: { low: 1.98, high: 2.15, label: 'energy efficiency', basis: 'energy per inference' },
  speedup: { low: 1.15, high: 1.35, label: 'speedup', basis: 'cycles per inference' },
};

// A type alias, not an interface, so that a row passes as a CSV record.
export type CompareRow = {
  network: string;
  crossbar_area_efficiency: number;
  energy_efficiency: number;
  speedup: number;
  /** Crossbar area efficiency over the layers the pattern mapper maps by pattern (3x3, pruned). */
  pattern_layers_crossbar_area_efficiency: number;
  dense_crossbars: number;
  pattern_crossbars: number;
  dense_crossbar_area_mm2: number;
  pattern_crossbar_area_mm2: number;
  dense_chip_area_mm2: number;
  pattern_chip_area_mm2: number;
  dense_energy_pj: number;
  pattern_energy_pj: number;
  dense_cycles: number;
  pattern_cycles: number;
  dense_latency_ns: number;
  pattern_latency_ns: number;
  /** Steady-state interval per image, dense over pattern (a throughput ratio); see docs/experiments.md. */
  throughput_speedup: number;
  images: number;
  dense_interval_cycles: number;
  pattern_interval_cycles: number;
  dense_throughput_images_per_s: number;
  pattern_throughput_images_per_s: number;
  dense_tops_per_w: number;
  pattern_tops_per_w: number;
  dense_first_latency_cycles: number;
  pattern_first_latency_cycles: number;
};

export const COMPARE_COLUMNS: readonly (keyof CompareRow)[] = [
  'network',
  'crossbar_area_efficiency',
  'energy_efficiency',
  'speedup',
  'pattern_layers_crossbar_area_efficiency',
  'dense_crossbars',
  'pattern_crossbars',
  'dense_crossbar_area_mm2',
  'pattern_crossbar_area_mm2',
  'dense_chip_area_mm2',
  'pattern_chip_area_mm2',
  'dense_energy_pj',
  'pattern_energy_pj',
  'dense_cycles',
  'pattern_cycles',
  'dense_latency_ns',
  'pattern_latency_ns',
  'throughput_speedup',
  'images',
  'dense_interval_cycles',
  'pattern_interval_cycles',
  'dense_throughput_images_per_s',
  'pattern_throughput_images_per_s',
  'dense_tops_per_w',
  'pattern_tops_per_w',
  'dense_first_latency_cycles',
  'pattern_first_latency_cycles',
];

/** Pattern over dense for one network: each ratio is dense cost / pattern cost (same work). */
export function compareRow(dense: RunResult, pattern: RunResult): CompareRow {
  return {
    network: dense.network,
    crossbar_area_efficiency: ratio(dense.crossbarAreaMm2, pattern.crossbarAreaMm2),
    energy_efficiency: ratio(dense.energyPj, pattern.energyPj),
    speedup: ratio(dense.cycles, pattern.cycles),
    pattern_layers_crossbar_area_efficiency: patternLayersAreaEfficiency(dense, pattern),
    dense_crossbars: dense.crossbars,
    pattern_crossbars: pattern.crossbars,
    dense_crossbar_area_mm2: dense.crossbarAreaMm2,
    pattern_crossbar_area_mm2: pattern.crossbarAreaMm2,
    dense_chip_area_mm2: dense.chipAreaMm2,
    pattern_chip_area_mm2: pattern.chipAreaMm2,
    dense_energy_pj: dense.energyPj,
    pattern_energy_pj: pattern.energyPj,
    dense_cycles: dense.cycles,
    pattern_cycles: pattern.cycles,
    dense_latency_ns: dense.latencyNs,
    pattern_latency_ns: pattern.latencyNs,
    throughput_speedup: ratio(dense.stream.intervalCycles, pattern.stream.intervalCycles),
    images: dense.stream.images,
    dense_interval_cycles: dense.stream.intervalCycles,
    pattern_interval_cycles: pattern.stream.intervalCycles,
    dense_throughput_images_per_s: 1e9 / dense.stream.intervalNs,
    pattern_throughput_images_per_s: 1e9 / pattern.stream.intervalNs,
    dense_tops_per_w: topsPerWatt(dense),
    pattern_tops_per_w: topsPerWatt(pattern),
    dense_first_latency_cycles: dense.stream.firstLatencyCycles,
    pattern_first_latency_cycles: pattern.stream.firstLatencyCycles,
  };
}

/** Ops (2 x MACs) per pJ of energy per image: TOPS/W (the interval cancels; see src/output/csv.ts). */
function topsPerWatt(r: RunResult): number {
  const macs = r.layers.reduce((sum, l) => sum + l.macs, 0);
  return (2 * macs) / (r.energyPj / r.stream.images);
}

/**
 * Crossbars of the layers the candidate places differently from the baseline (another
 * LayerMapping.scheme: pattern's `pattern/<packing>` layers against dense), baseline over
 * candidate: the figure the mapping itself achieves, without the layers (FC, 1x1, 7x7) both place
 * the same way.
 */
function patternLayersAreaEfficiency(dense: RunResult, pattern: RunResult): number {
  const baseScheme = new Map(dense.layers.map((l) => [l.layer, l.scheme]));
  const patterned = new Set(
    pattern.layers.filter((l) => l.scheme !== '' && l.scheme !== baseScheme.get(l.layer)).map((l) => l.layer),
  );
  const sum = (r: RunResult) => r.layers.reduce((s, l) => s + (patterned.has(l.layer) ? l.crossbars : 0), 0);
  return ratio(sum(dense), sum(pattern));
}

/** A compare.csv row for any set of mappings over dense (see compareColumns). */
export type CompareRecord = Record<string, string | number>;

/** The paper's baseline: what `ousim compare` measures the other mappings against by default. */
export const BASELINE_MAPPING = 'dense';

/**
 * The mapping the paper's figures and ranges are about. Over the paper's baseline it keeps the
 * column names compare.csv always had (`crossbar_area_efficiency`, `pattern_crossbars`, ...) and the
 * table with the paper's ranges; any other pair is written under the candidate's prefix.
 */
export const PAPER_CANDIDATE = 'pattern';

/** The candidate that gets the paper's columns and table in a comparison over `baseline`, if any. */
function paperCandidateOf(mappings: readonly string[], baseline: string): string | undefined {
  return baseline === BASELINE_MAPPING && mappings.includes(PAPER_CANDIDATE) ? PAPER_CANDIDATE : undefined;
}

/** Columns shared by every mapping of a row (not ratios, not one mapping's figures). */
const SHARED_COLUMNS: readonly string[] = ['network', 'images'];

/**
 * The columns of a compare.csv row that name a quantity of one mapping: `dense_<x>` (the baseline's)
 * and `pattern_<x>` (the candidate's) in COMPARE_COLUMNS; the rest (but the shared ones) are ratios.
 */
const BASE_PREFIX = `${BASELINE_MAPPING}_`;
const CANDIDATE_PREFIX = `${PAPER_CANDIDATE}_`;
const FIGURE_SUFFIXES = COMPARE_COLUMNS.filter((c) => c.startsWith(BASE_PREFIX)).map((c) =>
  c.slice(BASE_PREFIX.length),
);
const RATIO_COLUMNS = COMPARE_COLUMNS.filter(
  (c) =>
    !SHARED_COLUMNS.includes(c) &&
    !FIGURE_SUFFIXES.some((x) => c === `${BASE_PREFIX}${x}` || c === `${CANDIDATE_PREFIX}${x}`),
);
/** Ratios every candidate gets (the pattern-layers one is the paper candidate's alone). */
const GENERIC_RATIOS = RATIO_COLUMNS.filter((c) => !c.startsWith(CANDIDATE_PREFIX));

/**
 * Ratio column names of one candidate over the baseline: the paper's candidate over the paper's
 * baseline keeps the names compare.csv always had (`crossbar_area_efficiency`, ...); any other
 * candidate prefixes them with its name (`sre_crossbar_area_efficiency`, ...).
 */
export function ratioColumnsOf(mapping: string, baseline = BASELINE_MAPPING): string[] {
  if (mapping === paperCandidateOf([mapping], baseline)) return [...RATIO_COLUMNS];
  return GENERIC_RATIOS.map((c) => `${mapping}_${c}`);
}

/**
 * compare.csv's columns for `mappings` over `baseline` (among them): COMPARE_COLUMNS as they always
 * were (the baseline's figures under its name; without the paper candidate's columns when it is not
 * compared over the paper's baseline), then, per further candidate in the order given, its ratios
 * over the baseline and its figures (`sre_speedup`, ..., `sre_crossbars`, ...). Columns only ever
 * get appended, so scripts that read compare.csv by position keep working.
 */
export function compareColumns(mappings: readonly string[], baseline = BASELINE_MAPPING): string[] {
  const headline = paperCandidateOf(mappings, baseline);
  const base = COMPARE_COLUMNS.filter(
    (c) => headline !== undefined || !(c.startsWith(CANDIDATE_PREFIX) || RATIO_COLUMNS.includes(c)),
  ).map((c) => (c.startsWith(BASE_PREFIX) ? `${baseline}_${c.slice(BASE_PREFIX.length)}` : c));
  const others = mappings.filter((m) => m !== baseline && m !== headline);
  return [
    ...base,
    ...others.flatMap((m) => [...ratioColumnsOf(m, baseline), ...FIGURE_SUFFIXES.map((x) => `${m}_${x}`)]),
  ];
}

/** One network's compare.csv row: every result of `results` (by mapping) over the baseline's. */
export function compareRecord(
  results: ReadonlyMap<string, RunResult>,
  baseline = BASELINE_MAPPING,
): CompareRecord {
  const base = results.get(baseline)!;
  const headline = paperCandidateOf([...results.keys()], baseline);
  const record: CompareRecord = {};
  for (const [mapping, result] of results) {
    // compareRow computes a candidate over the baseline under the paper's column names; rename them.
    const row: CompareRecord = compareRow(base, result);
    for (const column of SHARED_COLUMNS) record[column] = row[column];
    if (mapping !== baseline) {
      const names = ratioColumnsOf(mapping, baseline);
      const sources = mapping === headline ? RATIO_COLUMNS : GENERIC_RATIOS;
      sources.forEach((column, i) => (record[names[i]] = row[column]));
    }
    for (const x of FIGURE_SUFFIXES) record[`${mapping}_${x}`] = row[`${CANDIDATE_PREFIX}${x}`];
  }
  return record;
}

function ratio(dense: number, pattern: number): number {
  return pattern > 0 ? dense / pattern : NaN;
}

/** Where a figure lies against the paper's range. */
export function placement(metric: CompareMetric, value: number): 'below' | 'within' | 'above' {
  const { low, high } = PAPER_RANGES[metric];
  // Compare at the paper's precision (two decimals), so 4.155 reads as the 4.16 it prints as.
  const rounded = Math.round(value * 100) / 100;
  return rounded < low ? 'below' : rounded > high ? 'above' : 'within';
}

/**
 * The terminal table: per candidate over the baseline (in `mappings` order), one line per network;
 * the paper candidate's table (over the paper's baseline) ends with the paper's ranges.
 */
export function formatCompareTable(
  rows: readonly CompareRecord[],
  mappings: readonly string[] = [BASELINE_MAPPING, PAPER_CANDIDATE],
  baseline = BASELINE_MAPPING,
): string {
  const headline = paperCandidateOf(mappings, baseline);
  return mappings
    .filter((m) => m !== baseline)
    .map((m) => (m === headline ? patternTable(rows) : mappingTable(rows, m, baseline)))
    .join('\n\n');
}

function patternTable(rows: readonly CompareRecord[]): string {
  const headers = [
    'network',
    ...COMPARE_METRICS.map((m) => PAPER_RANGES[m].label),
    'area efficiency, pattern-mapped layers',
    'throughput speedup',
    `TOPS/W ${BASELINE_MAPPING}, ${PAPER_CANDIDATE}`,
  ];
  const body = rows.map((row) => {
    const throughput = Number(row.throughput_speedup);
    const where = placement('speedup', throughput);
    return [
      String(row.network),
      ...COMPARE_METRICS.map((m) => {
        const value = Number(row[m]);
        const place = placement(m, value);
        return `${value.toFixed(2)}x${place === 'within' ? '' : ` (${place})`}`;
      }),
      `${Number(row.pattern_layers_crossbar_area_efficiency).toFixed(2)}x`,
      `${throughput.toFixed(2)}x${where === 'within' ? '' : ` (${where})`}`,
      `${Number(row[`${BASE_PREFIX}tops_per_w`]).toFixed(3)}, ${Number(row[`${CANDIDATE_PREFIX}tops_per_w`]).toFixed(3)}`,
    ];
  });
  const speedupRange = `${PAPER_RANGES.speedup.low.toFixed(2)}x-${PAPER_RANGES.speedup.high.toFixed(2)}x`;
  const paper = [
    'paper',
    ...COMPARE_METRICS.map((m) => `${PAPER_RANGES[m].low.toFixed(2)}x-${PAPER_RANGES[m].high.toFixed(2)}x`),
    '',
    `(speedup) ${speedupRange}`,
    '',
  ];
  return [
    ...textTable([headers, ...body], [paper]),
    `${PAPER_CANDIDATE} over ${BASELINE_MAPPING} on the same arch and pruned network; paper: ${PAPER_CITATION}`,
  ].join('\n');
}

/** Another candidate over the baseline: its three figures per network (the paper's ranges are not its). */
function mappingTable(rows: readonly CompareRecord[], mapping: string, baseline: string): string {
  const headers = [
    'network',
    ...COMPARE_METRICS.map((m) => `${mapping}: ${PAPER_RANGES[m].label}`),
    `${mapping}: throughput speedup`,
    `TOPS/W ${mapping}`,
  ];
  const body = rows.map((row) => [
    String(row.network),
    ...COMPARE_METRICS.map((m) => `${Number(row[`${mapping}_${m}`]).toFixed(2)}x`),
    `${Number(row[`${mapping}_throughput_speedup`]).toFixed(2)}x`,
    Number(row[`${mapping}_tops_per_w`]).toFixed(3),
  ]);
  return [
    ...textTable([headers, ...body], []),
    `${mapping} over ${baseline} on the same arch and pruned network`,
  ].join('\n');
}

/** Header, rule, body lines; then, after a second rule, the footer lines (if any). */
function textTable(table: string[][], footer: string[][]): string[] {
  const all = [...table, ...footer];
  const widths = table[0].map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const [headers, ...body] = table;
  return [line(headers), rule, ...body.map(line), ...(footer.length > 0 ? [rule, ...footer.map(line)] : [])];
}

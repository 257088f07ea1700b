/**
 * `ousim figures`: draw every figure that the CSVs in a results folder support, as SVG and PNG,
 * and say which ones were skipped and why. Drawing nothing at all is bad input (exit 2).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../util/errors.ts';
import { OutputFolder } from '../output/atomic.ts';
import { csvDocument, readCsvFile, type CsvTable } from '../output/csv-text.ts';
import { MANIFEST_FILE, readManifest } from '../sweep/manifest.ts';
import { specToSvg, svgToPng } from './render.ts';
import { collectSensitivity, SENSITIVITY_CSV, sensitivityTornado } from './sensitivity.ts';
import {
  crossbarsPerLayer,
  energyBreakdown,
  HEATMAP_METRICS,
  paperComparison,
  patternHistogram,
  sweepHeatmap,
  type Built,
} from './specs.ts';

/** The figures, by file name (without extension), and the CSV each one needs. */
export const FIGURES = [
  { name: 'crossbars-per-layer', csv: 'layers.csv' },
  { name: 'energy-breakdown', csv: 'summary.csv' },
  { name: 'sweep-heatmap-energy', csv: 'sweep.csv' },
  { name: 'sweep-heatmap-latency', csv: 'sweep.csv' },
  { name: 'paper-comparison', csv: 'compare.csv' },
  { name: 'pattern-histogram', csv: 'pattern-histogram.csv' },
  // sensitivity.csv, or else the compare results in <in>/baseline and <in>/<key>=<value> (sensitivity.ts).
  { name: 'sensitivity', csv: SENSITIVITY_CSV },
] as const;

export type FigureName = (typeof FIGURES)[number]['name'];

export interface FigureOutcome {
  name: FigureName;
  files: string[];
  skipped?: string;
}

export interface FigureOptions {
  /** Only these figures (default: all). */
  only?: readonly FigureName[];
  png?: boolean;
}

export async function makeFigures(
  inDir: string,
  outDir: string,
  options: FigureOptions = {},
): Promise<FigureOutcome[]> {
  const input = resolve(inDir);
  if (!existsSync(input)) throw new InputError('--in', '', `no such folder '${inDir}'`);
  const tables = new Map<string, CsvTable | undefined>();
  const table = (name: string) => {
    if (!tables.has(name))
      tables.set(
        name,
        readCsvFile(join(input, name)) ?? (name === SENSITIVITY_CSV ? collectSensitivity(input) : undefined),
      );
    return tables.get(name);
  };
  const wanted = FIGURES.filter((f) => !options.only || options.only.includes(f.name));
  if (wanted.every((f) => !table(f.csv)))
    throw new InputError(
      '--in',
      '',
      `'${inDir}' holds none of ${[...new Set(wanted.map((f) => f.csv))].join(', ')}; point it at a results folder`,
    );

  const folder = new OutputFolder(outDir);
  const outcomes: FigureOutcome[] = [];
  try {
    for (const figure of wanted) {
      const rows = table(figure.csv);
      if (!rows) {
        outcomes.push({ name: figure.name, files: [], skipped: `no ${figure.csv}` });
        continue;
      }
      const built = build(figure.name, rows, input);
      if ('skipped' in built) {
        outcomes.push({ name: figure.name, files: [], skipped: built.skipped });
        continue;
      }
      const svg = await specToSvg(built.spec);
      folder.write(`${figure.name}.svg`, svg);
      const files = [`${figure.name}.svg`];
      // The tidy table behind the tornado, which may have been gathered from sub-folders.
      if (figure.name === 'sensitivity') {
        folder.write(SENSITIVITY_CSV, csvDocument(rows.header, rows.rows));
        files.push(SENSITIVITY_CSV);
      }
      if (options.png !== false) {
        folder.write(`${figure.name}.png`, svgToPng(svg));
        files.push(`${figure.name}.png`);
      }
      outcomes.push({ name: figure.name, files: files.map((f) => join(folder.out, f)) });
    }
    if (outcomes.every((o) => o.skipped))
      throw new InputError(
        '--in',
        '',
        `nothing to draw from '${inDir}' (${outcomes.map((o) => `${o.name}: ${o.skipped}`).join('; ')})`,
      );
    folder.commit();
  } catch (error) {
    folder.discard();
    throw error;
  }
  return outcomes;
}

function build(name: FigureName, table: CsvTable, input: string): Built {
  switch (name) {
    case 'crossbars-per-layer':
      return crossbarsPerLayer(table.rows);
    case 'energy-breakdown':
      return energyBreakdown(table.rows);
    case 'sweep-heatmap-energy':
      return sweepHeatmap(table.rows, HEATMAP_METRICS.energy, sweptKeys(table, input));
    case 'sweep-heatmap-latency':
      return sweepHeatmap(table.rows, HEATMAP_METRICS.latency, sweptKeys(table, input));
    case 'paper-comparison':
      return paperComparison(table.rows);
    case 'pattern-histogram':
      return patternHistogram(table.rows);
    case 'sensitivity':
      return sensitivityTornado(table.rows);
  }
}

/** A sweep.json to draw from; one of an older ousim (or damaged) is ignored: the columns tell. */
function readManifestIfCurrent(path: string): ReturnType<typeof readManifest> {
  try {
    return readManifest(path);
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

/**
 * The keys a sweep varied: from its sweep.json when present (axes with more than one value),
 * else the columns between `point` and `repriced` that hold more than one value.
 */
export function sweptKeys(table: CsvTable, input: string): string[] {
  const manifest = readManifestIfCurrent(join(input, MANIFEST_FILE));
  if (manifest) return manifest.axes.filter((a) => a.values.length > 1).map((a) => a.key);
  const start = table.header.indexOf('point');
  const end = table.header.indexOf('repriced');
  const candidates = start >= 0 && end > start ? table.header.slice(start + 1, end) : [];
  return candidates.filter((c) => new Set(table.rows.map((r) => r[c])).size > 1);
}

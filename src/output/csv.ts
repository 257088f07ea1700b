/**
 * The result files of a run (docs/design.md §5): summary.csv, layers.csv, components.csv and
 * config.resolved.json. Column names are a contract that figure scripts and users rely on; numbers
 * are written as JavaScript prints them (shortest round-trip form), so equal runs give equal bytes.
 */
import { ACTION_NAMES, ENERGY_PARTS, type ActionCounts, type EnergyBreakdown } from '../energy/actions.ts';
import { totalEnergy } from '../energy/price.ts';
import type { LayerResult, RunResult } from '../sim/types.ts';
import type { OutputFolder } from './atomic.ts';
import { snakeCase } from '../util/case.ts';
import { toCsv, type CsvRow, type CsvValue } from './csv-text.ts';

function energyColumns(energy: EnergyBreakdown): CsvRow {
  const row: CsvRow = {};
  for (const part of ENERGY_PARTS) row[`energy_${part}_pj`] = energy[part];
  return row;
}

function countColumns(counts: ActionCounts): CsvRow {
  const row: CsvRow = {};
  for (const name of ACTION_NAMES) row[`${snakeCase(name)}_count`] = counts[name];
  return row;
}

/**
 * Throughput figures of a stream of images (docs/simulation.md, "Figures of merit"): ops = 2 x MACs
 * per image (a multiply and an add, as ISAAC, PUMA and NeuroSim count them); TOPS = ops per image /
 * interval; TOPS/W = ops / energy per image (power = energy per image / interval, so the interval
 * cancels); TOPS/mm2 = TOPS / chip area. Energy per image is the run's energy over its images
 * (leakage over the whole makespan included).
 */
function streamColumns(r: RunResult, macs: number, energyPj: number, chipLevel: boolean): CsvRow {
  const { images, firstLatencyCycles, intervalCycles, intervalNs } = r.stream;
  const seconds = intervalNs * 1e-9;
  const ops = 2 * macs;
  const energyPerImage = energyPj / images;
  const tops = seconds > 0 ? ops / seconds / 1e12 : 0;
  return {
    images,
    first_latency_cycles: firstLatencyCycles,
    interval_cycles: intervalCycles,
    throughput_images_per_s: seconds > 0 ? 1 / seconds : 0,
    energy_per_image_pj: energyPerImage,
    tops,
    tops_per_w: energyPerImage > 0 ? ops / energyPerImage : 0,
    tops_per_mm2: r.chipAreaMm2 > 0 ? tops / r.chipAreaMm2 : 0,
    ...(chipLevel ? { steady_state_image: r.stream.steadyFromImage } : {}),
  };
}

/** One row per (network, mapping). */
export function summaryRows(results: readonly RunResult[]): CsvRow[] {
  return results.map((r) => summaryRow(r));
}

function summaryRow(r: RunResult): CsvRow {
  const macs = r.layers.reduce((sum, l) => sum + l.macs, 0);
  return {
    network: r.network,
    mapping: r.mapping,
    fidelity: r.fidelity,
    crossbars: r.crossbars,
    tiles: r.inventory.tiles,
    crossbar_area_mm2: r.crossbarAreaMm2,
    chip_area_mm2: r.chipAreaMm2,
    cycles: r.cycles,
    latency_ns: r.latencyNs,
    energy_pj: r.energyPj,
    ...energyColumns(r.energy),
    macs,
    index_bits: r.inventory.indexBits,
    adc_bits: r.adcBits,
    adc_lossless_bits: r.adcLosslessBits,
    ...countColumns(r.counts),
    ...streamColumns(r, macs, r.energyPj, true),
    // Added last so that scripts reading columns by position keep working.
    extra_output_register_bits: r.inventory.extraOutputRegisterBits ?? 0,
  };
}

/**
 * A layers.csv column added from outside this file (docs/extending.md, "A new layers.csv column"):
 * its name (lower snake case, ending with its unit, as every column) and its value for one layer of
 * one run. Registered columns come after the built-in ones, in registration order.
 */
export interface LayerColumn {
  name: string;
  value: (layer: LayerResult, run: RunResult) => CsvValue;
}

const LAYER_COLUMNS: LayerColumn[] = [];

/** Adds a layers.csv column; returns the function that removes it again (tests add toy ones). */
export function registerLayerColumn(column: LayerColumn): () => void {
  if (LAYER_COLUMNS.some((c) => c.name === column.name))
    throw new Error(`layers.csv column '${column.name}' is registered twice`);
  LAYER_COLUMNS.push(column);
  return () => {
    const index = LAYER_COLUMNS.indexOf(column);
    if (index >= 0) LAYER_COLUMNS.splice(index, 1);
  };
}

/**
 * One row per (network, mapping, layer). energy_leakage_pj is the static energy attributed to the
 * layer (its crossbars and its share of its tiles, simulate.ts priceLayerEnergy); the chip-level part
 * (leakage.chipOtherMw) is in summary.csv only.
 */
export function layerRows(results: readonly RunResult[]): CsvRow[] {
  const rows: CsvRow[] = [];
  for (const r of results) {
    for (const l of r.layers) {
      rows.push({
        network: r.network,
        mapping: r.mapping,
        layer: l.layer,
        type: l.type,
        scheme: l.scheme,
        macs: l.macs,
        crossbars: l.crossbars,
        tiles: l.tiles,
        cells_used: l.cellsUsed,
        utilisation: l.utilisation,
        blocks: l.blocks,
        matrix_rows: l.matrixRows,
        matrix_cols: l.matrixCols,
        ou_steps_per_vector: l.ouStepsPerVector,
        ou_steps_per_vector_max: l.ouStepsPerVectorMax,
        index_bits: l.indexBits,
        replication: l.replication,
        start_cycle: l.startCycle,
        end_cycle: l.endCycle,
        energy_pj: totalEnergy(l.energy),
        ...energyColumns(l.energy),
        ...countColumns(l.counts),
        // Added last so that scripts reading columns by position keep working; empty where n/a.
        input_zero_fraction: l.inputZeroFraction ?? '',
        input_bit_zero_fraction: l.inputBitZeroFraction ?? '',
        ou_steps_skipped_fraction: l.ouStepsSkippedFraction ?? '',
        ...streamColumns(r, l.macs, totalEnergy(l.energy), false),
        busy_fraction: l.busyFraction,
      });
      addRegisteredColumns(rows[rows.length - 1], l, r);
    }
  }
  return rows;
}

function addRegisteredColumns(row: CsvRow, layer: LayerResult, run: RunResult): void {
  for (const column of LAYER_COLUMNS) {
    if (column.name in row) throw new Error(`layers.csv column '${column.name}' is a built-in one`);
    row[column.name] = column.value(layer, run);
  }
}

/** Tidy long format: one row per (network, mapping, component, statistic). */
export function componentRows(results: readonly RunResult[]): CsvRow[] {
  const rows: CsvRow[] = [];
  for (const r of results) {
    for (const c of r.components) {
      rows.push({ network: r.network, mapping: r.mapping, ...c });
    }
  }
  return rows;
}

/** Stage summary.csv, layers.csv, components.csv and config.resolved.json into `folder`. */
export function writeRunOutputs(
  folder: OutputFolder,
  results: readonly RunResult[],
  resolvedConfig: unknown,
): void {
  folder.write('layers.csv', toCsv(layerRows(results)));
  folder.write('components.csv', toCsv(componentRows(results)));
  folder.write('config.resolved.json', `${JSON.stringify(resolvedConfig, null, 2)}\n`);
  folder.write('summary.csv', toCsv(summaryRows(results)));
}

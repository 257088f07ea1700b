/**
 * Mapping figures per layer and per network (the rows of `ousim map`'s layers.csv and summary.csv).
 * Per-vector figures count one input vector: every input slice of every OU step.
 */
import type { Arch } from '../config/arch.ts';
import { isWeightLayer, type Network } from '../workload/types.ts';
import { isPatternCandidate } from './pattern/mapper.ts';
import type { LayerMapping } from './types.ts';

export interface LayerRow {
  network: string;
  layer: string;
  mapping: string;
  scheme: string;
  macs: number;
  vectors: number;
  matrix_rows: number;
  matrix_cols: number;
  crossbars: number;
  replication: number;
  cells_used: number;
  utilisation: number;
  blocks: number;
  ou_steps_per_vector: number;
  ou_steps_per_vector_max: number;
  adc_conversions_per_vector: number;
  index_bits: number;
  muxes: number;
}

export interface SummaryRow {
  network: string;
  mapping: string;
  packing: string;
  weight_layers: number;
  crossbars: number;
  /** Crossbars of the 3x3 conv layers (not depthwise): the layers the two mappings place differently. */
  crossbars_3x3: number;
  cells_used: number;
  utilisation: number;
  blocks: number;
  ou_steps_per_inference: number;
  /** Sum over layers of the busiest crossbar's OU steps per inference (pipeline pace). */
  ou_steps_critical: number;
  adc_conversions_per_inference: number;
  index_bits: number;
  muxes: number;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function layerRow(network: string, mapping: LayerMapping, arch: Arch): LayerRow {
  let steps = 0;
  let maxSteps = 0;
  let conversions = 0;
  let cells = 0;
  for (const plan of mapping.crossbars) {
    steps += plan.ouRows.length;
    maxSteps = Math.max(maxSteps, plan.ouRows.length);
    for (const c of plan.ouCols) conversions += c;
    cells += plan.cellsUsed;
  }
  const capacity = mapping.crossbars.length * arch.crossbar.rows * arch.crossbar.cols;
  return {
    network,
    layer: mapping.layer,
    mapping: mapping.mapper,
    scheme: mapping.scheme ?? mapping.mapper,
    macs: mapping.macs,
    vectors: mapping.vectors,
    matrix_rows: mapping.matrixRows,
    matrix_cols: mapping.matrixCols,
    crossbars: mapping.crossbars.length,
    replication: mapping.replication,
    cells_used: cells,
    utilisation: capacity ? round(cells / capacity) : 0,
    blocks: mapping.blocks,
    ou_steps_per_vector: steps * mapping.inputSlices,
    ou_steps_per_vector_max: maxSteps * mapping.inputSlices,
    adc_conversions_per_vector: conversions * mapping.inputSlices,
    index_bits: mapping.indexBits,
    muxes: mapping.muxes,
  };
}

/** Totals of one network; crossbars count every replica. */
export function summaryRow(
  network: Network,
  mapper: string,
  packing: string,
  rows: LayerRow[],
  arch: Arch,
): SummaryRow {
  const weightLayers = network.layers.filter(isWeightLayer);
  const patterned = new Set(weightLayers.filter(isPatternCandidate).map((l) => l.name));
  let crossbars = 0;
  let crossbars3x3 = 0;
  let cells = 0;
  const sum = { blocks: 0, steps: 0, critical: 0, conversions: 0, indexBits: 0, muxes: 0 };
  for (const row of rows) {
    crossbars += row.crossbars * row.replication;
    if (patterned.has(row.layer)) crossbars3x3 += row.crossbars * row.replication;
    cells += row.cells_used * row.replication;
    sum.blocks += row.blocks;
    sum.steps += row.ou_steps_per_vector * row.vectors;
    sum.critical += (row.ou_steps_per_vector_max * row.vectors) / row.replication;
    sum.conversions += row.adc_conversions_per_vector * row.vectors;
    sum.indexBits += row.index_bits * row.replication;
    sum.muxes += row.muxes * row.replication;
  }
  return {
    network: network.name,
    mapping: mapper,
    packing,
    weight_layers: rows.length,
    crossbars,
    crossbars_3x3: crossbars3x3,
    cells_used: cells,
    utilisation: crossbars ? round(cells / (crossbars * arch.crossbar.rows * arch.crossbar.cols)) : 0,
    blocks: sum.blocks,
    ou_steps_per_inference: sum.steps,
    ou_steps_critical: round(sum.critical),
    adc_conversions_per_inference: sum.conversions,
    index_bits: sum.indexBits,
    muxes: sum.muxes,
  };
}

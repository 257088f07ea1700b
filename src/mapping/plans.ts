/**
 * Crossbar-plan assembly, shared by every mapper: the OU steps that tile a region, the CrossbarPlan
 * object itself, and the plans a whole layout implies (the slow reference the mappers' fast paths are
 * tested against). A mapper decides where weights go; how that becomes a CrossbarPlan is written here
 * once (the im2col tiles' occupancy, shared by dense and sre, is in tiling.ts).
 */
import type { LayerLayout, Region } from './layout.ts';
import type { CrossbarPlan, RowGroups } from './types.ts';

/** OU steps that tile an h x w region with OUs of `ou.rows` x `ou.cols`. */
export function regionStepCount(h: number, w: number, ou: { rows: number; cols: number }): number {
  return Math.ceil(h / ou.rows) * Math.ceil(w / ou.cols);
}

/**
 * Writes the OU steps that tile an h x w region starting at wordline `rowStart`, from index `at` of
 * the step arrays: row chunks outer, column chunks inner (the issue order of every mapper). Each step's
 * first wordline goes to `firstRows`. Returns the index after the last step written.
 */
export function writeRegionSteps(
  h: number,
  w: number,
  ou: { rows: number; cols: number },
  rowStart: number,
  steps: { rows: Uint16Array; cols: Uint16Array; firstRows: Uint16Array },
  at: number,
): number {
  let i = at;
  for (let r = 0; r < h; r += ou.rows) {
    const rh = Math.min(ou.rows, h - r);
    for (let c = 0; c < w; c += ou.cols, i++) {
      steps.rows[i] = rh;
      steps.cols[i] = Math.min(ou.cols, w - c);
      steps.firstRows[i] = rowStart + r;
    }
  }
  return i;
}

/** Step arrays of `n` OU steps. */
export function stepArrays(n: number): { rows: Uint16Array; cols: Uint16Array; firstRows: Uint16Array } {
  return { rows: new Uint16Array(n), cols: new Uint16Array(n), firstRows: new Uint16Array(n) };
}

/** A crossbar's OU steps for one input slice step. */
export interface PlanSteps {
  ouRows: Uint16Array;
  ouCols: Uint16Array;
  /** Plans with adjacent-wordline OUs only. */
  ouFirstRow?: Uint16Array;
  /** Plans with row compaction (sre) only. */
  rowGroups?: RowGroups;
}

/** The CrossbarPlan figures that are counts (see CrossbarPlan for each). */
export type PlanCounts = Pick<
  CrossbarPlan,
  | 'rowsUsed'
  | 'colsUsed'
  | 'cellsUsed'
  | 'outputsPerVector'
  | 'inputsPerVector'
  | 'indexLookupsPerSlice'
  | 'muxSelectsPerSlice'
  | 'offsetCorrectionsPerVector'
  | 'inputSumAddsPerVector'
>;

/** One crossbar's plan: the only place a CrossbarPlan is put together. */
export function crossbarPlan(
  steps: PlanSteps,
  wordlineInputs: Int32Array,
  columnGroup: number,
  counts: PlanCounts,
): CrossbarPlan {
  return {
    ouRows: steps.ouRows,
    ouCols: steps.ouCols,
    ...(steps.ouFirstRow ? { ouFirstRow: steps.ouFirstRow } : {}),
    ...(steps.rowGroups ? { rowGroups: steps.rowGroups } : {}),
    wordlineInputs,
    columnGroup,
    ...counts,
  };
}

/** Mapper-specific costs of a layout's plans. */
export interface PlanCosts {
  /** Index look-ups of one OU step reading columns [c0, c0+w) of a region. */
  lookups: (region: Region, c0: number, w: number) => number;
  /** True when wordlines go through input-selection muxes. */
  muxed: boolean;
}

/**
 * The crossbar plans that a layout implies (OU steps, occupancy, index traffic), wordline by
 * wordline: the reference the mappers' closed-form plans are tested against (test/mapping).
 */
export function plansFromLayout(
  layout: LayerLayout,
  ou: { rows: number; cols: number },
  costs: PlanCosts,
): CrossbarPlan[] {
  const n = layout.crossbars;
  const enc = layout.encoding;
  const stepCount = new Int32Array(n);
  for (const region of layout.regions)
    stepCount[region.crossbar] += regionStepCount(region.rows, region.outputs.length, ou);
  const steps = Array.from({ length: n }, (_, x) => stepArrays(stepCount[x]));
  const written = new Int32Array(n);
  const lookups = new Float64Array(n);
  for (const region of layout.regions) {
    const w = region.outputs.length;
    const x = region.crossbar;
    written[x] = writeRegionSteps(region.rows, w, ou, region.rowStart, steps[x], written[x]);
    const rowChunks = Math.ceil(region.rows / ou.rows);
    for (let c = 0; c < w; c += ou.cols)
      lookups[region.crossbar] += rowChunks * costs.lookups(region, c, Math.min(ou.cols, w - c));
  }
  const rowsUsed = new Float64Array(n);
  const cellsUsed = new Float64Array(n);
  const usedCols: Set<number>[] = Array.from({ length: n }, () => new Set());
  const outputs: Set<number>[] = Array.from({ length: n }, () => new Set());
  const inputs: Set<number>[] = Array.from({ length: n }, () => new Set());
  const corrections = new Float64Array(n);
  const sumAdds = new Float64Array(n);
  const wordlineInputs = Array.from({ length: n }, () => new Int32Array(layout.rows).fill(-1));
  for (const band of layout.bands) {
    const x = band.crossbar;
    rowsUsed[x] += band.inputs.length;
    wordlineInputs[x].set(band.inputs, band.rowStart);
    for (const id of band.inputs) inputs[x].add(id);
    let bandCorrections = 0;
    for (let j = 0; j < band.columns.length; j++) {
      const column = band.columns[j];
      if (column < 0) continue;
      cellsUsed[x] += band.inputs.length;
      usedCols[x].add(band.colStart + j);
      outputs[x].add(Math.floor(column / enc.colsPerWeight));
      if (column % enc.colsPerWeight === enc.correctionColumn) bandCorrections++;
    }
    corrections[x] += bandCorrections;
    if (bandCorrections > 0) sumAdds[x] += band.inputs.length - 1;
  }
  const plans: CrossbarPlan[] = [];
  for (let x = 0; x < n; x++) {
    plans.push(
      crossbarPlan(
        { ouRows: steps[x].rows, ouCols: steps[x].cols, ouFirstRow: steps[x].firstRows },
        wordlineInputs[x],
        layout.columnGroups[x],
        {
          rowsUsed: rowsUsed[x],
          colsUsed: usedCols[x].size,
          cellsUsed: cellsUsed[x],
          outputsPerVector: outputs[x].size,
          inputsPerVector: inputs[x].size,
          indexLookupsPerSlice: lookups[x],
          muxSelectsPerSlice: costs.muxed ? rowsUsed[x] : 0,
          offsetCorrectionsPerVector: corrections[x],
          inputSumAddsPerVector: sumAdds[x],
        },
      ),
    );
  }
  return plans;
}

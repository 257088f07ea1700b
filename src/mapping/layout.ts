/**
 * The placement of one layer on crossbars, at the level of wordlines and bitlines: what the
 * functional check walks and what the crossbar plans are derived from.
 *
 * - A **band** is a set of adjacent wordlines that all carry inputs of one weight block, with the
 *   bitlines its cells occupy. `inputs[i]` names the input on wordline `rowStart + i` (the input-
 *   selection mux's choice); `columns[j]` names the weight column stored on bitline `colStart + j`
 *   (`filter * colsPerWeight + k`), or -1 where the band stores no cell.
 * - A **region** is what one OU may span: adjacent bands (or one band) whose bitlines feed the same
 *   outputs. `outputs[j]` is the output-id index entry of bitline `colStart + j` for the region's
 *   rows: the accumulation address of every bitline sum an OU reads there. OUs tile a region.
 *   A region with `wordlines` (the `sre` mapper's row groups) activates those wordlines, in that
 *   order, not necessarily adjacent: its OUs take up to `ou.rows` of them each.
 *
 * Weights are not stored here: cell values follow from `columns`, `inputs` and the layer weights.
 */
import type { CrossbarPlan } from './types.ts';
import type { WeightEncoding } from './encoding.ts';

/** Input id of a wordline: `channel * kh * kw + ky * kw + kx` (FC: the input feature). */
export type InputId = number;

export interface Band {
  crossbar: number;
  rowStart: number;
  inputs: Int32Array;
  colStart: number;
  columns: Int32Array;
}

export interface Region {
  crossbar: number;
  rowStart: number;
  rows: number;
  colStart: number;
  outputs: Int32Array;
  /** The wordlines the region's OUs activate, in order (`rows` of them); absent: rowStart.. adjacent. */
  wordlines?: Int32Array;
}

export interface LayerLayout {
  crossbars: number;
  /** Grid size of the crossbars. */
  rows: number;
  cols: number;
  kernelSize: number;
  encoding: WeightEncoding;
  bands: Band[];
  /** In OU issue order within each crossbar. */
  regions: Region[];
  /** Crossbar -> column group (crossbars with the same group add partial sums of the same outputs). */
  columnGroups: Int32Array;
  /**
   * Offset encoding: the correction of each correction column uses the input sum of the region that
   * reads it (over the region's wordlines) instead of its band's (`sre`: dropped wordlines take no part).
   */
  offsetPerRegion?: boolean;
}

/**
 * Appends the OU steps that tile an h x w region: row chunks outer, column chunks inner. With
 * `firstRowsOut`, also each step's first wordline (the region starts at wordline `rowStart`).
 */
export function pushRegionSteps(
  h: number,
  w: number,
  ouRows: number,
  ouCols: number,
  rowsOut: number[],
  colsOut: number[],
  firstRowsOut?: number[],
  rowStart = 0,
): void {
  for (let r = 0; r < h; r += ouRows) {
    const rh = Math.min(ouRows, h - r);
    for (let c = 0; c < w; c += ouCols) {
      rowsOut.push(rh);
      colsOut.push(Math.min(ouCols, w - c));
      firstRowsOut?.push(rowStart + r);
    }
  }
}

export interface PlanCosts {
  /** Index look-ups of one OU step reading columns [c0, c0+w) of a region. */
  lookups: (region: Region, c0: number, w: number) => number;
  /** True when wordlines go through input-selection muxes. */
  muxed: boolean;
}

/** The crossbar plans that a layout implies (OU steps, occupancy, index traffic). */
export function plansFromLayout(
  layout: LayerLayout,
  ou: { rows: number; cols: number },
  costs: PlanCosts,
): CrossbarPlan[] {
  const n = layout.crossbars;
  const enc = layout.encoding;
  const stepRows: number[][] = Array.from({ length: n }, () => []);
  const stepCols: number[][] = Array.from({ length: n }, () => []);
  const stepFirstRows: number[][] = Array.from({ length: n }, () => []);
  const lookups = new Float64Array(n);
  for (const region of layout.regions) {
    const w = region.outputs.length;
    const x = region.crossbar;
    pushRegionSteps(
      region.rows,
      w,
      ou.rows,
      ou.cols,
      stepRows[x],
      stepCols[x],
      stepFirstRows[x],
      region.rowStart,
    );
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
    plans.push({
      ouRows: Uint16Array.from(stepRows[x]),
      ouCols: Uint16Array.from(stepCols[x]),
      ouFirstRow: Uint16Array.from(stepFirstRows[x]),
      wordlineInputs: wordlineInputs[x],
      rowsUsed: rowsUsed[x],
      colsUsed: usedCols[x].size,
      cellsUsed: cellsUsed[x],
      columnGroup: layout.columnGroups[x],
      outputsPerVector: outputs[x].size,
      inputsPerVector: inputs[x].size,
      indexLookupsPerSlice: lookups[x],
      muxSelectsPerSlice: costs.muxed ? rowsUsed[x] : 0,
      offsetCorrectionsPerVector: corrections[x],
      inputSumAddsPerVector: sumAdds[x],
    });
  }
  return plans;
}

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
 * The crossbar plans a layout implies: plans.ts plansFromLayout.
 */
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

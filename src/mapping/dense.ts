/**
 * `dense`: the traditional im2col mapping (docs/design.md §2).
 *
 * Each group's weight matrix has `cinPerGroup * kh * kw` rows, channel-major (row = c*kh*kw +
 * ky*kw + kx), and `coutPerGroup * colsPerWeight` columns (column = f*colsPerWeight + k, see
 * encoding.ts). It is cut into crossbar-sized tiles. Pruned weights are stored (as zeros) and
 * every OU of every tile is activated for every input slice.
 *
 * Grouped and depthwise convolutions: the groups' matrices need different inputs and feed
 * different outputs, so when one group's matrix fits a crossbar, `min(rows/r, cols/c)` groups share
 * a crossbar along its diagonal (disjoint wordlines and bitlines, each tile its own OU region; the
 * off-diagonal cells stay empty and are never activated). A group too big for one crossbar is tiled
 * on its own crossbars. With `groups = 1` this is the closed form
 * `ceil(Cin*kh*kw / rows) * ceil(Cout*colsPerWeight / cols)` crossbars.
 *
 * Crossbars are numbered column tile by column tile; crossbars of one column tile share a
 * `columnGroup` (their partial sums add up). OU issue order: row chunks outer, column chunks inner.
 */
import { z } from 'zod';
import type { Arch } from '../config/arch.ts';
import type { WeightLayer } from '../workload/types.ts';
import { weightEncoding, type WeightEncoding } from './encoding.ts';
import { layerGeometry, mappingBase } from './geometry.ts';
import type { Band, LayerLayout, Region } from './layout.ts';
import { crossbarPlan, regionStepCount, stepArrays, writeRegionSteps, type PlanSteps } from './plans.ts';
import { tileLayer, tileOccupancy, tilesByCrossbar, tileWordlineInputs, type DenseTiling } from './tiling.ts';
import type { CrossbarPlan, LayerMapping, LayoutMapper } from './types.ts';

/**
 * Crossbar plans straight from the tiling (the fast path: no per-cell data). Plans of identical
 * tile shapes share their OU arrays; crossbars of one row tile (the column tiles of the same matrix
 * rows) share their wordline inputs.
 */
function densePlans(tiling: DenseTiling, arch: Arch, enc: WeightEncoding): CrossbarPlan[] {
  const shared = new Map<string, PlanSteps>();
  const sharedInputs = new Map<string, Int32Array>();
  return tilesByCrossbar(tiling).map((tiles) => {
    const key = tiles.map((t) => `${t.h}x${t.w}@${t.xbarRow}`).join(',');
    let steps = shared.get(key);
    if (!steps) {
      let n = 0;
      for (const t of tiles) n += regionStepCount(t.h, t.w, arch.ou);
      const arrays = stepArrays(n);
      let at = 0;
      for (const t of tiles) at = writeRegionSteps(t.h, t.w, arch.ou, t.xbarRow, arrays, at);
      steps = { ouRows: arrays.rows, ouCols: arrays.cols, ouFirstRow: arrays.firstRows };
      shared.set(key, steps);
    }
    const inputsKey = tiles.map((t) => `${t.group}:${t.row0}:${t.h}@${t.xbarRow}`).join(',');
    let wordlineInputs = sharedInputs.get(inputsKey);
    if (!wordlineInputs) {
      wordlineInputs = tileWordlineInputs(tiles, arch.crossbar.rows, tiling.groupRows);
      sharedInputs.set(inputsKey, wordlineInputs);
    }
    const used = tileOccupancy(tiles, enc);
    return crossbarPlan(steps, wordlineInputs, tiles[0].columnGroup, {
      rowsUsed: used.rowsUsed,
      colsUsed: used.colsUsed,
      cellsUsed: used.cellsUsed,
      outputsPerVector: used.outputs,
      inputsPerVector: used.rowsUsed,
      indexLookupsPerSlice: 0,
      muxSelectsPerSlice: 0,
      offsetCorrectionsPerVector: used.corrections,
      inputSumAddsPerVector: used.sumAdds,
    });
  });
}

/** The wordline/bitline layout of the dense tiling (for the functional check). */
export function denseLayout(layer: WeightLayer, arch: Arch): LayerLayout {
  const enc = weightEncoding(arch);
  const g = layerGeometry(layer);
  const tiling = tileLayer(layer, arch, enc);
  const bands: Band[] = [];
  const regions: Region[] = [];
  const columnGroups = new Int32Array(tiling.crossbars);
  for (const t of tiling.tiles) {
    const inputs = new Int32Array(t.h);
    const inputBase = t.group * g.cinPerGroup * g.kernelSize + t.row0;
    for (let i = 0; i < t.h; i++) inputs[i] = inputBase + i;
    const columns = new Int32Array(t.w);
    const columnBase = t.group * g.coutPerGroup * enc.colsPerWeight + t.col0;
    for (let j = 0; j < t.w; j++) columns[j] = columnBase + j;
    bands.push({ crossbar: t.crossbar, rowStart: t.xbarRow, inputs, colStart: t.xbarCol, columns });
    regions.push({
      crossbar: t.crossbar,
      rowStart: t.xbarRow,
      rows: t.h,
      colStart: t.xbarCol,
      outputs: columns,
    });
    columnGroups[t.crossbar] = t.columnGroup;
  }
  return {
    crossbars: tiling.crossbars,
    rows: arch.crossbar.rows,
    cols: arch.crossbar.cols,
    kernelSize: g.kernelSize,
    encoding: enc,
    bands,
    regions,
    columnGroups,
  };
}

/** Dense mapping of a layer, reported under `mapperName` (the pattern mapper delegates here). */
export function mapDense(layer: WeightLayer, arch: Arch, mapperName: string): LayerMapping {
  const enc = weightEncoding(arch);
  const g = layerGeometry(layer);
  const tiling = tileLayer(layer, arch, enc);
  return {
    ...mappingBase(layer, arch, mapperName),
    matrixRows: tiling.groupRows * g.groups,
    matrixCols: tiling.groupCols * g.groups,
    blocks: tiling.tiles.length,
    crossbars: densePlans(tiling, arch, enc),
    indexBits: 0,
    muxes: 0,
    scheme: 'dense',
  };
}

export const denseMapper: LayoutMapper = {
  name: 'dense',
  description: 'traditional im2col: zeros of pruned weights stored and computed',
  // Pruned weights are stored as zeros: the placement and the work do not depend on the masks.
  needsMasks: false,
  options: z.object({}),
  mapLayer: (layer, arch) => mapDense(layer, arch, 'dense'),
  layoutLayer: (layer, arch) => denseLayout(layer, arch),
};

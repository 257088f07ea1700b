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
 *
 * Option `skipZeroOus` ("traditional + zero-skip", issue 16): the same crossbars and cells, but an OU
 * whose weights the pruning masks all remove is not activated (zeroSkippedPlan).
 */
import { z } from 'zod';
import type { Arch } from '../config/arch.ts';
import { PRUNED, type WeightLayer } from '../workload/types.ts';
import { weightEncoding, type WeightEncoding } from './encoding.ts';
import { layerGeometry, mappingBase, type LayerGeometry } from './geometry.ts';
import type { Band, LayerLayout, Region } from './layout.ts';
import { readMapperOptions } from './options.ts';
import { crossbarPlan, regionStepCount, stepArrays, writeRegionSteps, type PlanSteps } from './plans.ts';
import {
  correctionColumnsIn,
  tileLayer,
  tileOccupancy,
  tilesByCrossbar,
  tileWordlineInputs,
  type DenseTiling,
  type Tile,
} from './tiling.ts';
import type { CrossbarPlan, LayerMapping, LayoutMapper, MapperOptions } from './types.ts';

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

/**
 * Per weight `(f * cinPerGroup + c) * kh*kw + pos` (f over the whole layer, c within its group): 1 when
 * the masks keep it. Null when the layer carries no pruning (every weight kept).
 */
export function keptWeights(layer: WeightLayer, g: LayerGeometry): Uint8Array | null {
  if (layer.type !== 'conv' || !layer.pruning) return null;
  const { patterns, kernelPattern } = layer.pruning;
  const kk = g.kernelSize;
  const kept = new Uint8Array(kernelPattern.length * kk);
  for (let k = 0; k < kernelPattern.length; k++) {
    const p = kernelPattern[k];
    if (p === PRUNED) continue;
    for (const pos of patterns[p]) kept[k * kk + pos] = 1;
  }
  return kept;
}

/** True when the OU of tile rows [r, r + rh) and its column chunk at c holds a weight the masks keep. */
function ouHoldsKeptWeight(
  t: Tile,
  r: number,
  rh: number,
  c: number,
  g: LayerGeometry,
  cpw: number,
  kept: Uint8Array,
  arch: Arch,
): boolean {
  const firstFilter = t.group * g.coutPerGroup;
  const fLo = Math.floor((t.col0 + c) / cpw);
  const fHi = Math.floor((t.col0 + Math.min(c + arch.ou.cols, t.w) - 1) / cpw);
  for (let f = fLo; f <= fHi; f++) {
    const base = (firstFilter + f) * g.cinPerGroup * g.kernelSize;
    for (let row = t.row0 + r; row < t.row0 + r + rh; row++) if (kept[base + row]) return true;
  }
  return false;
}

/**
 * The layout of the zero-skip dense mapping (for the functional check): dense's bands, and one region
 * per OU that runs, in dense's issue order, with the offset correction per region (over its rows),
 * so the skipped OUs' offset cells take no part, as in zeroSkippedPlan.
 */
function zeroSkipLayout(layer: WeightLayer, arch: Arch, kept: Uint8Array): LayerLayout {
  const layout = denseLayout(layer, arch);
  const enc = weightEncoding(arch);
  const g = layerGeometry(layer);
  const tiling = tileLayer(layer, arch, enc);
  const regions: Region[] = [];
  for (const tiles of tilesByCrossbar(tiling))
    for (const t of tiles) {
      const columns = layout.bands.find(
        (b) => b.crossbar === t.crossbar && b.rowStart === t.xbarRow && b.colStart === t.xbarCol,
      )!.columns;
      for (let r = 0; r < t.h; r += arch.ou.rows) {
        const rh = Math.min(arch.ou.rows, t.h - r);
        for (let c = 0; c < t.w; c += arch.ou.cols) {
          if (!ouHoldsKeptWeight(t, r, rh, c, g, enc.colsPerWeight, kept, arch)) continue;
          const w = Math.min(arch.ou.cols, t.w - c);
          regions.push({
            crossbar: t.crossbar,
            rowStart: t.xbarRow + r,
            rows: rh,
            colStart: t.xbarCol + c,
            outputs: columns.slice(c, c + w),
          });
        }
      }
    }
  return { ...layout, regions, offsetPerRegion: true };
}

/**
 * A dense plan without the OU steps whose weights are all pruned (their cells hold zeros, or under
 * offset encoding the offset, whose correction then uses the input sum of the OU column's kept rows).
 * Everything else (cells, wordline inputs, outputs) is the dense plan's. Offset correction: a column
 * chunk with a skipped OU sums the inputs of its kept rows on its own (kept rows - 1 additions);
 * the other chunks share the tile's input sum as under dense.
 */
function zeroSkippedPlan(
  plan: CrossbarPlan,
  tiles: readonly Tile[],
  g: LayerGeometry,
  enc: WeightEncoding,
  kept: Uint8Array,
  arch: Arch,
): CrossbarPlan {
  const cpw = enc.colsPerWeight;
  const keepStep: boolean[] = [];
  let sumAdds = 0;
  for (const t of tiles) {
    const chunkSkips: boolean[] = [];
    const chunkKeptRows: number[] = [];
    for (let r = 0; r < t.h; r += arch.ou.rows) {
      const rh = Math.min(arch.ou.rows, t.h - r);
      for (let c = 0, chunk = 0; c < t.w; c += arch.ou.cols, chunk++) {
        const any = ouHoldsKeptWeight(t, r, rh, c, g, cpw, kept, arch);
        keepStep.push(any);
        if (any) chunkKeptRows[chunk] = (chunkKeptRows[chunk] ?? 0) + rh;
        else chunkSkips[chunk] = true;
      }
    }
    if (enc.correctionColumn < 0) continue;
    let shared = false;
    for (let c = 0, chunk = 0; c < t.w; c += arch.ou.cols, chunk++) {
      if (correctionColumnsIn(t.col0 + c, Math.min(arch.ou.cols, t.w - c), enc) === 0) continue;
      if (chunkSkips[chunk]) sumAdds += Math.max(0, (chunkKeptRows[chunk] ?? 0) - 1);
      else shared = true;
    }
    if (shared) sumAdds += t.h - 1;
  }
  const keep = (_: number, i: number) => keepStep[i];
  return {
    ...plan,
    ouRows: plan.ouRows.filter(keep),
    ouCols: plan.ouCols.filter(keep),
    ouFirstRow: plan.ouFirstRow?.filter(keep),
    inputSumAddsPerVector: sumAdds,
  };
}

/** dense's own options (`--skip-zero-ous`). */
const denseOptions = z.object({
  skipZeroOus: z
    .boolean()
    .optional()
    .describe('do not activate OUs whose weights are all pruned (a "traditional + zero-skip" baseline)'),
});

function ownOptions(options: MapperOptions): z.output<typeof denseOptions> {
  return readMapperOptions({ name: 'dense', options: denseOptions }, options);
}

/** Dense mapping of a layer, reported under `mapperName` (the pattern mapper delegates here). */
export function mapDense(
  layer: WeightLayer,
  arch: Arch,
  mapperName: string,
  options: z.output<typeof denseOptions> = {},
): LayerMapping {
  const enc = weightEncoding(arch);
  const g = layerGeometry(layer);
  const tiling = tileLayer(layer, arch, enc);
  let crossbars = densePlans(tiling, arch, enc);
  const kept = options.skipZeroOus ? keptWeights(layer, g) : null;
  if (kept) {
    const byCrossbar = tilesByCrossbar(tiling);
    crossbars = crossbars.map((plan, x) => zeroSkippedPlan(plan, byCrossbar[x], g, enc, kept, arch));
  }
  return {
    ...mappingBase(layer, arch, mapperName),
    matrixRows: tiling.groupRows * g.groups,
    matrixCols: tiling.groupCols * g.groups,
    blocks: tiling.tiles.length,
    crossbars,
    indexBits: 0,
    muxes: 0,
    scheme: kept ? 'dense/zero-skip' : 'dense',
  };
}

export const denseMapper: LayoutMapper = {
  name: 'dense',
  description:
    'traditional im2col: zeros of pruned weights stored and computed (--skip-zero-ous: all-zero OUs not activated)',
  // Pruned weights are stored as zeros: the placement and the work ignore the masks, unless zero-skip.
  needsMasks: (options) => ownOptions(options).skipZeroOus === true,
  options: denseOptions,
  mapLayer: (layer, arch, options) => mapDense(layer, arch, 'dense', ownOptions(options)),
  layoutLayer: (layer, arch, options) => {
    const kept = ownOptions(options).skipZeroOus ? keptWeights(layer, layerGeometry(layer)) : null;
    return kept ? zeroSkipLayout(layer, arch, kept) : denseLayout(layer, arch);
  },
};

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
import type { Arch } from '../config/arch.ts';
import { PRUNED, type WeightLayer } from '../workload/types.ts';
import { weightEncoding, type WeightEncoding } from './encoding.ts';
import { layerGeometry, mappingBase, type LayerGeometry } from './geometry.ts';
import { pushRegionSteps, type Band, type LayerLayout, type Region } from './layout.ts';
import type { CrossbarPlan, LayerMapping, LayoutMapper, MapperOptions } from './types.ts';

/** One rectangle of a group's weight matrix placed on one crossbar. */
export interface Tile {
  crossbar: number;
  group: number;
  /** Matrix rows [row0, row0 + h) and columns [col0, col0 + w) of the group's matrix. */
  row0: number;
  col0: number;
  h: number;
  w: number;
  /** Where the tile sits on its crossbar. */
  xbarRow: number;
  xbarCol: number;
  columnGroup: number;
}

export interface DenseTiling {
  tiles: Tile[];
  crossbars: number;
  groupRows: number;
  groupCols: number;
}

/** The im2col tiling (also the starting point of the `sre` mapper). */
export function tileLayer(layer: WeightLayer, arch: Arch, enc: WeightEncoding): DenseTiling {
  const g = layerGeometry(layer);
  const R = arch.crossbar.rows;
  const C = arch.crossbar.cols;
  const r = g.cinPerGroup * g.kernelSize;
  const c = g.coutPerGroup * enc.colsPerWeight;
  const tiles: Tile[] = [];
  if (g.groups > 1 && r <= R && c <= C) {
    const perCrossbar = Math.min(Math.floor(R / r), Math.floor(C / c));
    for (let group = 0; group < g.groups; group++) {
      const crossbar = Math.floor(group / perCrossbar);
      const slot = group % perCrossbar;
      tiles.push({
        crossbar,
        group,
        row0: 0,
        col0: 0,
        h: r,
        w: c,
        xbarRow: slot * r,
        xbarCol: slot * c,
        columnGroup: crossbar,
      });
    }
    return { tiles, crossbars: Math.ceil(g.groups / perCrossbar), groupRows: r, groupCols: c };
  }
  let crossbar = 0;
  let columnGroup = 0;
  for (let group = 0; group < g.groups; group++) {
    for (let col0 = 0; col0 < c; col0 += C, columnGroup++) {
      for (let row0 = 0; row0 < r; row0 += R) {
        const h = Math.min(R, r - row0);
        const w = Math.min(C, c - col0);
        tiles.push({ crossbar: crossbar++, group, row0, col0, h, w, xbarRow: 0, xbarCol: 0, columnGroup });
      }
    }
  }
  return { tiles, crossbars: crossbar, groupRows: r, groupCols: c };
}

/** Filters a column range [col0, col0+w) of a group matrix touches. */
export function filtersIn(col0: number, w: number, cpw: number): number {
  return Math.floor((col0 + w - 1) / cpw) - Math.floor(col0 / cpw) + 1;
}

/** Columns in [col0, col0+w) that hold sub-column k = enc.correctionColumn. */
export function correctionColumnsIn(col0: number, w: number, enc: WeightEncoding): number {
  if (enc.correctionColumn < 0 || w <= 0) return 0;
  // Columns col with col = k (mod cpw) up to x: floor((x - k) / cpw) + 1; counted in closed form, as
  // this runs for every crossbar of every layer.
  const k = enc.correctionColumn;
  const cpw = enc.colsPerWeight;
  return Math.floor((col0 + w - 1 - k) / cpw) - Math.floor((col0 - 1 - k) / cpw);
}

/**
 * Crossbar plans straight from the tiling (the fast path: no per-cell data). Plans of identical
 * tile shapes share their OU arrays; crossbars of one row tile (the column tiles of the same matrix
 * rows) share their wordline inputs.
 */
function densePlans(tiling: DenseTiling, arch: Arch, enc: WeightEncoding): CrossbarPlan[] {
  const byCrossbar: Tile[][] = Array.from({ length: tiling.crossbars }, () => []);
  for (const tile of tiling.tiles) byCrossbar[tile.crossbar].push(tile);
  const shared = new Map<string, [Uint16Array, Uint16Array, Uint16Array]>();
  const sharedInputs = new Map<string, Int32Array>();
  const cinPerGroupRows = tiling.groupRows;
  return byCrossbar.map((tiles) => {
    // Keys without map/join for the usual one tile per crossbar (tens of thousands of crossbars).
    const key =
      tiles.length === 1
        ? `${tiles[0].h}x${tiles[0].w}@${tiles[0].xbarRow}`
        : tiles.map((t) => `${t.h}x${t.w}@${t.xbarRow}`).join(',');
    let steps = shared.get(key);
    if (!steps) {
      const rows: number[] = [];
      const cols: number[] = [];
      const firstRows: number[] = [];
      for (const t of tiles)
        pushRegionSteps(t.h, t.w, arch.ou.rows, arch.ou.cols, rows, cols, firstRows, t.xbarRow);
      steps = [Uint16Array.from(rows), Uint16Array.from(cols), Uint16Array.from(firstRows)];
      shared.set(key, steps);
    }
    // Wordline inputs (layout.ts InputId): row i of a tile carries matrix row row0 + i of its group.
    const inputsKey =
      tiles.length === 1
        ? `${tiles[0].group}:${tiles[0].row0}:${tiles[0].h}@${tiles[0].xbarRow}`
        : tiles.map((t) => `${t.group}:${t.row0}:${t.h}@${t.xbarRow}`).join(',');
    let wordlineInputs = sharedInputs.get(inputsKey);
    if (!wordlineInputs) {
      wordlineInputs = new Int32Array(arch.crossbar.rows).fill(-1);
      for (const t of tiles) {
        const base = t.group * cinPerGroupRows + t.row0;
        for (let i = 0; i < t.h; i++) wordlineInputs[t.xbarRow + i] = base + i;
      }
      sharedInputs.set(inputsKey, wordlineInputs);
    }
    let rowsUsed = 0;
    let colsUsed = 0;
    let cellsUsed = 0;
    let outputs = 0;
    let corrections = 0;
    let sumAdds = 0;
    for (const t of tiles) {
      rowsUsed += t.h;
      colsUsed += t.w;
      cellsUsed += t.h * t.w;
      outputs += filtersIn(t.col0, t.w, enc.colsPerWeight);
      const tileCorrections = correctionColumnsIn(t.col0, t.w, enc);
      corrections += tileCorrections;
      if (tileCorrections > 0) sumAdds += t.h - 1;
    }
    return {
      ouRows: steps[0],
      ouCols: steps[1],
      ouFirstRow: steps[2],
      wordlineInputs,
      rowsUsed,
      colsUsed,
      cellsUsed,
      columnGroup: tiles[0].columnGroup,
      outputsPerVector: outputs,
      inputsPerVector: rowsUsed,
      indexLookupsPerSlice: 0,
      muxSelectsPerSlice: 0,
      offsetCorrectionsPerVector: corrections,
      inputSumAddsPerVector: sumAdds,
    };
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
  const kk = g.kernelSize;
  const keepStep: boolean[] = [];
  let sumAdds = 0;
  for (const t of tiles) {
    const firstFilter = t.group * g.coutPerGroup;
    const chunkSkips: boolean[] = [];
    const chunkKeptRows: number[] = [];
    for (let r = 0; r < t.h; r += arch.ou.rows) {
      const rh = Math.min(arch.ou.rows, t.h - r);
      for (let c = 0, chunk = 0; c < t.w; c += arch.ou.cols, chunk++) {
        const fLo = Math.floor((t.col0 + c) / cpw);
        const fHi = Math.floor((t.col0 + Math.min(c + arch.ou.cols, t.w) - 1) / cpw);
        let any = false;
        for (let f = fLo; f <= fHi && !any; f++) {
          const base = (firstFilter + f) * g.cinPerGroup * kk;
          for (let row = t.row0 + r; row < t.row0 + r + rh; row++) {
            if (kept[base + row]) {
              any = true;
              break;
            }
          }
        }
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

/** Dense mapping of a layer, reported under `mapperName` (the pattern mapper delegates here). */
export function mapDense(
  layer: WeightLayer,
  arch: Arch,
  mapperName: string,
  options: Pick<MapperOptions, 'skipZeroOus'> = {},
): LayerMapping {
  const enc = weightEncoding(arch);
  const g = layerGeometry(layer);
  const tiling = tileLayer(layer, arch, enc);
  let crossbars = densePlans(tiling, arch, enc);
  const kept = options.skipZeroOus ? keptWeights(layer, g) : null;
  if (kept) {
    const byCrossbar: Tile[][] = Array.from({ length: tiling.crossbars }, () => []);
    for (const tile of tiling.tiles) byCrossbar[tile.crossbar].push(tile);
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
    'traditional im2col: zeros of pruned weights stored and computed (skipZeroOus: all-zero OUs not activated)',
  mapLayer: (layer, arch, options) => mapDense(layer, arch, 'dense', options),
  layoutLayer: (layer, arch) => denseLayout(layer, arch),
};

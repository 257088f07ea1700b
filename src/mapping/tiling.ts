/**
 * The im2col tiling (docs/design.md §2), the placement of the `dense` mapper and the starting point of
 * the `sre` mapper: each group's weight matrix cut into crossbar-sized tiles, and what a crossbar's
 * tiles occupy.
 */
import type { Arch } from '../config/arch.ts';
import type { WeightLayer } from '../workload/types.ts';
import type { WeightEncoding } from './encoding.ts';
import { layerGeometry } from './geometry.ts';

/** One rectangle of a group's weight matrix placed on one crossbar (the im2col tiling, dense.ts). */
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

/** Wordline inputs (layout.ts InputId) of a crossbar's tiles: row i of a tile carries matrix row row0 + i. */
export function tileWordlineInputs(tiles: readonly Tile[], rows: number, groupRows: number): Int32Array {
  const inputs = new Int32Array(rows).fill(-1);
  for (const t of tiles) {
    const base = t.group * groupRows + t.row0;
    for (let i = 0; i < t.h; i++) inputs[t.xbarRow + i] = base + i;
  }
  return inputs;
}

/**
 * What a crossbar's tiles occupy: every cell of a tile holds a weight, a tile's columns are its
 * filters' sub-columns, one offset correction per correction column, and a tile with corrections
 * forms one input sum over its rows (`h - 1` additions).
 */
export function tileOccupancy(
  tiles: readonly Tile[],
  enc: WeightEncoding,
): {
  rowsUsed: number;
  colsUsed: number;
  cellsUsed: number;
  outputs: number;
  corrections: number;
  sumAdds: number;
} {
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
  return { rowsUsed, colsUsed, cellsUsed, outputs, corrections, sumAdds };
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

/** The tiles of each crossbar, by crossbar index. */
export function tilesByCrossbar(tiling: DenseTiling): Tile[][] {
  const byCrossbar: Tile[][] = Array.from({ length: tiling.crossbars }, () => []);
  for (const tile of tiling.tiles) byCrossbar[tile.crossbar].push(tile);
  return byCrossbar;
}

/**
 * `sre`: OU-wise row compression on the dense im2col tiling, after SRE (Yang et al., "Sparse ReRAM
 * Engine", ISCA 2019; docs/mapping.md "sre").
 *
 * The crossbars, the cells and the column order are dense's (dense.ts): pruned weights still sit
 * in their cells. What changes is which wordlines an OU activates. Each crossbar's bitlines are cut
 * per tile into column groups of `ou.cols` adjacent bitlines; in each group the wordlines whose
 * weights are all pruned in those bitlines are dropped, and the kept ones (in wordline order) are
 * packed into OUs of up to `ou.rows` wordlines that need not be adjacent. CrossbarPlan.rowGroups
 * holds the groups; `ouRows` / `ouCols` are the static packing (every kept wordline active), group
 * by group. With activation data the simulator drops the kept wordlines whose input is zero before
 * it packs them (dynamic wordline activation, src/sim/sparsity.ts for the zero-fraction what-if).
 *
 * Zero cells come from the pruning masks only (a trace has masks, not values): a weight the masks
 * keep may still have zero slices, which we cannot see and do not drop. FC and unpruned layers drop
 * nothing; they still get row groups (one per column group, every wordline kept) so that dynamic
 * wordline activation applies to them.
 *
 * Offset encoding: a pruned weight's top-slice cell stores the offset, not zero. Dropping its
 * wordline stays exact because the offset correction of a compressed group's correction columns uses
 * the sum of the inputs of that group's kept wordlines only (the dropped ones carry weight 0 in every
 * filter of the group, so neither their analog term nor their correction is due). Uncompressed
 * groups share the tile's one input sum, as under dense.
 *
 * Index hardware, per column group: a kept-wordline count (`idBits(rows + 1)` bits) and, when the
 * group is compressed (drops at least one wordline), the original wordline of each kept one
 * (`idBits(rows)` bits each). Per input slice step, one index look-up per wordline an OU of a
 * compressed group activates (uncompressed groups step through adjacent wordlines, as dense); one
 * wordline-selection mux per used wordline (it gates that wordline's driver into the OU that needs
 * it; dynamic activation needs it on every crossbar), one select per activated OU row.
 */
import { z } from 'zod';
import type { Arch } from '../../config/arch.ts';
import type { WeightLayer } from '../../workload/types.ts';
import { denseLayout, keptWeights } from '../dense.ts';
import { crossbarPlan } from '../plans.ts';
import {
  correctionColumnsIn,
  tileLayer,
  tileOccupancy,
  tilesByCrossbar,
  tileWordlineInputs,
  type Tile,
} from '../tiling.ts';
import { weightEncoding, type WeightEncoding } from '../encoding.ts';
import { idBits, layerGeometry, mappingBase, type LayerGeometry } from '../geometry.ts';
import type { Band, LayerLayout, Region } from '../layout.ts';
import type { CrossbarPlan, LayerMapping, LayoutMapper, RowGroups } from '../types.ts';

/** What a crossbar's column groups come to (shared between crossbars of unpruned layers). */
interface GroupedCrossbar {
  rowGroups: RowGroups;
  ouRows: Uint16Array;
  ouCols: Uint16Array;
  lookups: number;
  selects: number;
  indexBits: number;
  sumAdds: number;
  /** Wordlines kept in at least one group: the inputs the crossbar needs. */
  inputs: number;
}

interface Context {
  g: LayerGeometry;
  enc: WeightEncoding;
  rows: number;
  ouRows: number;
  ouCols: number;
  kept: Uint8Array | null;
}

/** The column groups of one crossbar's tiles: kept wordlines, the static OU packing, index costs. */
function groupCrossbar(tiles: readonly Tile[], ctx: Context): GroupedCrossbar {
  const { g, enc, kept } = ctx;
  const cpw = enc.colsPerWeight;
  // Weight (f, c, pos) sits at f * cinPerGroup * kk + (c * kk + pos), and c * kk + pos is the row of
  // the group's matrix: one multiply-add per (filter, row).
  const filterStride = g.cinPerGroup * g.kernelSize;
  const rowBits = idBits(ctx.rows);
  const countBits = idBits(ctx.rows + 1);
  let groups = 0;
  let capacity = 0;
  for (const t of tiles) {
    const n = Math.ceil(t.w / ctx.ouCols);
    groups += n;
    capacity += n * t.h;
  }
  const colStart = new Uint16Array(groups);
  const cols = new Uint16Array(groups);
  const offsets = new Uint32Array(groups + 1);
  const wordlines = new Uint16Array(capacity);
  let steps = 0;
  const used = new Uint8Array(ctx.rows);
  let lookups = 0;
  let indexBits = 0;
  let sumAdds = 0;
  let k = 0;
  let end = 0;
  for (const t of tiles) {
    let bandSum = false;
    const filterBase = t.group * g.coutPerGroup;
    for (let c0 = 0; c0 < t.w; c0 += ctx.ouCols, k++) {
      const w = Math.min(ctx.ouCols, t.w - c0);
      const first = end;
      const f0 = filterBase + Math.floor((t.col0 + c0) / cpw);
      const f1 = filterBase + Math.floor((t.col0 + c0 + w - 1) / cpw);
      for (let i = 0; i < t.h; i++) {
        let keep = kept === null;
        for (let f = f0; f <= f1 && !keep; f++) keep = kept![f * filterStride + t.row0 + i] === 1;
        if (keep) {
          wordlines[end++] = t.xbarRow + i;
          used[t.xbarRow + i] = 1;
        }
      }
      const n = end - first;
      colStart[k] = t.xbarCol + c0;
      cols[k] = w;
      offsets[k + 1] = end;
      steps += Math.ceil(n / ctx.ouRows);
      const compressed = n < t.h;
      indexBits += countBits + (compressed ? n * rowBits : 0);
      if (compressed) lookups += n;
      if (n > 0 && correctionColumnsIn(t.col0 + c0, w, enc) > 0) {
        if (compressed) sumAdds += n - 1;
        else bandSum = true;
      }
    }
    if (bandSum) sumAdds += t.h - 1;
  }
  // The static packing: each group's kept wordlines, ou.rows at a time, group after group.
  const ouRows = new Uint16Array(steps);
  const ouCols = new Uint16Array(steps);
  let step = 0;
  for (let j = 0; j < groups; j++) {
    const n = offsets[j + 1] - offsets[j];
    for (let r = 0; r < n; r += ctx.ouRows, step++) {
      ouRows[step] = Math.min(ctx.ouRows, n - r);
      ouCols[step] = cols[j];
    }
  }
  let inputs = 0;
  for (let i = 0; i < used.length; i++) inputs += used[i];
  return {
    rowGroups: { colStart, cols, offsets, wordlines: wordlines.slice(0, end) },
    ouRows,
    ouCols,
    lookups,
    selects: end,
    indexBits,
    sumAdds,
    inputs,
  };
}

interface SrePlans {
  plans: CrossbarPlan[];
  tiles: number;
  indexBits: number;
  muxes: number;
  matrixRows: number;
  matrixCols: number;
}

function srePlans(layer: WeightLayer, arch: Arch): SrePlans {
  const enc = weightEncoding(arch);
  const g = layerGeometry(layer);
  const tiling = tileLayer(layer, arch, enc);
  const ctx: Context = {
    g,
    enc,
    rows: arch.crossbar.rows,
    ouRows: arch.ou.rows,
    ouCols: arch.ou.cols,
    kept: keptWeights(layer, g),
  };
  // Unpruned layers: every wordline kept, so crossbars with the same tile shapes group alike.
  const shared = new Map<string, GroupedCrossbar>();
  let indexBits = 0;
  let muxes = 0;
  const plans = tilesByCrossbar(tiling).map((tiles): CrossbarPlan => {
    let grouped: GroupedCrossbar;
    if (ctx.kept === null) {
      const key = tiles
        .map((t) => `${t.h}x${t.w}@${t.xbarRow},${t.xbarCol},${t.col0 % enc.colsPerWeight}`)
        .join();
      grouped = shared.get(key) ?? groupCrossbar(tiles, ctx);
      shared.set(key, grouped);
    } else grouped = groupCrossbar(tiles, ctx);
    const used = tileOccupancy(tiles, enc);
    indexBits += grouped.indexBits;
    muxes += used.rowsUsed;
    const steps = { ouRows: grouped.ouRows, ouCols: grouped.ouCols, rowGroups: grouped.rowGroups };
    return crossbarPlan(steps, tileWordlineInputs(tiles, ctx.rows, tiling.groupRows), tiles[0].columnGroup, {
      rowsUsed: used.rowsUsed,
      colsUsed: used.colsUsed,
      cellsUsed: used.cellsUsed,
      outputsPerVector: used.outputs,
      inputsPerVector: grouped.inputs,
      indexLookupsPerSlice: grouped.lookups,
      muxSelectsPerSlice: grouped.selects,
      offsetCorrectionsPerVector: used.corrections,
      inputSumAddsPerVector: grouped.sumAdds,
    });
  });
  return {
    plans,
    tiles: tiling.tiles.length,
    indexBits,
    muxes,
    matrixRows: tiling.groupRows * g.groups,
    matrixCols: tiling.groupCols * g.groups,
  };
}

function mapSre(layer: WeightLayer, arch: Arch): LayerMapping {
  const sre = srePlans(layer, arch);
  return {
    ...mappingBase(layer, arch, 'sre'),
    matrixRows: sre.matrixRows,
    matrixCols: sre.matrixCols,
    blocks: sre.tiles,
    crossbars: sre.plans,
    indexBits: sre.indexBits,
    muxes: sre.muxes,
    scheme: 'sre',
  };
}

/**
 * The layout the functional check walks: dense's bands (the cells are programmed as dense programs
 * them, pruned weights included) and one region per row group, whose OUs take its kept wordlines
 * `wordlines` in order, with the offset correction computed per region over those wordlines.
 */
export function sreLayout(layer: WeightLayer, arch: Arch): LayerLayout {
  const dense = denseLayout(layer, arch);
  const plans = srePlans(layer, arch).plans;
  const regions: Region[] = [];
  plans.forEach((plan, crossbar) => {
    const groups = plan.rowGroups!;
    const bands = dense.bands.filter((b) => b.crossbar === crossbar);
    for (let k = 0; k < groups.colStart.length; k++) {
      const outputs = new Int32Array(groups.cols[k]);
      for (let j = 0; j < outputs.length; j++) outputs[j] = columnAt(bands, groups.colStart[k] + j);
      const wordlines = Int32Array.from(groups.wordlines.subarray(groups.offsets[k], groups.offsets[k + 1]));
      regions.push({
        crossbar,
        rowStart: wordlines.length > 0 ? wordlines[0] : 0,
        rows: wordlines.length,
        colStart: groups.colStart[k],
        outputs,
        wordlines,
      });
    }
  });
  return { ...dense, regions, offsetPerRegion: true };
}

/** The weight column stored on a bitline of a crossbar (by its bands), or -1. */
function columnAt(bands: readonly Band[], bitline: number): number {
  for (const band of bands) {
    const j = bitline - band.colStart;
    if (j >= 0 && j < band.columns.length) return band.columns[j];
  }
  return -1;
}

export const sreMapper: LayoutMapper = {
  name: 'sre',
  description: 'SRE: dense tiling, per OU column group only wordlines with unpruned weights activated',
  needsMasks: true,
  options: z.object({}),
  mapLayer: (layer, arch) => mapSre(layer, arch),
  layoutLayer: (layer, arch) => sreLayout(layer, arch),
};

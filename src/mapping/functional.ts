/**
 * The functional check (docs/design.md §2): compute a layer through its mapping, the way the hardware
 * would, and compare with the direct convolution.
 *
 * Through the mapping: program each crossbar's cells from the layout (cell values per weight slice,
 * encoding.ts), route each wordline's input through its mux (the band's input id), then for every
 * output position, every OU step of every region and every input slice, take the bitline sums of
 * the active rows and columns (lossless ADC), shift them by input slice and weight slice, add them
 * into the output named by the region's output-id index (negated for the negative column of a
 * differential pair), subtract the offset times each band's input sum (offset encoding; per region
 * over its wordlines when the layout says `offsetPerRegion`), and add the partial sums of all crossbars.
 * A region that lists its `wordlines` (sre) activates those, not adjacent rows. The data-driven
 * check (mappedOutputDataDriven) walks the same regions (staticWalks) and applies the same offset
 * correction (subtractOffsets). For small layers only: this is the proof, not the fast path.
 */
import type { Arch } from '../config/arch.ts';
import { PRUNED, type WeightLayer } from '../workload/types.ts';
import { cellValue, signOf, sliceOf } from './encoding.ts';
import { layerGeometry } from './geometry.ts';
import type { InputId, LayerLayout, Region } from './layout.ts';
import type { CrossbarPlan, LayerMapping } from './types.ts';

/** Weights [cout][cinPerGroup][kh][kw] (signed) and input [cin][h][w] (unsigned). FC: h = w = 1. */
export interface LayerData {
  weights: Int32Array;
  input: Int32Array;
}

/** Output [cout][oh][ow]. */
export type LayerOutput = Float64Array;

interface ConvShape {
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  sy: number;
  sx: number;
  py: number;
  px: number;
}

function convShape(layer: WeightLayer): ConvShape {
  if (layer.type === 'fc') return { inH: 1, inW: 1, outH: 1, outW: 1, sy: 1, sx: 1, py: 0, px: 0 };
  return {
    inH: layer.inShape[1],
    inW: layer.inShape[2],
    outH: layer.outShape[1],
    outW: layer.outShape[2],
    sy: layer.stride[0],
    sx: layer.stride[1],
    py: layer.padding[0],
    px: layer.padding[1],
  };
}

/** The weight after pruning: zero at positions the kernel's pattern drops, or the whole kernel. */
export function effectiveWeight(
  layer: WeightLayer,
  weights: Int32Array,
  f: number,
  c: number,
  pos: number,
): number {
  const g = layerGeometry(layer);
  const w = weights[(f * g.cinPerGroup + c) * g.kernelSize + pos];
  if (layer.type !== 'conv' || !layer.pruning) return w;
  const p = layer.pruning.kernelPattern[f * g.cinPerGroup + c];
  if (p === PRUNED || !layer.pruning.patterns[p].includes(pos)) return 0;
  return w;
}

/** Input value an input id takes at output position (oy, ox); 0 in the padding. */
function windowValue(
  layer: WeightLayer,
  shape: ConvShape,
  input: Int32Array,
  id: number,
  oy: number,
  ox: number,
): number {
  const g = layerGeometry(layer);
  const channel = Math.floor(id / g.kernelSize);
  const pos = id % g.kernelSize;
  const iy = oy * shape.sy - shape.py + Math.floor(pos / g.kw);
  const ix = ox * shape.sx - shape.px + (pos % g.kw);
  if (iy < 0 || ix < 0 || iy >= shape.inH || ix >= shape.inW) return 0;
  return input[(channel * shape.inH + iy) * shape.inW + ix];
}

/** The reference: direct (grouped) convolution with the pruning masks applied. */
export function directOutput(layer: WeightLayer, data: LayerData): LayerOutput {
  const g = layerGeometry(layer);
  const shape = convShape(layer);
  const out = new Float64Array(g.cout * shape.outH * shape.outW);
  for (let f = 0; f < g.cout; f++) {
    const group = Math.floor(f / g.coutPerGroup);
    for (let oy = 0; oy < shape.outH; oy++) {
      for (let ox = 0; ox < shape.outW; ox++) {
        let sum = 0;
        for (let c = 0; c < g.cinPerGroup; c++) {
          const channel = group * g.cinPerGroup + c;
          for (let pos = 0; pos < g.kernelSize; pos++) {
            const w = effectiveWeight(layer, data.weights, f, c, pos);
            if (w !== 0)
              sum += w * windowValue(layer, shape, data.input, channel * g.kernelSize + pos, oy, ox);
          }
        }
        out[(f * shape.outH + oy) * shape.outW + ox] = sum;
      }
    }
  }
  return out;
}

/** A programmed crossbar: cell values and each wordline's input id (-1: unused). */
export interface Programmed {
  cells: Int32Array;
  wordlineInput: Int32Array;
}

/** Program the cells from the layout; throws when two bands claim one cell or one wordline. */
export function program(layer: WeightLayer, layout: LayerLayout, weights: Int32Array): Programmed[] {
  const g = layerGeometry(layer);
  const enc = layout.encoding;
  const xbars: Programmed[] = Array.from({ length: layout.crossbars }, () => ({
    cells: new Int32Array(layout.rows * layout.cols).fill(-1),
    wordlineInput: new Int32Array(layout.rows).fill(-1),
  }));
  for (const band of layout.bands) {
    const xbar = xbars[band.crossbar];
    for (let i = 0; i < band.inputs.length; i++) {
      const row = band.rowStart + i;
      if (xbar.wordlineInput[row] !== -1)
        throw new Error(`crossbar ${band.crossbar} wordline ${row} driven twice`);
      const id = band.inputs[i];
      xbar.wordlineInput[row] = id;
      const channel = Math.floor(id / g.kernelSize);
      const pos = id % g.kernelSize;
      for (let j = 0; j < band.columns.length; j++) {
        const column = band.columns[j];
        if (column < 0) continue;
        const f = Math.floor(column / enc.colsPerWeight);
        const k = column % enc.colsPerWeight;
        const c = channel - Math.floor(f / g.coutPerGroup) * g.cinPerGroup;
        const w = c >= 0 && c < g.cinPerGroup ? effectiveWeight(layer, weights, f, c, pos) : 0;
        const cell = row * layout.cols + band.colStart + j;
        if (xbar.cells[cell] !== -1)
          throw new Error(`crossbar ${band.crossbar} cell (${row}, ${band.colStart + j}) written twice`);
        xbar.cells[cell] = cellValue(enc, w, k);
      }
    }
  }
  // Cells no band wrote are unprogrammed: conductance zero.
  for (const xbar of xbars)
    for (let i = 0; i < xbar.cells.length; i++) if (xbar.cells[i] < 0) xbar.cells[i] = 0;
  return xbars;
}

/** Wordline k (0 <= k < rows) of a region: its `wordlines[k]`, or row rowStart + k when it lists none. */
export function regionWordline(region: Region, k: number): number {
  return region.wordlines ? region.wordlines[k] : region.rowStart + k;
}

/** One OU step of a region's static walk. */
export interface RegionStep {
  region: Region;
  /** The wordlines it activates (up to ou.rows of the region's, in order). */
  rows: number[];
  /** Its bitlines: the region's columns [c0, c0 + cols) (bitlines region.colStart + c0 ..). */
  c0: number;
  cols: number;
}

/**
 * The static OU walk of every crossbar, in issue order: region after region (layout order), row
 * chunks of ou.rows of the region's wordlines outer, column chunks of ou.cols inner (the order
 * plansFromLayout / pushRegionSteps give the plans' steps).
 */
export function staticWalks(layout: LayerLayout, ou: { rows: number; cols: number }): RegionStep[][] {
  const walks: RegionStep[][] = Array.from({ length: layout.crossbars }, () => []);
  for (const region of layout.regions) {
    const w = region.outputs.length;
    for (let r = 0; r < region.rows; r += ou.rows) {
      const rows: number[] = [];
      for (let k = r; k < Math.min(r + ou.rows, region.rows); k++) rows.push(regionWordline(region, k));
      for (let c0 = 0; c0 < w; c0 += ou.cols)
        walks[region.crossbar].push({ region, rows, c0, cols: Math.min(ou.cols, w - c0) });
    }
  }
  return walks;
}

/**
 * Offset encoding, one output position: subtract offset x an input sum from the output of every
 * correction column. The sum is over the inputs of the column's band, or, when the layout says
 * `offsetPerRegion` (sre), over the wordlines of the region that reads the column (dropped
 * wordlines take no part). `inputOf` gives the value of an input id at this position.
 */
function subtractOffsets(
  layout: LayerLayout,
  xbars: readonly Programmed[],
  inputOf: (id: InputId) => number,
  subtract: (filter: number, amount: number) => void,
): void {
  const enc = layout.encoding;
  if (enc.offset === 0) return;
  const correct = (columns: Int32Array, inputSum: number) => {
    for (const column of columns)
      if (column >= 0 && column % enc.colsPerWeight === enc.correctionColumn)
        subtract(Math.floor(column / enc.colsPerWeight), enc.offset * inputSum);
  };
  if (layout.offsetPerRegion) {
    for (const region of layout.regions) {
      const xbar = xbars[region.crossbar];
      let inputSum = 0;
      for (let k = 0; k < region.rows; k++) {
        const id = xbar.wordlineInput[regionWordline(region, k)];
        if (id >= 0) inputSum += inputOf(id);
      }
      correct(region.outputs, inputSum);
    }
    return;
  }
  for (const band of layout.bands) {
    let inputSum = 0;
    for (const id of band.inputs) inputSum += inputOf(id);
    correct(band.columns, inputSum);
  }
}

export interface MappedRun {
  output: LayerOutput;
  /** OU step sizes walked per crossbar (to compare with the mapping's CrossbarPlans). */
  ouRows: number[][];
  ouCols: number[][];
}

/** Compute the layer through the mapping (see the file comment). */
export function mappedOutput(
  layer: WeightLayer,
  layout: LayerLayout,
  arch: Arch,
  data: LayerData,
): MappedRun {
  const g = layerGeometry(layer);
  const shape = convShape(layer);
  const enc = layout.encoding;
  const dacBits = arch.dac.bits;
  const slices = Math.ceil(arch.precision.inputBits / dacBits);
  const xbars = program(layer, layout, data.weights);
  const out = new Float64Array(g.cout * shape.outH * shape.outW);
  const walks = staticWalks(layout, arch.ou);
  const ouRows = walks.map((steps) => steps.map((step) => step.rows.length));
  const ouCols = walks.map((steps) => steps.map((step) => step.cols));
  const x = new Float64Array(layout.rows);
  const outputIndex = (f: number, oy: number, ox: number) => (f * shape.outH + oy) * shape.outW + ox;
  for (let oy = 0; oy < shape.outH; oy++) {
    for (let ox = 0; ox < shape.outW; ox++) {
      for (let xi = 0; xi < layout.crossbars; xi++) {
        const xbar = xbars[xi];
        for (let row = 0; row < layout.rows; row++) {
          const id = xbar.wordlineInput[row];
          x[row] = id < 0 ? 0 : windowValue(layer, shape, data.input, id, oy, ox);
        }
        for (const { region, rows, c0, cols } of walks[xi]) {
          for (let s = 0; s < slices; s++) {
            const divisor = 2 ** (s * dacBits);
            for (let c = c0; c < c0 + cols; c++) {
              const column = region.colStart + c;
              let sum = 0;
              for (const row of rows) {
                const xs = Math.floor(x[row] / divisor) % 2 ** dacBits;
                sum += xbar.cells[row * layout.cols + column] * xs;
              }
              const id = region.outputs[c];
              if (id < 0 || sum === 0) continue;
              const f = Math.floor(id / enc.colsPerWeight);
              const k = id % enc.colsPerWeight;
              out[outputIndex(f, oy, ox)] +=
                signOf(enc, k) * sum * divisor * 2 ** (sliceOf(enc, k) * enc.cellBits);
            }
          }
        }
      }
      subtractOffsets(
        layout,
        xbars,
        (id) => windowValue(layer, shape, data.input, id, oy, ox),
        (f, amount) => (out[outputIndex(f, oy, ox)] -= amount),
      );
    }
  }
  return { output: out, ouRows, ouCols };
}

export interface CheckResult {
  ok: boolean;
  /** First mismatching output index, or -1. */
  firstMismatch: number;
  expected: number;
  actual: number;
  /** The OU walk matched the mapping's CrossbarPlans (sizes, order, crossbar count). */
  plansMatch: boolean;
}

/** Run both computations and compare; `mapping` (optional) is checked against the layout's OU walk. */
export function checkMapping(
  layer: WeightLayer,
  layout: LayerLayout,
  arch: Arch,
  data: LayerData,
  mapping?: LayerMapping,
): CheckResult {
  const expected = directOutput(layer, data);
  const run = mappedOutput(layer, layout, arch, data);
  let firstMismatch = -1;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] !== run.output[i]) {
      firstMismatch = i;
      break;
    }
  }
  let plansMatch = true;
  if (mapping) {
    plansMatch = mapping.crossbars.length === layout.crossbars;
    mapping.crossbars.forEach((plan, xi) => {
      if (!plansMatch) return;
      plansMatch =
        plan.ouRows.length === run.ouRows[xi].length &&
        plan.ouRows.every((v, i) => v === run.ouRows[xi][i]) &&
        plan.ouCols.every((v, i) => v === run.ouCols[xi][i]);
    });
  }
  return {
    ok: firstMismatch < 0 && plansMatch,
    firstMismatch,
    expected: firstMismatch < 0 ? 0 : expected[firstMismatch],
    actual: firstMismatch < 0 ? 0 : run.output[firstMismatch],
    plansMatch,
  };
}

/**
 * The decisions of the data-driven simulation for one layer (src/sim/activity.ts LayerActivity
 * implements them): which slices each OU step runs in and which wordlines are driven.
 */
export interface ActiveRows {
  /** Make output position u the current vector. */
  load(u: number): void;
  /** Bit s set: static step `step` of crossbar x runs in input slice s (not for row-group plans). */
  stepSliceMask(x: number, step: number): number;
  /** Bit s set: wordline `row` of crossbar x is driven in input slice s. */
  wordlineSliceMask(x: number, row: number): number;
}

/** Input data that may be signed (two's complement at precision.inputBits, top slice negative). */
export interface SignedLayerData extends LayerData {
  signed?: boolean;
}

export interface DataDrivenRun {
  output: LayerOutput;
  /** OU steps that ran, per crossbar, summed over vectors and slices. */
  stepsRun: Float64Array;
  /** Static (step, slice) pairs skipped, over all vectors (row-group plans not counted). */
  stepsSkipped: number;
}

/**
 * Slice s of input value v (docs/simulation.md, "Data-driven simulation"): bits [s*D, s*D + D) of
 * its inputBits-bit two's complement; for a signed input the top slice counts negative.
 */
export function inputSliceValue(
  v: number,
  s: number,
  dacBits: number,
  inputBits: number,
  signed: boolean,
): number {
  const bits = v & (2 ** inputBits - 1);
  const width = Math.min(dacBits, inputBits - s * dacBits);
  let slice = Math.floor(bits / 2 ** (s * dacBits)) % 2 ** width;
  if (signed && (s + 1) * dacBits >= inputBits && slice >= 2 ** (width - 1)) slice -= 2 ** width;
  return slice;
}

/**
 * The layer computed through only the OUs the data-driven logic runs: per output position and input
 * slice, a static step runs only when `active` says so and sums only the wordlines it says are driven;
 * a row-group (SRE) crossbar packs, per group and slice, its driven kept wordlines into OUs of
 * `ou.rows`, each reading the group's bitlines in chunks of `ou.cols`. Equal to directOutput exactly
 * when no skipped step or undriven row carried a non-zero slice value. Output ids come from the
 * layout's regions (over their `wordlines` when they list them); rows of one OU column that belong to
 * different outputs, and a non-zero cell no region covers, throw. The static walk and the offset
 * correction are mappedOutput's (staticWalks, subtractOffsets); the plans must agree with the layout:
 * static steps with its walk, row groups with its regions when those list their wordlines (sre).
 */
export function mappedOutputDataDriven(
  layer: WeightLayer,
  layout: LayerLayout,
  plans: readonly CrossbarPlan[],
  arch: Arch,
  data: SignedLayerData,
  active: ActiveRows,
): DataDrivenRun {
  const g = layerGeometry(layer);
  const shape = convShape(layer);
  const enc = layout.encoding;
  const dacBits = arch.dac.bits;
  const inputBits = arch.precision.inputBits;
  const signed = data.signed ?? false;
  const slices = Math.ceil(inputBits / dacBits);
  const xbars = program(layer, layout, data.weights);
  const out = new Float64Array(g.cout * shape.outH * shape.outW);
  const stepsRun = new Float64Array(layout.crossbars);
  let stepsSkipped = 0;
  // Output id of every (crossbar, wordline, bitline) a region covers (-1 elsewhere).
  const outputOf = Array.from({ length: layout.crossbars }, () =>
    new Int32Array(layout.rows * layout.cols).fill(-1),
  );
  for (const region of layout.regions)
    for (let k = 0; k < region.rows; k++) {
      const row = regionWordline(region, k);
      for (let j = 0; j < region.outputs.length; j++)
        outputOf[region.crossbar][row * layout.cols + region.colStart + j] = region.outputs[j];
    }
  const walks = staticWalks(layout, arch.ou);
  plans.forEach((plan, xi) => {
    if (plan.rowGroups) checkRowGroups(layout, plan, xi);
    else checkStaticSteps(walks[xi], plan, xi);
  });
  const x = new Float64Array(layout.rows);
  const outputIndex = (f: number, oy: number, ox: number) => (f * shape.outH + oy) * shape.outW + ox;
  /** One OU: column sums over `rows` in slice s, added into their outputs. */
  const readOu = (
    xi: number,
    rows: readonly number[],
    c0: number,
    cw: number,
    s: number,
    oy: number,
    ox: number,
  ) => {
    const xbar = xbars[xi];
    for (let col = c0; col < c0 + cw; col++) {
      let sum = 0;
      let id = -1;
      for (const row of rows) {
        const cell = xbar.cells[row * layout.cols + col];
        if (cell === 0) continue;
        const rowId = outputOf[xi][row * layout.cols + col];
        if (rowId < 0) throw new Error(`crossbar ${xi} cell (${row}, ${col}) lies in no region`);
        if (id >= 0 && rowId !== id)
          throw new Error(`crossbar ${xi} column ${col}: one OU sums rows of different outputs`);
        id = rowId;
        sum += cell * inputSliceValue(x[row], s, dacBits, inputBits, signed);
      }
      if (id < 0 || sum === 0) continue;
      const f = Math.floor(id / enc.colsPerWeight);
      const k = id % enc.colsPerWeight;
      out[outputIndex(f, oy, ox)] +=
        signOf(enc, k) * sum * 2 ** (s * dacBits) * 2 ** (sliceOf(enc, k) * enc.cellBits);
    }
  };
  const driven: number[] = [];
  for (let oy = 0; oy < shape.outH; oy++) {
    for (let ox = 0; ox < shape.outW; ox++) {
      active.load(oy * shape.outW + ox);
      for (let xi = 0; xi < layout.crossbars; xi++) {
        const xbar = xbars[xi];
        for (let row = 0; row < layout.rows; row++) {
          const id = xbar.wordlineInput[row];
          x[row] = id < 0 ? 0 : windowValue(layer, shape, data.input, id, oy, ox);
        }
        const plan = plans[xi];
        for (let s = 0; s < slices; s++) {
          const bit = 1 << s;
          if (plan.rowGroups) {
            const groups = plan.rowGroups;
            for (let gi = 0; gi < groups.cols.length; gi++) {
              driven.length = 0;
              for (let k = groups.offsets[gi]; k < groups.offsets[gi + 1]; k++)
                if ((active.wordlineSliceMask(xi, groups.wordlines[k]) & bit) !== 0)
                  driven.push(groups.wordlines[k]);
              for (let r = 0; r < driven.length; r += arch.ou.rows) {
                const ou = driven.slice(r, r + arch.ou.rows);
                for (let c = 0; c < groups.cols[gi]; c += arch.ou.cols) {
                  readOu(
                    xi,
                    ou,
                    groups.colStart[gi] + c,
                    Math.min(arch.ou.cols, groups.cols[gi] - c),
                    s,
                    oy,
                    ox,
                  );
                  stepsRun[xi]++;
                }
              }
            }
            continue;
          }
          walks[xi].forEach((step, i) => {
            if ((active.stepSliceMask(xi, i) & bit) === 0) {
              stepsSkipped++;
              return;
            }
            driven.length = 0;
            for (const row of step.rows)
              if ((active.wordlineSliceMask(xi, row) & bit) !== 0) driven.push(row);
            readOu(xi, driven, step.region.colStart + step.c0, step.cols, s, oy, ox);
            stepsRun[xi]++;
          });
        }
      }
      // The correction uses whole input values: a row undriven in a slice has slice value 0 there.
      subtractOffsets(
        layout,
        xbars,
        (id) => windowValue(layer, shape, data.input, id, oy, ox),
        (f, amount) => (out[outputIndex(f, oy, ox)] -= amount),
      );
    }
  }
  return { output: out, stepsRun, stepsSkipped };
}

/** A plan's static steps drive the layout's walk: the same first rows and row counts, in order. */
function checkStaticSteps(walk: readonly RegionStep[], plan: CrossbarPlan, xi: number): void {
  if (walk.length !== plan.ouRows.length)
    throw new Error(`crossbar ${xi}: ${plan.ouRows.length} plan steps, ${walk.length} in the layout`);
  walk.forEach(({ rows }, step) => {
    // ouFirstRow names runs of adjacent wordlines; a region with scattered wordlines needs row groups.
    const adjacent = rows.every((row, i) => row === rows[0] + i);
    if (!adjacent || plan.ouFirstRow![step] !== rows[0] || plan.ouRows[step] !== rows.length)
      throw new Error(`crossbar ${xi} step ${step}: the plan's rows differ from the layout's`);
  });
}

/**
 * A row-group plan on a layout whose regions list their wordlines (sre): group k is the crossbar's
 * k-th region (same bitlines, same kept wordlines in order). Layouts without listed wordlines (row
 * groups built over dense bands) leave the groups to the plan.
 */
function checkRowGroups(layout: LayerLayout, plan: CrossbarPlan, xi: number): void {
  const regions = layout.regions.filter((r) => r.crossbar === xi);
  if (!regions.some((r) => r.wordlines)) return;
  const groups = plan.rowGroups!;
  const fail = (what: string) => {
    throw new Error(`crossbar ${xi}: the plan's row groups differ from the layout's regions (${what})`);
  };
  if (groups.cols.length !== regions.length) fail(`${groups.cols.length} groups, ${regions.length} regions`);
  regions.forEach((region, k) => {
    if (groups.colStart[k] !== region.colStart || groups.cols[k] !== region.outputs.length)
      fail(`group ${k} bitlines`);
    const n = groups.offsets[k + 1] - groups.offsets[k];
    if (n !== region.rows) fail(`group ${k} keeps ${n} wordlines, region ${region.rows}`);
    for (let i = 0; i < n; i++)
      if (groups.wordlines[groups.offsets[k] + i] !== regionWordline(region, i))
        fail(`group ${k} wordline ${i}`);
  });
}

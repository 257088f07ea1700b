/**
 * `pattern`: the kernel-reordering mapping (docs/design.md §2). Blocks (blocks.ts) are cut to the
 * crossbar width, packed into OU regions (packings.ts), and the regions placed into crossbars.
 * A region owns its wordlines across the whole crossbar width (a wordline carries one input), so
 * crossbars fill by rows: first-fit decreasing by height fixes the crossbar count, then the
 * regions are re-spread over that many crossbars to balance their OU steps (when the rows are
 * nearly full, by evening first-fit's packing out).
 *
 * Layers without 3x3 patterns are mapped densely (dense.ts) so that comparisons stay fair: FC,
 * 1x1 and other non-3x3 kernels, depthwise convs (one input channel per group), and 3x3 convs that
 * carry no pruning (an unpruned trace: nothing to reorder). LayerMapping.scheme says which.
 *
 * Index hardware, per layer (indexBits):
 * - the pattern library: patterns x kh*kw bits (position masks);
 * - per band: channel id + pattern id (a merged band stores a kh*kw-bit position mask instead);
 * - per region filter slot: output filter id (a filter's colsPerWeight columns are adjacent, so
 *   one entry per slot). Per OU step one look-up per filter slot the OU's columns touch.
 * - one kh*kw-to-1 input-selection mux per used wordline; it passes one input slice per slice step.
 * Every crossbar of a pattern layer adds its partial sums into the layer's outputs by filter id,
 * so all of them share columnGroup 0.
 */
import type { Arch } from '../../config/arch.ts';
import { InputError } from '../../util/errors.ts';
import type { ConvLayer, WeightLayer } from '../../workload/types.ts';
import { mapDense, denseLayout } from '../dense.ts';
import { weightEncoding } from '../encoding.ts';
import { idBits, layerGeometry, mappingBase } from '../geometry.ts';
import type { Band, LayerLayout, Region } from '../layout.ts';
import { crossbarPlan, regionStepCount, stepArrays, writeRegionSteps } from '../plans.ts';
import type { CrossbarPlan, LayerMapping, LayoutMapper, MapperOptions } from '../types.ts';
import { kernelBlocks, splitBlocks } from './blocks.ts';
import { packingOf, patternOptions } from './options.ts';
import type { Packing, RegionSpec } from './packings.ts';

/** A 3x3 conv with at least two input channels per group: the layers patterns are meant for. */
export function isPatternCandidate(layer: WeightLayer): layer is ConvLayer {
  return (
    layer.type === 'conv' && layer.kernel[0] === 3 && layer.kernel[1] === 3 && layer.cin / layer.groups >= 2
  );
}

/** True when the layer gets the pattern mapping; false sends it to dense. */
export function takesPatternMapping(layer: WeightLayer, arch: Arch): layer is ConvLayer {
  if (!isPatternCandidate(layer) || !layer.pruning) return false;
  if (weightEncoding(arch).colsPerWeight > arch.crossbar.cols) return false;
  return layer.pruning.patterns.every((p) => p.length <= arch.crossbar.rows);
}

/** The packing a name stands for (the default when undefined); an unknown name is an InputError. */
export function findPacking(name: string | undefined): Packing {
  return packingOf({ packing: name });
}

interface Placement {
  crossbar: Int32Array;
  rowStart: Int32Array;
  crossbars: number;
}

/** 0, 1, ..., n-1. */
function indices(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** First-fit decreasing by height: the fewest crossbars this simple rule finds. */
function firstFitDecreasing(heights: Int32Array, rows: number): Placement {
  const order = indices(heights.length).sort((a, b) => heights[b] - heights[a] || a - b);
  const crossbar = new Int32Array(heights.length);
  const rowStart = new Int32Array(heights.length);
  const free: number[] = [];
  let minHeight = Infinity;
  for (const h of heights) minHeight = Math.min(minHeight, h);
  let firstOpen = 0;
  for (const i of order) {
    const h = heights[i];
    let x = firstOpen;
    while (x < free.length && free[x] < h) x++;
    if (x === free.length) free.push(rows);
    crossbar[i] = x;
    rowStart[i] = rows - free[x];
    free[x] -= h;
    while (firstOpen < free.length && free[firstOpen] < minHeight) firstOpen++;
  }
  return { crossbar, rowStart, crossbars: free.length };
}

/**
 * The same number of crossbars, with the OU steps spread evenly (the busiest crossbar sets a
 * layer's pace): regions by decreasing OU steps, each to the least-loaded crossbar that still has
 * the rows (longest-processing-time first, with a row capacity). Null when the rows do not fit.
 */
function balanced(heights: Int32Array, steps: Int32Array, rows: number, crossbars: number): Placement | null {
  const order = indices(heights.length).sort(
    (a, b) => steps[b] - steps[a] || heights[b] - heights[a] || a - b,
  );
  const crossbar = new Int32Array(heights.length);
  const rowStart = new Int32Array(heights.length);
  const free = new Int32Array(crossbars).fill(rows);
  const load = new Float64Array(crossbars);
  for (const i of order) {
    let best = -1;
    for (let x = 0; x < crossbars; x++)
      if (free[x] >= heights[i] && (best < 0 || load[x] < load[best])) best = x;
    if (best < 0) return null;
    crossbar[i] = best;
    rowStart[i] = rows - free[best];
    free[best] -= heights[i];
    load[best] += steps[i];
  }
  return { crossbar, rowStart, crossbars };
}

/**
 * First-fit's packing, evened out: while it lowers the busiest crossbar's OU steps, move one of its
 * regions to a less-loaded crossbar with the rows free, or swap it there for a region with fewer
 * steps that the rows allow. For layers whose rows are nearly full (VGG-16's conv4/5 fill 99%),
 * where the load-first spread finds no room for the last regions and first-fit alone leaves the
 * busiest crossbar 15% above the mean. Same crossbars, every region within the rows.
 */
function evenedOut(packed: Placement, heights: Int32Array, steps: Int32Array, rows: number): Placement {
  const n = packed.crossbars;
  const crossbar = Int32Array.from(packed.crossbar);
  const members: number[][] = Array.from({ length: n }, () => []);
  const load = new Float64Array(n);
  const free = new Int32Array(n).fill(rows);
  for (let i = 0; i < heights.length; i++) {
    members[crossbar[i]].push(i);
    load[crossbar[i]] += steps[i];
    free[crossbar[i]] -= heights[i];
  }
  const byLoad = indices(n);
  // Each change lowers the busiest load or the number of crossbars at it, so this ends; the cap
  // only bounds the work on huge layers.
  for (let round = 0; round < 8 * heights.length; round++) {
    byLoad.sort((a, b) => load[a] - load[b] || a - b);
    const b = byLoad[n - 1];
    // Regions of equal height and steps are interchangeable: try one of each kind.
    const mine = kinds(members[b], heights, steps);
    let best: { r: number; x: number; q: number; peak: number } | undefined;
    // The lightest crossbar that can take some of the busiest one's load, and the best change there.
    for (const x of byLoad) {
      if (best || load[x] + 1 >= load[b]) break;
      const theirs = kinds(members[x], heights, steps);
      for (const r of mine) {
        if (free[x] >= heights[r] && load[x] + steps[r] < load[b]) {
          const peak = load[x] + steps[r];
          if (!best || peak < best.peak) best = { r, x, q: -1, peak };
        }
        for (const q of theirs) {
          if (steps[q] >= steps[r] || free[x] + heights[q] < heights[r] || free[b] + heights[r] < heights[q])
            continue;
          const peak = Math.max(load[b] - steps[r] + steps[q], load[x] - steps[q] + steps[r]);
          if (peak < load[b] && (!best || peak < best.peak)) best = { r, x, q, peak };
        }
      }
    }
    if (!best) break;
    const { r, x, q } = best;
    const moveTo = (i: number, from: number, to: number) => {
      members[from].splice(members[from].indexOf(i), 1);
      members[to].push(i);
      crossbar[i] = to;
      load[from] -= steps[i];
      load[to] += steps[i];
      free[from] += heights[i];
      free[to] -= heights[i];
    };
    moveTo(r, b, x);
    if (q >= 0) moveTo(q, x, b);
  }
  // Rows top to bottom in region order within each crossbar.
  const rowStart = new Int32Array(heights.length);
  for (const list of members) {
    let row = 0;
    for (const i of list.sort((a, c) => a - c)) {
      rowStart[i] = row;
      row += heights[i];
    }
  }
  return { crossbar, rowStart, crossbars: n };
}

/** One region of each (height, steps) among `regions`: the first of its kind. */
function kinds(regions: readonly number[], heights: Int32Array, steps: Int32Array): number[] {
  const out: number[] = [];
  for (const i of regions)
    if (!out.some((j) => heights[j] === heights[i] && steps[j] === steps[i])) out.push(i);
  return out;
}

function placeRegions(heights: Int32Array, steps: Int32Array, rows: number): Placement {
  const packed = firstFitDecreasing(heights, rows);
  return balanced(heights, steps, rows, packed.crossbars) ?? evenedOut(packed, heights, steps, rows);
}

/** Regions packed and placed: what both the plans and the layout are built from. */
interface PatternPlacement {
  specs: RegionSpec[];
  /** Wordlines of each region (sum of its bands' positions). */
  heights: Int32Array;
  placement: Placement;
  /** Region indices in OU issue order: by crossbar, top to bottom. */
  order: Int32Array;
}

function placePattern(layer: ConvLayer, arch: Arch, options: MapperOptions): PatternPlacement {
  const cpw = weightEncoding(arch).colsPerWeight;
  const packing = packingOf(options);
  const pieces = splitBlocks(kernelBlocks(layer), Math.floor(arch.crossbar.cols / cpw));
  const specs = packing.pack(pieces, {
    ouRows: arch.ou.rows,
    ouCols: arch.ou.cols,
    rows: arch.crossbar.rows,
    cols: arch.crossbar.cols,
    colsPerWeight: cpw,
  });
  const n = specs.length;
  const heights = new Int32Array(n);
  let tallest = 0;
  for (let i = 0; i < n; i++) {
    for (const band of specs[i].bands) heights[i] += band.positions.length;
    tallest = Math.max(tallest, heights[i]);
  }
  if (n === 0)
    return {
      specs,
      heights,
      placement: { crossbar: heights, rowStart: heights, crossbars: 0 },
      order: heights,
    };
  if (tallest > arch.crossbar.rows)
    throw new InputError(
      'arch',
      'crossbar.rows',
      `a pattern block of ${tallest} rows does not fit a crossbar of ${arch.crossbar.rows} rows (lower pattern.size)`,
    );
  const steps = new Int32Array(n);
  for (let i = 0; i < n; i++) steps[i] = regionStepCount(heights[i], specs[i].filters.length * cpw, arch.ou);
  const placement = placeRegions(heights, steps, arch.crossbar.rows);
  const order = indices(n).sort(
    (a, b) => placement.crossbar[a] - placement.crossbar[b] || placement.rowStart[a] - placement.rowStart[b],
  );
  return { specs, heights, placement, order };
}

/** The wordline/bitline layout of a placement (for the functional check; not on the fast path). */
function patternLayout(layer: ConvLayer, arch: Arch, placed: PatternPlacement): LayerLayout {
  const enc = weightEncoding(arch);
  const cpw = enc.colsPerWeight;
  const kk = layerGeometry(layer).kernelSize;
  const { specs, heights, placement, order } = placed;
  const bands: Band[] = [];
  const regions: Region[] = [];
  for (const i of order) {
    const spec = specs[i];
    const crossbar = placement.crossbar[i];
    const width = spec.filters.length * cpw;
    const outputs = new Int32Array(width);
    const slotOf = new Map<number, number>();
    spec.filters.forEach((f, slot) => {
      slotOf.set(f, slot);
      for (let k = 0; k < cpw; k++) outputs[slot * cpw + k] = f * cpw + k;
    });
    let row = placement.rowStart[i];
    regions.push({ crossbar, rowStart: row, rows: heights[i], colStart: 0, outputs });
    for (const block of spec.bands) {
      const inputs = Int32Array.from(block.positions, (pos) => block.channel * kk + pos);
      const columns = spec.bands.length === 1 ? outputs : new Int32Array(width).fill(-1);
      if (spec.bands.length > 1) {
        for (const f of block.filters) {
          const slot = slotOf.get(f)!;
          for (let k = 0; k < cpw; k++) columns[slot * cpw + k] = f * cpw + k;
        }
      }
      bands.push({ crossbar, rowStart: row, inputs, colStart: 0, columns });
      row += inputs.length;
    }
  }
  return {
    crossbars: placement.crossbars,
    rows: arch.crossbar.rows,
    cols: arch.crossbar.cols,
    kernelSize: kk,
    encoding: enc,
    bands,
    regions,
    columnGroups: new Int32Array(placement.crossbars),
  };
}

/**
 * The crossbar plans of a placement, straight from the region specs: the same numbers as
 * plans.ts plansFromLayout(patternLayout(...)) (a test checks it), without building wordline/bitline arrays.
 * What the layout would show, in closed form: every region's bitlines [0, width) hold cells (its
 * column map is the union of its bands' filters), a band holds positions x filters x colsPerWeight
 * cells and one offset correction per filter, and a band's filters are its outputs.
 */
function patternPlans(layer: ConvLayer, arch: Arch, placed: PatternPlacement): CrossbarPlan[] {
  const enc = weightEncoding(arch);
  const cpw = enc.colsPerWeight;
  const ouRows = arch.ou.rows;
  const ouCols = arch.ou.cols;
  const kk = layerGeometry(layer).kernelSize;
  const { specs, heights, placement, order } = placed;
  const n = placement.crossbars;
  const stepCount = new Int32Array(n);
  for (let i = 0; i < specs.length; i++)
    stepCount[placement.crossbar[i]] += regionStepCount(heights[i], specs[i].filters.length * cpw, arch.ou);
  // Distinct inputs and outputs per crossbar: the crossbar that last counted each id.
  const inputSeenBy = new Int32Array(layer.cin * kk).fill(-1);
  const outputSeenBy = new Int32Array(layer.cout).fill(-1);
  const plans: CrossbarPlan[] = [];
  let next = 0;
  for (let x = 0; x < n; x++) {
    const steps = stepArrays(stepCount[x]);
    const wordlineInputs = new Int32Array(arch.crossbar.rows).fill(-1);
    let step = 0;
    let rowsUsed = 0;
    let colsUsed = 0;
    let cellsUsed = 0;
    let outputs = 0;
    let inputs = 0;
    let lookups = 0;
    let corrections = 0;
    let sumAdds = 0;
    for (; next < order.length && placement.crossbar[order[next]] === x; next++) {
      const i = order[next];
      const h = heights[i];
      const w = specs[i].filters.length * cpw;
      colsUsed = Math.max(colsUsed, w);
      // OU steps and index look-ups (one per filter slot an OU touches).
      const rowChunks = Math.ceil(h / ouRows);
      const rowStart = placement.rowStart[i];
      step = writeRegionSteps(h, w, arch.ou, rowStart, steps, step);
      let row = rowStart;
      for (let c = 0; c < w; c += ouCols) {
        const end = Math.min(c + ouCols, w);
        lookups += rowChunks * (Math.floor((end - 1) / cpw) - Math.floor(c / cpw) + 1);
      }
      for (const band of specs[i].bands) {
        const rows = band.positions.length;
        const filters = band.filters;
        rowsUsed += rows;
        cellsUsed += rows * filters.length * cpw;
        const base = band.channel * kk;
        for (const pos of band.positions) {
          wordlineInputs[row++] = base + pos;
          if (inputSeenBy[base + pos] !== x) {
            inputSeenBy[base + pos] = x;
            inputs++;
          }
        }
        for (let k = 0; k < filters.length; k++) {
          if (outputSeenBy[filters[k]] !== x) {
            outputSeenBy[filters[k]] = x;
            outputs++;
          }
        }
        if (enc.correctionColumn >= 0 && filters.length > 0) {
          corrections += filters.length;
          sumAdds += rows - 1;
        }
      }
    }
    const planSteps = { ouRows: steps.rows, ouCols: steps.cols, ouFirstRow: steps.firstRows };
    plans.push(
      crossbarPlan(planSteps, wordlineInputs, 0, {
        rowsUsed,
        colsUsed,
        cellsUsed,
        outputsPerVector: outputs,
        inputsPerVector: inputs,
        indexLookupsPerSlice: lookups,
        muxSelectsPerSlice: rowsUsed,
        offsetCorrectionsPerVector: corrections,
        inputSumAddsPerVector: sumAdds,
      }),
    );
  }
  return plans;
}

function mapPattern(layer: WeightLayer, arch: Arch, options: MapperOptions): LayerMapping {
  if (!takesPatternMapping(layer, arch)) {
    packingOf(options); // an unknown packing is an error whatever the layer
    return mapDense(layer, arch, 'pattern');
  }
  const placed = placePattern(layer, arch, options);
  const { specs } = placed;
  const cpw = weightEncoding(arch).colsPerWeight;
  const patternCount = layer.pruning!.patterns.length;
  const kk = layerGeometry(layer).kernelSize;
  let indexBits = patternCount * kk;
  let muxes = 0;
  let matrixRows = 0;
  let blocks = 0;
  for (const spec of specs) {
    indexBits += spec.filters.length * idBits(layer.cout);
    blocks += spec.bands.length;
    for (const band of spec.bands) {
      indexBits += idBits(layer.cin) + (band.patterns.length === 1 ? idBits(patternCount) : kk);
      muxes += band.positions.length;
      matrixRows += band.positions.length;
    }
  }
  const packing = packingOf(options).name;
  return {
    ...mappingBase(layer, arch, 'pattern'),
    matrixRows,
    matrixCols: layer.cout * cpw,
    blocks,
    crossbars: patternPlans(layer, arch, placed),
    indexBits,
    muxes,
    scheme: `pattern/${packing}`,
  };
}

/** The layout of a pattern-mapped layer (exported for the test that compares it with the plans). */
export function patternLayerLayout(layer: ConvLayer, arch: Arch, options: MapperOptions): LayerLayout {
  return patternLayout(layer, arch, placePattern(layer, arch, options));
}

export const patternMapper: LayoutMapper = {
  name: 'pattern',
  description: 'kernel reordering: (channel, pattern) blocks without zeros, packed by --packing',
  needsMasks: true,
  options: patternOptions,
  mapLayer: mapPattern,
  layoutLayer: (layer, arch, options) => {
    if (!takesPatternMapping(layer, arch)) {
      packingOf(options);
      return denseLayout(layer, arch);
    }
    return patternLayerLayout(layer, arch, options);
  },
};

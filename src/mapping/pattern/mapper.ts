/**
 * `pattern`: the kernel-reordering mapping (design.md §2). Blocks (blocks.ts) are cut to the
 * crossbar width, packed into OU regions (packings.ts), and the regions placed into crossbars.
 * A region owns its wordlines across the whole crossbar width (a wordline carries one input), so
 * crossbars fill by rows: first-fit decreasing by height fixes the crossbar count, then the
 * regions are re-spread over that many crossbars to balance their OU steps (when the rows allow).
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
import { plansFromLayout, type Band, type LayerLayout, type Region } from '../layout.ts';
import type { LayerMapping, LayoutMapper, MapperOptions } from '../types.ts';
import { kernelBlocks, splitBlocks } from './blocks.ts';
import { DEFAULT_PACKING, PACKINGS, type Packing, type RegionSpec } from './packings.ts';

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

export function findPacking(name: string | undefined): Packing {
  const wanted = name ?? DEFAULT_PACKING;
  const packing = PACKINGS.find((p) => p.name === wanted);
  if (!packing)
    throw new InputError(
      '--packing',
      '',
      `unknown packing '${wanted}' (packings: ${PACKINGS.map((p) => p.name).join(', ')})`,
    );
  return packing;
}

interface Placement {
  crossbar: Int32Array;
  rowStart: Int32Array;
  crossbars: number;
}

/** First-fit decreasing by height: the fewest crossbars this simple rule finds. */
function firstFitDecreasing(heights: number[], rows: number): Placement {
  const order = heights.map((_, i) => i).sort((a, b) => heights[b] - heights[a] || a - b);
  const crossbar = new Int32Array(heights.length);
  const rowStart = new Int32Array(heights.length);
  const free: number[] = [];
  const minHeight = Math.min(...heights);
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
function balanced(heights: number[], steps: number[], rows: number, crossbars: number): Placement | null {
  const order = heights
    .map((_, i) => i)
    .sort((a, b) => steps[b] - steps[a] || heights[b] - heights[a] || a - b);
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

function placeRegions(heights: number[], steps: number[], rows: number): Placement {
  const packed = firstFitDecreasing(heights, rows);
  return balanced(heights, steps, rows, packed.crossbars) ?? packed;
}

interface PatternPlacement {
  layout: LayerLayout;
  specs: RegionSpec[];
}

function placePattern(layer: ConvLayer, arch: Arch, options: MapperOptions): PatternPlacement {
  const enc = weightEncoding(arch);
  const geometry = layerGeometry(layer);
  const cpw = enc.colsPerWeight;
  const packing = findPacking(options.packing);
  const pieces = splitBlocks(kernelBlocks(layer), Math.floor(arch.crossbar.cols / cpw));
  const specs = packing.pack(pieces, {
    ouRows: arch.ou.rows,
    ouCols: arch.ou.cols,
    cols: arch.crossbar.cols,
    colsPerWeight: cpw,
  });
  const heights = specs.map((s) => s.bands.reduce((sum, b) => sum + b.positions.length, 0));
  const kk = geometry.kernelSize;
  const bands: Band[] = [];
  const regions: Region[] = [];
  if (specs.length === 0) {
    return {
      specs,
      layout: {
        crossbars: 0,
        rows: arch.crossbar.rows,
        cols: arch.crossbar.cols,
        kernelSize: kk,
        encoding: enc,
        bands,
        regions,
        columnGroups: new Int32Array(0),
      },
    };
  }
  if (Math.max(...heights) > arch.crossbar.rows)
    throw new InputError(
      'arch',
      'ou.rows',
      `a packed region of ${Math.max(...heights)} rows exceeds the crossbar`,
    );
  const steps = specs.map(
    (s, i) => Math.ceil(heights[i] / arch.ou.rows) * Math.ceil((s.filters.length * cpw) / arch.ou.cols),
  );
  const placement = placeRegions(heights, steps, arch.crossbar.rows);
  // Regions in OU issue order: by crossbar, top to bottom.
  const order = specs
    .map((_, i) => i)
    .sort(
      (a, b) =>
        placement.crossbar[a] - placement.crossbar[b] || placement.rowStart[a] - placement.rowStart[b],
    );
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
    specs,
    layout: {
      crossbars: placement.crossbars,
      rows: arch.crossbar.rows,
      cols: arch.crossbar.cols,
      kernelSize: kk,
      encoding: enc,
      bands,
      regions,
      columnGroups: new Int32Array(placement.crossbars),
    },
  };
}

function mapPattern(layer: WeightLayer, arch: Arch, options: MapperOptions): LayerMapping {
  if (!takesPatternMapping(layer, arch)) {
    findPacking(options.packing); // an unknown packing is an error whatever the layer
    return mapDense(layer, arch, 'pattern');
  }
  const { layout, specs } = placePattern(layer, arch, options);
  const enc = layout.encoding;
  const cpw = enc.colsPerWeight;
  const patternCount = layer.pruning!.patterns.length;
  const kk = layout.kernelSize;
  const crossbars = plansFromLayout(layout, arch.ou, {
    muxed: true,
    lookups: (_region, c0, w) => Math.floor((c0 + w - 1) / cpw) - Math.floor(c0 / cpw) + 1,
  });
  let indexBits = patternCount * kk;
  let muxes = 0;
  let matrixRows = 0;
  for (const spec of specs) {
    indexBits += spec.filters.length * idBits(layer.cout);
    for (const band of spec.bands) {
      indexBits += idBits(layer.cin) + (band.patterns.length === 1 ? idBits(patternCount) : kk);
      muxes += band.positions.length;
      matrixRows += band.positions.length;
    }
  }
  const packing = findPacking(options.packing).name;
  return {
    ...mappingBase(layer, arch, 'pattern'),
    matrixRows,
    matrixCols: layer.cout * cpw,
    blocks: layout.bands.length,
    crossbars,
    indexBits,
    muxes,
    scheme: `pattern/${packing}`,
  };
}

export const patternMapper: LayoutMapper = {
  name: 'pattern',
  description: 'kernel reordering: (channel, pattern) blocks without zeros, packed by MapperOptions.packing',
  mapLayer: mapPattern,
  layoutLayer: (layer, arch, options) => {
    if (!takesPatternMapping(layer, arch)) {
      findPacking(options.packing);
      return denseLayout(layer, arch);
    }
    return placePattern(layer, arch, options).layout;
  },
};

/**
 * Packings: how the pattern mapping turns block pieces into OU regions (layout.ts).
 *
 * The physical rule behind all of them: a wordline carries one input, so a band of wordlines
 * belongs to one channel's window positions; its bitlines may be reused by other bands (below or
 * above) for other outputs, because an OU activates the rows of one region only, and every
 * (region, column) has an output-id index entry.
 *
 * - `band`: one block piece per band, one band per region. An OU covers at most one piece's
 *   `pattern.size` rows; with `ou.rows > pattern.size` the other OU rows stay idle.
 * - `stack`: bands stacked up to `ou.rows` wordlines in one region whose column map is the union
 *   of their filters (filter-aligned: filter f has the same bitlines in every band of the stack; a
 *   band stores no cell under another band's filters). One OU then sums the stacked blocks of a
 *   shared filter in the analog domain and fills the OU rows. Partners are chosen greedily for the
 *   largest filter overlap among the next candidates, as long as the union fits the crossbar width.
 * - `merge`: blocks of the same channel share wordlines: the band carries the union of their kept
 *   positions and the blocks sit side by side, each storing zeros at the positions its pattern does
 *   not keep. Two bands merge while that saves wordlines, fits the crossbar width and does not add
 *   OU steps (so the union stays within `ou.rows` when blocks are narrower than a crossbar).
 * - `merge-stack`: `merge`, then `stack` on the merged bands.
 */
import { unionSorted, type BlockSpec } from './blocks.ts';

export interface RegionSpec {
  /** Bands stacked top to bottom. */
  bands: BlockSpec[];
  /** The region's column map: filter slots left to right (ascending). */
  filters: Int32Array;
}

export interface PackingContext {
  ouRows: number;
  ouCols: number;
  /** Crossbar wordlines: no region may be taller. */
  rows: number;
  /** Crossbar bitlines. */
  cols: number;
  colsPerWeight: number;
}

export interface Packing {
  name: string;
  description: string;
  pack(pieces: BlockSpec[], ctx: PackingContext): RegionSpec[];
}

function ouSteps(rows: number, filters: number, ctx: PackingContext): number {
  return Math.ceil(rows / ctx.ouRows) * Math.ceil((filters * ctx.colsPerWeight) / ctx.ouCols);
}

const bandPacking: Packing = {
  name: 'band',
  description: 'one block per band and per OU region (OU rows beyond pattern.size idle)',
  pack: (pieces) => pieces.map((piece) => ({ bands: [piece], filters: piece.filters })),
};

/** Candidates looked at when choosing stack partners (bounds the cost on big layers). */
const STACK_WINDOW = 32;

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * The pieces' filter lists as bitsets, each stored over the span of words that hold any of its
 * bits (words first..last at offset `at`): the overlap of two lists is then a popcount over the
 * shared span, and memory follows the pieces' spans, not pieces x filters.
 */
interface FilterBitsets {
  /** Words of a bitset over every filter id. */
  words: number;
  bits: Uint32Array;
  /** Index in `bits` of word w of piece i: at[i] + w (at[i] = its offset - first[i]). */
  at: Float64Array;
  first: Int32Array;
  last: Int32Array;
}

function filterBitsets(pieces: BlockSpec[]): FilterBitsets {
  let maxFilter = 0;
  let total = 0;
  const first = new Int32Array(pieces.length);
  const last = new Int32Array(pieces.length).fill(-1);
  for (let i = 0; i < pieces.length; i++) {
    const filters = pieces[i].filters;
    if (filters.length === 0) continue;
    first[i] = filters[0] >> 5;
    last[i] = filters[filters.length - 1] >> 5;
    maxFilter = Math.max(maxFilter, filters[filters.length - 1]);
    total += last[i] - first[i] + 1;
  }
  const bits = new Uint32Array(total);
  const at = new Float64Array(pieces.length);
  let offset = 0;
  for (let i = 0; i < pieces.length; i++) {
    const filters = pieces[i].filters;
    at[i] = offset - first[i];
    for (let k = 0; k < filters.length; k++) bits[at[i] + (filters[k] >> 5)] |= 1 << (filters[k] & 31);
    offset += last[i] - first[i] + 1;
  }
  return { words: (maxFilter >> 5) + 1, bits, at, first, last };
}

/** Ascending filter ids of a bitset whose bits all lie in words [first, last]. */
function bitsetFilters(set: Uint32Array, first: number, last: number, count: number): Int32Array {
  const filters = new Int32Array(count);
  let n = 0;
  for (let w = first; w <= last; w++) {
    let word = set[w];
    while (word !== 0) {
      const low = word & -word;
      filters[n++] = (w << 5) + 31 - Math.clz32(low);
      word ^= low;
    }
  }
  return filters;
}

/** The first unused piece at or after i: follows `nextFree` links, halving the paths it walks. */
function firstFree(nextFree: Int32Array, i: number): number {
  while (nextFree[i] !== i) {
    nextFree[i] = nextFree[nextFree[i]];
    i = nextFree[i];
  }
  return i;
}

const stackPacking: Packing = {
  name: 'stack',
  description:
    'bands stacked up to ou.rows with a shared filter-aligned column map (partners by filter overlap)',
  pack(pieces, ctx) {
    const maxFilters = Math.floor(ctx.cols / ctx.colsPerWeight);
    const n = pieces.length;
    const { words, bits, at, first, last } = filterBitsets(pieces);
    const heights = new Int32Array(n);
    const counts = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      heights[i] = pieces[i].positions.length;
      counts[i] = pieces[i].filters.length;
    }
    // nextFree[i] leads (with path halving) to the first unused piece at or after i.
    const nextFree = new Int32Array(n + 1);
    for (let i = 0; i <= n; i++) nextFree[i] = i;
    const union = new Uint32Array(words);
    const regions: RegionSpec[] = [];
    for (let a = firstFree(nextFree, 0); a < n; a = firstFree(nextFree, a + 1)) {
      nextFree[a] = a + 1;
      const bands = [pieces[a]];
      let rows = heights[a];
      for (let w = first[a]; w <= last[a]; w++) union[w] = bits[at[a] + w];
      let unionFirst = first[a];
      let unionLast = last[a];
      let unionCount = counts[a];
      for (;;) {
        let best = -1;
        let bestOverlap = -1;
        let bestUnion = Infinity;
        let seen = 0;
        for (
          let b = firstFree(nextFree, a + 1);
          b < n && seen < STACK_WINDOW;
          b = firstFree(nextFree, b + 1)
        ) {
          seen++;
          if (rows + heights[b] > ctx.ouRows) continue;
          let overlap = 0;
          const base = at[b];
          const hi = Math.min(unionLast, last[b]);
          for (let w = Math.max(unionFirst, first[b]); w <= hi; w++)
            overlap += popcount(union[w] & bits[base + w]);
          const size = unionCount + counts[b] - overlap;
          if (size > maxFilters) continue;
          if (overlap > bestOverlap || (overlap === bestOverlap && size < bestUnion)) {
            best = b;
            bestOverlap = overlap;
            bestUnion = size;
          }
        }
        if (best < 0) break;
        nextFree[best] = best + 1;
        bands.push(pieces[best]);
        rows += heights[best];
        const base = at[best];
        for (let w = first[best]; w <= last[best]; w++) union[w] |= bits[base + w];
        if (counts[best] > 0) {
          unionFirst = unionCount > 0 ? Math.min(unionFirst, first[best]) : first[best];
          unionLast = Math.max(unionLast, last[best]);
        }
        unionCount = bestUnion;
      }
      regions.push({ bands, filters: bitsetFilters(union, unionFirst, unionLast, unionCount) });
      // Only the union's span holds bits: clearing it keeps the next region's start O(its span).
      if (unionCount > 0) union.fill(0, unionFirst, unionLast + 1);
    }
    return regions;
  },
};

/** Set bits of a kernel position mask (at most 9 bits used, but any 32-bit mask works). */
const maskSize = popcount;

/** Greedily merge the bands of one channel (see the file comment). */
function mergeChannel(bands: BlockSpec[], ctx: PackingContext): BlockSpec[] {
  const maxFilters = Math.floor(ctx.cols / ctx.colsPerWeight);
  const live = bands.slice();
  // OU steps of each live band on its own, kept in step with `live`.
  const alone = live.map((b) => ouSteps(b.positions.length, b.filters.length, ctx));
  for (;;) {
    let bestI = -1;
    let bestJ = -1;
    let bestSaved = 0;
    let bestSteps = Infinity;
    let bestMask = 0;
    // Only bands narrower than a crossbar can merge (the pair must fit its width): skipping the
    // others keeps a channel of many full-width pieces linear instead of quadratic.
    const open: number[] = [];
    for (let k = 0; k < live.length; k++) if (live[k].filters.length < maxFilters) open.push(k);
    for (let x = 0; x < open.length; x++) {
      const i = open[x];
      const a = live[i];
      const aRows = a.positions.length;
      for (let y = x + 1; y < open.length; y++) {
        const j = open[y];
        const b = live[j];
        const width = a.filters.length + b.filters.length;
        if (width > maxFilters) continue;
        const mask = a.positionMask | b.positionMask;
        const rows = maskSize(mask);
        if (rows > ctx.rows) continue;
        const saved = aRows + b.positions.length - rows;
        if (saved <= 0) continue;
        const steps = ouSteps(rows, width, ctx);
        if (steps > alone[i] + alone[j]) continue;
        if (saved > bestSaved || (saved === bestSaved && steps < bestSteps)) {
          bestI = i;
          bestJ = j;
          bestSaved = saved;
          bestSteps = steps;
          bestMask = mask;
        }
      }
    }
    if (bestI < 0) return live;
    const a = live[bestI];
    const b = live[bestJ];
    const merged: BlockSpec = {
      channel: a.channel,
      positions: unionSorted(a.positions, b.positions),
      positionMask: bestMask,
      filters: Int32Array.from(unionSorted(a.filters, b.filters)),
      patterns: [...a.patterns, ...b.patterns],
    };
    live.splice(bestJ, 1);
    alone.splice(bestJ, 1);
    live[bestI] = merged;
    alone[bestI] = ouSteps(merged.positions.length, merged.filters.length, ctx);
  }
}

/** Merge per channel (pieces arrive channel by channel). */
function mergeBands(pieces: BlockSpec[], ctx: PackingContext): BlockSpec[] {
  const bands: BlockSpec[] = [];
  for (let start = 0; start < pieces.length;) {
    let end = start;
    while (end < pieces.length && pieces[end].channel === pieces[start].channel) end++;
    // A loop, not push(...list): a channel may have more bands than the call stack has room for.
    for (const band of mergeChannel(pieces.slice(start, end), ctx)) bands.push(band);
    start = end;
  }
  return bands;
}

const mergePacking: Packing = {
  name: 'merge',
  description:
    'blocks of one channel share wordlines (union of their positions) when it saves rows without adding OU steps',
  pack: (pieces, ctx) => mergeBands(pieces, ctx).map((band) => ({ bands: [band], filters: band.filters })),
};

const mergeStackPacking: Packing = {
  name: 'merge-stack',
  description: 'merge, then stack the bands that are still shorter than ou.rows',
  pack: (pieces, ctx) => stackPacking.pack(mergeBands(pieces, ctx), ctx),
};

export const PACKINGS: readonly Packing[] = [mergePacking, mergeStackPacking, bandPacking, stackPacking];

/** The packing used when MapperOptions.packing is absent (chosen by measurement, docs/mapping.md). */
export const DEFAULT_PACKING = 'merge-stack';

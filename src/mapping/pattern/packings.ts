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
import { overlapSorted, unionSorted, type BlockSpec } from './blocks.ts';

export interface RegionSpec {
  /** Bands stacked top to bottom. */
  bands: BlockSpec[];
  /** The region's column map: filter slots left to right (ascending). */
  filters: Int32Array;
}

export interface PackingContext {
  ouRows: number;
  ouCols: number;
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

const stackPacking: Packing = {
  name: 'stack',
  description:
    'bands stacked up to ou.rows with a shared filter-aligned column map (partners by filter overlap)',
  pack(pieces, ctx) {
    const maxFilters = Math.floor(ctx.cols / ctx.colsPerWeight);
    const used = new Uint8Array(pieces.length);
    const regions: RegionSpec[] = [];
    for (let a = 0; a < pieces.length; a++) {
      if (used[a]) continue;
      used[a] = 1;
      const bands = [pieces[a]];
      let rows = pieces[a].positions.length;
      let filters: ArrayLike<number> = pieces[a].filters;
      for (;;) {
        let best = -1;
        let bestOverlap = -1;
        let bestUnion = Infinity;
        let seen = 0;
        for (let b = a + 1; b < pieces.length && seen < STACK_WINDOW; b++) {
          if (used[b]) continue;
          seen++;
          const candidate = pieces[b];
          if (rows + candidate.positions.length > ctx.ouRows) continue;
          const overlap = overlapSorted(filters, candidate.filters);
          const union = filters.length + candidate.filters.length - overlap;
          if (union > maxFilters) continue;
          if (overlap > bestOverlap || (overlap === bestOverlap && union < bestUnion)) {
            best = b;
            bestOverlap = overlap;
            bestUnion = union;
          }
        }
        if (best < 0) break;
        used[best] = 1;
        bands.push(pieces[best]);
        rows += pieces[best].positions.length;
        filters = unionSorted(filters, pieces[best].filters);
      }
      regions.push({ bands, filters: Int32Array.from(filters) });
    }
    return regions;
  },
};

/** Greedily merge the bands of one channel (see the file comment). */
function mergeChannel(bands: BlockSpec[], ctx: PackingContext): BlockSpec[] {
  const maxFilters = Math.floor(ctx.cols / ctx.colsPerWeight);
  const live = bands.slice();
  for (;;) {
    let bestI = -1;
    let bestJ = -1;
    let bestSaved = 0;
    let bestSteps = Infinity;
    let bestPositions: number[] = [];
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) {
        const a = live[i];
        const b = live[j];
        const width = a.filters.length + b.filters.length;
        if (width > maxFilters) continue;
        const positions = unionSorted(a.positions, b.positions);
        const saved = a.positions.length + b.positions.length - positions.length;
        if (saved <= 0) continue;
        const steps = ouSteps(positions.length, width, ctx);
        if (
          steps >
          ouSteps(a.positions.length, a.filters.length, ctx) +
            ouSteps(b.positions.length, b.filters.length, ctx)
        )
          continue;
        if (saved > bestSaved || (saved === bestSaved && steps < bestSteps)) {
          bestI = i;
          bestJ = j;
          bestSaved = saved;
          bestSteps = steps;
          bestPositions = positions;
        }
      }
    }
    if (bestI < 0) return live;
    const a = live[bestI];
    const b = live[bestJ];
    const merged: BlockSpec = {
      channel: a.channel,
      positions: bestPositions,
      filters: Int32Array.from(unionSorted(a.filters, b.filters)),
      patterns: [...a.patterns, ...b.patterns],
    };
    live.splice(bestJ, 1);
    live[bestI] = merged;
  }
}

/** Merge per channel (pieces arrive channel by channel). */
function mergeBands(pieces: BlockSpec[], ctx: PackingContext): BlockSpec[] {
  const bands: BlockSpec[] = [];
  for (let start = 0; start < pieces.length;) {
    let end = start;
    while (end < pieces.length && pieces[end].channel === pieces[start].channel) end++;
    bands.push(...mergeChannel(pieces.slice(start, end), ctx));
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

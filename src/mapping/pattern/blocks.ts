/**
 * Kernel reordering: per input channel c, the kernels W[f][c] are grouped by pattern id. Group
 * (c, p) becomes a block whose wordlines carry the inputs of channel c's window at p's kept
 * positions and whose columns are the group's filters (colsPerWeight each). Connectivity-pruned
 * kernels belong to no block: they take no cells.
 */
import { PRUNED as PRUNED_ID, type ConvLayer } from '../../workload/types.ts';

/** A local copy: an imported binding may be read through a getter on every access. */
const PRUNED = PRUNED_ID;

/** Bitmask of a list of kernel positions. */
export function positionMask(positions: readonly number[]): number {
  let mask = 0;
  for (const p of positions) mask |= 1 << p;
  return mask;
}

/** Wordlines of one channel's window and the filters that read them. */
export interface BlockSpec {
  /** Absolute input channel. */
  channel: number;
  /** Kernel positions carried by the wordlines, sorted (a pattern, or a union of patterns). */
  positions: number[];
  /** The same positions as a bitmask (bit p set for position p): unions without allocation. */
  positionMask: number;
  /** Absolute output filters, ascending; each takes colsPerWeight adjacent columns. */
  filters: Int32Array;
  /** Library pattern ids of the kernels stored here (more than one once blocks are merged). */
  patterns: number[];
}

/** The (channel, pattern) blocks of a pattern-pruned conv layer, channel-major, pattern ascending. */
export function kernelBlocks(layer: ConvLayer): BlockSpec[] {
  const pruning = layer.pruning;
  if (!pruning) throw new Error(`kernelBlocks: layer ${layer.name} has no pruning`);
  const cinPerGroup = layer.cin / layer.groups;
  const coutPerGroup = layer.cout / layer.groups;
  const patternCount = pruning.patterns.length;
  const masks = pruning.patterns.map(positionMask);
  const kernelPattern = pruning.kernelPattern;
  // Per group, a counting sort of the kernels by (channel, pattern): one pass counts, one pass
  // (filters outer, so each list comes out ascending) fills one array the blocks are views of.
  const counts = new Int32Array(cinPerGroup * patternCount + 1);
  const blocks: BlockSpec[] = [];
  for (let group = 0; group < layer.groups; group++) {
    const f0 = group * coutPerGroup;
    counts.fill(0);
    for (let f = f0; f < f0 + coutPerGroup; f++) {
      const row = f * cinPerGroup;
      for (let local = 0; local < cinPerGroup; local++) {
        const p = kernelPattern[row + local];
        if (p !== PRUNED) counts[local * patternCount + p + 1]++;
      }
    }
    for (let k = 1; k < counts.length; k++) counts[k] += counts[k - 1];
    const all = new Int32Array(counts[counts.length - 1]);
    const fill = counts.slice(0, counts.length - 1);
    for (let f = f0; f < f0 + coutPerGroup; f++) {
      const row = f * cinPerGroup;
      for (let local = 0; local < cinPerGroup; local++) {
        const p = kernelPattern[row + local];
        if (p !== PRUNED) all[fill[local * patternCount + p]++] = f;
      }
    }
    for (let local = 0; local < cinPerGroup; local++) {
      const channel = group * cinPerGroup + local;
      for (let p = 0; p < patternCount; p++) {
        const start = counts[local * patternCount + p];
        const end = counts[local * patternCount + p + 1];
        if (end > start)
          blocks.push({
            channel,
            positions: pruning.patterns[p],
            positionMask: masks[p],
            filters: all.subarray(start, end),
            patterns: [p],
          });
      }
    }
  }
  return blocks;
}

/**
 * Cut blocks wider than a crossbar into pieces of at most `maxFilters` filters. Pieces of one
 * block need the same inputs but sit in different crossbars.
 */
export function splitBlocks(blocks: BlockSpec[], maxFilters: number): BlockSpec[] {
  const pieces: BlockSpec[] = [];
  for (const block of blocks) {
    if (block.filters.length <= maxFilters) {
      pieces.push(block);
      continue;
    }
    for (let i = 0; i < block.filters.length; i += maxFilters)
      pieces.push({ ...block, filters: block.filters.subarray(i, i + maxFilters) });
  }
  return pieces;
}

/** Sorted union of two ascending lists. */
export function unionSorted(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(a[i++]);
    else if (i >= a.length || b[j] < a[i]) out.push(b[j++]);
    else {
      out.push(a[i++]);
      j++;
    }
  }
  return out;
}

/** Size of the intersection of two ascending lists. */
export function overlapSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) i++;
    else if (b[j] < a[i]) j++;
    else {
      n++;
      i++;
      j++;
    }
  }
  return n;
}

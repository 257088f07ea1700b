/**
 * How a signed weight becomes cell values (docs/design.md §1). A weight takes `colsPerWeight` adjacent
 * bitlines; sub-column `k` of a weight holds one `cellBits` slice of one polarity:
 *
 * - offset encoding (default): the cell row stores `u = w + 2^(weightBits-1)` (unsigned) over
 *   `slices` columns, k = slice. The periphery subtracts `2^(weightBits-1) * sum(inputs)` digitally.
 * - differential: a pos/neg pair per slice, k = 2*slice + (negative ? 1 : 0); the pair's results
 *   are subtracted digitally, no correction needed.
 */
import { weightSlices, type Arch } from '../config/arch.ts';

export interface WeightEncoding {
  weightBits: number;
  cellBits: number;
  slices: number;
  differential: boolean;
  colsPerWeight: number;
  /** Added to every weight before slicing (0 when differential). */
  offset: number;
  /** Sub-column whose output unit applies the offset correction (the slice holding bit weightBits-1). */
  correctionColumn: number;
}

export function weightEncoding(arch: Pick<Arch, 'precision' | 'crossbar'>): WeightEncoding {
  const slices = weightSlices(arch);
  const differential = arch.crossbar.differential;
  const weightBits = arch.precision.weightBits;
  return {
    weightBits,
    cellBits: arch.crossbar.cellBits,
    slices,
    differential,
    colsPerWeight: slices * (differential ? 2 : 1),
    offset: differential ? 0 : 2 ** (weightBits - 1),
    correctionColumn: differential ? -1 : slices - 1,
  };
}

/** Slice index of sub-column k. */
export function sliceOf(enc: WeightEncoding, k: number): number {
  return enc.differential ? k >> 1 : k;
}

/** +1, or -1 for the negative column of a differential pair. */
export function signOf(enc: WeightEncoding, k: number): number {
  return enc.differential && (k & 1) === 1 ? -1 : 1;
}

/** Value of the cell in sub-column k for weight w (a signed integer of weightBits). */
export function cellValue(enc: WeightEncoding, w: number, k: number): number {
  const slice = sliceOf(enc, k);
  let stored: number;
  if (enc.differential) stored = signOf(enc, k) > 0 ? Math.max(w, 0) : Math.max(-w, 0);
  else stored = w + enc.offset;
  return Math.floor(stored / 2 ** (slice * enc.cellBits)) % 2 ** enc.cellBits;
}

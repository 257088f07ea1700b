/**
 * PatDNN-style pattern selection for one conv layer (docs/references.md, "Pattern pruning"):
 * candidates are every set of `size` kernel positions that keeps the centre; each kernel is
 * projected onto the candidate that keeps the most of its L2 norm; the library is the `count`
 * most frequent candidates; each kernel is then re-projected onto the best library pattern.
 *
 * Ties are always broken towards the lower index (candidate, pattern id or kernel), so the result
 * depends only on the weights.
 */
import { kernelCentre } from './masks.ts';

/**
 * All position sets of `size` positions of a kh x kw kernel that include the centre, each sorted,
 * listed in lexicographic order. For 3x3 and size 4 that is C(8, 3) = 56 sets.
 */
export function candidatePatterns(kh: number, kw: number, size: number): number[][] {
  const centre = kernelCentre(kh, kw);
  const others: number[] = [];
  for (let p = 0; p < kh * kw; p++) if (p !== centre) others.push(p);
  const out: number[][] = [];
  const pick: number[] = [];
  const choose = (from: number, left: number) => {
    if (left === 0) {
      out.push([...pick, centre].sort((a, b) => a - b));
      return;
    }
    for (let i = from; i <= others.length - left; i++) {
      pick.push(others[i]);
      choose(i + 1, left - 1);
      pick.pop();
    }
  };
  if (centre >= 0 && size >= 1 && size <= kh * kw) choose(0, size - 1);
  return out.sort(compareLists);
}

function compareLists(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Patterns of equal size as one flat array of positions (pattern i at [i * size, (i + 1) * size)). */
function flatten(patterns: number[][], size: number): Uint8Array {
  const flat = new Uint8Array(patterns.length * size);
  patterns.forEach((p, i) => flat.set(p, i * size));
  return flat;
}

/**
 * Index of the pattern that keeps the most squared weight of the kernel whose squared weights
 * start at `energy[base]`; the first such pattern on ties. Exhaustive over `flat` (patterns of
 * `size` positions each): used for the library, which has only `count` patterns.
 */
function bestPattern(energy: Float64Array, base: number, flat: Uint8Array, size: number): number {
  let best = 0;
  let bestKept = -1;
  for (let i = 0, at = 0; at < flat.length; i++, at += size) {
    const kept = patternEnergy(energy, base, flat, at, size);
    if (kept > bestKept) {
      bestKept = kept;
      best = i;
    }
  }
  return best;
}

/** Squared weight kept by the pattern at `flat[at .. at + size)`, summed in position order. */
function patternEnergy(
  energy: Float64Array,
  base: number,
  flat: Uint8Array,
  at: number,
  size: number,
): number {
  let kept = 0;
  for (let j = 0; j < size; j++) kept += energy[base + flat[at + j]];
  return kept;
}

/**
 * The best of ALL centre-keeping candidates without trying them: as every candidate holds the
 * centre, the one keeping the most energy is the centre plus the `size - 1` largest other
 * energies. Returns the bitmask of its positions, with CLOSE set when another candidate might keep
 * as much once sums are rounded (see below).
 *
 * Ties: positions are ranked by energy, the lower position first among equal energies. That gives
 * the same set as the exhaustive search, which keeps the lexicographically first of the equal-sum
 * best candidates (they are listed in lexicographic order and it keeps the first one): every best
 * set holds the positions above the cut-off energy t plus some r of the positions with energy
 * exactly t. Ours holds the r lowest of those, L; another best set holds L' != L. The smallest
 * position where the two sets differ is in L (any position with energy t outside L is above all
 * of L), so up to it the sorted lists agree, and there ours has the smaller entry.
 *
 * That argument is about exact sums. The exhaustive search compares rounded sums, added in
 * position order, so when the weakest position taken and the strongest left out are within
 * rounding of each other (a tie included), two candidates' rounded sums may tie or swap. Such
 * kernels are flagged CLOSE and their caller tries every candidate, so the result is the
 * exhaustive search's, bit for bit; with real-valued weights that is almost never needed.
 */
function bestCandidateMask(
  energy: Float64Array,
  base: number,
  area: number,
  centre: number,
  size: number,
): number {
  let mask = 1 << centre;
  let strongest = 0;
  let gap = Infinity; // last pass: energy taken minus the strongest left out
  // One pass per position taken: the strongest position not taken yet, the lowest on ties.
  for (let taken = 1; taken < size; taken++) {
    let top = -1;
    let topEnergy = -1;
    let runnerUp = -1;
    for (let p = 0; p < area; p++) {
      if (mask & (1 << p)) continue;
      const e = energy[base + p];
      if (top < 0 || e > topEnergy) {
        runnerUp = topEnergy;
        top = p;
        topEnergy = e;
      } else if (e > runnerUp) runnerUp = e;
    }
    if (taken === 1) strongest = topEnergy;
    gap = topEnergy - runnerUp;
    mask |= 1 << top;
  }
  // A rounded sum of at most 9 non-negative terms is off by less than 9 ulps of the best sum,
  // itself at most centre + (size - 1) * strongest; the margin below is about 10 times that.
  const bestSumBound = energy[base + centre] + (size - 1) * strongest;
  return gap > 1e-14 * bestSumBound ? mask : mask | CLOSE;
}

/** Flag on bestCandidateMask's result: the kernel's best candidate is not clearly ahead. */
const CLOSE = 1 << 30;

/** Bitmask of a set of positions. */
function maskOf(positions: readonly number[]): number {
  let mask = 0;
  for (const p of positions) mask |= 1 << p;
  return mask;
}

/**
 * Kernels up to this many positions use the selector (and a table of 2^area candidate indices);
 * larger ones, and kernels without a centre, fall back to trying every candidate.
 */
const MAX_SELECTOR_AREA = 16;

/** Per kernel, the index in `candidates` of its best candidate, and whether it is clearly the best. */
function bestCandidates(
  energy: Float64Array,
  kernels: number,
  kh: number,
  kw: number,
  size: number,
  candidates: number[][],
): { best: Uint16Array; unique: Uint8Array } {
  const area = kh * kw;
  const best = new Uint16Array(kernels);
  const unique = new Uint8Array(kernels);
  const centre = kernelCentre(kh, kw);
  if (area > MAX_SELECTOR_AREA || centre < 0 || candidates.length === 0) {
    const flat = flatten(candidates, size);
    for (let k = 0; k < kernels; k++) best[k] = bestPattern(energy, k * area, flat, size);
    return { best, unique };
  }
  const candidateOfMask = new Uint16Array(1 << area);
  candidates.forEach((c, i) => (candidateOfMask[maskOf(c)] = i));
  let flat: Uint8Array | undefined; // for close calls only
  for (let k = 0, base = 0; k < kernels; k++, base += area) {
    const mask = bestCandidateMask(energy, base, area, centre, size);
    if (mask & CLOSE) {
      flat ??= flatten(candidates, size);
      best[k] = bestPattern(energy, base, flat, size);
    } else {
      best[k] = candidateOfMask[mask];
      unique[k] = 1;
    }
  }
  return { best, unique };
}

export interface PatternChoice {
  /** The library, most frequent first. */
  library: number[][];
  /** Per kernel, its library pattern id. */
  ids: Uint8Array;
  /** Per kernel, the squared L2 norm it keeps after projection onto its library pattern. */
  keptEnergy: Float64Array;
}

/**
 * Choose a layer's library and project every kernel onto it. `weights` holds `kernels` kernels of
 * kh*kw weights each, row-major, kernel k = f * cinPerGroup + c.
 */
export function choosePatterns(
  weights: ArrayLike<number>,
  kernels: number,
  kh: number,
  kw: number,
  size: number,
  count: number,
): PatternChoice {
  const area = kh * kw;
  const energy = new Float64Array(kernels * area);
  for (let i = 0; i < energy.length; i++) energy[i] = weights[i] * weights[i];

  const candidates = candidatePatterns(kh, kw, size);
  const frequency = new Array<number>(candidates.length).fill(0);
  const { best, unique } = bestCandidates(energy, kernels, kh, kw, size, candidates);
  for (let k = 0; k < kernels; k++) frequency[best[k]]++;
  // Most frequent first; a candidate no kernel chose never enters the library.
  const libraryCandidates = candidates
    .map((_, i) => i)
    .filter((i) => frequency[i] > 0)
    .sort((a, b) => frequency[b] - frequency[a] || a - b)
    .slice(0, count);
  const library = libraryCandidates.map((i) => candidates[i]);
  const libraryIdOf = new Int16Array(candidates.length).fill(-1);
  libraryCandidates.forEach((c, id) => (libraryIdOf[c] = id));

  // A kernel whose only best candidate is in the library takes it; the others try every pattern.
  const flatLibrary = flatten(library, size);
  const ids = new Uint8Array(kernels);
  const keptEnergy = new Float64Array(kernels);
  for (let k = 0, base = 0; k < kernels; k++, base += area) {
    const own = unique[k] ? libraryIdOf[best[k]] : -1;
    const id = own >= 0 ? own : bestPattern(energy, base, flatLibrary, size);
    ids[k] = id;
    keptEnergy[k] = patternEnergy(energy, base, flatLibrary, id * size, size);
  }
  return { library, ids, keptEnergy };
}

/**
 * Connectivity pruning: the kernels to keep, `round(kernels / ratio)` of them (at least one),
 * those with the largest kept norm.
 */
export function strongestKernels(keptEnergy: Float64Array, ratio: number): Uint8Array {
  const n = keptEnergy.length;
  const keep = Math.min(n, Math.max(1, Math.round(n / ratio)));
  // The keep-th largest energy is the threshold: kernels above it stay, and of those equal to it
  // the lowest indices fill the remaining places. A selection finds it in linear time (a full
  // sort of a million energies per layer took most of this function's time).
  const threshold = nthSmallest(Float64Array.from(keptEnergy), n - keep);
  let above = 0;
  for (let k = 0; k < n; k++) if (keptEnergy[k] > threshold) above++;
  let equalPlaces = keep - above;
  const kept = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    if (keptEnergy[k] > threshold) kept[k] = 1;
    else if (keptEnergy[k] === threshold && equalPlaces > 0) {
      kept[k] = 1;
      equalPlaces--;
    }
  }
  return kept;
}

/**
 * The value that would be at `index` if `values` were sorted ascending (Hoare quickselect with a
 * median-of-three pivot; reorders `values`). Equal values stop both scans, so many equal
 * energies (all-zero kernels) still split evenly.
 */
export function nthSmallest(values: Float64Array, index: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    const pivot = medianOfThree(values[lo], values[mid], values[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i++] = values[j];
        values[j--] = t;
      }
    }
    // Now values[lo..j] <= pivot <= values[i..hi], and values between j and i equal the pivot.
    if (index <= j) hi = j;
    else if (index >= i) lo = i;
    else return values[index];
  }
  return values[index];
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a;
  return a < c ? a : b < c ? c : b;
}

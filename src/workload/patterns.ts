/**
 * PatDNN-style pattern selection for one conv layer (references.md, "Pattern pruning"):
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
 * Index of the pattern that keeps the most squared weight of kernel `k` (`energy` holds the
 * squared weights, `area` per kernel), and the energy it keeps; the first such pattern on ties.
 */
function bestPattern(
  energy: Float64Array,
  k: number,
  area: number,
  flat: Uint8Array,
  size: number,
): [number, number] {
  let best = 0;
  let bestKept = -1;
  const base = k * area;
  for (let i = 0, at = 0; at < flat.length; i++, at += size) {
    let kept = 0;
    for (let j = 0; j < size; j++) kept += energy[base + flat[at + j]];
    if (kept > bestKept) {
      bestKept = kept;
      best = i;
    }
  }
  return [best, bestKept];
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
  const flatCandidates = flatten(candidates, size);
  const frequency = new Array<number>(candidates.length).fill(0);
  for (let k = 0; k < kernels; k++) frequency[bestPattern(energy, k, area, flatCandidates, size)[0]]++;
  // Most frequent first; a candidate no kernel chose never enters the library.
  const library = candidates
    .map((_, i) => i)
    .filter((i) => frequency[i] > 0)
    .sort((a, b) => frequency[b] - frequency[a] || a - b)
    .slice(0, count)
    .map((i) => candidates[i]);

  const flatLibrary = flatten(library, size);
  const ids = new Uint8Array(kernels);
  const keptEnergy = new Float64Array(kernels);
  for (let k = 0; k < kernels; k++) {
    const [id, kept] = bestPattern(energy, k, area, flatLibrary, size);
    ids[k] = id;
    keptEnergy[k] = kept;
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
  // the lowest indices fill the remaining places (a typed sort, no per-kernel comparator calls).
  const threshold = Float64Array.from(keptEnergy).sort()[n - keep];
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

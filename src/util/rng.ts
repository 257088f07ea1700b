import seedrandom from 'seedrandom';

/** A deterministic pseudo-random stream. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi], both ends included. */
  int(lo: number, hi: number): number;
  /** Normally distributed with the given mean and standard deviation (Box-Muller). */
  normal(mean: number, sd: number): number;
}

/**
 * One run seed, many independent streams: the stream of a component is seeded with
 * `${seed}:${stream}` (stream = its hierarchical path, say), so adding, removing or reordering
 * other components never changes the numbers it draws. seedrandom's default generator (ARC4)
 * hashes the whole seed string, so nearby seeds or names give unrelated streams.
 */
export function createRng(seed: number, stream: string): Rng {
  const uniform = seedrandom(`${seed}:${stream}`);
  let spareNormal = NaN; // Box-Muller makes two normals at a time; keep the second
  return {
    next: () => uniform(),
    int(lo: number, hi: number): number {
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
        throw new RangeError(`rng '${stream}': int(${lo}, ${hi}) needs integers lo <= hi`);
      }
      return lo + Math.floor(uniform() * (hi - lo + 1));
    },
    normal(mean: number, sd: number): number {
      if (!Number.isNaN(spareNormal)) {
        const z = spareNormal;
        spareNormal = NaN;
        return mean + sd * z;
      }
      const radius = Math.sqrt(-2 * Math.log(1 - uniform())); // 1 - u is in (0, 1]: log is finite
      const angle = 2 * Math.PI * uniform();
      spareNormal = radius * Math.sin(angle);
      return mean + sd * radius * Math.cos(angle);
    },
  };
}

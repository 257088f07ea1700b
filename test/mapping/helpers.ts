/**
 * Test fixtures for the mappers: a complete arch object, conv/FC layers with random pattern
 * pruning, and random integer weights and inputs. Random streams come from a seeded PRNG so that
 * fast-check's seed reproduces a failure.
 */
import { loadArch, type Arch } from '../../src/config/arch.ts';
import { PRUNED, type ConvLayer, type FcLayer } from '../../src/workload/types.ts';
import type { LayerData } from '../../src/mapping/functional.ts';
import { optionVariants } from '../../src/mapping/options.ts';
import { getMapper, listMappers } from '../../src/mapping/registry.ts';
import type { MapperOptions } from '../../src/mapping/types.ts';

const paperArch = loadArch('paper');

export type Rng = () => number;

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randInt(r: Rng, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

export interface ArchKnobs {
  rows?: number;
  cols?: number;
  cellBits?: number;
  differential?: boolean;
  ouRows?: number;
  ouCols?: number;
  dacBits?: number;
  weightBits?: number;
  inputBits?: number;
  patternSize?: number;
}

/** The paper preset with the mapping-relevant knobs replaced (the rest of the arch is not read). */
export function testArch(k: ArchKnobs = {}): Arch {
  const arch = structuredClone(paperArch);
  arch.crossbar.rows = k.rows ?? 128;
  arch.crossbar.cols = k.cols ?? 128;
  arch.crossbar.cellBits = k.cellBits ?? 2;
  arch.crossbar.differential = k.differential ?? false;
  arch.ou.rows = k.ouRows ?? 8;
  arch.ou.cols = k.ouCols ?? 8;
  arch.dac.bits = k.dacBits ?? 1;
  arch.precision.weightBits = k.weightBits ?? 8;
  arch.precision.inputBits = k.inputBits ?? 8;
  arch.pattern.size = k.patternSize ?? 4;
  return arch;
}

/** A random library of `count` distinct patterns of `size` positions of a k x k kernel, centre kept. */
export function randomPatterns(r: Rng, count: number, size: number, k = 3): number[][] {
  const centre = (k >> 1) * k + (k >> 1);
  const others = Array.from({ length: k * k }, (_, i) => i).filter((i) => i !== centre);
  const seen = new Set<string>();
  const library: number[][] = [];
  for (let attempt = 0; library.length < count && attempt < 1000; attempt++) {
    const pool = others.slice();
    const chosen = [centre];
    while (chosen.length < size) chosen.push(pool.splice(Math.floor(r() * pool.length), 1)[0]);
    chosen.sort((a, b) => a - b);
    const key = chosen.join(',');
    if (!seen.has(key)) {
      seen.add(key);
      library.push(chosen);
    }
  }
  return library;
}

export interface ConvKnobs {
  cin: number;
  cout: number;
  size?: number;
  kernel?: number;
  stride?: number;
  padding?: number;
  groups?: number;
  /** Pattern library size; 0 leaves the layer unpruned. */
  patterns?: number;
  patternSize?: number;
  /** Probability that a kernel is removed by connectivity pruning. */
  pruneProbability?: number;
}

/**
 * The channels of a drawn grouping, each group keeping the drawn counts: 2 groups double cin and
 * cout; 'depthwise' is one group per input channel (cout = cin).
 */
export function groupedChannels(c: { cin: number; cout: number; groups: number | 'depthwise' }) {
  const groups = c.groups === 'depthwise' ? c.cin : c.groups;
  const cin = c.groups === 2 ? c.cin * 2 : c.cin;
  const cout = c.groups === 'depthwise' ? c.cin : c.groups === 2 ? c.cout * 2 : c.cout;
  return { groups, cin, cout };
}

export function convLayer(r: Rng, k: ConvKnobs, name = 'conv'): ConvLayer {
  const kernel = k.kernel ?? 3;
  const stride = k.stride ?? 1;
  const padding = k.padding ?? 1;
  const groups = k.groups ?? 1;
  const size = k.size ?? 6;
  const out = Math.floor((size + 2 * padding - kernel) / stride) + 1;
  const layer: ConvLayer = {
    name,
    type: 'conv',
    inputs: ['input'],
    inShape: [k.cin, size, size],
    outShape: [k.cout, out, out],
    cin: k.cin,
    cout: k.cout,
    kernel: [kernel, kernel],
    stride: [stride, stride],
    padding: [padding, padding],
    groups,
  };
  const patternCount = k.patterns ?? 8;
  if (patternCount > 0 && kernel % 2 === 1 && kernel > 1) {
    const patterns = randomPatterns(r, patternCount, k.patternSize ?? 4, kernel);
    const kernels = (k.cout * k.cin) / groups;
    const kernelPattern = new Uint8Array(kernels);
    for (let i = 0; i < kernels; i++)
      kernelPattern[i] = r() < (k.pruneProbability ?? 0) ? PRUNED : Math.floor(r() * patterns.length);
    layer.pruning = { patterns, kernelPattern };
  }
  return layer;
}

export function fcLayer(inFeatures: number, outFeatures: number, name = 'fc'): FcLayer {
  return {
    name,
    type: 'fc',
    inputs: ['input'],
    inShape: [inFeatures, 1, 1],
    outShape: [outFeatures, 1, 1],
    inFeatures,
    outFeatures,
  };
}

/** Random signed weights of `weightBits` and unsigned inputs of `inputBits`. */
export function randomData(
  r: Rng,
  layer: ConvLayer | FcLayer,
  weightBits: number,
  inputBits: number,
): LayerData {
  const [cin, h, w] = layer.inShape;
  const weightCount =
    layer.type === 'fc'
      ? layer.inFeatures * layer.outFeatures
      : (layer.cout * layer.cin * layer.kernel[0] * layer.kernel[1]) / layer.groups;
  const half = 2 ** (weightBits - 1);
  const weights = Int32Array.from({ length: weightCount }, () => randInt(r, -half, half - 1));
  const input = Int32Array.from({ length: cin * h * w }, () => randInt(r, 0, 2 ** inputBits - 1));
  return { weights, input };
}

/** One registered mapper under one combination of its own options (see optionVariants). */
export interface MapperVariant {
  mapper: string;
  /** `dense`, `pattern/merge`, ...: how the snapshot tests name it. */
  label: string;
  options: MapperOptions;
}

/**
 * Every registered mapper under every combination of its enum and boolean options: the tests that
 * must hold for every mapper draw from this, so a new mapper or option value is checked at once.
 */
export function mapperVariants(): MapperVariant[] {
  return listMappers().flatMap((mapper) =>
    optionVariants(getMapper(mapper)).map((v) => ({ mapper, label: v.label, options: v.options })),
  );
}

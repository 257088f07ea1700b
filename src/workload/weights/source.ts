/**
 * Where pruning gets a layer's weights from: seeded synthetic weights, an ONNX model's
 * initializers, or one `.npy` file per layer.
 */
import seedrandom from 'seedrandom';
import { InputError } from '../../util/errors.ts';
import type { ConvLayer } from '../types.ts';

export interface WeightSource {
  /** Where the weights come from (a file or folder), for messages. */
  readonly origin: string;
  /**
   * The layer's weights in the ONNX / PyTorch layout [cout][cin/groups][kh][kw], row-major.
   * Throws InputError when the source has no weights for the layer or they have the wrong shape.
   */
  convWeights(layer: ConvLayer): ArrayLike<number>;
}

/** The [cout, cin/groups, kh, kw] dims a conv layer's weight tensor must have. */
export function convWeightDims(layer: ConvLayer): number[] {
  return [layer.cout, layer.cin / layer.groups, layer.kernel[0], layer.kernel[1]];
}

/** Check that a weight tensor of `dims` fits `layer`, naming `source` and `field` otherwise. */
export function checkWeightDims(
  dims: readonly number[],
  layer: ConvLayer,
  source: string,
  field: string,
): void {
  const expected = convWeightDims(layer);
  if (dims.length !== 4 || dims.some((d, i) => d !== expected[i]))
    throw new InputError(
      source,
      field,
      `weights of layer '${layer.name}' have shape [${dims.join(', ')}], expected [${expected.join(', ')}]`,
    );
}

/**
 * Seeded synthetic weights, He (Kaiming) normal: N(0, 2 / fan_in), fan_in = cin/groups * kh * kw.
 * Why: trained conv weights are roughly zero-mean and bell-shaped, and He normal is how
 * torchvision initialises them, so kernel norms spread as in a real layer and connectivity pruning
 * has realistic strong and weak kernels. The positions within a kernel are i.i.d., so every
 * candidate pattern is equally likely a priori: the library reflects sampling, not the spatial
 * structure of trained kernels (use --weights for that). Each layer has its own stream, seeded by
 * the run seed and the layer name, so a layer's weights do not depend on the other layers
 * (seedrandom's Alea generator: several times faster than its default ARC4, and as reproducible).
 */
export function syntheticConvWeights(layer: ConvLayer, seed: number): Float64Array {
  const [cout, cinPerGroup, kh, kw] = convWeightDims(layer);
  const n = cout * cinPerGroup * kh * kw;
  const std = Math.sqrt(2 / (cinPerGroup * kh * kw));
  // seedrandom seeds the generator; its steps run here on local variables, the very same
  // recurrence as its `next()` (multiply-with-carry, lag 3), which is ~2x faster than calling it
  // through its closure 15 M times for VGG-16. A test checks the stream against seedrandom's.
  const state = seedrandom.alea(`ousim-weights:${seed}:${layer.name}`, { state: true }).state();
  let { c, s0, s1, s2 } = state;
  const out = new Float64Array(n);
  const TWO_POW_MINUS_32 = 2.3283064365386963e-10;
  // Box-Muller: two uniforms give two independent standard normals.
  for (let i = 0; i < n; i += 2) {
    let t = 2091639 * s0 + c * TWO_POW_MINUS_32;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    const radius = Math.sqrt(-2 * Math.log(1 - s2));
    t = 2091639 * s0 + c * TWO_POW_MINUS_32;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    const angle = 2 * Math.PI * s2;
    out[i] = std * radius * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = std * radius * Math.sin(angle);
  }
  return out;
}

/** The synthetic source as a WeightSource. */
export function syntheticWeights(seed: number): WeightSource {
  return {
    origin: `synthetic (He normal, seed ${seed})`,
    convWeights: (layer) => syntheticConvWeights(layer, seed),
  };
}

/**
 * Synthetic activations, for tests and benchmarks when no capture is at hand: per weight layer, a
 * ReLU-like map of `bits`-bit codes in which a seeded fraction `zeroFraction` of the values is zero
 * and the others are spread over 1..2^bits-1 with small values the most common (a half-normal, as a
 * ReLU of a normal pre-activation gives), so the high bits are sparser than the low ones.
 */
import { createRng } from '../util/rng.ts';
import type { ActivationSet, LayerActivations } from './activations.ts';
import { isWeightLayer, type Network, type Shape3 } from './types.ts';

export interface SyntheticOptions {
  /** Fraction of values that are zero (0..1). */
  zeroFraction: number;
  bits: number;
  seed: number;
  /**
   * Zeros come in square patches of this side (spatially clustered, as real ReLU maps are); 1 makes
   * every value independent. Default 1.
   */
  patch?: number;
}

/** One layer's map: shape [C, H, W] (FC: [features, 1, 1]). */
export function syntheticMap(shape: Shape3, options: SyntheticOptions, stream: string): LayerActivations {
  const [c, h, w] = shape;
  const rng = createRng(options.seed, stream);
  const top = 2 ** options.bits - 1;
  const patch = Math.max(1, Math.floor(options.patch ?? 1));
  const codes = options.bits <= 8 ? new Uint8Array(c * h * w) : new Uint16Array(c * h * w);
  const py = Math.ceil(h / patch);
  const px = Math.ceil(w / patch);
  const zero = new Uint8Array(py * px);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < zero.length; i++) zero[i] = rng.next() < options.zeroFraction ? 1 : 0;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        if (zero[Math.floor(y / patch) * px + Math.floor(x / patch)] === 1) continue;
        const magnitude = Math.abs(rng.normal(0, top / 4));
        codes[(ch * h + y) * w + x] = Math.min(top, 1 + Math.floor(magnitude));
      }
  }
  return { shape: [c, h, w], bits: options.bits, scale: 1, signed: false, codes };
}

/** Synthetic activations for every weight layer of `network`, each from its own seeded stream. */
export function syntheticActivations(network: Network, options: SyntheticOptions): ActivationSet {
  const set = new Map<string, LayerActivations>();
  for (const layer of network.layers) {
    if (!isWeightLayer(layer)) continue;
    const shape: Shape3 = layer.type === 'fc' ? [layer.inFeatures, 1, 1] : layer.inShape;
    set.set(layer.name, syntheticMap(shape, options, `activations.${layer.name}`));
  }
  return set;
}

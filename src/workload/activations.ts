/**
 * Real activations captured from a run of the model (`ousim capture`): per weight layer, its input
 * feature map quantised to `precision.inputBits`. The simulator reads the bits of each input vector
 * from here to decide which wordlines carry a 1 (data-driven OU skipping, docs/simulation.md).
 */
import type { Shape3 } from './types.ts';

/** Quantised input feature map of one weight layer. */
export interface LayerActivations {
  /** The layer's input, [C, H, W] (its inShape; an FC layer's flattened input is [features, 1, 1]). */
  shape: Shape3;
  /** Bits per code (`precision.inputBits` at capture). */
  bits: number;
  /** Per-tensor scale of the quantisation: real value ~ code * scale. */
  scale: number;
  /** Codes are two's complement of `bits` bits (a signed tensor such as a normalised image). */
  signed: boolean;
  /** One code per value, CHW order; only the low `bits` bits are used. */
  codes: Uint8Array | Uint16Array;
}

/** Captured activations by weight layer name. */
export type ActivationSet = ReadonlyMap<string, LayerActivations>;

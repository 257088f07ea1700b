/**
 * Per-tensor quantisation of a captured feature map to `bits`-bit codes (docs/capture.md):
 * - a tensor without negative values (after ReLU, ReLU6, HardSwish's positive part, a normalised
 *   image shifted to 0..1) is unsigned: scale = max / (2^bits - 1), code = round(v / scale);
 * - a tensor with negative values is signed and symmetric: scale = max|v| / (2^(bits-1) - 1),
 *   code = round(v / scale), stored as `bits`-bit two's complement.
 * Max calibration on the one input by default (no clipping), or percentile calibration (`--percentile
 * P`: the range is the P-th percentile of |v|, values beyond it clip to the largest code). Zero stays
 * exactly code 0, so the zeros the simulator skips are the tensor's real zeros, and any value below
 * scale / 2 becomes zero as it would on the accelerator.
 */
import type { LayerActivations } from '../activations.ts';
import type { Shape3 } from '../types.ts';

export function quantiseTensor(
  values: ArrayLike<number>,
  shape: Shape3,
  bits: number,
  percentile = 100,
): LayerActivations {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const signed = min < 0;
  const top = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  // Percentile calibration clips the rare large values: the range is that percentile of |v|.
  const range =
    percentile < 100 ? percentileOf(values, signed, percentile) : signed ? Math.max(-min, max) : max;
  // An all-zero tensor still needs a positive scale; every code is 0 either way.
  const scale = range > 0 && Number.isFinite(range) ? range / top : 1;
  const mask = 2 ** bits - 1;
  const codes = bits <= 8 ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = Math.max(-top, Math.min(top, Math.round(values[i] / scale)));
    codes[i] = q & mask;
  }
  return { shape, bits, scale, signed, codes };
}

/** The real value of a code (for checks): two's complement when signed. */
export function dequantise(a: LayerActivations, i: number): number {
  const c = a.codes[i];
  const v = a.signed && c >= 2 ** (a.bits - 1) ? c - 2 ** a.bits : c;
  return v * a.scale;
}

/** The `percentile`-th percentile (nearest rank, 0..100) of |v| (signed) or v (unsigned). */
function percentileOf(values: ArrayLike<number>, signed: boolean, percentile: number): number {
  const sorted = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) sorted[i] = signed ? Math.abs(values[i]) : values[i];
  sorted.sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((percentile / 100) * (sorted.length - 1)))];
}

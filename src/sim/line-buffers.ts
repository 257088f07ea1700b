/**
 * Buffer capacity is not simulated (only ports and bandwidth serialise work), so a run checks it
 * instead: a weight layer streams its input through a line buffer in its home tile's buffer, which must
 * hold the rows one window spans (kernel height, plus the stride so the next rows can arrive while a
 * row of windows is computed) across the whole input width and depth. A layer needing more than the
 * tile buffer is reported, with its figures, rather than silently assumed to fit.
 */
import type { Arch } from '../config/arch.ts';
import type { Layer } from '../workload/types.ts';

/** Bytes of line buffer a layer needs in its home tile (0 for layers without a window). */
export function lineBufferBytes(layer: Layer, arch: Arch): number {
  const [channels, height, width] = layer.inShape;
  const bytesPerValue = arch.precision.inputBits / 8;
  if (layer.type === 'conv' || (layer.type === 'pool' && !layer.global)) {
    const rows = Math.min(height, layer.kernel[0] + layer.stride[0]);
    return rows * width * channels * bytesPerValue;
  }
  // Global pooling keeps a running sum per channel; an FC layer needs its whole input vector.
  if (layer.type === 'pool') return (channels * arch.precision.partialSumBits) / 8;
  if (layer.type === 'fc') return channels * height * width * bytesPerValue;
  return 0;
}

/** One warning per layer whose line buffer exceeds a tile buffer. */
export function lineBufferWarnings(layers: readonly Layer[], arch: Arch): string[] {
  const capacity = arch.buffer.sizeKiB * 1024;
  const warnings: string[] = [];
  for (const layer of layers) {
    const need = lineBufferBytes(layer, arch);
    if (need > capacity)
      warnings.push(
        `buffer: layer ${layer.name} needs a ${(need / 1024).toFixed(1)} KiB line buffer, more than ` +
          `buffer.sizeKiB = ${arch.buffer.sizeKiB} (capacity is not simulated; the run assumes it fits)`,
      );
  }
  return warnings;
}

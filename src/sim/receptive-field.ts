/**
 * Line-buffer readiness: which producer output a layer's output position needs last. Feature maps
 * stream in raster order (position = y * width + x), so output position u may start once every
 * producer position up to `lastNeeded(u)` has arrived (docs/design.md §3: a layer starts a window as soon
 * as the inputs it needs have arrived).
 */
import type { Layer, Shape3 } from '../workload/types.ts';

/** Output positions of a layer: one per pixel of its output map (1 for FC). */
export function outputPositions(shape: Shape3): number {
  return shape[1] * shape[2];
}

/**
 * Returns a function giving, for output position u of `layer`, the last position of a producer
 * (whose output map is `producerShape`) that u needs.
 */
export function lastNeededFn(layer: Layer, producerShape: Shape3): (u: number) => number {
  const [, inH, inW] = producerShape;
  const lastPosition = inH * inW - 1;
  const outW = layer.outShape[2];
  if (layer.type === 'fc' || (layer.type === 'pool' && layer.global)) return () => lastPosition;
  if (layer.type === 'conv' || layer.type === 'pool') {
    // A flattening consumer (map sizes disagree) needs the whole map.
    if (inH !== layer.inShape[1] || inW !== layer.inShape[2]) return () => lastPosition;
    const [kh, kw] = layer.kernel;
    const [sy, sx] = layer.stride;
    const [py, px] = layer.padding;
    return (u: number) => {
      const oy = Math.floor(u / outW);
      const ox = u - oy * outW;
      const y = Math.min(inH - 1, Math.max(0, oy * sy - py + kh - 1));
      const x = Math.min(inW - 1, Math.max(0, ox * sx - px + kw - 1));
      return y * inW + x;
    };
  }
  if (layer.type === 'resize') {
    // Output row oy reads input row floor(oy / sy) (bilinear also the next one).
    const [sy, sx] = layer.scale;
    const extra = layer.mode === 'bilinear' ? 1 : 0;
    return (u: number) => {
      const oy = Math.floor(u / outW);
      const ox = u - oy * outW;
      const y = Math.min(inH - 1, Math.floor(oy / sy) + extra);
      const x = Math.min(inW - 1, Math.floor(ox / sx) + extra);
      return y * inW + x;
    };
  }
  // add / mul / concat / slice: element-wise over positions of the same map (a broadcast [C, 1, 1]
  // vector has one position, its last).
  return (u: number) => Math.min(u, lastPosition);
}

/**
 * The network input of `ousim capture`: a PNG (pngjs) or JPEG (jpeg-js) image resized and normalised
 * to the trace's [C, H, W], or a tensor from a `.npy` file taken as it is (docs/capture.md).
 *
 * Resizing is bilinear with half-pixel centres (source x = (x + 0.5) * in / out - 0.5, clamped at the
 * border: OpenCV's INTER_LINEAR and PyTorch's `interpolate(..., align_corners=False)` without
 * antialiasing). Normalisation is per channel `(value / 255 - mean) / std`; the alpha channel is
 * ignored; a 1-channel input takes the luma 0.299 R + 0.587 G + 0.114 B.
 */
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { InputError } from '../../util/errors.ts';
import type { Shape3 } from '../types.ts';
import { parseNpy } from '../weights/npy.ts';

export interface Preprocess {
  /** Per channel, on values scaled to 0..1 (default: ImageNet's, as torchvision and PaddleOCR's detector). */
  mean: number[];
  std: number[];
  /** Channel order of the tensor: `rgb` (torchvision) or `bgr` (OpenCV-read training, e.g. PaddleOCR). */
  channelOrder: 'rgb' | 'bgr';
}

export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

export interface RgbaImage {
  width: number;
  height: number;
  /** 4 bytes per pixel, row-major. */
  data: Uint8Array;
}

/** Decode a PNG or JPEG (told apart by their first bytes). */
export function decodeImage(bytes: Uint8Array, source: string): RgbaImage {
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpg = bytes[0] === 0xff && bytes[1] === 0xd8;
  if (!png && !jpg) throw new InputError(source, '', 'not a PNG or JPEG image (nor a .npy tensor)');
  try {
    if (png) {
      const image = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: image.width, height: image.height, data: image.data };
    }
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    return { width: image.width, height: image.height, data: image.data };
  } catch (error) {
    const message = (error as Error).message.replace(/\s*\n\s*/g, ' ');
    throw new InputError(source, '', `the ${png ? 'PNG' : 'JPEG'} image does not decode (${message})`);
  }
}

/** The [1, C, H, W] float tensor of an image for a network input of `shape`. */
export function imageTensor(image: RgbaImage, shape: Shape3, pre: Preprocess): Float32Array {
  const [channels, height, width] = shape;
  if (channels !== 1 && channels !== 3)
    throw new InputError(
      '--input',
      '',
      `an image gives 1 or 3 channels, the network input has ${channels}; use a .npy tensor`,
    );
  const perChannel = (values: number[], flag: string) => {
    if (values.length === channels) return values;
    if (values.length === 1) return new Array<number>(channels).fill(values[0]);
    throw new InputError(flag, values.join(','), `expected 1 or ${channels} values`);
  };
  const mean = perChannel(pre.mean, '--mean');
  const std = perChannel(pre.std, '--std');
  if (std.some((s) => !(s > 0))) throw new InputError('--std', std.join(','), 'must be positive');
  const out = new Float32Array(channels * height * width);
  const sx = image.width / width;
  const sy = image.height / height;
  const px = image.data;
  const at = (x: number, y: number, c: number) => px[(y * image.width + x) * 4 + c];
  for (let y = 0; y < height; y++) {
    const fy = Math.min(image.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(image.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(image.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(image.width - 1, x0 + 1);
      const wx = fx - x0;
      const sample = (c: number) =>
        (at(x0, y0, c) * (1 - wx) + at(x1, y0, c) * wx) * (1 - wy) +
        (at(x0, y1, c) * (1 - wx) + at(x1, y1, c) * wx) * wy;
      const rgb = [sample(0), sample(1), sample(2)];
      const values =
        channels === 1
          ? [0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]]
          : pre.channelOrder === 'bgr'
            ? [rgb[2], rgb[1], rgb[0]]
            : rgb;
      for (let c = 0; c < channels; c++)
        out[(c * height + y) * width + x] = (values[c] / 255 - mean[c]) / std[c];
    }
  }
  return out;
}

/** The network input from `--input`: a `.npy` tensor [1, C, H, W] or [C, H, W], or an image. */
export function inputTensor(
  path: string,
  shape: Shape3,
  pre: Preprocess,
): { data: Float32Array; what: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new InputError('--input', path, 'cannot read the file');
  }
  if (path.toLowerCase().endsWith('.npy')) {
    const array = parseNpy(bytes, path);
    const dims = array.shape.length === 4 && array.shape[0] === 1 ? array.shape.slice(1) : array.shape;
    if (dims.length !== 3 || dims.some((d, i) => d !== shape[i]))
      throw new InputError(
        path,
        'shape',
        `is (${array.shape.join(', ')}), the trace's input needs (1, ${shape.join(', ')})`,
      );
    return { data: Float32Array.from(array.data), what: 'tensor (taken as it is)' };
  }
  const image = decodeImage(bytes, path);
  const order = shape[0] === 3 ? `, ${pre.channelOrder.toUpperCase()}` : ', luma';
  return {
    data: imageTensor(image, shape, pre),
    what:
      `${image.width}x${image.height} image, bilinear to ${shape[2]}x${shape[1]}${order}, ` +
      `(v/255 - mean [${pre.mean.join(', ')}]) / std [${pre.std.join(', ')}]`,
  };
}

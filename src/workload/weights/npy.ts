/**
 * A reader for NumPy `.npy` files (format versions 1-3): little-endian float32 or float64 arrays
 * in C order, which is what `numpy.save` writes for a PyTorch weight tensor on x86 and ARM.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../util/errors.ts';
import { littleEndian } from '../onnx/model.ts';

export interface NpyArray {
  shape: number[];
  data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new InputError(source, '', 'not a .npy file (bad magic)');
  const major = bytes[6];
  if (major < 1 || major > 3) throw new InputError(source, 'version', `unsupported .npy version ${major}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Version 1 has a 2-byte header length, versions 2 and 3 a 4-byte one.
  const [lengthBytes, headerLength] =
    major === 1 ? [2, view.getUint16(8, true)] : [4, view.getUint32(8, true)];
  const start = 8 + lengthBytes;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new InputError(source, 'header', `cannot read the header ${header.trim()}`);
  if (fortran === 'True') throw new InputError(source, 'fortran_order', 'only C-order arrays are supported');
  const width = descr === '<f4' ? 4 : descr === '<f8' ? 8 : 0;
  if (width === 0)
    throw new InputError(
      source,
      'descr',
      `dtype '${descr}' is not little-endian float32 (<f4) or float64 (<f8)`,
    );
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = bytes.subarray(start + headerLength);
  if (body.length !== count * width)
    throw new InputError(
      source,
      'data',
      `holds ${body.length} bytes, shape (${shape.join(', ')}) needs ${count * width}`,
    );
  return { shape, data: littleEndian(body, width, source, 'data') };
}

export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new InputError(path, '', 'cannot read the file');
  }
  return parseNpy(bytes, path);
}

/**
 * The activations sidecar of a trace (`ousim capture` writes it, the trace loader reads it): the
 * quantised input codes of every captured weight layer, concatenated in trace order, CHW order within a
 * layer. One byte per code for up to 8 bits, two bytes little-endian for 9 to 16 (VGG-16 ImageNet's
 * 15 M input values are 15 MB at 8 bits); the trace's `activations` section gives each layer's offset,
 * shape, bits, scale and signedness, and the file's SHA-256 (docs/traces.md "Activations").
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../util/errors.ts';
import type { ActivationSet, LayerActivations } from './activations.ts';
import { sha256Of } from './file-ref.ts';
import type { ActivationsSpec } from './trace-format.ts';
import type { Network, Shape3 } from './types.ts';

/** Bytes per code of a `bits`-bit code. */
export function bytesPerCode(bits: number): 1 | 2 {
  return bits <= 8 ? 1 : 2;
}

/** Values of a layer input [C, H, W]. */
function valuesOf(shape: Shape3): number {
  return shape[0] * shape[1] * shape[2];
}

/**
 * The sidecar bytes and the trace's `activations` layer list for an activation set, layers in the
 * order of `order` (the trace's layer order), so the same captures give the same bytes.
 */
export function encodeActivations(
  set: ActivationSet,
  order: readonly string[],
): { bytes: Uint8Array; layers: ActivationsSpec['layers'] } {
  const names = order.filter((n) => set.has(n));
  let size = 0;
  for (const name of names) {
    const a = set.get(name) as LayerActivations;
    size += valuesOf(a.shape) * bytesPerCode(a.bits);
  }
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const layers: ActivationsSpec['layers'] = [];
  let offset = 0;
  for (const name of names) {
    const a = set.get(name) as LayerActivations;
    layers.push({ layer: name, shape: [...a.shape], bits: a.bits, scale: a.scale, signed: a.signed, offset });
    if (bytesPerCode(a.bits) === 1) bytes.set(a.codes, offset);
    else for (let i = 0; i < a.codes.length; i++) view.setUint16(offset + 2 * i, a.codes[i], true);
    offset += valuesOf(a.shape) * bytesPerCode(a.bits);
  }
  return { bytes, layers };
}

/**
 * Read and check the sidecar of a trace: its hash, each layer's place in the file, and that each
 * entry names a weight layer of the network with that input shape (an FC layer's input flattened to
 * [features, 1, 1]). `source` and `field` name the trace and its section in errors.
 */
export function decodeActivations(
  spec: ActivationsSpec,
  path: string,
  network: Network,
  source: string,
): ActivationSet {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new InputError(source, 'activations.file', `cannot read the activations file '${path}'`);
  }
  if (sha256Of(bytes) !== spec.sha256)
    throw new InputError(
      source,
      'activations.sha256',
      `'${path}' is not the file captured for this trace (its SHA-256 differs); run ousim capture again`,
    );
  const layers = new Map(network.layers.map((l) => [l.name, l]));
  const set = new Map<string, LayerActivations>();
  spec.layers.forEach((entry, i) => {
    const where = `activations.layers[${i}] (layer '${entry.layer}')`;
    const layer = layers.get(entry.layer);
    if (!layer || (layer.type !== 'conv' && layer.type !== 'fc'))
      throw new InputError(source, where, 'names no weight layer of the trace');
    const expected: Shape3 = layer.type === 'fc' ? [layer.inFeatures, 1, 1] : [...layer.inShape];
    if (entry.shape.some((d, k) => d !== expected[k]))
      throw new InputError(
        source,
        `${where}.shape`,
        `is [${entry.shape.join(', ')}], the layer's input is [${expected.join(', ')}]`,
      );
    if (set.has(entry.layer)) throw new InputError(source, where, 'the layer is listed twice');
    const count = valuesOf(entry.shape);
    const width = bytesPerCode(entry.bits);
    if (entry.offset + count * width > bytes.length)
      throw new InputError(
        source,
        `${where}.offset`,
        `reaches past the end of '${path}' (${bytes.length} bytes)`,
      );
    let codes: Uint8Array | Uint16Array;
    if (width === 1) codes = new Uint8Array(bytes.buffer, bytes.byteOffset + entry.offset, count);
    else {
      codes = new Uint16Array(count);
      for (let k = 0; k < count; k++) codes[k] = bytes.readUInt16LE(entry.offset + 2 * k);
    }
    const mask = (1 << entry.bits) - 1;
    for (let k = 0; k < count; k++)
      if (codes[k] > mask)
        throw new InputError(source, where, `code ${codes[k]} at value ${k} does not fit ${entry.bits} bits`);
    set.set(entry.layer, {
      shape: [...entry.shape],
      bits: entry.bits,
      scale: entry.scale,
      signed: entry.signed,
      codes,
    });
  });
  return set;
}

/**
 * Pattern-pruning masks: the compact file form (a base64 string, one byte per kernel) and the
 * checks that a library and its kernel ids fit a conv layer.
 */
import { InputError } from '../util/errors.ts';
import { PRUNED, type ConvPruning } from './types.ts';

/** Row-major index of the kernel centre, or -1 for an even-sized kernel (no centre). */
export function kernelCentre(kh: number, kw: number): number {
  if (kh % 2 === 0 || kw % 2 === 0) return -1;
  return (kh >> 1) * kw + (kw >> 1);
}

export function encodeKernelPattern(kernelPattern: Uint8Array): string {
  return Buffer.from(kernelPattern.buffer, kernelPattern.byteOffset, kernelPattern.byteLength).toString(
    'base64',
  );
}

export function decodeKernelPattern(base64: string): Uint8Array {
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/**
 * Check a pruning against its layer: one id per kernel (`cout * cin / groups`), every id names a
 * library pattern or is PRUNED, every pattern is a sorted set of positions of the kernel that
 * keeps the centre. `where(field)` turns a sub-field into the InputError field path.
 */
export function checkPruning(
  pruning: ConvPruning,
  layer: { cout: number; cin: number; groups: number; kernel: [number, number] },
  source: string,
  where: (field: string) => string,
): void {
  const [kh, kw] = layer.kernel;
  const centre = kernelCentre(kh, kw);
  if (centre < 0)
    throw new InputError(source, where('pruning'), `pattern pruning needs an odd kernel, not ${kh}x${kw}`);
  pruning.patterns.forEach((pattern, id) => {
    const field = where(`pruning.patterns[${id}]`);
    for (let i = 0; i < pattern.length; i++) {
      if (pattern[i] >= kh * kw)
        throw new InputError(source, field, `position ${pattern[i]} is outside the ${kh}x${kw} kernel`);
      if (i > 0 && pattern[i] <= pattern[i - 1])
        throw new InputError(source, field, 'positions must be sorted and distinct');
    }
    if (!pattern.includes(centre))
      throw new InputError(source, field, `a pattern must keep the centre position ${centre}`);
  });
  const expected = (layer.cout * layer.cin) / layer.groups;
  const ids = pruning.kernelPattern;
  if (ids.length !== expected)
    throw new InputError(
      source,
      where('pruning.kernels'),
      `has ${ids.length} kernel ids, the layer has cout*cin/groups = ${expected} kernels`,
    );
  for (let k = 0; k < ids.length; k++) {
    if (ids[k] !== PRUNED && ids[k] >= pruning.patterns.length)
      throw new InputError(
        source,
        where('pruning.kernels'),
        `kernel ${k} uses pattern id ${ids[k]}, the library has ${pruning.patterns.length} patterns`,
      );
  }
}

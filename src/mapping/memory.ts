/**
 * Memory a layer's mapping will take, estimated before any of it is allocated (issue 18): a layer
 * below the trace's size limit can still need more memory than the machine has once cut into
 * crossbars of a small arch, or pruned and reordered kernel by kernel. Such a layer is refused
 * with its estimate, in one line, instead of ending in an out-of-memory crash minutes later.
 */
import type { Arch } from '../config/arch.ts';
import { InputError } from '../util/errors.ts';
import { gigabytes, MAX_LAYER_BYTES } from '../util/memory.ts';
import type { WeightLayer } from '../workload/types.ts';
import { weightEncoding } from './encoding.ts';
import { layerGeometry } from './geometry.ts';

/** Bookkeeping per crossbar plan besides its arrays (object, tile, placement entries), bytes. */
const PLAN_OVERHEAD_BYTES = 400;
/** Per kept kernel of a pattern-mapped layer: its block's filter id, the kernel's share of a block piece. */
const PATTERN_BYTES_PER_KERNEL = 24;

/**
 * Bytes of the crossbar plans of `layer` mapped densely (an upper bound for the pattern and SRE
 * mappers, which store fewer cells): per crossbar, its wordline map (4 bytes per row) and its OU
 * steps (6 bytes each), plus the kernels' own structures for the mappers that reorder them.
 */
export function mappingBytes(layer: WeightLayer, arch: Arch, mapper: string): number {
  const g = layerGeometry(layer);
  const { rows, cols } = arch.crossbar;
  const matrixRows = g.cinPerGroup * g.kernelSize;
  const matrixCols = g.coutPerGroup * weightEncoding(arch).colsPerWeight;
  const crossbars = g.groups * Math.ceil(matrixRows / rows) * Math.ceil(matrixCols / cols);
  const steps =
    Math.ceil(Math.min(rows, matrixRows) / arch.ou.rows) *
    Math.ceil(Math.min(cols, matrixCols) / arch.ou.cols);
  const perCrossbar = 4 * rows + 6 * steps + PLAN_OVERHEAD_BYTES;
  const kernels = mapper === 'dense' ? 0 : g.cout * g.cinPerGroup;
  return crossbars * perCrossbar + kernels * PATTERN_BYTES_PER_KERNEL;
}

/** Refuse a layer whose mapping would take more than MAX_LAYER_BYTES. */
export function checkMappingMemory(layer: WeightLayer, arch: Arch, mapper: string, network: string): void {
  const bytes = mappingBytes(layer, arch, mapper);
  if (bytes > MAX_LAYER_BYTES)
    throw new InputError(
      `trace '${network}'`,
      `layer '${layer.name}'`,
      `the ${mapper} mapping would need about ${gigabytes(bytes)} of memory (estimate), more than ousim allows for one layer (${gigabytes(MAX_LAYER_BYTES)}); use larger crossbars or a smaller layer`,
    );
}

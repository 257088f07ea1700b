/**
 * Shapes of a weight layer seen as matrices: an FC layer is a 1x1 convolution of a
 * [inFeatures, 1, 1] input, so both mappers and the functional check treat every layer as a conv.
 */
import { inputSlices, type Arch } from '../config/arch.ts';
import { layerMacs, type WeightLayer } from '../workload/types.ts';
import type { LayerMapping } from './types.ts';

export interface LayerGeometry {
  kh: number;
  kw: number;
  /** Kernel positions, kh * kw. */
  kernelSize: number;
  groups: number;
  cinPerGroup: number;
  coutPerGroup: number;
  cin: number;
  cout: number;
  /** Input vectors per inference: output positions. */
  vectors: number;
}

export function layerGeometry(layer: WeightLayer): LayerGeometry {
  if (layer.type === 'fc') {
    return {
      kh: 1,
      kw: 1,
      kernelSize: 1,
      groups: 1,
      cinPerGroup: layer.inFeatures,
      coutPerGroup: layer.outFeatures,
      cin: layer.inFeatures,
      cout: layer.outFeatures,
      vectors: 1,
    };
  }
  const [kh, kw] = layer.kernel;
  return {
    kh,
    kw,
    kernelSize: kh * kw,
    groups: layer.groups,
    cinPerGroup: layer.cin / layer.groups,
    coutPerGroup: layer.cout / layer.groups,
    cin: layer.cin,
    cout: layer.cout,
    vectors: layer.outShape[1] * layer.outShape[2],
  };
}

/** The LayerMapping fields that do not depend on the placement. */
export function mappingBase(
  layer: WeightLayer,
  arch: Arch,
  mapper: string,
): Pick<LayerMapping, 'layer' | 'mapper' | 'macs' | 'vectors' | 'inputSlices' | 'replication'> {
  return {
    layer: layer.name,
    mapper,
    macs: layerMacs(layer),
    vectors: layerGeometry(layer).vectors,
    inputSlices: inputSlices(arch),
    replication: 1,
  };
}

/** Bits to name one of n things (at least 1). */
export function idBits(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(n)));
}

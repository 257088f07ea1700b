/**
 * Mappers by name (a sweep over mappers is a config edit) and the mapping of a whole network.
 */
import type { Arch } from '../config/arch.ts';
import { InputError } from '../util/errors.ts';
import { isWeightLayer, type Network } from '../workload/types.ts';
import { denseMapper } from './dense.ts';
import { checkMappingMemory } from './memory.ts';
import { patternMapper } from './pattern/mapper.ts';
import { replicate, replicateWithinArea } from './replication.ts';
import { sreMapper } from './sre/mapper.ts';
import type { LayerMapping, LayoutMapper, MapperOptions } from './types.ts';

/** Every registered mapper; adding one is its folder plus one entry here (docs/mapping.md). */
const MAPPERS: readonly LayoutMapper[] = [denseMapper, patternMapper, sreMapper];

export function listMappers(): string[] {
  return MAPPERS.map((m) => m.name);
}

export function getMapper(name: string): LayoutMapper {
  const mapper = MAPPERS.find((m) => m.name === name);
  if (!mapper)
    throw new InputError('--mapping', '', `unknown mapper '${name}' (mappers: ${listMappers().join(', ')})`);
  return mapper;
}

/**
 * Whether a mapper's work depends on the pruning masks (so an unpruned trace must be pruned first):
 * every mapper but plain `dense`, whose placement and work ignore which weights are zero.
 */
export function mapperNeedsMasks(mapperName: string, options: MapperOptions = {}): boolean {
  return mapperName !== 'dense' || options.skipZeroOus === true;
}

/** One LayerMapping per weight layer, in network order; replication applied when budgeted. */
export function mapNetwork(
  network: Network,
  arch: Arch,
  mapperName: string,
  options: MapperOptions = {},
): LayerMapping[] {
  const mapper = getMapper(mapperName);
  const layers = network.layers.filter(isWeightLayer);
  for (const layer of layers) checkMappingMemory(layer, arch, mapper.name, network.name);
  const mappings = layers.map((layer) => mapper.mapLayer(layer, arch, options));
  const budget = options.replicationBudget ?? 0;
  if (options.replicationAreaMm2 !== undefined && options.replicationAreaMm2 > 0)
    replicateWithinArea(mappings, options.replicationAreaMm2, arch);
  else if (budget > 0) replicate(mappings, budget, arch);
  return mappings;
}

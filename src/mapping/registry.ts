/**
 * Mappers by name (a sweep over mappers is a config edit) and the mapping of a whole network. The
 * command line, the sweep, compare and the tests read the mappers, their options and whether they
 * need masks from here; nothing else lists them (docs/extending.md, "A new mapper").
 */
import type { Arch } from '../config/arch.ts';
import { InputError } from '../util/errors.ts';
import { isWeightLayer, type Network } from '../workload/types.ts';
import { denseMapper } from './dense.ts';
import { checkMappingMemory } from './memory.ts';
import { optionSpecs, readMapperOptions, type MapperOptionSpec } from './options.ts';
import { patternMapper } from './pattern/mapper.ts';
import { replicate, replicateWithinArea } from './replication.ts';
import { sreMapper } from './sre/mapper.ts';
import type { LayerMapping, LayoutMapper, MapperOptions } from './types.ts';

/** MapperOptions keys that belong to no mapper (replication). */
const GENERIC_OPTIONS: readonly string[] = ['replicationBudget', 'replicationAreaMm2'];

/** Every registered mapper, in registration order (the order of `--help` and of the tests). */
const MAPPERS: LayoutMapper[] = [];

/**
 * Adds a mapper; returns the function that removes it again (tests register toy mappers for the
 * time of a test). A name or option key already taken is a programming error.
 */
export function registerMapper(mapper: LayoutMapper): () => void {
  if (MAPPERS.some((m) => m.name === mapper.name))
    throw new Error(`mapper '${mapper.name}' is registered twice`);
  const taken = new Set([...GENERIC_OPTIONS, ...mapperOptionSpecs().map((s) => s.key)]);
  for (const spec of optionSpecs(mapper))
    if (taken.has(spec.key))
      throw new Error(`mapper '${mapper.name}': option '${spec.key}' is already taken`);
  MAPPERS.push(mapper);
  return () => {
    const index = MAPPERS.indexOf(mapper);
    if (index >= 0) MAPPERS.splice(index, 1);
  };
}

// The shipped mappers: a new one is its folder plus one line here.
registerMapper(denseMapper);
registerMapper(patternMapper);
registerMapper(sreMapper);

/** The mapper of `run` and `map` when `--mapping` is not given: the project's subject. */
export const DEFAULT_MAPPER = 'pattern';

export function listMappers(): string[] {
  return MAPPERS.map((m) => m.name);
}

export function getMapper(name: string): LayoutMapper {
  const mapper = MAPPERS.find((m) => m.name === name);
  if (!mapper)
    throw new InputError('--mapping', '', `unknown mapper '${name}' (mappers: ${listMappers().join(', ')})`);
  return mapper;
}

/** Every registered mapper's own options (each one's flags), in registration order. */
export function mapperOptionSpecs(): MapperOptionSpec[] {
  return MAPPERS.flatMap(optionSpecs);
}

/**
 * Every registered mapper's own options out of `options`, checked, defaults filled in (registry
 * order): what `ousim map` records, whichever mapper it runs.
 */
export function resolvedMapperOptions(options: MapperOptions): MapperOptions {
  const resolved: MapperOptions = {};
  for (const mapper of MAPPERS) Object.assign(resolved, readMapperOptions(mapper, options));
  return resolved;
}

/**
 * The values of `mapper`'s own string options under `options` (defaults filled in), joined by '/':
 * the `packing` column of `ousim map`'s summary.csv (pattern: its packing; '' for a mapper without).
 */
export function mapperChoices(mapper: string, options: MapperOptions): string {
  const own: Record<string, unknown> = readMapperOptions(getMapper(mapper), options);
  return Object.values(own)
    .filter((v) => typeof v === 'string')
    .join('/');
}

/** Whether `mapper` under `options` needs the pruning masks (an unpruned trace is then pruned first). */
export function mapperNeedsMasks(mapper: string, options: MapperOptions = {}): boolean {
  const { needsMasks } = getMapper(mapper);
  return typeof needsMasks === 'function' ? needsMasks(options) : needsMasks;
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

/**
 * The pattern mapper's own options (Mapper.options): which packing (packings.ts) turns its block
 * pieces into OU regions. `--packing` on the command line.
 */
import { z } from 'zod';
import type { MapperOptions } from '../types.ts';
import { readMapperOptions } from '../options.ts';
import { DEFAULT_PACKING, PACKINGS, type Packing } from './packings.ts';

const PACKING_NAMES = PACKINGS.map((p) => p.name) as [string, ...string[]];

export const patternOptions = z.object({
  packing: z
    .enum(PACKING_NAMES)
    .default(DEFAULT_PACKING)
    .describe(
      `how blocks are packed into OU regions: ${PACKINGS.map((p) => p.name).join(', ')} (default ${DEFAULT_PACKING}; docs/mapping.md)`,
    ),
});

/** The packing `options` name (the default when absent); an unknown name is an InputError. */
export function packingOf(options: MapperOptions): Packing {
  const { packing } = readMapperOptions({ name: 'pattern', options: patternOptions }, options);
  return PACKINGS.find((p) => p.name === packing)!;
}

/**
 * `toy`: the docs/extending.md "A new mapper" recipe, as a test registers it. The dense im2col
 * tiling on crossbars of which only `--toy-columns` bitlines are used (all by default): more
 * crossbars, fewer columns per OU region. Its own folder holds everything about it; registering it
 * is one line (registerMapper(toyMapper)).
 */
import { z } from 'zod';
import type { Arch } from '../../../src/config/arch.ts';
import { denseLayout, mapDense } from '../../../src/mapping/dense.ts';
import { readMapperOptions } from '../../../src/mapping/options.ts';
import type { LayoutMapper, MapperOptions } from '../../../src/mapping/types.ts';

const toyOptions = z.object({
  toyColumns: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('bitlines the toy mapper uses per crossbar (default: all)'),
});

/** The arch as the toy places weights: crossbars `toyColumns` bitlines wide. */
function narrowed(arch: Arch, options: MapperOptions): Arch {
  const { toyColumns } = readMapperOptions({ name: 'toy', options: toyOptions }, options);
  const cols = Math.min(arch.crossbar.cols, toyColumns ?? arch.crossbar.cols);
  return { ...arch, crossbar: { ...arch.crossbar, cols } };
}

export const toyMapper: LayoutMapper = {
  name: 'toy',
  description: 'dense tiling on --toy-columns bitlines per crossbar (docs/extending.md)',
  needsMasks: false,
  options: toyOptions,
  mapLayer: (layer, arch, options) => ({ ...mapDense(layer, narrowed(arch, options), 'toy'), scheme: 'toy' }),
  // The cells sit where dense puts them on the narrowed crossbar; the crossbar keeps its real width.
  layoutLayer: (layer, arch, options) => ({
    ...denseLayout(layer, narrowed(arch, options)),
    cols: arch.crossbar.cols,
  }),
};

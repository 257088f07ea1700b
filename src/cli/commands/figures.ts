/**
 * `ousim figures`: SVG and PNG of every figure the CSVs in a results folder support
 * (src/figures/make.ts).
 */
import { splitList } from '../options.ts';
import type { Argv, CommandModule } from 'yargs';
import { FIGURES } from '../../figures/make.ts';
import { systemFontsRender } from '../../figures/render.ts';

interface FiguresArgs {
  in: string;
  out: string;
  only: string[];
  png: boolean;
}

const NAMES: readonly string[] = FIGURES.map((f) => f.name);

export const figuresCommand: CommandModule<object, FiguresArgs> = {
  command: 'figures',
  describe: 'SVG and PNG figures from the CSVs of a results folder',
  builder: (y: Argv) =>
    y
      .option('in', {
        type: 'string',
        default: 'results',
        describe: 'results folder (of ousim compare, run or sweep)',
      })
      .option('out', { type: 'string', describe: 'figure folder (default: <in>/figures)' })
      .option('only', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: `only these figures, comma-separated: ${NAMES.join(', ')}`,
      })
      .option('png', { type: 'boolean', default: true, describe: 'also write PNGs (--no-png for SVG only)' })
      .example('$0 figures --in results --out results/figures', 'figures of npm start')
      .example(
        '$0 figures --in results/sweep',
        'ADC bits x OU size heatmaps of a sweep',
      ) as unknown as Argv<FiguresArgs>,
  handler: async (args) => {
    const only = splitList(args.only);
    if (args.png && !systemFontsRender())
      process.stderr.write(
        'ousim figures: resvg found no system font, so PNGs will have no text (the SVGs are fine); ' +
          'install a font package such as fonts-dejavu-core\n',
      );
    const { figures } = await import('../../api/index.ts');
    const outcomes = await figures(args.in, args.out ?? `${args.in}/figures`, { only, png: args.png });
    for (const o of outcomes) {
      if (o.skipped) process.stderr.write(`ousim figures: skipped ${o.name}: ${o.skipped}\n`);
      else process.stdout.write(`${o.files.join('\n')}\n`);
    }
  },
};

import type { CommandModule } from 'yargs';
import { InputError } from '../../util/errors.ts';

// Placeholder until the command is built; replaced by its issue's work.
export const figuresCommand: CommandModule = {
  command: 'figures',
  describe: '(figures: not built yet)',
  handler: () => {
    throw new InputError('figures', '', 'not built yet');
  },
};

import type { CommandModule } from 'yargs';
import { InputError } from '../../util/errors.ts';

// Placeholder until the command is built; replaced by its issue's work.
export const compareCommand: CommandModule = {
  command: 'compare',
  describe: '(compare: not built yet)',
  handler: () => {
    throw new InputError('compare', '', 'not built yet');
  },
};

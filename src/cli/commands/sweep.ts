import type { CommandModule } from 'yargs';
import { InputError } from '../../util/errors.ts';

// Placeholder until the command is built; replaced by its issue's work.
export const sweepCommand: CommandModule = {
  command: 'sweep',
  describe: '(sweep: not built yet)',
  handler: () => {
    throw new InputError('sweep', '', 'not built yet');
  },
};

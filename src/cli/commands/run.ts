import type { CommandModule } from 'yargs';
import { InputError } from '../../util/errors.ts';

// Placeholder until the command is built; replaced by its issue's work.
export const runCommand: CommandModule = {
  command: 'run',
  describe: '(run: not built yet)',
  handler: () => {
    throw new InputError('run', '', 'not built yet');
  },
};

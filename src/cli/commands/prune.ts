import type { CommandModule } from 'yargs';
import { InputError } from '../../util/errors.ts';

// Placeholder until the command is built; replaced by its issue's work.
export const pruneCommand: CommandModule = {
  command: 'prune',
  describe: '(prune: not built yet)',
  handler: () => {
    throw new InputError('prune', '', 'not built yet');
  },
};

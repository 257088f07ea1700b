import type { CommandModule } from 'yargs';
import { InputError } from '../../util/errors.ts';

// Placeholder until the command is built; replaced by its issue's work.
export const importCommand: CommandModule = {
  command: 'import',
  describe: '(import: not built yet)',
  handler: () => {
    throw new InputError('import', '', 'not built yet');
  },
};

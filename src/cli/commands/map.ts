import type { CommandModule } from 'yargs';
import { InputError } from '../../util/errors.ts';

// Placeholder until the command is built; replaced by its issue's work.
export const mapCommand: CommandModule = {
  command: 'map',
  describe: '(map: not built yet)',
  handler: () => {
    throw new InputError('map', '', 'not built yet');
  },
};

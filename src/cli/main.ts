/**
 * The `ousim` command line (docs/design.md §6). Each sub-command lives in its own file under
 * `commands/` (listed in commands.ts, imported only when it runs); this file wires them into yargs and
 * turns bad input into exit code 2.
 */
import yargs, { type MiddlewareFunction } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CommandFailed, InputError, EXIT_BAD_INPUT } from '../util/errors.ts';
import { OUSIM_VERSION } from '../util/version.ts';
import { loadCommands } from './commands.ts';

/**
 * yargs turns a flag given twice into an array; for a flag that takes one value that would reach the
 * command as a list. Refuse it with one clear line instead.
 */
function rejectRepeatedFlags(argv: Record<string, unknown>, y: { getOptions(): { array: string[] } }): void {
  const lists = new Set(y.getOptions().array);
  for (const [key, value] of Object.entries(argv)) {
    if (key !== '_' && Array.isArray(value) && !lists.has(key) && key.length > 1)
      throw new InputError('command line', `--${key}`, 'given more than once; it takes one value');
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    // Only the command that runs is imported (with what it needs); the others are a name and a line
    // of help, so `ousim --version` and `ousim --help` load almost nothing.
    const commands = await loadCommands(argv);
    const parser = yargs(argv)
      .scriptName('ousim')
      .usage('$0 <command> [options]\n\nCycle-accurate simulator of RRAM crossbar CNN accelerators.');
    for (const command of commands) parser.command(command);
    await parser
      .middleware(
        // yargs 18 passes the parser as the second argument; @types/yargs (written for 17) omits it.
        rejectRepeatedFlags as unknown as MiddlewareFunction,
      )
      .demandCommand(1, 'Name a command; `ousim --help` lists them.')
      .strict()
      .version(OUSIM_VERSION)
      .help()
      .wrap(Math.min(110, process.stdout.columns || 110))
      .fail((message, error) => {
        // yargs reports bad flags through here; errors thrown by handlers are re-thrown.
        if (error) throw error;
        // One line, as every input error: yargs spreads some messages over several.
        throw new InputError('command line', '', `${message.replace(/\s*\n\s*/g, ' ')} (see ousim --help)`);
      })
      .parseAsync();
    return 0;
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`ousim: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof CommandFailed) {
      process.stderr.write(`ousim: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

process.exitCode = await main(hideBin(process.argv));

/**
 * Errors caused by the user's input (a file, a flag, an override). The CLI prints
 * `message` alone, without a stack trace, and exits with code 2. Everything else is a bug.
 */
export class InputError extends Error {
  /** The file (or flag) the bad input came from, e.g. `arch/paper.json` or `--set`. */
  readonly source: string;
  /** The offending field as a dotted path, e.g. `ou.rows` or `layers[3].pruning.kernels`. */
  readonly field: string;

  constructor(source: string, field: string, problem: string) {
    // One line whatever the input holds (a layer name or a cell with a line break in it).
    super(`${source}: ${field ? `${field}: ` : ''}${problem}`.replace(/\s*[\r\n]+\s*/g, ' '));
    this.name = 'InputError';
    this.source = source;
    this.field = field;
  }
}

/** Exit code for bad input (docs/design.md §6). */
export const EXIT_BAD_INPUT = 2;

/**
 * A command that ran but did not fully succeed (sweep points that failed, each already named on
 * stderr): the CLI prints `message` alone, without a stack trace, and exits with `exitCode`.
 */
export class CommandFailed extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CommandFailed';
    this.exitCode = exitCode;
  }
}

/**
 * The sub-commands of `ousim`, by name, with their one line of help and how to import them. main.ts
 * imports only the module of the command that runs: a command's module pulls in the simulator, the
 * figures or onnxruntime, which `--help` and `--version` do not need. test/cli/commands.test.ts holds
 * each line here to the module's own `describe`.
 */
import type { CommandModule } from 'yargs';

export interface CommandEntry {
  name: string;
  describe: string;
  load: () => Promise<CommandModule>;
}

// The modules' argument types differ; yargs checks them at run time, not through this list.
const as = (module: unknown) => module as CommandModule;

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    describe: 'simulate one network on one arch with one mapping',
    load: async () => as((await import('./commands/run.ts')).runCommand),
  },
  {
    name: 'map',
    describe: 'mapping only: crossbars, blocks, utilisation, OU steps and index overhead per layer',
    load: async () => as((await import('./commands/map.ts')).mapCommand),
  },
  {
    name: 'compare',
    describe:
      "mappings over a baseline (pattern over dense) on the same arch and networks: the paper's table",
    load: async () => as((await import('./commands/compare.ts')).compareCommand),
  },
  {
    name: 'sweep',
    describe: 'a grid over arch / pruning keys and mappings, in parallel, resumable, shardable',
    load: async () => as((await import('./commands/sweep.ts')).sweepCommand),
  },
  {
    name: 'prune',
    describe: 'pattern + connectivity pruning of a trace into a masked trace and patterns.csv',
    load: async () => as((await import('./commands/prune.ts')).pruneCommand),
  },
  {
    name: 'import',
    describe: 'network shapes from a NeuroSim NetWork.csv or an ONNX model, as an (unpruned) trace',
    load: async () => as((await import('./commands/import.ts')).importCommand),
  },
  {
    name: 'capture',
    describe:
      "run the ONNX model on a real input and store every weight layer's quantised input with the trace",
    load: async () => as((await import('./commands/capture.ts')).captureCommand),
  },
  {
    name: 'figures',
    describe: 'SVG and PNG figures from the CSVs of a results folder',
    load: async () => as((await import('./commands/figures.ts')).figuresCommand),
  },
  {
    name: 'report',
    describe: 'one self-contained HTML report (tables, interactive figures) of a results folder',
    load: async () => as((await import('./commands/report.ts')).reportCommand),
  },
];

/**
 * The commands the arguments may run, imported: every command whose name is one of the words (yargs
 * takes the first word that is not an option or its value; a name that is only a flag value costs an
 * import, nothing more). The others get a stand-in with their name and help line.
 */
export async function loadCommands(argv: readonly string[]): Promise<CommandModule[]> {
  const words = new Set(argv);
  return Promise.all(
    COMMANDS.map(async (entry) =>
      words.has(entry.name)
        ? entry.load()
        : { command: entry.name, describe: entry.describe, handler: notLoaded },
    ),
  );
}

function notLoaded(): never {
  throw new Error('internal: a command ran that main.ts did not import');
}

/**
 * Runs ousim commands in this process, so that the mappers and columns a test registers are seen.
 * Mocha loads the spec files' static imports apart from what `await import()` loads (two module
 * instances of each src file), and the commands load the simulator with `await import()`: so the
 * registries and commands a test uses are loaded the same way, here.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs, { type CommandModule } from 'yargs';

/** The command's stdout, and the folder it wrote (`--out`). */
export async function runInProcess<T>(
  command: CommandModule<object, T>,
  args: string[],
): Promise<{ out: string; stdout: string }> {
  const out = mkdtempSync(join(tmpdir(), 'ousim-extending-'));
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  let stdout = '';
  process.stdout.write = (chunk: string | Uint8Array) => ((stdout += String(chunk)), true);
  process.stderr.write = () => true;
  try {
    await yargs([...args, '--out', out])
      .command(command as unknown as CommandModule)
      .strict()
      .fail((message, error) => {
        throw error ?? new Error(message);
      })
      .parseAsync();
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  return { out, stdout };
}

/** The registries and commands, loaded as the commands load the rest of src. */
export async function loadSrc() {
  return {
    registry: await import('../../src/mapping/registry.ts'),
    csv: await import('../../src/output/csv.ts'),
    api: await import('../../src/api/index.ts'),
    map: (await import('../../src/cli/commands/map.ts')).mapCommand,
    run: (await import('../../src/cli/commands/run.ts')).runCommand,
    compare: (await import('../../src/cli/commands/compare.ts')).compareCommand,
  };
}
export type Src = Awaited<ReturnType<typeof loadSrc>>;

import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledEntry, sourceHash, STAMP_FILE } from '../../bin/compiled.js';
import { COMMANDS, loadCommands } from '../../src/cli/commands.ts';

describe('lazily imported commands (src/cli/commands.ts)', () => {
  it('lists each command with the name and help line of its own module', async () => {
    for (const entry of COMMANDS) {
      const module = await entry.load();
      expect(module.command, entry.name).to.equal(entry.name);
      expect(module.describe, entry.name).to.equal(entry.describe);
    }
  });

  it('imports only the commands named on the command line', async () => {
    const commands = await loadCommands(['map', '--trace', 'tiny']);
    const loaded = commands.filter((c) => c.builder !== undefined).map((c) => c.command);
    expect(loaded).to.deep.equal(['map']);
    expect(await loadCommands(['--version'])).to.satisfy((cs: { builder?: unknown }[]) =>
      cs.every((c) => c.builder === undefined),
    );
  });
});

describe('compiled or tsx (bin/compiled.js)', () => {
  let root = '';
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ousim-stamp-'));
    mkdirSync(join(root, 'src', 'cli'), { recursive: true });
    mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(root, 'src', 'cli', 'main.ts'), 'export {};\n');
    writeFileSync(join(root, 'dist', 'cli', 'main.js'), 'export {};\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const stamp = (hash: string) =>
    writeFileSync(join(root, 'dist', STAMP_FILE), JSON.stringify({ sourceHash: hash }));

  it('runs dist/ while its stamp names the hash src/ has', () => {
    stamp(sourceHash(join(root, 'src')));
    expect(compiledEntry('cli/main.js', root)).to.match(/^file:.*\/dist\/cli\/main\.js$/);
  });

  it('falls back to tsx when src/ changed, the stamp is missing or unreadable, or dist/ lacks the entry', () => {
    stamp(sourceHash(join(root, 'src')));
    expect(compiledEntry('cli/other.js', root)).to.equal(undefined);
    writeFileSync(join(root, 'src', 'cli', 'main.ts'), 'export const edited = 1;\n');
    expect(compiledEntry('cli/main.js', root)).to.equal(undefined);
    writeFileSync(join(root, 'dist', STAMP_FILE), '{not json');
    expect(compiledEntry('cli/main.js', root)).to.equal(undefined);
    rmSync(join(root, 'dist', STAMP_FILE));
    expect(compiledEntry('cli/main.js', root)).to.equal(undefined);
  });

  it('hashes file names as well as contents', () => {
    const before = sourceHash(join(root, 'src'));
    writeFileSync(join(root, 'src', 'cli', 'extra.ts'), '');
    expect(sourceHash(join(root, 'src'))).to.not.equal(before);
  });
});

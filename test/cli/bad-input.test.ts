import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ousim } from './cli-helpers.ts';

/** Every command: bad input is one line naming the flag or field, exit code 2, no stack trace. */
describe('bad input on every command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ousim-bad-'));
  const aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'not a folder');
  const aFolder = join(dir, 'a-folder');
  mkdirSync(aFolder);
  const huge = join(dir, 'huge.json');
  writeFileSync(
    huge,
    JSON.stringify({
      format: 'ousim-trace',
      version: 1,
      name: 'huge',
      inputShape: [3, 8, 8],
      layers: [{ name: 'c', type: 'conv', cin: 3, cout: 2e9, kernel: 3, stride: 1, padding: 1, groups: 1 }],
    }),
  );

  for (const [label, args, names] of [
    [
      'a seed that is not a whole number',
      ['run', '--trace', 'tiny', '--seed', '1.5', '--out', join(dir, 'o1')],
      '--seed',
    ],
    [
      'a seed that is not a number',
      ['map', '--trace', 'tiny', '--seed', 'abc', '--out', join(dir, 'o2')],
      '--seed',
    ],
    ['an --out that is a file', ['map', '--trace', 'tiny', '--out', aFile], aFile],
    ['an --out under a file', ['prune', '--trace', 'tiny', '--out', join(aFile, 'x')], '--out'],
    [
      'an import --out that is a folder',
      ['import', '--from', 'test/fixtures/onnx/tiny.onnx', '--out', aFolder],
      aFolder,
    ],
    [
      'a negative replication budget',
      ['map', '--trace', 'tiny', '--replication-budget', '-5', '--out', join(dir, 'o3')],
      '--replication-budget',
    ],
    ['an empty trace list', ['map', '--trace', ',', '--out', join(dir, 'o4')], '--trace'],
    ['a layer too large to simulate', ['map', '--trace', huge, '--out', join(dir, 'o5')], 'cout'],
    [
      'a value outside the choices',
      ['run', '--trace', 'tiny', '--fidelity', 'slow', '--out', join(dir, 'o6')],
      'fidelity',
    ],
    ['zero images', ['run', '--trace', 'tiny', '--images', '0', '--out', join(dir, 'o7')], '--images'],
    [
      'a fractional image count',
      ['compare', '--traces', 'tiny', '--images', '2.5', '--out', join(dir, 'o8')],
      '--images',
    ],
    [
      'an area budget without a replication budget',
      ['compare', '--traces', 'tiny', '--budget-by', 'area', '--out', join(dir, 'o9')],
      '--budget-by',
    ],
  ] as const) {
    it(`rejects ${label}`, () => {
      const result = ousim([...args]);
      expect(result.status, result.stderr).to.equal(2);
      expect(result.stderr.trim().split('\n')).to.have.length(1);
      expect(result.stderr).to.include(names);
      expect(result.stderr).to.not.match(/\bat .*:\d+:\d+/);
    });
  }

  it('left no output and no staging files behind', () => {
    for (const out of ['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8', 'o9'])
      expect(existsSync(join(dir, out)), out).to.equal(false);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).to.deep.equal([]);
    expect(readdirSync(aFolder)).to.deep.equal([]);
  });
});

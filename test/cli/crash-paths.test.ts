import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ousim, ROOT } from './cli-helpers.ts';

/**
 * The crash paths of issue 18 through the real command: values that overflowed cycle counts,
 * broken JSON, a bare zod message, NeuroSim cells and a layer too large to map. Each is refused
 * with exit code 2 in one line naming the file and the key, line:column or layer; no stack trace.
 */
describe('cli: crash paths are one-line refusals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ousim-crash-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const tiny = readFileSync(join(ROOT, 'traces', 'tiny.json'), 'utf8');
  const truncated = file('truncated.json', tiny.slice(0, 300));
  const badKernel = file('bad-kernel.json', tiny.replace('"kernel":[3,3]', '"kernel":"3x3"'));
  const emptyPool = file('empty-pool.csv', '8,8,3,3,3,4,,1\n');
  const hexCout = file('hex.csv', '8,8,3,3,3,0x4,0,1\n');
  const huge = file(
    'huge.json',
    JSON.stringify({
      format: 'ousim-trace',
      version: 1,
      name: 'huge',
      inputShape: [10000, 4, 4],
      layers: [{ name: 'wide', type: 'conv', cout: 10000, kernel: 3, stride: 1, padding: 1 }],
    }),
  );

  for (const [label, args, names] of [
    [
      'an ADC latency of 1e15 ns',
      ['run', '--trace', 'tiny', '--set', 'adc.latencyNs=1e15'],
      /adc\.latencyNs: .*2\^24/,
    ],
    [
      'a 1e-12 ns clock',
      ['run', '--trace', 'tiny', '--set', 'clockNs=1e-12'],
      /clockNs: 1e-12 ns is outside/,
    ],
    [
      'a value of 2^53 + 2',
      ['map', '--trace', 'tiny', '--set', 'buffer.sizeKiB=9007199254740994'],
      /buffer\.sizeKiB: /,
    ],
    [
      'a price that overflows',
      ['run', '--trace', 'tiny', '--set', 'energy.cellReadPj=1e308'],
      /energy\.cellReadPj: /,
    ],
    [
      'a truncated trace',
      ['map', '--trace', truncated],
      /truncated\.json: line 8, column \d+: not valid JSON/,
    ],
    [
      'a kernel that is neither a number nor a pair',
      ['map', '--trace', badKernel],
      /layers\[0\]\.kernel \(layer 'conv1'\): expected a whole number >= 1 or a pair/,
    ],
    [
      'an empty NeuroSim pool cell',
      ['import', '--from', emptyPool, '--out', join(dir, 'a.json')],
      /empty-pool\.csv: line 1, column 7 \(pool\): empty cell/,
    ],
    [
      'a hex NeuroSim cell',
      ['import', '--from', hexCout, '--out', join(dir, 'b.json')],
      /hex\.csv: line 1, column 6 \(Cout\): .*'0x4'/,
    ],
    [
      'a layer whose pruning would not fit in memory',
      ['map', '--trace', huge],
      /layer 'wide': pattern pruning .* GB of memory \(estimate\)/,
    ],
  ] as const) {
    it(`refuses ${label}`, () => {
      const out = join(dir, `out-${label.replace(/\W+/g, '-')}`);
      const result = ousim([...args, ...(args[0] === 'import' ? [] : ['--out', out])]);
      expect(result.status, result.stderr).to.equal(2);
      expect(result.stderr.trim().split('\n'), result.stderr).to.have.length(1);
      expect(result.stderr).to.match(names);
      expect(result.stderr).to.not.match(/\bat .*:\d+:\d+|Error:/);
      expect(existsSync(out), 'no output folder').to.equal(false);
    });
  }
});

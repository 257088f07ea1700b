import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArch, resolveArchPath } from '../../src/config/arch.ts';
import { InputError } from '../../src/util/errors.ts';

/** Write a copy of the paper preset with one change, and return the InputError loading it gives. */
function loadBroken(edit: (arch: Record<string, Record<string, unknown>>) => void): {
  error: InputError;
  path: string;
} {
  const arch = JSON.parse(readFileSync(resolveArchPath('paper'), 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;
  edit(arch);
  const path = join(dir, `broken-${++written}.json`);
  writeFileSync(path, JSON.stringify(arch));
  try {
    loadArch(path);
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return { error: error as InputError, path };
  }
  throw new Error('expected an InputError');
}

let dir = '';
let written = 0;

describe('bad arch files', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ousim-arch-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, string, (a: Record<string, Record<string, unknown>>) => void][] = [
    ['an OU taller than the crossbar', 'ou.rows', (a) => (a.ou.rows = 256)],
    ['an OU wider than the crossbar', 'ou.cols', (a) => (a.ou.cols = 129)],
    ['zero ADCs', 'adc.perCrossbar', (a) => (a.adc.perCrossbar = 0)],
    ['a negative latency', 'crossbar.readLatencyNs', (a) => (a.crossbar.readLatencyNs = -1)],
    ['a negative energy', 'energy.cellReadPj', (a) => (a.energy.cellReadPj = -0.1)],
    ['a fractional crossbar size', 'crossbar.rows', (a) => (a.crossbar.rows = 127.5)],
    ['a string where a number goes', 'adc.bits', (a) => (a.adc.bits = 'five')],
    ['a missing field', 'noc.flitBits', (a) => delete a.noc.flitBits],
    ['an unknown ADC model', 'adc.model', (a) => (a.adc.model = 'no-such-adc')],
    ['a pattern larger than a 3x3 kernel', 'pattern.size', (a) => (a.pattern.size = 10)],
    ['more patterns than exist', 'pattern.count', (a) => (a.pattern.count = 57)],
    ['connectivity below 1', 'pattern.connectivity', (a) => (a.pattern.connectivity = 0.5)],
  ];

  for (const [what, field, edit] of cases) {
    it(`${what} -> InputError naming the file and ${field}`, () => {
      const { error, path } = loadBroken(edit);
      expect(error.source).to.equal(path);
      expect(error.field).to.equal(field);
      expect(error.message).to.contain(path).and.contain(field);
    });
  }

  it('an unknown key in the file -> InputError naming it', () => {
    const { error, path } = loadBroken((a) => (a.ou.depth = 4));
    expect(error.source).to.equal(path);
    expect(error.field).to.equal('ou.depth');
    expect(error.message).to.contain('depth');
  });

  it('an unknown preset -> InputError naming it and listing the presets', () => {
    let error: unknown;
    try {
      loadArch('no-such-preset');
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(InputError);
    expect((error as InputError).source).to.equal('--arch');
    expect((error as InputError).message)
      .to.contain('no-such-preset')
      .and.contain('paper');
  });

  it('a file that is not JSON -> InputError naming the file', () => {
    const path = join(dir, 'not-json.json');
    writeFileSync(path, '{ "clockNs": ');
    expect(() => loadArch(path)).to.throw(InputError, path);
  });
});

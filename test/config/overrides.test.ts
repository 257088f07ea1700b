import { expect } from 'chai';
import fc from 'fast-check';
import { loadArch } from '../../src/config/arch.ts';
import {
  applyOverrides,
  parseOverride,
  parseScalar,
  parseSweepOverride,
} from '../../src/config/overrides.ts';
import { InputError } from '../../src/util/errors.ts';

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('--set overrides', () => {
  const doc = { adc: { bits: 8, model: 'isaac-32nm' }, crossbar: { differential: false }, clockNs: 1 };

  it('parses numbers, booleans and strings', () => {
    expect(parseScalar('5')).to.equal(5);
    expect(parseScalar('0.5')).to.equal(0.5);
    expect(parseScalar('true')).to.equal(true);
    expect(parseScalar('mnsim')).to.equal('mnsim');
    expect(parseScalar('')).to.equal('');
    expect(parseOverride('adc.bits=6')).to.deep.equal({ key: 'adc.bits', value: 6 });
  });

  it('parses sweep lists into one override per value', () => {
    expect(parseSweepOverride('adc.bits=4,5,6')).to.deep.equal([
      { key: 'adc.bits', value: 4 },
      { key: 'adc.bits', value: 5 },
      { key: 'adc.bits', value: 6 },
    ]);
    expect(inputError(() => parseSweepOverride('adc.bits=')).field).to.equal('adc.bits');
  });

  it('rejects text without key=value', () => {
    const error = inputError(() => parseOverride('adc.bits'));
    expect(error.source).to.equal('--set');
    expect(error.message).to.match(/key=value/);
  });

  it('applies a value without touching the original', () => {
    const out = applyOverrides(doc, [{ key: 'adc.bits', value: 5 }]) as typeof doc;
    expect(out.adc.bits).to.equal(5);
    expect(doc.adc.bits).to.equal(8);
  });

  it('an unknown key is an InputError naming the key', () => {
    for (const key of ['adc.bitz', 'nosuch.section.key', 'clockNs.x']) {
      const error = inputError(() => applyOverrides(doc, [{ key, value: 1 }]));
      expect(error.field).to.equal(key);
      expect(error.message).to.contain(key);
    }
  });

  it('a type mismatch is an InputError naming the key and the expected type', () => {
    const error = inputError(() => applyOverrides(doc, [{ key: 'adc.bits', value: 'six' }]));
    expect(error.field).to.equal('adc.bits');
    expect(error.message).to.match(/number/);
    const bool = inputError(() => applyOverrides(doc, [{ key: 'crossbar.differential', value: 1 }]));
    expect(bool.message).to.match(/boolean/);
  });

  it('a section is not a value', () => {
    expect(inputError(() => applyOverrides(doc, [{ key: 'adc', value: 1 }])).message).to.match(/section/);
  });

  it('loadArch applies overrides and validates the result', () => {
    expect(loadArch('paper', [{ key: 'ou.rows', value: 16 }]).ou.rows).to.equal(16);
    const error = inputError(() => loadArch('paper', [{ key: 'ou.rows', value: 256 }]));
    expect(error.field).to.equal('ou.rows');
    expect(error.source).to.match(/paper\.json \(with --set\)/);
    const unknown = inputError(() => loadArch('paper', [{ key: 'adc.resolution', value: 6 }]));
    expect(unknown.field).to.equal('adc.resolution');
  });

  it('any existing numeric key of the preset can be overridden with a number', () => {
    const keys = ['adc.bits', 'ou.rows', 'ou.cols', 'energy.dacPj', 'leakage.routerMw', 'chip.meshX'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.integer({ min: 1, max: 8 }), (key, value) => {
        const arch = loadArch('paper', [{ key, value }]) as unknown as Record<string, Record<string, number>>;
        const [section, leaf] = key.split('.');
        expect(arch[section][leaf]).to.equal(value);
      }),
      { numRuns: 30 },
    );
  });
});

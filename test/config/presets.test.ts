import { expect } from 'chai';
import {
  listArchPresets,
  loadArch,
  losslessAdcBits,
  readJsonFile,
  resolveArchPath,
} from '../../src/config/arch.ts';
import { loadAdcTable } from '../../src/energy/adc.ts';
import { listAdcTables } from '../../src/config/arch.ts';

/** Dotted paths of every leaf value of a JSON object. */
function leaves(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

const UNSOURCED = new Set(['name', 'description']);

describe('arch presets', () => {
  const presets = listArchPresets();

  it('ship isaac and paper', () => {
    expect(presets).to.include.members(['isaac', 'paper']);
  });

  for (const preset of presets) {
    describe(preset, () => {
      const raw = readJsonFile(resolveArchPath(preset)) as Record<string, unknown>;
      const sources = raw.sources as Record<string, string>;
      const valueKeys = leaves({ ...raw, sources: undefined }).filter(
        (k) => !UNSOURCED.has(k) && !k.startsWith('sources'),
      );

      it('loads and validates', () => {
        expect(loadArch(preset).name).to.equal(preset);
      });

      it('gives a source for every value (energy, area, leakage, timing and the rest)', () => {
        const missing = valueKeys.filter(
          (k) => !(typeof sources[k] === 'string' && sources[k].trim().length > 10),
        );
        expect(missing, 'keys without a source').to.deep.equal([]);
        for (const section of ['energy', 'area', 'leakage']) {
          expect(valueKeys.filter((k) => k.startsWith(`${section}.`)).length).to.be.greaterThan(0);
        }
      });

      it('has no source for a key it does not hold', () => {
        const stale = Object.keys(sources).filter((k) => !valueKeys.includes(k));
        expect(stale).to.deep.equal([]);
      });

      it('marks every number that is not from a published table as an assumption', () => {
        for (const [key, text] of Object.entries(sources))
          expect(text, key).to.match(/references\.md|ISAAC|assumption|losslessAdcBits|arch\/adc|Table I/);
      });
    });
  }

  it('paper: 128x128 crossbars, 2-bit cells, 8-bit weights and inputs, 1-bit DAC, lossless ADC', () => {
    const paper = loadArch('paper');
    expect([paper.crossbar.rows, paper.crossbar.cols, paper.crossbar.cellBits]).to.deep.equal([128, 128, 2]);
    expect([paper.precision.weightBits, paper.precision.inputBits, paper.dac.bits]).to.deep.equal([8, 8, 1]);
    // ceil(log2(rows x (2^cellBits - 1) x (2^dacBits - 1) + 1)), by hand for the preset's OU.
    const maxSum = paper.ou.rows * 3 * 1;
    expect(paper.adc.bits).to.equal(Math.ceil(Math.log2(maxSum + 1)));
    expect(paper.adc.bits).to.equal(losslessAdcBits(paper));
    expect([paper.pattern.size, paper.pattern.count]).to.deep.equal([4, 8]);
    // PatDNN's connectivity pruning for VGG-16 on CIFAR-10 (issue 16), not a value fitted to the paper.
    expect(paper.pattern.connectivity).to.equal(3.6);
    expect(paper.sources['pattern.connectivity']).to.contain('PatDNN');
  });

  it('isaac: whole-crossbar OU, 8-bit ADCs, one per crossbar, 16-bit data', () => {
    const isaac = loadArch('isaac');
    expect([isaac.ou.rows, isaac.ou.cols]).to.deep.equal([isaac.crossbar.rows, isaac.crossbar.cols]);
    expect([isaac.adc.bits, isaac.adc.perCrossbar]).to.deep.equal([8, 1]);
    expect([isaac.precision.weightBits, isaac.precision.inputBits]).to.deep.equal([16, 16]);
  });

  it('every ADC table loads and names its source', () => {
    expect(listAdcTables()).to.include('isaac-32nm');
    for (const model of listAdcTables()) {
      const table = loadAdcTable(model);
      expect(table.name).to.equal(model);
      expect(table.source.length).to.be.greaterThan(10);
      expect(table.extrapolation.source.length).to.be.greaterThan(10);
    }
  });
});

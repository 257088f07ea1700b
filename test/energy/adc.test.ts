import { expect } from 'chai';
import fc from 'fast-check';
import { loadArch } from '../../src/config/arch.ts';
import { adcPrice, adcPriceFor, loadAdcTable } from '../../src/energy/adc.ts';
import { InputError } from '../../src/util/errors.ts';

// docs/references.md, "ADC energy and area against resolution, 32 nm": bits -> [pJ per conversion, um2].
const REFERENCE_32NM: Record<number, [number, number]> = {
  4: [0.79, 361],
  5: [0.99, 477],
  6: [1.2, 627],
  7: [1.42, 845],
  8: [1.67, 1200],
};

describe('ADC price by resolution', () => {
  it('isaac-32nm reproduces the docs/references.md table exactly, unflagged', () => {
    for (const [bits, [pj, um2]] of Object.entries(REFERENCE_32NM)) {
      const price = adcPriceFor('isaac-32nm', Number(bits));
      expect(price.pjPerConversion, `${bits} bits`).to.equal(pj);
      expect(price.um2, `${bits} bits`).to.equal(um2);
      expect(price.extrapolated).to.equal(false);
      expect(price.method).to.equal('table');
      expect(price.note).to.equal('');
    }
  });

  it('--set adc.bits=5 re-prices the ADC at the table 5-bit row', () => {
    const isaac = loadArch('isaac');
    expect(adcPrice(isaac).pjPerConversion).to.equal(1.67);
    const five = loadArch('isaac', [{ key: 'adc.bits', value: 5 }]);
    expect(adcPrice(five).pjPerConversion).to.equal(0.99);
    expect(adcPrice(five).um2).to.equal(477);
  });

  it('extrapolates 2x per bit beyond the table and flags it', () => {
    const nine = adcPriceFor('isaac-32nm', 9);
    expect(nine.extrapolated).to.equal(true);
    expect(nine.pjPerConversion).to.be.closeTo(1.67 * 2, 1e-12);
    expect(nine.um2).to.be.closeTo(1200 * 2, 1e-9);
    expect(nine.note).to.match(/extrapolated/);
    const two = adcPriceFor('isaac-32nm', 2);
    expect(two.extrapolated).to.equal(true);
    expect(two.pjPerConversion).to.be.closeTo(0.79 / 4, 1e-12);
    expect(two.um2).to.be.closeTo(361 / 4, 1e-9);
  });

  // MNSIM 2.0's Hardware_Model/ADC.py (docs/references.md): preset -> bits, power mW, GS/s, um2.
  // A conversion takes (bits + 2) / rate ns there, and costs that latency times the power.
  const MNSIM_PRESETS: Record<number, { bits: number; mw: number; gsps: number; um2: number }> = {
    1: { bits: 10, mw: 6.92, gsps: 1.5, um2: 1600 },
    2: { bits: 8, mw: 2, gsps: 1.28, um2: 1200 },
    6: { bits: 6, mw: 1.26, gsps: 1, um2: 1650 },
    7: { bits: 4, mw: 0.7, gsps: 1, um2: 500 },
  };

  it('mnsim rows are MNSIM presets 7, 6, 2, 1 priced as (bits + 2) / rate x power', () => {
    const rows = loadAdcTable('mnsim').entries;
    expect(rows.map((r) => r.bits)).to.deep.equal([4, 6, 8, 10]);
    for (const preset of Object.values(MNSIM_PRESETS)) {
      const row = rows.find((r) => r.bits === preset.bits);
      expect(row, `${preset.bits} bits`).to.not.equal(undefined);
      expect(row!.pjPerConversion, `${preset.bits} bits`).to.be.closeTo(
        ((preset.bits + 2) / preset.gsps) * preset.mw,
        1e-9,
      );
      expect(row!.um2, `${preset.bits} bits`).to.equal(preset.um2);
    }
    // The two values issue 17 found wrong: 8 bits at 1.28 GS/s, 4-bit area.
    expect(adcPriceFor('mnsim', 8).pjPerConversion).to.equal(15.625);
    expect(adcPriceFor('mnsim', 4).um2).to.equal(500);
  });

  it('interpolates geometrically between rows of a sparse table (mnsim), flagged but not extrapolated', () => {
    const five = adcPriceFor('mnsim', 5);
    expect(five.method).to.equal('interpolated');
    expect(five.extrapolated).to.equal(false);
    expect(five.pjPerConversion).to.be.closeTo(Math.sqrt(4.2 * 10.08), 1e-9);
    expect(five.um2).to.be.closeTo(Math.sqrt(500 * 1650), 1e-9);
  });

  it('is flagged extrapolated exactly when bits fall outside the table', () => {
    for (const model of ['isaac-32nm', 'mnsim', 'sre']) {
      const rows = loadAdcTable(model).entries.map((e) => e.bits);
      const lo = Math.min(...rows);
      const hi = Math.max(...rows);
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 16 }), (bits) => {
          expect(adcPriceFor(model, bits).extrapolated).to.equal(bits < lo || bits > hi);
        }),
      );
    }
  });

  it('energy and area never fall as resolution grows (isaac-32nm)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), (bits) => {
        const a = adcPriceFor('isaac-32nm', bits);
        const b = adcPriceFor('isaac-32nm', bits + 1);
        expect(b.pjPerConversion).to.be.greaterThan(a.pjPerConversion);
        expect(b.um2).to.be.greaterThan(a.um2);
      }),
    );
  });

  it('an unknown model is an InputError naming it', () => {
    expect(() => adcPriceFor('no-such-adc', 8))
      .to.throw(InputError)
      .that.satisfies((e: InputError) => e.field === 'adc.model' && /no-such-adc/.test(e.message));
  });
});

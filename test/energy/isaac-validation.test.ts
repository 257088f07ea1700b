/**
 * Validation of the isaac preset against ISAAC's published chip (ISCA 2016 Table I, docs/references.md):
 * 168 tiles, 85.4 mm2 and 65.8 W including HyperTransport. docs/arch.md explains each difference.
 */
import { expect } from 'chai';
import { loadArch } from '../../src/config/arch.ts';
import { fullChipReport } from '../../src/energy/peak.ts';
import { peRegisterBits } from '../../src/energy/price.ts';

describe('isaac preset against ISAAC Table I', () => {
  const isaac = loadArch('isaac');
  const report = fullChipReport(isaac);
  const imas = 168 * 12;

  it('has ISAAC 168 tiles of 12 IMAs of 8 crossbars', () => {
    expect(report.inventory.tiles).to.equal(168);
    expect(report.inventory.pes).to.equal(168 * 12);
    expect(report.inventory.crossbars).to.equal(168 * 12 * 8);
  });

  it('full-chip area within 10% of 85.4 mm2 (and tiles alone within 1% of 62.5 mm2)', () => {
    expect(report.area.chip_area_mm2).to.be.within(85.4 * 0.9, 85.4 * 1.1);
    const tilesOnly = report.area.chip_area_mm2 - report.area.parts.chip_other;
    expect(tilesOnly).to.be.within(62.5 * 0.99, 62.5 * 1.01);
  });

  it('reproduces each area row of Table I, transcribed here independently of the preset', () => {
    // ISAAC ISCA 2016 Table I, mm2: per IMA (x 2016 IMAs) and per tile (x 168 tiles), and the chip's
    // HyperTransport links. The preset divides these by its own counts (ADCs, DACs per row, register
    // bits derived from the PE); this multiplies back by ISAAC's, so a wrong count or price fails here.
    const tiles = 168;
    const ima = { adc: 0.0096, dac: 0.00017, sampleHold: 0.00004, arrays: 0.0002, shiftAdd: 0.00024 };
    const registers = 0.0021 + 0.00077; // input register 2 KB + output register 256 B
    const expected: Record<string, number> = {
      adc: imas * ima.adc,
      dac: imas * ima.dac,
      sample_hold: imas * ima.sampleHold,
      crossbar: imas * ima.arrays,
      shift_add: imas * ima.shiftAdd,
      register: imas * registers,
      buffer: tiles * 0.083,
      router: (tiles * 0.151) / 4,
      activation: tiles * (0.0006 + 0.00024), // sigmoid + max-pool
      tile_other: tiles * (0.09 + 0.00006 + 0.0032), // bus + tile shift-and-add + tile output register
      chip_other: 22.88, // HyperTransport
      index: 0,
      mux: 0,
    };
    for (const [part, mm2] of Object.entries(report.area.parts)) {
      expect(expected, part).to.have.property(part);
      const want = expected[part];
      if (want === 0) expect(mm2, part).to.equal(0);
      else expect(mm2 / want, part).to.be.within(0.995, 1.005);
    }
    // and the published totals: a tile 0.372 mm2 (12 IMAs 0.157), the chip 85.4 mm2
    const perTile = (report.area.chip_area_mm2 - report.area.parts.chip_other) / tiles;
    expect(perTile).to.be.within(0.372 * 0.995, 0.372 * 1.005);
    const imaParts = ['adc', 'dac', 'sample_hold', 'crossbar', 'shift_add', 'register'] as const;
    const perIma = imaParts.reduce((sum, part) => sum + report.area.parts[part], 0) / imas;
    expect(perIma * 12).to.be.within(0.157 * 0.995, 0.157 * 1.005);
  });

  it('full-chip peak power within 10% of 65.8 W', () => {
    expect(report.peakPowerW).to.be.within(65.8 * 0.9, 65.8 * 1.1);
  });

  it('runs each crossbar read in ISAAC 100 ns cycle', () => {
    expect(report.periodCycles * isaac.clockNs).to.be.closeTo(100, 1e-9);
  });

  it('reproduces the IMA powers it derives its prices from', () => {
    // Table I per IMA: DACs 4 mW, S&H 10 uW, arrays 2.4 mW, shift-add 0.2 mW, IR + OR 1.47 mW.
    const perIma = (mw: number) => mw / imas;
    expect(perIma(report.peakPowerMw.dac)).to.be.closeTo(4, 1e-9);
    expect(perIma(report.peakPowerMw.sample_hold)).to.be.closeTo(0.01, 1e-12);
    expect(perIma(report.peakPowerMw.crossbar)).to.be.closeTo(2.4, 1e-9);
    expect(perIma(report.peakPowerMw.shift_add)).to.be.closeTo(0.2, 1e-9);
    expect(perIma(report.peakPowerMw.register)).to.be.closeTo(1.24 + 0.23, 1e-9);
    // Per tile: shift-and-add 0.05 mW + output register 1.68 mW, active power priced per output.
    expect(report.peakPowerMw.tile_output / 168).to.be.closeTo(0.05 + 1.68, 1e-9);
    // The only static power left: HyperTransport's 10.4 W.
    expect(report.peakPowerMw.leakage).to.be.closeTo(10400, 1e-6);
    // The ADC table's 8-bit row (1.67 pJ, derived at 1.2 GS/s) at 1.28 GS/s: within 7% of 2 mW each.
    expect(perIma(report.peakPowerMw.adc) / 8).to.be.within(2, 2 * 1.07);
  });

  it('derives ISAAC register sizes from the PE shape: 2 KB input, 256 B output', () => {
    const bits = peRegisterBits(isaac);
    expect(bits.input / 8).to.equal(2048);
    expect(bits.output / 8).to.equal(256);
  });
});

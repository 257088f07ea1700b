import { expect } from 'chai';
import fc from 'fast-check';
import { loadArch, type Arch } from '../../src/config/arch.ts';
import {
  ACTION_NAMES,
  AREA_PARTS,
  ENERGY_PARTS,
  emptyCounts,
  type ActionCounts,
  type ActionName,
  type EnergyPart,
  type HardwareInventory,
} from '../../src/energy/actions.ts';
import { priceArea, priceEnergy, staticPowerMw, totalEnergy } from '../../src/energy/price.ts';

const NO_HARDWARE: HardwareInventory = { tiles: 0, pes: 0, crossbars: 0, indexBits: 0, muxes: 0 };

/** The unit price of each action, read straight from the arch file (ADC from the table by hand). */
function unitPrices(arch: Arch, adcPj: number): Record<ActionName, [EnergyPart | null, number]> {
  const e = arch.energy;
  return {
    ouSteps: [null, 0],
    adcConversions: ['adc', adcPj],
    dacDrives: ['dac', e.dacPj],
    cellReads: ['crossbar', e.cellReadPj],
    sampleHolds: ['sample_hold', e.sampleHoldPj],
    shiftAdds: ['shift_add', e.shiftAddPj],
    bufferReadBits: ['buffer', e.bufferPjPerBit],
    bufferWriteBits: ['buffer', e.bufferPjPerBit],
    registerBits: ['register', e.registerPjPerBit],
    nocFlitHops: ['noc', e.nocPjPerFlitHop],
    indexLookups: ['index', e.indexPjPerLookup],
    muxSelects: ['index', e.muxPjPerSelect],
    activationOps: ['activation', e.activationPj],
    tileOutputs: ['tile_output', e.tileOutputPj],
  };
}

const countsArb = fc.record(
  Object.fromEntries(ACTION_NAMES.map((n) => [n, fc.integer({ min: 0, max: 1_000_000 })])),
) as fc.Arbitrary<ActionCounts>;

describe('priceEnergy', () => {
  const paper = loadArch('paper');

  it('prices each action in its own part at the arch file price', () => {
    // The paper preset's 5-bit ADC: docs/references.md table, 0.99 pJ.
    const prices = unitPrices(paper, 0.99);
    for (const name of ACTION_NAMES) {
      const counts = emptyCounts();
      counts[name] = 3;
      const energy = priceEnergy(counts, 0, NO_HARDWARE, paper, { chipLevel: false });
      const [part, unit] = prices[name];
      for (const p of ENERGY_PARTS) {
        const expected = p === part ? 3 * unit : 0;
        expect(energy[p], `${name} -> ${p}`).to.be.closeTo(expected, 1e-12);
      }
    }
  });

  it('is additive in the counts (no hidden per-run terms besides leakage)', () => {
    fc.assert(
      fc.property(countsArb, countsArb, (a: ActionCounts, b: ActionCounts) => {
        const sum = emptyCounts();
        for (const n of ACTION_NAMES) sum[n] = a[n] + b[n];
        const ea = priceEnergy(a, 0, NO_HARDWARE, paper, { chipLevel: false });
        const eb = priceEnergy(b, 0, NO_HARDWARE, paper, { chipLevel: false });
        const es = priceEnergy(sum, 0, NO_HARDWARE, paper, { chipLevel: false });
        for (const p of ENERGY_PARTS) expect(es[p]).to.be.closeTo(ea[p] + eb[p], 1e-6 * (1 + es[p]));
      }),
      { numRuns: 50 },
    );
  });

  it('charges leakage = static power of the inventory x cycles x clockNs', () => {
    const isaac = loadArch('isaac');
    const inv: HardwareInventory = { tiles: 3, pes: 30, crossbars: 200, indexBits: 0, muxes: 0 };
    const l = isaac.leakage;
    const mw = 200 * l.crossbarMw + 3 * (l.bufferMw + l.routerMw + l.tileOtherMw) + l.chipOtherMw;
    expect(staticPowerMw(inv, isaac)).to.be.closeTo(mw, 1e-9);
    const energy = priceEnergy(emptyCounts(), 1000, inv, isaac);
    expect(energy.leakage).to.be.closeTo(mw * 1000 * isaac.clockNs, 1e-6);
    expect(totalEnergy(energy)).to.equal(energy.leakage);
    // A layer priced without the chip-level part leaves the off-chip links out.
    const layer = priceEnergy(emptyCounts(), 1000, inv, isaac, { chipLevel: false });
    expect(layer.leakage).to.be.closeTo((mw - l.chipOtherMw) * 1000 * isaac.clockNs, 1e-6);
  });

  it('leakage responds to a --set of a static power', () => {
    const inv: HardwareInventory = { tiles: 1, pes: 12, crossbars: 96, indexBits: 0, muxes: 0 };
    const base = priceEnergy(emptyCounts(), 500, inv, paper).leakage;
    const more = priceEnergy(
      emptyCounts(),
      500,
      inv,
      loadArch('paper', [{ key: 'leakage.crossbarMw', value: 0.01 }]),
    ).leakage;
    expect(more - base).to.be.closeTo(96 * 0.01 * 500 * paper.clockNs, 1e-9);
  });

  it('--set adc.bits changes only the adc part', () => {
    const counts = emptyCounts();
    for (const n of ACTION_NAMES) counts[n] = 1000;
    const inv: HardwareInventory = { tiles: 2, pes: 24, crossbars: 100, indexBits: 64, muxes: 8 };
    const at5 = priceEnergy(counts, 10, inv, paper);
    const at6 = priceEnergy(counts, 10, inv, loadArch('paper', [{ key: 'adc.bits', value: 6 }]));
    for (const p of ENERGY_PARTS) {
      if (p === 'adc') expect(at6.adc).to.be.closeTo(1000 * 1.2, 1e-9);
      else expect(at6[p], p).to.equal(at5[p]);
    }
  });

  it('a 2-bit DAC costs twice a 1-bit drive', () => {
    const counts = emptyCounts();
    counts.dacDrives = 10;
    const one = priceEnergy(counts, 0, NO_HARDWARE, paper).dac;
    const two = priceEnergy(counts, 0, NO_HARDWARE, loadArch('paper', [{ key: 'dac.bits', value: 2 }])).dac;
    expect(two).to.be.closeTo(2 * one, 1e-12);
  });
});

describe('priceArea', () => {
  const isaac = loadArch('isaac');
  const paper = loadArch('paper');

  it('crossbar area counts occupied arrays only', () => {
    // ISAAC Table I: 8 arrays = 0.0002 mm2.
    const inv: HardwareInventory = { tiles: 5, pes: 50, crossbars: 80, indexBits: 0, muxes: 0 };
    expect(priceArea(inv, isaac).crossbar_area_mm2).to.be.closeTo(80 * (0.0002 / 8), 1e-12);
  });

  it('one ISAAC tile is Table I tile area, 0.372 mm2, and the parts sum to the chip area', () => {
    const inv: HardwareInventory = { tiles: 1, pes: 12, crossbars: 96, indexBits: 0, muxes: 0 };
    const area = priceArea(inv, isaac, { chipLevel: false });
    expect(area.chip_area_mm2).to.be.closeTo(0.372, 0.372 * 0.005);
    let sum = 0;
    for (const part of AREA_PARTS) sum += area.parts[part];
    expect(sum).to.be.closeTo(area.chip_area_mm2, 1e-12);
    expect(area.parts.chip_other).to.equal(0);
    expect(priceArea(inv, isaac).parts.chip_other).to.equal(22.88);
  });

  it('scales with tiles used and adds the pattern mapping extras', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 0, max: 1e5 }),
        (tiles, indexBits, muxes) => {
          const one = priceArea({ tiles: 1, pes: 0, crossbars: 0, indexBits: 0, muxes: 0 }, paper, {
            chipLevel: false,
          });
          const area = priceArea({ tiles, pes: 0, crossbars: 0, indexBits, muxes }, paper, {
            chipLevel: false,
          });
          const extras = (indexBits * paper.area.indexUm2PerBit + muxes * paper.area.muxUm2) / 1e6;
          expect(area.chip_area_mm2).to.be.closeTo(tiles * one.chip_area_mm2 + extras, 1e-9 * (1 + tiles));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('ADC area follows adc.bits through the table', () => {
    const inv: HardwareInventory = { tiles: 1, pes: 12, crossbars: 96, indexBits: 0, muxes: 0 };
    const at5 = priceArea(inv, paper).parts.adc;
    const at8 = priceArea(inv, loadArch('paper', [{ key: 'adc.bits', value: 8 }])).parts.adc;
    // 96 ADCs (one per crossbar): docs/references.md 477 um2 at 5 bits, 1200 um2 at 8 bits.
    expect(at5).to.be.closeTo((96 * 477) / 1e6, 1e-12);
    expect(at8).to.be.closeTo((96 * 1200) / 1e6, 1e-12);
  });
});

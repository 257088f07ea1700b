/**
 * The recipes of docs/extending.md, each exercised by a toy registered from this folder: it must flow
 * through a run (both fidelities), pricing, peak power and the CSVs, and leave no trace once removed.
 */
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArch, simulate, writeRun } from '../../src/api/index.ts';
import { pricingSection } from '../../scripts/arch-doc.ts';
import { inputSlices } from '../../src/config/arch.ts';
import { ACTION_NAMES, ENERGY_PARTS } from '../../src/energy/actions.ts';
import { fullChipReport } from '../../src/energy/peak.ts';
import { mapNetwork } from '../../src/mapping/registry.ts';
import { simulationKey } from '../../src/sim/simulate.ts';
import { InputError } from '../../src/util/errors.ts';
import { isWeightLayer } from '../../src/workload/types.ts';
import { zooNetwork } from '../sim/helpers.ts';
import { TOY_ACTION, TOY_LATCH_PJ, registerToyAction } from './toy-action.ts';
import { TOY_ADC_NAME, registerToyAdc } from './toy-adc.ts';

type Row = Record<string, string>;

/** Runs tiny under `arch` in both fidelities, writes the fast run's CSVs, and reads them back. */
function runAndRead(arch: ReturnType<typeof loadArch>, dir: string) {
  const network = zooNetwork('tiny', arch);
  const fast = simulate(network, arch, { mapping: 'pattern' });
  const ou = simulate(network, arch, { mapping: 'pattern', fidelity: 'ou' });
  const out = writeRun(join(dir, `run-${Math.random().toString(36).slice(2)}`), fast);
  const read = (file: string) => parse<Row>(readFileSync(join(out, file), 'utf8'), { columns: true });
  return {
    network,
    fast,
    ou,
    summary: read('summary.csv')[0],
    layers: read('layers.csv'),
    components: read('components.csv'),
  };
}

describe('docs/extending.md recipes, with toys from test/extending', () => {
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ousim-extending-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('a new ADC model (test/extending/toy-adc.ts)', () => {
    let remove: () => void = () => {};
    before(() => (remove = registerToyAdc()));
    after(() => remove());

    it('is chosen by adc.model, priced by its own curve and timed by its own conversion time', () => {
      const toy = loadArch('paper', { 'adc.model': TOY_ADC_NAME });
      const { fast, ou, summary } = runAndRead(toy, dir);
      // Pricing: 2^5 - 1 comparators x 0.01 pJ per conversion.
      const conversions = fast.result.counts.adcConversions;
      expect(conversions).to.be.greaterThan(0);
      expect(Number(summary.energy_adc_pj)).to.be.closeTo(conversions * 0.31, 1e-9 * conversions);
      // Timing: the toy's 3 ns conversion, the same cycles as the table model told adc.latencyNs=3.
      const slowTable = loadArch('paper', { 'adc.latencyNs': 3 });
      const table = simulate(zooNetwork('tiny', slowTable), slowTable, { mapping: 'pattern' });
      expect(fast.result.cycles).to.equal(table.result.cycles);
      expect(fast.result.cycles).to.be.greaterThan(
        simulate(zooNetwork('tiny', loadArch('paper')), loadArch('paper')).result.cycles,
      );
      expect(Number(summary.cycles)).to.equal(fast.result.cycles);
      // Both fidelities go through the same slot.
      expect(ou.result.cycles).to.equal(fast.result.cycles);
      expect(ou.result.counts).to.deep.equal(fast.result.counts);
      // A model with its own timing makes adc.model and adc.bits timing keys: no re-pricing across them.
      expect(simulationKey(toy)).to.not.equal(simulationKey(loadArch('paper')));
      expect(simulationKey(toy)).to.not.equal(
        simulationKey(loadArch('paper', { 'adc.model': TOY_ADC_NAME, 'adc.bits': 6 })),
      );
      // Area: one ADC per crossbar at 62 um2, in every used tile's ADC part.
      const full = fullChipReport(toy);
      const a = toy.chip;
      expect(full.area.parts.adc).to.be.closeTo(
        (full.inventory.tiles * a.pesPerTile * a.crossbarsPerPe * 62) / 1e6,
        1e-12,
      );
    });

    it('is unknown once removed: one InputError naming adc.model', () => {
      remove();
      expect(() => loadArch('paper', { 'adc.model': TOY_ADC_NAME }))
        .to.throw(InputError)
        .that.satisfies((e: InputError) => e.field === 'adc.model');
      remove = registerToyAdc();
    });
  });

  describe('a new priced action (test/extending/toy-action.ts)', () => {
    let remove: () => void = () => {};
    before(() => (remove = registerToyAction()));
    after(() => remove());

    it('is counted in both fidelities, priced in its own part, and shows in the CSVs, the peak power and the docs table', () => {
      const paper = loadArch('paper');
      const { network, fast, ou, summary, layers, components } = runAndRead(paper, dir);
      // Expected from the mapping alone: every crossbar latches its partial sums once per vector.
      const mappings = mapNetwork(network, paper, 'pattern', {});
      let latches = 0;
      network.layers.filter(isWeightLayer).forEach((layer, i) => {
        const vectors = layer.outShape[1] * layer.outShape[2];
        for (const plan of mappings[i].crossbars) latches += vectors * plan.outputsPerVector;
      });
      expect(latches).to.be.greaterThan(0);
      expect(inputSlices(paper)).to.be.greaterThan(1); // per vector, not per slice
      expect(fast.result.counts[TOY_ACTION]).to.equal(latches);
      expect(ou.result.counts[TOY_ACTION]).to.equal(latches);
      expect(Number(summary.toy_latches_count)).to.equal(latches);
      expect(Number(summary.energy_latch_pj)).to.be.closeTo(latches * TOY_LATCH_PJ, 1e-9);
      const parts = ENERGY_PARTS.reduce((sum, p) => sum + Number(summary[`energy_${p}_pj`]), 0);
      expect(Number(summary.energy_pj)).to.be.closeTo(parts, 1e-6 * parts);
      const layerSum = layers.reduce((sum, l) => sum + Number(l.toy_latches_count), 0);
      expect(layerSum).to.equal(latches);
      const stats = components.filter((c) => c.statistic === 'toy_latches_count');
      expect(stats.reduce((sum, c) => sum + Number(c.value), 0)).to.equal(latches);
      // Peak power has a latch part, and the generated pricing table of docs/arch.md a row.
      expect(fullChipReport(paper).peakPowerMw.latch).to.be.greaterThan(0);
      expect(pricingSection()).to.contain('output latch (toy)');
    });

    it('leaves no column behind once removed', () => {
      remove();
      expect(ACTION_NAMES).to.not.include(TOY_ACTION);
      expect(ENERGY_PARTS).to.not.include('latch');
      const { summary } = runAndRead(loadArch('paper'), dir);
      expect(Object.keys(summary).some((k) => k.includes('latch'))).to.equal(false);
      remove = registerToyAction();
    });
  });
});

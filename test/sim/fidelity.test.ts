import { expect } from 'chai';
import fc from 'fast-check';
import { layerRows, summaryRows } from '../../src/output/csv.ts';
import { toCsv } from '../../src/output/csv-text.ts';
import type { RunResult } from '../../src/sim/types.ts';
import { listMappers } from '../../src/mapping/registry.ts';
import type { Network } from '../../src/workload/types.ts';
import { syntheticActivations } from '../../src/workload/synthetic-activations.ts';
import { rng } from '../mapping/helpers.ts';
import { arch, run, zooNetwork } from './helpers.ts';

/** summary.csv + layers.csv text without the column that names the fidelity. */
function csvOf(result: RunResult): string {
  const summary = summaryRows([result]).map(({ fidelity: _f, ...rest }) => rest);
  return toCsv(summary) + toCsv(layerRows([result]));
}

/** The draws both random-arch properties share (each draws its own DAC bits); see drawnSettings. */
const sharedDraws = {
  ouRows: fc.constantFrom(2, 4, 8, 16),
  ouCols: fc.constantFrom(2, 4, 8, 16),
  adcs: fc.integer({ min: 1, max: 4 }),
  readNs: fc.constantFrom(0.78125, 3.125, 12.5),
  crossbar: fc.constantFrom(16, 32, 64),
  crossbarsPerPe: fc.constantFrom(1, 2, 8),
};

/**
 * The arch settings both random-arch properties draw: a square crossbar with the OU clipped to it,
 * ADCs per crossbar, DAC bits, read latency and crossbars per PE, on a 2x2 mesh.
 */
function drawnSettings(p: {
  crossbar: number;
  ouRows: number;
  ouCols: number;
  adcs: number;
  dacBits: number;
  readNs: number;
  crossbarsPerPe: number;
}): string[] {
  return [
    `crossbar.rows=${p.crossbar}`,
    `crossbar.cols=${p.crossbar}`,
    `ou.rows=${Math.min(p.ouRows, p.crossbar)}`,
    `ou.cols=${Math.min(p.ouCols, p.crossbar)}`,
    `adc.perCrossbar=${p.adcs}`,
    `dac.bits=${p.dacBits}`,
    `crossbar.readLatencyNs=${p.readNs}`,
    `chip.crossbarsPerPe=${p.crossbarsPerPe}`,
    'chip.meshX=2',
    'chip.meshY=2',
  ];
}

/** Every registered mapper: a new one is held to the fidelity contract the moment it is registered. */
const mappers = listMappers();

describe('ou and fast fidelity', () => {
  for (const trace of ['tiny', 'tiny-pruned']) {
    for (const mapper of mappers) {
      it(`give identical summary.csv and layers.csv: ${trace}, ${mapper}`, () => {
        const a = arch();
        const network = zooNetwork(trace, a);
        const fast = run(network, a, mapper, 'fast');
        const ou = run(network, a, mapper, 'ou');
        expect(fast.counts.ouSteps).to.be.greaterThan(0);
        expect(csvOf(ou)).to.equal(csvOf(fast));
        // Tiles, PEs, layers and the NoC report the same statistics (ou adds its crossbar controllers,
        // and dispatches more events: the simulator's event count differs by design).
        const shared = (r: typeof fast) =>
          r.components.filter((c) => !/xbar\[\d+\]$|^simulator$/.test(c.component));
        expect(shared(ou)).to.deep.equal(shared(fast));
        expect(shared(fast).some((c) => c.statistic === 'adc_busy_cycles' && c.value > 0)).to.equal(true);
      });
    }
  }

  it('agree on random OU shapes, ADC counts, latencies, bits, NoC settings, replication and streams', function () {
    this.timeout(120_000);
    fc.assert(
      fc.property(
        fc.record({
          ...sharedDraws,
          cellBits: fc.constantFrom(1, 2, 4),
          dacBits: fc.constantFrom(1, 2),
          adcNs: fc.constantFrom(0.78125, 1.5625),
          pesPerTile: fc.constantFrom(1, 2),
          mapper: fc.constantFrom(...mappers),
          replicationBudget: fc.constantFrom(0, 0, 40, 200),
          images: fc.constantFrom(1, 1, 3),
        }),
        (p) => {
          const a = arch(
            ...drawnSettings(p),
            `crossbar.cellBits=${p.cellBits}`,
            `adc.latencyNs=${p.adcNs}`,
            `chip.pesPerTile=${p.pesPerTile}`,
          );
          const network = zooNetwork('tiny', a);
          const ou = run(network, a, p.mapper, 'ou', 1, p.replicationBudget, p.images);
          const fast = run(network, a, p.mapper, 'fast', 1, p.replicationBudget, p.images);
          expect(csvOf(ou)).to.equal(csvOf(fast));
        },
      ),
      { numRuns: 12 * mappers.length },
    );
  });
});

describe('ou and fast fidelity with captured activations (data-driven)', () => {
  /** The network with synthetic activations; the first layer's input signed when asked. */
  function withActivations(
    network: Network,
    zeroFraction: number,
    bits: number,
    seed: number,
    signed = false,
  ) {
    const activations = new Map(syntheticActivations(network, { zeroFraction, bits, seed, patch: 2 }));
    if (signed) {
      const first = network.layers.find((l) => l.inputs.includes('input'))!.name;
      const act = activations.get(first)!;
      const r = rng(seed);
      // A normalised image: two's complement codes of both signs, some zeros.
      for (let i = 0; i < act.codes.length; i++) act.codes[i] = r() < 0.2 ? 0 : Math.floor(r() * 2 ** bits);
      activations.set(first, { ...act, signed: true });
    }
    return { ...network, activations };
  }

  for (const trace of ['tiny', 'tiny-pruned']) {
    for (const mapper of mappers) {
      it(`give identical summary.csv, layers.csv and statistics: ${trace}, ${mapper}`, () => {
        const a = arch('sparsity.skipZeroRows=true', 'ou.rows=4');
        const network = withActivations(zooNetwork(trace, a), 0.5, 8, 5, true);
        const fast = run(network, a, mapper, 'fast');
        const ou = run(network, a, mapper, 'ou');
        const withoutData = run({ ...network, activations: undefined }, a, mapper, 'fast');
        expect(fast.counts.ouSteps).to.be.greaterThan(0);
        expect(fast.counts.ouSteps).to.be.lessThan(withoutData.counts.ouSteps);
        expect(csvOf(ou)).to.equal(csvOf(fast));
        const shared = (r: typeof fast) =>
          r.components.filter((c) => !/xbar\[\d+\]$|^simulator$/.test(c.component));
        expect(shared(ou)).to.deep.equal(shared(fast));
      });
    }
  }

  it('agree on random OU shapes, ADCs, bits, zero fractions, signed inputs and replication', function () {
    this.timeout(120_000);
    fc.assert(
      fc.property(
        fc.record({
          ...sharedDraws,
          dacBits: fc.constantFrom(1, 2, 3),
          inputBits: fc.constantFrom(4, 6, 8),
          captureBits: fc.constantFrom(4, 8, 10),
          zero: fc.constantFrom(0, 0.3, 0.6, 0.9),
          signed: fc.boolean(),
          seed: fc.integer({ min: 1, max: 1000 }),
          mapper: fc.constantFrom(...mappers),
          replicationBudget: fc.constantFrom(0, 0, 40, 200),
        }),
        (p) => {
          const a = arch(
            ...drawnSettings(p),
            'sparsity.skipZeroRows=true',
            `precision.inputBits=${p.inputBits}`,
          );
          const network = withActivations(zooNetwork('tiny', a), p.zero, p.captureBits, p.seed, p.signed);
          const ou = run(network, a, p.mapper, 'ou', 1, p.replicationBudget);
          const fast = run(network, a, p.mapper, 'fast', 1, p.replicationBudget);
          expect(csvOf(ou)).to.equal(csvOf(fast));
        },
      ),
      { numRuns: 12 * mappers.length },
    );
  });
});

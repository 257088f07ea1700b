import { expect } from 'chai';
import fc from 'fast-check';
import { layerRows, summaryRows } from '../../src/output/csv.ts';
import { toCsv } from '../../src/output/csv-text.ts';
import type { RunResult } from '../../src/sim/types.ts';
import { arch, run, zooNetwork } from './helpers.ts';

/** summary.csv + layers.csv text without the column that names the fidelity. */
function csvOf(result: RunResult): string {
  const summary = summaryRows([result]).map(({ fidelity: _f, ...rest }) => rest);
  return toCsv(summary) + toCsv(layerRows([result]));
}

describe('ou and fast fidelity', () => {
  for (const trace of ['tiny', 'tiny-pruned']) {
    for (const mapper of ['dense', 'pattern']) {
      it(`give identical summary.csv and layers.csv: ${trace}, ${mapper}`, () => {
        const a = arch();
        const network = zooNetwork(trace, a);
        const fast = run(network, a, mapper, 'fast');
        const ou = run(network, a, mapper, 'ou');
        expect(fast.counts.ouSteps).to.be.greaterThan(0);
        expect(csvOf(ou)).to.equal(csvOf(fast));
        // Tiles, PEs, layers and the NoC report the same statistics (ou adds its crossbar controllers).
        const shared = (r: typeof fast) => r.components.filter((c) => !/xbar\[\d+\]$/.test(c.component));
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
          ouRows: fc.constantFrom(2, 4, 8, 16),
          ouCols: fc.constantFrom(2, 4, 8, 16),
          adcs: fc.integer({ min: 1, max: 4 }),
          cellBits: fc.constantFrom(1, 2, 4),
          dacBits: fc.constantFrom(1, 2),
          readNs: fc.constantFrom(0.78125, 3.125, 12.5),
          adcNs: fc.constantFrom(0.78125, 1.5625),
          crossbar: fc.constantFrom(16, 32, 64),
          pesPerTile: fc.constantFrom(1, 2),
          crossbarsPerPe: fc.constantFrom(1, 2, 8),
          mapper: fc.constantFrom('dense', 'pattern'),
          replicationBudget: fc.constantFrom(0, 0, 40, 200),
          images: fc.constantFrom(1, 1, 3),
        }),
        (p) => {
          const a = arch(
            `crossbar.rows=${p.crossbar}`,
            `crossbar.cols=${p.crossbar}`,
            `ou.rows=${Math.min(p.ouRows, p.crossbar)}`,
            `ou.cols=${Math.min(p.ouCols, p.crossbar)}`,
            `adc.perCrossbar=${p.adcs}`,
            `crossbar.cellBits=${p.cellBits}`,
            `dac.bits=${p.dacBits}`,
            `crossbar.readLatencyNs=${p.readNs}`,
            `adc.latencyNs=${p.adcNs}`,
            `chip.pesPerTile=${p.pesPerTile}`,
            `chip.crossbarsPerPe=${p.crossbarsPerPe}`,
            'chip.meshX=2',
            'chip.meshY=2',
          );
          const network = zooNetwork('tiny', a);
          const ou = run(network, a, p.mapper, 'ou', 1, p.replicationBudget, p.images);
          const fast = run(network, a, p.mapper, 'fast', 1, p.replicationBudget, p.images);
          expect(csvOf(ou)).to.equal(csvOf(fast));
        },
      ),
      { numRuns: 25 },
    );
  });
});

import { expect } from 'chai';
import fc from 'fast-check';
import {
  COMPARE_COLUMNS,
  compareColumns,
  compareRecord,
  compareRow,
  formatCompareTable,
  placement,
  PAPER_RANGES,
} from '../../src/sweep/paper.ts';
import type { RunResult } from '../../src/sim/types.ts';

const stream = (intervalCycles: number, images = 1) => ({
  images,
  firstLatencyCycles: intervalCycles,
  intervalCycles,
  intervalNs: intervalCycles,
  steadyFromImage: -1,
  skippedImages: 0,
});

const result = (over: Partial<RunResult>) =>
  ({
    network: 'n',
    crossbarAreaMm2: 1,
    energyPj: 1,
    cycles: 1,
    crossbars: 1,
    chipAreaMm2: 1,
    latencyNs: 1,
    layers: [],
    stream: stream(over.cycles ?? 1),
    ...over,
  }) as RunResult;

describe('paper comparison', () => {
  it('each figure is dense cost over pattern cost', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        (d, p) => {
          const row = compareRow(
            result({ crossbarAreaMm2: d, energyPj: 2 * d, cycles: 3 * d }),
            result({ crossbarAreaMm2: p, energyPj: 2 * p, cycles: 3 * p }),
          );
          expect(row.crossbar_area_efficiency).to.be.closeTo(d / p, 1e-9 * (d / p));
          expect(row.energy_efficiency).to.be.closeTo(d / p, 1e-9 * (d / p));
          expect(row.speedup).to.be.closeTo(d / p, 1e-9 * (d / p));
        },
      ),
    );
    const row = compareRow(result({ cycles: 135, crossbars: 10 }), result({ cycles: 100, crossbars: 2 }));
    expect(row.speedup).to.equal(1.35);
    expect([row.dense_crossbars, row.pattern_crossbars]).to.deep.equal([10, 2]);
  });

  it('throughput speedup is the dense interval over the pattern interval, not the makespan ratio', () => {
    // A stream whose makespans are equal but whose steady-state intervals differ by 1.5x.
    const dense = result({ cycles: 1000, stream: stream(30, 10) });
    const pattern = result({ cycles: 1000, stream: stream(20, 10) });
    const row = compareRow(dense, pattern);
    expect(row.speedup).to.equal(1);
    expect(row.throughput_speedup).to.equal(1.5);
    expect([row.dense_interval_cycles, row.pattern_interval_cycles, row.images]).to.deep.equal([30, 20, 10]);
    expect(formatCompareTable([row])).to.contain('1.50x (above)');
  });

  it('counts only pattern-mapped layers in the pattern-layers area efficiency', () => {
    const layer = (name: string, scheme: string, crossbars: number) =>
      ({ layer: name, scheme, crossbars }) as RunResult['layers'][number];
    const dense = result({ layers: [layer('conv', 'dense', 40), layer('fc', 'dense', 100)] });
    const pattern = result({ layers: [layer('conv', 'pattern/merge-stack', 10), layer('fc', 'dense', 100)] });
    expect(compareRow(dense, pattern).pattern_layers_crossbar_area_efficiency).to.equal(4);
  });

  it('places a figure against the range at the paper’s two decimals', () => {
    expect(placement('speedup', 1.14)).to.equal('below');
    expect(placement('speedup', 1.149)).to.equal('within');
    expect(placement('speedup', 1.35)).to.equal('within');
    expect(placement('speedup', 1.36)).to.equal('above');
  });

  it('prints ours per network and the paper’s ranges', () => {
    const row = compareRow(
      result({ network: 'vgg', crossbarAreaMm2: 9, energyPj: 4, cycles: 12 }),
      result({ crossbarAreaMm2: 2, energyPj: 2, cycles: 10 }),
    );
    const table = formatCompareTable([row]);
    expect(table).to.contain('vgg').and.to.contain('4.50x').and.to.contain('2.00x').and.to.contain('1.20x');
    expect(table).to.contain(`${PAPER_RANGES.crossbar_area_efficiency.low.toFixed(2)}x-5.20x`);
    expect(table).not.to.contain('(below)');
    const low = formatCompareTable([compareRow(result({ cycles: 1 }), result({ cycles: 1 }))]);
    expect(low).to.contain('1.00x (below)');
  });

  describe('more mappings than pattern (compare --mappings)', () => {
    const dense = result({ network: 'vgg', crossbarAreaMm2: 8, energyPj: 6, cycles: 12, crossbars: 80 });
    const pattern = result({ crossbarAreaMm2: 2, energyPj: 3, cycles: 10, crossbars: 20 });
    const sre = result({ crossbarAreaMm2: 8, energyPj: 4, cycles: 5, crossbars: 80, chipAreaMm2: 7 });

    it('dense and pattern alone give exactly the columns and values compare.csv always had', () => {
      expect(compareColumns(['dense', 'pattern'])).to.deep.equal([...COMPARE_COLUMNS]);
      const record = compareRecord(
        new Map([
          ['dense', dense],
          ['pattern', pattern],
        ]),
      );
      expect(record).to.deep.equal({ ...compareRow(dense, pattern) });
    });

    it('another mapping gets its own prefixed ratios over dense and its own figures', () => {
      const columns = compareColumns(['dense', 'pattern', 'sre']);
      // compare.csv as it always was, then sre's ratios and figures appended.
      expect(columns.slice(0, COMPARE_COLUMNS.length)).to.deep.equal([...COMPARE_COLUMNS]);
      expect(columns.slice(COMPARE_COLUMNS.length, COMPARE_COLUMNS.length + 4)).to.deep.equal([
        'sre_crossbar_area_efficiency',
        'sre_energy_efficiency',
        'sre_speedup',
        'sre_throughput_speedup',
      ]);
      expect(columns).to.not.include('sre_images');
      expect(columns).to.include.members([
        'dense_crossbars',
        'pattern_crossbars',
        'sre_crossbars',
        'sre_chip_area_mm2',
      ]);
      const record = compareRecord(
        new Map([
          ['dense', dense],
          ['pattern', pattern],
          ['sre', sre],
        ]),
      );
      expect(Object.keys(record).sort()).to.deep.equal([...columns].sort());
      expect(record).to.include({
        crossbar_area_efficiency: 4,
        energy_efficiency: 2,
        sre_crossbar_area_efficiency: 1,
        sre_energy_efficiency: 1.5,
        sre_speedup: 2.4,
        sre_crossbars: 80,
        sre_chip_area_mm2: 7,
        pattern_crossbars: 20,
      });
      const table = formatCompareTable([record], ['dense', 'pattern', 'sre']);
      expect(table).to.contain('sre: speedup').and.to.contain('2.40x').and.to.contain('4.16x-5.20x');
      expect(formatCompareTable([record], ['dense', 'sre'])).not.to.contain('4.16x-5.20x');
    });
  });
});

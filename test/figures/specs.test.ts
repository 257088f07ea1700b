import { expect } from 'chai';
import {
  crossbarsPerLayer,
  energyBreakdown,
  sweepHeatmap,
  paperComparison,
  HEATMAP_METRICS,
} from '../../src/figures/specs.ts';
import { PAPER_RANGES } from '../../src/sweep/paper.ts';

type Values = Record<string, unknown>[];
const valuesOf = (built: ReturnType<typeof crossbarsPerLayer>): Values => {
  if ('skipped' in built) throw new Error(`skipped: ${built.skipped}`);
  return (built.spec as { data: { values: Values } }).data.values;
};

describe('figure specs', () => {
  it('crossbars per layer: weight layers only, in network order, one bar per mapping', () => {
    const layers = [
      { network: 'n', mapping: 'dense', layer: 'c2', crossbars: '8' },
      { network: 'n', mapping: 'dense', layer: 'pool', crossbars: '0' },
      { network: 'n', mapping: 'dense', layer: 'c1', crossbars: '4' },
      { network: 'n', mapping: 'pattern', layer: 'c2', crossbars: '2' },
      { network: 'n', mapping: 'pattern', layer: 'c1', crossbars: '1' },
    ];
    const values = valuesOf(crossbarsPerLayer(layers));
    expect(values.map((v) => `${String(v.layer)}/${String(v.mapping)}=${String(v.crossbars)}`)).to.deep.equal(
      ['c2/dense=8', 'c1/dense=4', 'c2/pattern=2', 'c1/pattern=1'],
    );
    expect(values.find((v) => v.layer === 'c2')!.order).to.be.below(
      values.find((v) => v.layer === 'c1')!.order as number,
    );
  });

  it('energy breakdown: one datum per energy part, in µJ, total kept', () => {
    const summary = [
      {
        network: 'n',
        mapping: 'dense',
        energy_pj: '3000000',
        energy_adc_pj: '2000000',
        energy_dac_pj: '1000000',
      },
    ];
    const values = valuesOf(energyBreakdown(summary));
    expect(values.map((v) => v.part)).to.deep.equal(['adc', 'dac']);
    expect(values.reduce((s, v) => s + (v.uj as number), 0)).to.be.closeTo(3, 1e-12);
  });

  it('heatmap: needs adc.bits and an OU key, labels OU sizes, groups other swept keys', () => {
    const sweep = [4, 8].flatMap((rows) =>
      [4, 5].map((bits) => ({
        mapping: 'dense',
        'adc.bits': String(bits),
        'ou.rows': String(rows),
        'pattern.connectivity': '2',
        energy_pj: String(rows * bits * 1e6),
        repriced: 'false',
      })),
    );
    const values = valuesOf(
      sweepHeatmap(sweep, HEATMAP_METRICS.energy, ['adc.bits', 'ou.rows', 'pattern.connectivity']),
    );
    expect(values).to.have.length(4);
    expect(values.map((v) => v.value)).to.deep.equal([16, 20, 32, 40]);
    expect(values[0]).to.include({ ou: '4 rows', group: 'pattern.connectivity=2', adc_bits: 4 });
    expect(sweepHeatmap(sweep, HEATMAP_METRICS.energy, ['ou.rows'])).to.have.property('skipped');
    expect(sweepHeatmap(sweep, HEATMAP_METRICS.energy, ['adc.bits'])).to.have.property('skipped');
    expect(sweepHeatmap(sweep, HEATMAP_METRICS.latency, ['adc.bits', 'ou.rows'])).to.have.property('skipped');
  });

  it('heatmap with other swept keys: a horizontally titled row per group, each with its own colour scale', () => {
    const sweep = ['tiny', 'big'].flatMap((trace) =>
      [4, 5].map((bits) => ({
        trace,
        mapping: 'dense',
        'adc.bits': String(bits),
        'ou.rows': '4',
        'pattern.connectivity': '2',
        energy_pj: String((trace === 'big' ? 1000 : 1) * bits * 1e6),
      })),
    );
    const built = sweepHeatmap(sweep, HEATMAP_METRICS.energy, ['trace', 'adc.bits', 'ou.rows']);
    if ('skipped' in built) throw new Error(built.skipped);
    const spec = built.spec as unknown as {
      facet?: unknown;
      resolve: unknown;
      vconcat: { title: { text: string }; transform: unknown[]; facet: { row?: unknown } }[];
    };
    expect(spec.facet, 'no rotated facet row headers').to.equal(undefined);
    expect(spec.vconcat.map((r) => r.title.text)).to.deep.equal(['trace=tiny', 'trace=big']);
    expect(spec.vconcat.map((r) => r.transform)).to.deep.equal([
      [{ filter: { field: 'group', equal: 'trace=tiny' } }],
      [{ filter: { field: 'group', equal: 'trace=big' } }],
    ]);
    expect(spec.vconcat.every((r) => r.facet.row === undefined)).to.equal(true);
    expect(spec.resolve).to.deep.equal({ scale: { color: 'independent' } });
  });

  it("paper comparison: our value per metric and network, with the paper's range beside it", () => {
    const compare = [
      { network: 'a', crossbar_area_efficiency: '4.5', energy_efficiency: '2', speedup: '1.2' },
      { network: 'b', crossbar_area_efficiency: '3', energy_efficiency: '1.5', speedup: '1.1' },
    ];
    const values = valuesOf(paperComparison(compare));
    expect(values).to.have.length(6);
    const speedupB = values.find((v) => v.network === 'b' && String(v.panel).startsWith('speedup'))!;
    expect(speedupB).to.include({
      value: 1.1,
      low: PAPER_RANGES.speedup.low,
      high: PAPER_RANGES.speedup.high,
    });
    expect(paperComparison([])).to.have.property('skipped');
  });

  it('paper comparison with sre columns: one bar per mapping, coloured by mapping', () => {
    const compare = [
      {
        network: 'a',
        crossbar_area_efficiency: '4.5',
        energy_efficiency: '2',
        speedup: '1.2',
        pattern_layers_crossbar_area_efficiency: '4.6',
        sre_crossbar_area_efficiency: '1',
        sre_energy_efficiency: '1.8',
        sre_speedup: '2.5',
      },
    ];
    const built = paperComparison(compare);
    const values = valuesOf(built);
    expect(values).to.have.length(6);
    expect(values.filter((v) => v.mapping === 'sre').map((v) => v.value)).to.deep.equal([1, 1.8, 2.5]);
    expect(values.filter((v) => v.first)).to.have.length(3);
    expect(JSON.stringify(built)).to.contain('"xOffset"');
    expect(
      valuesOf(
        paperComparison([
          { network: 'a', sre_crossbar_area_efficiency: '1', sre_energy_efficiency: '1', sre_speedup: '2' },
        ]),
      ),
    ).to.have.length(3);
  });
});

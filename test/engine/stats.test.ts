import { expect } from 'chai';
import { Component } from '../../src/engine/component.ts';
import { indexedName } from '../../src/engine/names.ts';
import { Simulator } from '../../src/engine/simulator.ts';

/** Builds tiles in the given order, each with a counter, a scalar and a formula. */
function build(order: number[]): Simulator {
  const sim = new Simulator();
  const chip = new Component(sim, 'chip');
  chip.scalar('clock_ns', 'ns', 'clock period').set(1.25);
  for (const t of order) {
    const tile = new Component(sim, indexedName('tile', t), chip);
    const conversions = tile.counter('adc_conversions_count', 'count', 'ADC conversions, all resolutions');
    const busy = tile.counter('busy_cycles', 'cycles', 'cycles with at least one OU active');
    tile.formula('conversions_per_busy_cycle_ratio', 'ratio', 'conversions / busy cycles', () =>
      busy.value === 0 ? 0 : conversions.value / busy.value,
    );
    conversions.add(10 * (t + 1));
    conversions.add();
    busy.add(4);
  }
  return sim;
}

describe('engine/stats', () => {
  it('writes tidy long CSV, naturally ordered by path, independent of build order', () => {
    const a = build([10, 2, 0]).stats.toCsv();
    const b = build([0, 2, 10]).stats.toCsv();
    expect(a).to.equal(b);
    const lines = a.trimEnd().split('\n');
    expect(lines[0]).to.equal('component,statistic,unit,value,description');
    expect(lines).to.have.length(11);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).to.deep.equal([
      'chip,clock_ns,ns,1.25',
      'chip.tile[0],adc_conversions_count,count,11',
      'chip.tile[0],busy_cycles,cycles,4',
      'chip.tile[0],conversions_per_busy_cycle_ratio,ratio,2.75',
      'chip.tile[2],adc_conversions_count,count,31',
      'chip.tile[2],busy_cycles,cycles,4',
      'chip.tile[2],conversions_per_busy_cycle_ratio,ratio,7.75',
      'chip.tile[10],adc_conversions_count,count,111',
      'chip.tile[10],busy_cycles,cycles,4',
      'chip.tile[10],conversions_per_busy_cycle_ratio,ratio,27.75',
    ]);
  });

  it('quotes descriptions that contain the delimiter', () => {
    const lines = build([1]).stats.toCsv().trimEnd().split('\n');
    expect(lines).to.include(
      'chip.tile[1],adc_conversions_count,count,21,"ADC conversions, all resolutions"',
    );
    expect(lines).to.include('chip.tile[1],busy_cycles,cycles,4,cycles with at least one OU active');
  });

  it('evaluates formulas when read, not when registered', () => {
    const sim = new Simulator();
    const pe = new Component(sim, 'pe');
    const ops = pe.counter('ops_count', 'count', 'operations');
    pe.formula('twice_ops_count', 'count', 'two per op', () => 2 * ops.value);
    ops.add(21);
    expect(sim.stats.value('pe', 'twice_ops_count')).to.equal(42);
  });

  it('enforces units in names, unique names and set-once scalars, naming the component', () => {
    const sim = new Simulator();
    const pe = new Component(sim, 'pe', new Component(sim, 'tile[1]'));
    expect(() => pe.counter('conversions', 'count', 'x')).to.throw(
      /^tile\[1\]\.pe: statistic 'conversions' must .* end with its unit '_count'/,
    );
    expect(() => pe.counter('energy_pJ', 'pJ', 'x')).to.throw(
      /tile\[1\]\.pe: statistic 'energy_pJ': unit 'pJ' must be lower snake case/,
    );
    pe.counter('reads_count', 'count', 'x');
    expect(() => pe.counter('reads_count', 'count', 'y')).to.throw(
      /tile\[1\]\.pe: statistic 'reads_count' is registered twice/,
    );
    const bits = pe.scalar('width_bits', 'bits', 'x');
    bits.set(8);
    expect(() => bits.set(9)).to.throw(/tile\[1\]\.pe: scalar 'width_bits' is set-once/);
    expect(() => sim.stats.value('tile[1].pe', 'nothing_count')).to.throw(/no statistic 'nothing_count'/);
  });
});

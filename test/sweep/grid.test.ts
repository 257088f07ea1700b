import { splitList } from '../../src/cli/options.ts';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  buildAxes,
  expandGrid,
  gridSize,
  pointAt,
  pointKey,
  archOverrides,
  type Axis,
} from '../../src/sweep/grid.ts';
import { InputError } from '../../src/util/errors.ts';

const axesArb = fc
  .array(fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((lists): Axis[] => lists.map((values, i) => ({ key: `k${i}`, values })));

describe('sweep grid', () => {
  it('has one point per combination, each exactly once, numbered 0..n-1', () => {
    fc.assert(
      fc.property(axesArb, (axes) => {
        const points = expandGrid(axes);
        const expected = axes.reduce((n, a) => n * a.values.length, 1);
        expect(points).to.have.length(expected);
        expect(gridSize(axes)).to.equal(expected);
        expect(points.map((p) => p.index)).to.deep.equal([...Array(expected).keys()]);
        expect(new Set(points.map((p) => pointKey(axes, p.params))).size).to.equal(expected);
      }),
    );
  });

  it('varies the first axis slowest and the last fastest', () => {
    const axes: Axis[] = [
      { key: 'a', values: [1, 2] },
      { key: 'b', values: ['x', 'y', 'z'] },
    ];
    expect(expandGrid(axes).map((p) => `${p.params.a}${p.params.b}`)).to.deep.equal([
      '1x',
      '1y',
      '1z',
      '2x',
      '2y',
      '2z',
    ]);
  });

  it('pointAt agrees with the expansion and keeps the axis order of keys', () => {
    fc.assert(
      fc.property(axesArb, fc.nat(), (axes, n) => {
        const points = expandGrid(axes);
        const i = n % points.length;
        expect(pointAt(axes, i)).to.deep.equal(points[i]);
        expect(Object.keys(points[i].params)).to.deep.equal(axes.map((a) => a.key));
      }),
    );
  });

  it('rebuilds the same key from CSV text values', () => {
    const axes = buildAxes(['tiny'], ['dense'], ['adc.bits=4,5', 'crossbar.differential=true,false']);
    for (const p of expandGrid(axes)) {
      const asText = Object.fromEntries(Object.entries(p.params).map(([k, v]) => [k, String(v)]));
      expect(pointKey(axes, asText)).to.equal(pointKey(axes, p.params));
    }
  });

  it('puts traces and mappings first, then --set axes in order, parsing values', () => {
    const axes = buildAxes(['a', 'b'], ['dense', 'pattern'], ['ou.rows=4,8', 'adc.model=x']);
    expect(axes.map((a) => a.key)).to.deep.equal(['trace', 'mapping', 'ou.rows', 'adc.model']);
    expect(axes[2].values).to.deep.equal([4, 8]);
    expect(archOverrides(expandGrid(axes)[0].params)).to.deep.equal([
      { key: 'ou.rows', value: 4 },
      { key: 'adc.model', value: 'x' },
    ]);
  });

  it('rejects a key given twice, repeated values, and trace/mapping through --set', () => {
    expect(() => buildAxes(['t'], ['dense'], ['adc.bits=4', 'adc.bits=5'])).to.throw(
      InputError,
      /given twice/,
    );
    expect(() => buildAxes(['t'], ['dense'], ['adc.bits=4,4'])).to.throw(InputError, /listed twice/);
    expect(() => buildAxes(['t'], ['dense'], ['mapping=dense'])).to.throw(InputError, /--mapping/);
    expect(() => buildAxes([], ['dense'], [])).to.throw(InputError, /trace/);
    expect(() => buildAxes(['t'], ['dense'], ['adc.bits'])).to.throw(InputError);
  });

  it('splits comma lists from repeated flags', () => {
    expect(splitList(['a,b', ' c ', ''])).to.deep.equal(['a', 'b', 'c']);
    expect(splitList(undefined)).to.deep.equal([]);
  });
});

/**
 * The data-driven simulation reads, per crossbar, the input on each wordline (`wordlineInputs`) and
 * which wordlines each OU step drives: where a static step starts (`ouFirstRow`, a run of adjacent
 * wordlines), or, for row-group plans (sre), each column group's kept wordlines (`rowGroups`). The
 * mappers fill them on their fast paths; here they are checked against the cell-level layouts (bands'
 * inputs, regions' OU walk), for every registered mapper and every packing.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { LayerLayout } from '../../src/mapping/layout.ts';
import { getMapper, listMappers } from '../../src/mapping/registry.ts';
import type { CrossbarPlan, LayerMapping } from '../../src/mapping/types.ts';
import { convLayer, fcLayer, groupedChannels, mapperVariants, rng, testArch } from './helpers.ts';

/** What the layout says, wordline by wordline and step by step, built without plansFromLayout. */
function expectAgrees(layout: LayerLayout, mapping: LayerMapping, ou: { rows: number; cols: number }): void {
  expect(mapping.crossbars.length).to.equal(layout.crossbars);
  const inputs = Array.from({ length: layout.crossbars }, () => new Array<number>(layout.rows).fill(-1));
  for (const band of layout.bands)
    band.inputs.forEach((id, i) => (inputs[band.crossbar][band.rowStart + i] = id));
  const firstRows: number[][] = Array.from({ length: layout.crossbars }, () => []);
  const rows: number[][] = Array.from({ length: layout.crossbars }, () => []);
  for (const region of layout.regions)
    for (let r = 0; r < region.rows; r += ou.rows)
      for (let c = 0; c < region.outputs.length; c += ou.cols) {
        firstRows[region.crossbar].push(region.rowStart + r);
        rows[region.crossbar].push(Math.min(ou.rows, region.rows - r));
      }
  mapping.crossbars.forEach((plan, x) => {
    expect(plan.wordlineInputs, `crossbar ${x} wordlineInputs`).to.not.equal(undefined);
    expect(Array.from(plan.wordlineInputs!)).to.deep.equal(inputs[x]);
    // The static packing, step by step: for row groups every kept wordline active.
    expect(Array.from(plan.ouRows)).to.deep.equal(rows[x]);
    if (plan.rowGroups) expectRowGroupsAgree(layout, plan, x);
    else {
      expect(Array.from(plan.ouFirstRow!)).to.deep.equal(firstRows[x]);
      // Every driven wordline of every step carries an input.
      plan.ouFirstRow!.forEach((first, i) => {
        for (let row = first; row < first + plan.ouRows[i]; row++)
          expect(plan.wordlineInputs![row]).to.be.at.least(0);
      });
    }
  });
}

/**
 * A row-group plan instead of first rows: its OUs take kept wordlines that need not be adjacent, so
 * `ouFirstRow` (runs of adjacent wordlines from a first row) cannot describe them and must be absent
 * (types.ts); what must hold is that group k is the crossbar's k-th region of the layout (the walk
 * the functional check proves): the same bitlines and the same wordlines in the same order, each one
 * a wordline the layout's bands drive.
 */
function expectRowGroupsAgree(layout: LayerLayout, plan: CrossbarPlan, x: number): void {
  expect(plan.ouFirstRow, `crossbar ${x} ouFirstRow with row groups`).to.equal(undefined);
  const groups = plan.rowGroups!;
  const regions = layout.regions.filter((r) => r.crossbar === x);
  expect(groups.cols.length, `crossbar ${x} groups`).to.equal(regions.length);
  expect(groups.offsets.length).to.equal(regions.length + 1);
  regions.forEach((region, k) => {
    expect(region.wordlines, `crossbar ${x} region ${k} wordlines`).to.not.equal(undefined);
    expect(groups.colStart[k]).to.equal(region.colStart);
    expect(groups.cols[k]).to.equal(region.outputs.length);
    const kept = Array.from(groups.wordlines.subarray(groups.offsets[k], groups.offsets[k + 1]));
    expect(kept, `crossbar ${x} group ${k}`).to.deep.equal(Array.from(region.wordlines!));
    for (let i = 1; i < kept.length; i++) expect(kept[i]).to.be.greaterThan(kept[i - 1]);
    for (const row of kept)
      expect(plan.wordlineInputs![row], `crossbar ${x} wordline ${row}`).to.be.at.least(0);
  });
}

describe('wordline inputs, OU first rows and row groups agree with the layouts', () => {
  it('every mapper, every packing, random conv layers (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          cin: fc.integer({ min: 1, max: 12 }),
          cout: fc.integer({ min: 1, max: 12 }),
          kernel: fc.constantFrom(1, 3, 3, 5),
          groups: fc.constantFrom(1, 1, 2, 'depthwise' as const),
          patterns: fc.constantFrom(0, 2, 4, 8),
          pruneProbability: fc.constantFrom(0, 0.3, 0.7),
          rows: fc.integer({ min: 9, max: 48 }),
          cols: fc.integer({ min: 4, max: 48 }),
          differential: fc.boolean(),
          ouRows: fc.integer({ min: 1, max: 9 }),
          ouCols: fc.integer({ min: 1, max: 9 }),
          variant: fc.constantFrom(...mapperVariants()),
        }),
        (c) => {
          const { groups, cin, cout } = groupedChannels(c);
          const layer = convLayer(rng(c.seed), {
            cin,
            cout,
            kernel: c.kernel,
            padding: c.kernel >> 1,
            groups,
            patterns: c.patterns,
            pruneProbability: c.pruneProbability,
          });
          const arch = testArch({
            rows: c.rows,
            cols: c.cols,
            differential: c.differential,
            ouRows: Math.min(c.ouRows, c.rows),
            ouCols: Math.min(c.ouCols, c.cols),
          });
          const mapper = getMapper(c.variant.mapper);
          const options = c.variant.options;
          expectAgrees(
            mapper.layoutLayer(layer, arch, options),
            mapper.mapLayer(layer, arch, options),
            arch.ou,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('FC layers: wordline i of a row tile carries feature row0 + i', () => {
    const arch = testArch({ rows: 16, cols: 24, ouRows: 5, ouCols: 7 });
    for (const name of listMappers()) {
      const mapper = getMapper(name);
      const layer = fcLayer(37, 11);
      const mapping = mapper.mapLayer(layer, arch, {});
      expectAgrees(mapper.layoutLayer(layer, arch, {}), mapping, arch.ou);
      // 37 features over 16-row crossbars: the third row tile holds features 32..36, then unused wordlines.
      expect(Array.from(mapping.crossbars[2].wordlineInputs!)).to.deep.equal([
        32, 33, 34, 35, 36, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
      ]);
    }
  });
});

/**
 * The functional check on real inputs (docs/design.md §2, docs/simulation.md "Data-driven
 * simulation"): computing a layer through only the OU steps the data-driven logic runs, driving only
 * the wordlines it drives (SRE row groups: compacting the driven kept rows), still gives the direct
 * convolution exactly, for every registered mapper and packing, signed and unsigned inputs, with
 * zeros; and the steps it ran are the steps the simulator counts.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { directOutput, mappedOutputDataDriven, program } from '../../src/mapping/functional.ts';
import { getMapper, listMappers } from '../../src/mapping/registry.ts';
import { LayerActivity, emptyWork } from '../../src/sim/activity.ts';
import type { LayerActivations } from '../../src/workload/activations.ts';
import type { ConvLayer } from '../../src/workload/types.ts';
import { rowGroupPlans } from '../sim/row-groups.ts';
import { convLayer, fcLayer, groupedChannels, mapperVariants, randInt, rng, testArch } from './helpers.ts';

const timing = { readCycles: 4, adcCycles: 1, adcs: 1, shiftAddCycles: 1 };

const caseArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  cin: fc.integer({ min: 1, max: 6 }),
  cout: fc.integer({ min: 1, max: 8 }),
  size: fc.integer({ min: 3, max: 6 }),
  kernel: fc.constantFrom(1, 3, 3, 3, 5),
  stride: fc.integer({ min: 1, max: 2 }),
  padding: fc.integer({ min: 0, max: 2 }),
  groups: fc.constantFrom(1, 1, 2, 'depthwise' as const),
  patterns: fc.constantFrom(0, 2, 4, 8),
  pruneProbability: fc.constantFrom(0, 0.3, 0.7),
  rows: fc.integer({ min: 9, max: 40 }),
  cols: fc.integer({ min: 4, max: 40 }),
  cellBits: fc.integer({ min: 1, max: 3 }),
  differential: fc.boolean(),
  ouRows: fc.integer({ min: 1, max: 9 }),
  ouCols: fc.integer({ min: 1, max: 9 }),
  dacBits: fc.integer({ min: 1, max: 3 }),
  weightBits: fc.integer({ min: 2, max: 6 }),
  inputBits: fc.integer({ min: 2, max: 6 }),
  signed: fc.boolean(),
  zero: fc.constantFrom(0, 0.5, 0.8, 1),
  // Every registered mapper under each of its option combinations, and hand-made row groups on dense.
  variant: fc.constantFrom(...mapperVariants(), { mapper: 'row-groups', label: 'row-groups', options: {} }),
});

/** The layer's input values, all of them non-negative and below 2^bits, as unsigned codes of `bits` bits. */
function unsignedCodes(layer: ConvLayer, bits: number, input: Int32Array): LayerActivations {
  return { shape: layer.inShape, bits, scale: 1, signed: false, codes: Uint8Array.from(input) };
}

describe('functional check through the data-driven OUs', () => {
  it('equals the direct convolution and runs the steps the simulator counts (property)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = rng(c.seed);
        const { groups, cin, cout } = groupedChannels(c);
        const kernel = Math.min(c.kernel, c.size);
        const layer = convLayer(r, {
          cin,
          cout,
          size: c.size,
          kernel,
          stride: c.stride,
          padding: Math.min(c.padding, kernel - 1),
          groups,
          patterns: c.patterns,
          pruneProbability: c.pruneProbability,
        });
        const arch = testArch({
          rows: c.rows,
          cols: c.cols,
          cellBits: c.cellBits,
          differential: c.differential,
          ouRows: Math.min(c.ouRows, c.rows),
          ouCols: Math.min(c.ouCols, c.cols),
          dacBits: c.dacBits,
          weightBits: c.weightBits,
          inputBits: c.inputBits,
        });
        const half = 2 ** (c.weightBits - 1);
        const weights = Int32Array.from({ length: (cout * cin * kernel * kernel) / groups }, () =>
          randInt(r, -half, half - 1),
        );
        const [lo, hi] = c.signed
          ? [-(2 ** (c.inputBits - 1)), 2 ** (c.inputBits - 1) - 1]
          : [0, 2 ** c.inputBits - 1];
        const input = Int32Array.from({ length: cin * c.size * c.size }, () =>
          r() < c.zero ? 0 : randInt(r, lo, hi),
        );
        const mapperName = c.variant.mapper === 'row-groups' ? 'dense' : c.variant.mapper;
        const mapper = getMapper(mapperName);
        const options = c.variant.options;
        const layout = mapper.layoutLayer(layer, arch, options);
        const mapping = mapper.mapLayer(layer, arch, options);
        if (c.variant.mapper === 'row-groups') {
          // SRE-style: a group keeps the wordlines with a non-zero cell in its bitlines.
          const cells = program(layer, layout, weights).map((p) => p.cells);
          mapping.crossbars = rowGroupPlans(layout, mapping.crossbars, arch, r, (x, row, c0, w) => {
            for (let col = c0; col < c0 + w; col++)
              if (cells[x][row * arch.crossbar.cols + col] !== 0) return true;
            return false;
          });
        }
        const act: LayerActivations = {
          shape: layer.inShape,
          bits: c.inputBits,
          scale: 1,
          signed: c.signed,
          codes: Uint16Array.from(input, (v) => v & (2 ** c.inputBits - 1)),
        };
        const activity = new LayerActivity(layer, act, mapping, arch, timing);
        const data = { weights, input, signed: c.signed };
        const run = mappedOutputDataDriven(layer, layout, mapping.crossbars, arch, data, activity);
        expect(Array.from(run.output)).to.deep.equal(Array.from(directOutput(layer, data)));
        // The simulator's counts: the same steps, vector by vector.
        const work = emptyWork();
        const counted = new Float64Array(mapping.crossbars.length);
        for (let u = 0; u < mapping.vectors; u++) {
          activity.load(u);
          for (let x = 0; x < counted.length; x++) {
            activity.crossbar(x, work);
            counted[x] += work.steps;
          }
        }
        expect(Array.from(run.stepsRun)).to.deep.equal(Array.from(counted));
        if (c.zero === 1) expect(counted.every((n) => n === 0)).to.equal(true);
      }),
      { numRuns: 250 },
    );
  });

  it('FC layers, signed features', () => {
    const r = rng(5);
    for (const name of listMappers()) {
      const layer = fcLayer(37, 11);
      const arch = testArch({
        rows: 16,
        cols: 24,
        ouRows: 5,
        ouCols: 7,
        cellBits: 2,
        dacBits: 2,
        inputBits: 6,
      });
      const weights = Int32Array.from({ length: 37 * 11 }, () => randInt(r, -128, 127));
      const input = Int32Array.from({ length: 37 }, () => (r() < 0.5 ? 0 : randInt(r, -32, 31)));
      const mapper = getMapper(name);
      const mapping = mapper.mapLayer(layer, arch, {});
      const act: LayerActivations = {
        shape: [37, 1, 1],
        bits: 6,
        scale: 1,
        signed: true,
        codes: Uint8Array.from(input, (v) => v & 63),
      };
      const activity = new LayerActivity(layer, act, mapping, arch, timing);
      const data = { weights, input, signed: true };
      const run = mappedOutputDataDriven(
        layer,
        mapper.layoutLayer(layer, arch, {}),
        mapping.crossbars,
        arch,
        data,
        activity,
      );
      expect(Array.from(run.output)).to.deep.equal(Array.from(directOutput(layer, data)));
      // The zeros saved work: fewer OU steps ran than the static plan's steps in every slice (what
      // layers.csv reports as ou_steps_skipped_fraction). Row-group plans (sre) repack their driven
      // rows into fewer OUs instead of skipping static steps, so stepsSkipped counts none of theirs;
      // for static plans every static (step, slice) pair either ran or was skipped.
      const slices = Math.ceil(6 / 2);
      const staticSteps = slices * mapping.crossbars.reduce((n, plan) => n + plan.ouRows.length, 0);
      const ran = run.stepsRun.reduce((a, b) => a + b, 0);
      expect(ran, name).to.be.greaterThan(0);
      expect(ran, name).to.be.lessThan(staticSteps);
      if (mapping.crossbars.every((plan) => !plan.rowGroups)) {
        expect(run.stepsSkipped, name).to.be.greaterThan(0);
        expect(ran + run.stepsSkipped, name).to.equal(staticSteps);
      } else expect(run.stepsSkipped, name).to.equal(0);
    }
  });

  describe('sre with offset encoding (pruned weights hold the offset in their top-slice cell)', () => {
    const r = rng(21);
    const layer = convLayer(r, { cin: 5, cout: 7, patterns: 4, pruneProbability: 0.3 });
    const arch = testArch({ rows: 32, cols: 32, ouRows: 4, ouCols: 4, inputBits: 4, dacBits: 2 });
    const weights = Int32Array.from({ length: 7 * 5 * 9 }, () => randInt(r, -100, 100));
    const input = Int32Array.from({ length: 5 * 36 }, () => (r() < 0.4 ? 0 : randInt(r, 1, 15)));
    const sre = getMapper('sre');
    const mapping = sre.mapLayer(layer, arch, {});
    const act = unsignedCodes(layer, 4, input);
    const data = { weights, input };
    const runWith = (layout: ReturnType<typeof sre.layoutLayer>, plans = mapping.crossbars) =>
      mappedOutputDataDriven(
        layer,
        layout,
        plans,
        arch,
        data,
        new LayerActivity(layer, act, { ...mapping, crossbars: plans }, arch, timing),
      );

    it('is exact only with the per-group input sums over the kept wordlines', () => {
      const layout = sre.layoutLayer(layer, arch, {});
      expect(layout.encoding.offset).to.be.greaterThan(0);
      // Some group drops wordlines, so its correction differs from the band's.
      expect(layout.regions.some((g) => g.rows > 0 && g.rows < 9 * 5)).to.equal(true);
      const expected = Array.from(directOutput(layer, data));
      expect(Array.from(runWith(layout).output)).to.deep.equal(expected);
      expect(Array.from(runWith({ ...layout, offsetPerRegion: false }).output)).to.not.deep.equal(expected);
    });

    it('refuses row groups that differ from the layout regions', () => {
      const layout = sre.layoutLayer(layer, arch, {});
      const x = layout.regions.find((g) => g.rows > 1)!.crossbar;
      const plans = mapping.crossbars.map((plan, i) => {
        if (i !== x) return plan;
        const groups = plan.rowGroups!;
        // One kept wordline of the crossbar's first non-empty group swapped for an unused one.
        const wordlines = groups.wordlines.slice();
        wordlines[0] = (wordlines[0] + 1) % arch.crossbar.rows;
        return { ...plan, rowGroups: { ...groups, wordlines } };
      });
      expect(() => runWith(layout, plans)).to.throw(/row groups differ from the layout/);
    });
  });

  it('the check fails when the logic drops a driven row', () => {
    const r = rng(9);
    const layer = convLayer(r, { cin: 4, cout: 6, patterns: 4 });
    const arch = testArch({ rows: 32, cols: 32, ouRows: 4, ouCols: 4, inputBits: 4 });
    const weights = Int32Array.from({ length: 6 * 4 * 9 }, () => randInt(r, -100, 100));
    const input = Int32Array.from({ length: 4 * 36 }, () => randInt(r, 1, 15));
    const mapping = getMapper('pattern').mapLayer(layer, arch, {});
    const act = unsignedCodes(layer, 4, input);
    const activity = new LayerActivity(layer, act, mapping, arch, timing);
    // A faulty logic: wordline 0 of every crossbar is never driven.
    const faulty = {
      load: (u: number) => activity.load(u),
      stepSliceMask: (x: number, step: number) => activity.stepSliceMask(x, step),
      wordlineSliceMask: (x: number, row: number) => (row === 0 ? 0 : activity.wordlineSliceMask(x, row)),
    };
    const data = { weights, input };
    const layout = getMapper('pattern').layoutLayer(layer, arch, {});
    const good = mappedOutputDataDriven(layer, layout, mapping.crossbars, arch, data, activity);
    const bad = mappedOutputDataDriven(layer, layout, mapping.crossbars, arch, data, faulty);
    expect(Array.from(good.output)).to.deep.equal(Array.from(directOutput(layer, data)));
    expect(Array.from(bad.output)).to.not.deep.equal(Array.from(directOutput(layer, data)));
  });
});

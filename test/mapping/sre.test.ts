import { expect } from 'chai';
import fc from 'fast-check';
import { checkMapping, effectiveWeight } from '../../src/mapping/functional.ts';
import { getMapper } from '../../src/mapping/registry.ts';
import type { CrossbarPlan } from '../../src/mapping/types.ts';
import { PRUNED, type ConvLayer } from '../../src/workload/types.ts';
import { convLayer, fcLayer, randomData, rng, testArch } from './helpers.ts';

const sre = getMapper('sre');
const dense = getMapper('dense');

/** A 3x3 conv, 2 input channels, 2 filters, one pattern {1, 3, 4, 5}; f0's kernel of channel 1 pruned. */
function handLayer(): ConvLayer {
  const layer = convLayer(rng(1), { cin: 2, cout: 2, patterns: 0, size: 4 });
  layer.pruning = { patterns: [[1, 3, 4, 5]], kernelPattern: Uint8Array.from([0, PRUNED, 0, 0]) };
  return layer;
}

function groupsOf(plan: CrossbarPlan): number[][] {
  const g = plan.rowGroups!;
  return Array.from(g.colStart, (_, k) => Array.from(g.wordlines.subarray(g.offsets[k], g.offsets[k + 1])));
}

describe('sre mapper', () => {
  it('keeps, per OU column group, exactly the wordlines with unpruned weights (worked example)', () => {
    // 8-bit weights in 2-bit cells, offset encoding: 4 bitlines per filter; 4-wide OUs: one group per filter.
    const arch = testArch({ rows: 32, cols: 8, ouRows: 4, ouCols: 4 });
    const mapping = sre.mapLayer(handLayer(), arch, {});
    expect(mapping.crossbars).to.have.length(1);
    const plan = mapping.crossbars[0];
    // Rows are channel * 9 + position: f0 keeps channel 0's {1,3,4,5}; f1 both channels'.
    expect(groupsOf(plan)).to.deep.equal([
      [1, 3, 4, 5],
      [1, 3, 4, 5, 10, 12, 13, 14],
    ]);
    expect(Array.from(plan.rowGroups!.colStart)).to.deep.equal([0, 4]);
    expect(Array.from(plan.rowGroups!.cols)).to.deep.equal([4, 4]);
    expect(Array.from(plan.ouRows)).to.deep.equal([4, 4, 4]);
    expect(Array.from(plan.ouCols)).to.deep.equal([4, 4, 4]);
    // Index: per group a count of idBits(33) = 6 bits, per kept wordline idBits(32) = 5 bits.
    expect(mapping.indexBits).to.equal(6 + 4 * 5 + 6 + 8 * 5);
    expect(plan.indexLookupsPerSlice).to.equal(12);
    expect(plan.muxSelectsPerSlice).to.equal(12);
    expect(mapping.muxes).to.equal(18);
    // Input sums over each group's kept wordlines: 3 + 7 additions; 8 distinct inputs are needed.
    expect(plan.inputSumAddsPerVector).to.equal(10);
    expect(plan.inputsPerVector).to.equal(8);
    expect(Array.from(plan.wordlineInputs!.subarray(0, 19))).to.deep.equal([
      ...Array.from({ length: 18 }, (_, i) => i),
      -1,
    ]);
    // Dense on the same crossbar: ceil(18/4) x 2 = 10 OU steps.
    expect(dense.mapLayer(handLayer(), arch, {}).crossbars[0].ouRows.length).to.equal(10);
  });

  it('keeps dense crossbars and cells; drops only wordlines whose weights are all pruned (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          cin: fc.integer({ min: 1, max: 12 }),
          cout: fc.integer({ min: 1, max: 12 }),
          groups: fc.constantFrom(1, 2),
          prune: fc.constantFrom(0, 0.4, 0.8),
          rows: fc.integer({ min: 9, max: 48 }),
          cols: fc.integer({ min: 4, max: 48 }),
          ouRows: fc.integer({ min: 1, max: 9 }),
          ouCols: fc.integer({ min: 1, max: 9 }),
          differential: fc.boolean(),
        }),
        (c) => {
          const r = rng(c.seed);
          const layer = convLayer(r, {
            cin: c.cin * c.groups,
            cout: c.cout * c.groups,
            groups: c.groups,
            patterns: 4,
            pruneProbability: c.prune,
          });
          const arch = testArch({
            rows: c.rows,
            cols: c.cols,
            ouRows: Math.min(c.ouRows, c.rows),
            ouCols: Math.min(c.ouCols, c.cols),
            differential: c.differential,
          });
          const mapping = sre.mapLayer(layer, arch, {});
          const base = dense.mapLayer(layer, arch, {});
          expect(mapping.crossbars.length).to.equal(base.crossbars.length);
          const layout = sre.layoutLayer(layer, arch, {});
          const ones = { weights: new Int32Array(layer.cout * (layer.cin / layer.groups) * 9).fill(1) };
          const cpw = layout.encoding.colsPerWeight;
          const cpg = layer.cin / layer.groups;
          // Independently of the mapper: a wordline must be kept in a group iff some weight stored on
          // the group's bitlines in that wordline survives the masks.
          for (const region of layout.regions) {
            const expected: number[] = [];
            for (const band of layout.bands) {
              if (band.crossbar !== region.crossbar) continue;
              band.inputs.forEach((id, i) => {
                const needed = Array.from(region.outputs).some((column, j) => {
                  const bitline = region.colStart + j;
                  if (column < 0 || bitline < band.colStart || bitline >= band.colStart + band.columns.length)
                    return false;
                  const f = Math.floor(column / cpw);
                  const cl = Math.floor(id / 9) - Math.floor(f / (layer.cout / layer.groups)) * cpg;
                  if (cl < 0 || cl >= cpg) return false;
                  return effectiveWeight(layer, ones.weights, f, cl, id % 9) !== 0;
                });
                if (needed) expected.push(band.rowStart + i);
              });
            }
            expect(Array.from(region.wordlines!)).to.deep.equal(expected.sort((a, b) => a - b));
          }
          mapping.crossbars.forEach((plan, i) => {
            expect(plan.cellsUsed).to.equal(base.crossbars[i].cellsUsed);
            expect(plan.ouRows.length).to.be.at.most(base.crossbars[i].ouRows.length);
          });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('FC and unpruned layers drop nothing: the same OU steps as dense, no wordline indices', () => {
    const arch = testArch({ rows: 32, cols: 24, ouRows: 5, ouCols: 7 });
    const layers = [fcLayer(70, 9), convLayer(rng(4), { cin: 5, cout: 6, patterns: 0 })];
    for (const layer of layers) {
      const mapping = sre.mapLayer(layer, arch, {});
      const base = dense.mapLayer(layer, arch, {});
      const steps = (plans: CrossbarPlan[]) =>
        plans.flatMap((p) => Array.from(p.ouRows, (rows, i) => `${rows}x${p.ouCols[i]}`)).sort();
      expect(steps(mapping.crossbars)).to.deep.equal(steps(base.crossbars));
      expect(mapping.crossbars.every((p) => p.indexLookupsPerSlice === 0)).to.equal(true);
      // Only the per-group counts: idBits(33) = 6 bits per column group.
      const groups = mapping.crossbars.reduce((s, p) => s + p.rowGroups!.colStart.length, 0);
      expect(mapping.indexBits).to.equal(6 * groups);
    }
  });

  describe('the functional check sees what sre changes', () => {
    const r = rng(13);
    const layer = convLayer(r, { cin: 6, cout: 8, patterns: 4, pruneProbability: 0.3 });
    const data = randomData(r, layer, 8, 8);

    for (const differential of [false, true]) {
      it(`dropping one more wordline from a group fails (${differential ? 'differential' : 'offset'})`, () => {
        const arch = testArch({ rows: 32, cols: 32, ouRows: 4, ouCols: 4, differential });
        const layout = sre.layoutLayer(layer, arch, {});
        expect(checkMapping(layer, layout, arch, data, sre.mapLayer(layer, arch, {})).ok).to.equal(true);
        const region = layout.regions.find((g) => g.rows > 0)!;
        region.wordlines = region.wordlines!.slice(1);
        region.rows--;
        expect(checkMapping(layer, layout, arch, data).ok).to.equal(false);
      });
    }

    it("offset encoding needs the per-group input sums: the band's sum fails once rows are dropped", () => {
      const arch = testArch({ rows: 32, cols: 32, ouRows: 4, ouCols: 4 });
      const layout = sre.layoutLayer(layer, arch, {});
      expect(layout.regions.some((g) => g.rows < 32 && g.rows > 0)).to.equal(true);
      expect(checkMapping(layer, layout, arch, data).ok).to.equal(true);
      expect(checkMapping(layer, { ...layout, offsetPerRegion: false }, arch, data).ok).to.equal(false);
    });
  });
});

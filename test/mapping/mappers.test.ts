import { expect } from 'chai';
import fc from 'fast-check';
import { InputError } from '../../src/util/errors.ts';
import { getMapper, listMappers, mapNetwork } from '../../src/mapping/registry.ts';
import { denseLayout } from '../../src/mapping/dense.ts';
import { plansFromLayout } from '../../src/mapping/plans.ts';
import { PACKINGS } from '../../src/mapping/pattern/packings.ts';
import { PRUNED, type Network } from '../../src/workload/types.ts';
import { convLayer, fcLayer, rng, testArch } from './helpers.ts';

const packings = PACKINGS.map((p) => p.name);

describe('dense mapper', () => {
  it('uses ceil(Cin*k*k/rows) * ceil(Cout*slices*(diff?2:1)/cols) crossbars (groups = 1)', () => {
    fc.assert(
      fc.property(
        fc.record({
          cin: fc.integer({ min: 1, max: 96 }),
          cout: fc.integer({ min: 1, max: 160 }),
          kernel: fc.constantFrom(1, 3, 5, 7, 11),
          rows: fc.integer({ min: 16, max: 256 }),
          cols: fc.integer({ min: 16, max: 256 }),
          cellBits: fc.integer({ min: 1, max: 4 }),
          weightBits: fc.integer({ min: 2, max: 16 }),
          differential: fc.boolean(),
        }),
        (c) => {
          const layer = convLayer(rng(1), {
            cin: c.cin,
            cout: c.cout,
            kernel: c.kernel,
            size: c.kernel,
            padding: 0,
            patterns: 0,
          });
          const arch = testArch({
            rows: c.rows,
            cols: c.cols,
            cellBits: c.cellBits,
            weightBits: c.weightBits,
            differential: c.differential,
            ouRows: 8,
            ouCols: 8,
          });
          const slices = Math.ceil(c.weightBits / c.cellBits);
          const expected =
            Math.ceil((c.cin * c.kernel * c.kernel) / c.rows) *
            Math.ceil((c.cout * slices * (c.differential ? 2 : 1)) / c.cols);
          const mapping = getMapper('dense').mapLayer(layer, arch, {});
          expect(mapping.crossbars.length).to.equal(expected);
          // Every cell of the matrix is stored once, zeros included.
          const cells = mapping.crossbars.reduce((s, p) => s + p.cellsUsed, 0);
          expect(cells).to.equal(mapping.matrixRows * mapping.matrixCols);
          // Every OU of every tile is activated: OU steps of a tile = ceil(h/ouR) * ceil(w/ouC).
          for (const plan of mapping.crossbars) {
            expect(plan.ouRows.length).to.equal(Math.ceil(plan.rowsUsed / 8) * Math.ceil(plan.colsUsed / 8));
            expect(plan.ouRows.reduce((s, r, i) => s + r * plan.ouCols[i], 0)).to.equal(plan.cellsUsed);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fast-path plans equal the plans derived from the cell-level layout', () => {
    fc.assert(
      fc.property(
        fc.record({
          cin: fc.integer({ min: 1, max: 40 }),
          coutPerGroup: fc.integer({ min: 1, max: 20 }),
          groups: fc.constantFrom(1, 2, 4),
          kernel: fc.constantFrom(1, 3),
          rows: fc.integer({ min: 9, max: 64 }),
          cols: fc.integer({ min: 4, max: 64 }),
          differential: fc.boolean(),
          ouRows: fc.integer({ min: 1, max: 9 }),
          ouCols: fc.integer({ min: 1, max: 4 }),
        }),
        (c) => {
          const layer = convLayer(rng(2), {
            cin: c.cin * c.groups,
            cout: c.coutPerGroup * c.groups,
            groups: c.groups,
            kernel: c.kernel,
            patterns: 0,
          });
          const arch = testArch({
            rows: c.rows,
            cols: c.cols,
            differential: c.differential,
            ouRows: c.ouRows,
            ouCols: c.ouCols,
          });
          const fast = getMapper('dense').mapLayer(layer, arch, {}).crossbars;
          const slow = plansFromLayout(denseLayout(layer, arch), arch.ou, { muxed: false, lookups: () => 0 });
          expect(fast.length).to.equal(slow.length);
          fast.forEach((plan, i) => {
            expect({
              ...plan,
              ouRows: Array.from(plan.ouRows),
              ouCols: Array.from(plan.ouCols),
            }).to.deep.equal({
              ...slow[i],
              ouRows: Array.from(slow[i].ouRows),
              ouCols: Array.from(slow[i].ouCols),
            });
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('places small groups of a depthwise conv along crossbar diagonals', () => {
    // 32 groups of a 9-row x 4-column matrix: 128/9 = 14 rows-wise, 128/4 = 32 columns-wise -> 14 per crossbar.
    const layer = convLayer(rng(3), { cin: 32, cout: 32, groups: 32, patterns: 0 });
    const mapping = getMapper('dense').mapLayer(layer, testArch(), {});
    expect(mapping.crossbars.length).to.equal(Math.ceil(32 / 14));
    expect(mapping.blocks).to.equal(32);
  });
});

describe('pattern mapper', () => {
  const r = rng(21);
  const layer = convLayer(r, { cin: 24, cout: 40, patterns: 6, pruneProbability: 0.4, size: 4 });
  const arch = testArch({ rows: 64, cols: 64, ouRows: 8, ouCols: 8 });
  const cpw = 4;
  const keptKernels = Array.from(layer.pruning!.kernelPattern).filter((p) => p !== PRUNED).length;

  for (const packing of ['band', 'stack']) {
    it(`${packing}: pruned kernels and pruned positions take no cells`, () => {
      const mapping = getMapper('pattern').mapLayer(layer, arch, { packing });
      const cells = mapping.crossbars.reduce((s, p) => s + p.cellsUsed, 0);
      expect(cells).to.equal(keptKernels * 4 * cpw);
    });
  }

  it('merge stores at most the union of positions, fewer wordlines than band', () => {
    const band = getMapper('pattern').mapLayer(layer, arch, { packing: 'band' });
    const merge = getMapper('pattern').mapLayer(layer, arch, { packing: 'merge' });
    const cells = merge.crossbars.reduce((s, p) => s + p.cellsUsed, 0);
    expect(cells).to.be.at.least(keptKernels * 4 * cpw);
    expect(cells).to.be.below(keptKernels * 9 * cpw);
    expect(merge.matrixRows).to.be.below(band.matrixRows);
    expect(merge.crossbars.length).to.be.at.most(band.crossbars.length);
  });

  for (const packing of packings) {
    it(`${packing}: regions fit the crossbar, index hardware is counted`, () => {
      const mapper = getMapper('pattern');
      const mapping = mapper.mapLayer(layer, arch, { packing });
      const layout = mapper.layoutLayer(layer, arch, { packing });
      expect(mapping.scheme).to.equal(`pattern/${packing}`);
      for (const region of layout.regions) {
        expect(region.rowStart + region.rows).to.be.at.most(arch.crossbar.rows);
        expect(region.colStart + region.outputs.length).to.be.at.most(arch.crossbar.cols);
      }
      const rowsUsed = mapping.crossbars.reduce((s, p) => s + p.rowsUsed, 0);
      expect(mapping.muxes).to.equal(rowsUsed);
      expect(mapping.indexBits).to.be.above(0);
      for (const plan of mapping.crossbars) {
        expect(plan.muxSelectsPerSlice).to.equal(plan.rowsUsed);
        // At least one output-id look-up per OU step, at most one per column.
        expect(plan.indexLookupsPerSlice).to.be.at.least(plan.ouRows.length);
        expect(plan.indexLookupsPerSlice).to.be.at.most(plan.ouCols.reduce((s, c) => s + c, 0));
        expect(Math.max(...plan.ouRows)).to.be.at.most(arch.ou.rows);
      }
    });
  }

  it('fast-path plans equal the plans derived from the cell-level layout (property)', () => {
    const mapper = getMapper('pattern');
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1 << 30 }),
          cin: fc.integer({ min: 2, max: 24 }),
          cout: fc.integer({ min: 1, max: 80 }),
          groups: fc.constantFrom(1, 2),
          patterns: fc.integer({ min: 1, max: 8 }),
          patternSize: fc.integer({ min: 1, max: 9 }),
          pruneProbability: fc.constantFrom(0, 0.3, 0.9),
          rows: fc.integer({ min: 9, max: 64 }),
          cols: fc.integer({ min: 4, max: 64 }),
          differential: fc.boolean(),
          ouRows: fc.integer({ min: 1, max: 9 }),
          ouCols: fc.integer({ min: 1, max: 9 }),
          packing: fc.constantFrom(...packings),
        }),
        (c) => {
          const arch = testArch({
            rows: c.rows,
            cols: c.cols,
            differential: c.differential,
            ouRows: c.ouRows,
            ouCols: c.ouCols,
            cellBits: 4,
          });
          const layer = convLayer(rng(c.seed), {
            cin: c.cin * c.groups,
            cout: c.cout * c.groups,
            groups: c.groups,
            patterns: c.patterns,
            patternSize: c.patternSize,
            pruneProbability: c.pruneProbability,
          });
          const options = { packing: c.packing };
          const mapping = mapper.mapLayer(layer, arch, options);
          fc.pre(mapping.scheme !== 'dense');
          const layout = mapper.layoutLayer(layer, arch, options);
          const cpw = layout.encoding.colsPerWeight;
          const slow = plansFromLayout(layout, arch.ou, {
            muxed: true,
            lookups: (_region, c0, w) => Math.floor((c0 + w - 1) / cpw) - Math.floor(c0 / cpw) + 1,
          });
          const plain = (plans: typeof slow) =>
            plans.map((p) => ({ ...p, ouRows: Array.from(p.ouRows), ouCols: Array.from(p.ouCols) }));
          expect(plain(mapping.crossbars)).to.deep.equal(plain(slow));
          expect(mapping.blocks).to.equal(layout.bands.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('stack fills OU rows beyond pattern.size, band leaves them idle', () => {
    const band = getMapper('pattern').mapLayer(layer, arch, { packing: 'band' });
    const stack = getMapper('pattern').mapLayer(layer, arch, { packing: 'stack' });
    expect(Math.max(...band.crossbars.flatMap((p) => Array.from(p.ouRows)))).to.equal(4);
    expect(Math.max(...stack.crossbars.flatMap((p) => Array.from(p.ouRows)))).to.equal(8);
    const steps = (m: typeof band) => m.crossbars.reduce((s, p) => s + p.ouRows.length, 0);
    expect(steps(stack)).to.be.below(steps(band));
  });

  it('maps FC, 1x1, 7x7, depthwise and unpruned layers exactly as dense', () => {
    const layers = [
      fcLayer(300, 50),
      convLayer(r, { cin: 20, cout: 30, kernel: 1, padding: 0 }),
      convLayer(r, { cin: 3, cout: 16, kernel: 7, size: 9 }),
      convLayer(r, { cin: 16, cout: 16, groups: 16, patterns: 4 }),
      convLayer(r, { cin: 16, cout: 16, patterns: 0 }),
    ];
    for (const l of layers) {
      const dense = getMapper('dense').mapLayer(l, arch, {});
      const pattern = getMapper('pattern').mapLayer(l, arch, {});
      expect(pattern.scheme).to.equal('dense');
      expect(pattern.mapper).to.equal('pattern');
      expect({ ...pattern, mapper: 'dense' }).to.deep.equal(dense);
    }
  });

  it('rejects an unknown packing with the names', () => {
    expect(() => getMapper('pattern').mapLayer(layer, arch, { packing: 'nope' })).to.throw(
      InputError,
      /band/,
    );
  });
});

describe('mapper registry', () => {
  it('lists the mappers and rejects an unknown name with the list', () => {
    expect(listMappers()).to.include.members(['dense', 'pattern']);
    expect(() => getMapper('magic')).to.throw(InputError, /dense, pattern/);
  });

  const network: Network = {
    name: 'net',
    inputShape: [3, 8, 8],
    layers: [
      convLayer(rng(4), { cin: 3, cout: 16, size: 8 }, 'c1'),
      {
        name: 'pool',
        type: 'pool',
        mode: 'max',
        inputs: ['c1'],
        inShape: [16, 8, 8],
        outShape: [16, 4, 4],
        kernel: [2, 2],
        stride: [2, 2],
        padding: [0, 0],
        global: false,
      },
      convLayer(rng(5), { cin: 16, cout: 32, size: 4 }, 'c2'),
      fcLayer(512, 10, 'fc'),
    ],
  };

  it('maps one LayerMapping per weight layer, in network order', () => {
    for (const name of listMappers()) {
      const mappings = mapNetwork(network, testArch(), name, {});
      expect(mappings.map((m) => m.layer)).to.deep.equal(['c1', 'c2', 'fc']);
      expect(mappings.every((m) => m.replication === 1)).to.equal(true);
    }
  });

  it('replicates the slowest layers within the crossbar budget', () => {
    const arch = testArch({ rows: 32, cols: 32 });
    const base = mapNetwork(network, arch, 'dense', {});
    const total = base.reduce((s, m) => s + m.crossbars.length, 0);
    const budget = total * 4;
    const mappings = mapNetwork(network, arch, 'dense', { replicationBudget: budget });
    const used = mappings.reduce((s, m) => s + m.crossbars.length * m.replication, 0);
    expect(used).to.be.at.most(budget);
    const time = (m: (typeof mappings)[number]) =>
      (m.vectors * Math.max(...m.crossbars.map((p) => p.ouRows.length))) / m.replication;
    const before = Math.max(...base.map(time));
    const after = Math.max(...mappings.map(time));
    expect(after).to.be.below(before);
    expect(mappings[0].replication).to.be.above(1);
    expect(mappings[2].replication).to.equal(1);
  });
});

import { expect } from 'chai';
import fc from 'fast-check';
import { checkMapping, directOutput } from '../../src/mapping/functional.ts';
import { getMapper, listMappers } from '../../src/mapping/registry.ts';
import { PACKINGS } from '../../src/mapping/pattern/packings.ts';
import { convLayer, fcLayer, groupedChannels, mapperVariants, randomData, rng, testArch } from './helpers.ts';

const packings = PACKINGS.map((p) => p.name);
/** Every registered mapper: a new one is checked the moment it is registered. */
const mappers = listMappers();
/** ... under every combination of its own options (pattern: every packing). */
const variants = mapperVariants();

/** One random layer + arch + mapper case, drawn by fast-check. */
const caseArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  cin: fc.integer({ min: 1, max: 7 }),
  cout: fc.integer({ min: 1, max: 9 }),
  size: fc.integer({ min: 3, max: 6 }),
  kernel: fc.constantFrom(1, 3, 3, 3, 5),
  stride: fc.integer({ min: 1, max: 2 }),
  padding: fc.integer({ min: 0, max: 2 }),
  groups: fc.constantFrom(1, 1, 1, 2, 'depthwise' as const),
  patterns: fc.constantFrom(0, 2, 4, 8),
  patternSize: fc.integer({ min: 2, max: 6 }),
  pruneProbability: fc.constantFrom(0, 0.3, 0.7),
  rows: fc.integer({ min: 9, max: 40 }),
  cols: fc.integer({ min: 4, max: 40 }),
  cellBits: fc.integer({ min: 1, max: 4 }),
  differential: fc.boolean(),
  ouRows: fc.integer({ min: 1, max: 12 }),
  ouCols: fc.integer({ min: 1, max: 12 }),
  dacBits: fc.integer({ min: 1, max: 3 }),
  weightBits: fc.integer({ min: 2, max: 6 }),
  inputBits: fc.integer({ min: 1, max: 5 }),
  variant: fc.constantFrom(...variants),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case) {
  const r = rng(c.seed);
  const { groups, cin, cout } = groupedChannels(c);
  const layer = convLayer(r, {
    cin,
    cout,
    size: Math.max(c.size, c.kernel),
    kernel: c.kernel,
    stride: c.stride,
    padding: Math.min(c.padding, c.kernel - 1),
    groups,
    patterns: c.patterns,
    patternSize: c.patternSize,
    pruneProbability: c.pruneProbability,
  });
  const arch = testArch({
    rows: c.rows,
    cols: Math.max(c.cols, 1),
    cellBits: c.cellBits,
    differential: c.differential,
    ouRows: Math.min(c.ouRows, c.rows),
    ouCols: Math.min(c.ouCols, c.cols),
    dacBits: c.dacBits,
    weightBits: c.weightBits,
    inputBits: c.inputBits,
  });
  return { layer, arch, data: randomData(r, layer, c.weightBits, c.inputBits) };
}

describe('mapping functional check', () => {
  it('lists every mapper the project ships', () => {
    expect(mappers).to.include.members(['dense', 'pattern', 'sre']);
  });

  it('computes every layer exactly through every registered mapping (property)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { layer, arch, data } = build(c);
        const mapper = getMapper(c.variant.mapper);
        const options = c.variant.options;
        const layout = mapper.layoutLayer(layer, arch, options);
        const mapping = mapper.mapLayer(layer, arch, options);
        const result = checkMapping(layer, layout, arch, data, mapping);
        expect(result, JSON.stringify({ ...result, scheme: mapping.scheme })).to.include({ ok: true });
      }),
      { numRuns: 100 * mappers.length },
    );
  });

  it('checks FC layers through every mapper', () => {
    const r = rng(7);
    for (const mapperName of mappers) {
      for (const differential of [false, true]) {
        const layer = fcLayer(37, 11);
        const arch = testArch({
          rows: 16,
          cols: 24,
          ouRows: 5,
          ouCols: 7,
          differential,
          cellBits: 3,
          dacBits: 2,
        });
        const data = randomData(r, layer, 8, 8);
        const mapper = getMapper(mapperName);
        const layout = mapper.layoutLayer(layer, arch, {});
        expect(checkMapping(layer, layout, arch, data, mapper.mapLayer(layer, arch, {})).ok).to.equal(true);
      }
    }
  });

  it('the direct convolution honours the pruning masks', () => {
    const r = rng(3);
    const layer = convLayer(r, { cin: 3, cout: 4, patterns: 4, pruneProbability: 0.5 });
    const data = randomData(r, layer, 6, 4);
    const unpruned = { ...layer, pruning: undefined };
    const masked = directOutput(layer, data);
    // Zero the pruned weights by hand and compute without masks: the outputs must agree.
    const zeroed = Int32Array.from(data.weights);
    for (let f = 0; f < 4; f++)
      for (let c = 0; c < 3; c++) {
        const p = layer.pruning!.kernelPattern[f * 3 + c];
        for (let pos = 0; pos < 9; pos++)
          if (p === 255 || !layer.pruning!.patterns[p].includes(pos)) zeroed[(f * 3 + c) * 9 + pos] = 0;
      }
    expect(Array.from(directOutput(unpruned, { weights: zeroed, input: data.input }))).to.deep.equal(
      Array.from(masked),
    );
    expect(Array.from(directOutput(unpruned, data))).to.not.deep.equal(Array.from(masked));
  });

  describe('the check can fail', () => {
    const r = rng(11);
    const layer = convLayer(r, { cin: 6, cout: 8, patterns: 4, pruneProbability: 0.2 });
    const arch = testArch({ rows: 32, cols: 32, ouRows: 8, ouCols: 4 });
    const data = randomData(r, layer, 8, 8);

    for (const packing of packings) {
      it(`a corrupted output-id index fails (pattern/${packing})`, () => {
        const mapper = getMapper('pattern');
        const layout = mapper.layoutLayer(layer, arch, { packing });
        expect(checkMapping(layer, layout, arch, data).ok).to.equal(true);
        const region = layout.regions.find((g) => g.outputs.length > arch.crossbar.cellBits * 4)!;
        const wrong = new Int32Array(region.outputs);
        // Point the first filter slot at another filter.
        const cpw = layout.encoding.colsPerWeight;
        const other = ((Math.floor(wrong[0] / cpw) + 1) % layer.cout) * cpw;
        for (let k = 0; k < cpw; k++) wrong[k] = other + k;
        region.outputs = wrong;
        expect(checkMapping(layer, layout, arch, data).ok).to.equal(false);
      });
    }

    it('a band left out fails (dense): its weights are missing', () => {
      const mapper = getMapper('dense');
      const layout = mapper.layoutLayer(layer, arch, {});
      expect(checkMapping(layer, layout, arch, data).ok).to.equal(true);
      layout.bands.pop();
      expect(checkMapping(layer, layout, arch, data).ok).to.equal(false);
    });

    it('a band placed twice fails (pattern): its weights count twice', () => {
      const mapper = getMapper('pattern');
      const layout = mapper.layoutLayer(layer, arch, { packing: 'band' });
      const band = layout.bands[0];
      const region = layout.regions.find(
        (g) => g.crossbar === band.crossbar && g.rowStart === band.rowStart,
      )!;
      const copy = layout.crossbars;
      layout.crossbars++;
      layout.columnGroups = new Int32Array(layout.crossbars);
      layout.bands.push({ ...band, crossbar: copy });
      layout.regions.push({ ...region, crossbar: copy });
      expect(checkMapping(layer, layout, arch, data).ok).to.equal(false);
    });

    it('a plan that disagrees with the layout fails', () => {
      const mapper = getMapper('pattern');
      const layout = mapper.layoutLayer(layer, arch, {});
      const mapping = mapper.mapLayer(layer, arch, {});
      mapping.crossbars[0].ouRows = mapping.crossbars[0].ouRows.slice(1);
      expect(checkMapping(layer, layout, arch, data, mapping)).to.include({ ok: false, plansMatch: false });
    });
  });
});

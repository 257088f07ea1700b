/**
 * Data-driven simulation (docs/simulation.md, "Data-driven simulation"): the fast fidelity's
 * LayerActivity and closed form against plain walks through the WindowReader, the OU controller on
 * SRE row-group plans against the closed form, and whole runs with extreme activations against
 * what they must give independently of the machinery (every bit set: the run without data; every
 * value zero: no OU step at all).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { toCycles, type Arch } from '../../src/config/arch.ts';
import { Component, Simulator } from '../../src/engine/index.ts';
import { emptyCounts } from '../../src/energy/actions.ts';
import { OuController } from '../../src/hardware/ou-controller.ts';
import { OuPipeline, backStageCycles, type OuTiming } from '../../src/hardware/ou-pipeline.ts';
import { getMapper, listMappers } from '../../src/mapping/registry.ts';
import { PACKINGS } from '../../src/mapping/pattern/packings.ts';
import type { CrossbarPlan, LayerMapping } from '../../src/mapping/types.ts';
import {
  LayerActivity,
  WindowReader,
  emptyWork,
  inputValue,
  sliceMaskTable,
} from '../../src/sim/activity.ts';
import type { LayerActivations } from '../../src/workload/activations.ts';
import { syntheticActivations, syntheticMap } from '../../src/workload/synthetic-activations.ts';
import type { ConvLayer, Network, WeightLayer } from '../../src/workload/types.ts';
import { convLayer, fcLayer, rng, testArch } from '../mapping/helpers.ts';
import { rowGroupPlans } from './row-groups.ts';
import { compareRow } from '../../src/sweep/paper.ts';
import { simulationKey } from '../../src/sim/simulate.ts';
import { pruneNetwork } from '../../src/workload/prune.ts';
import { arch, run, zooNetwork } from './helpers.ts';

const timing: OuTiming = { readCycles: 8, adcCycles: 3, adcs: 2, shiftAddCycles: 1 };

/** Random codes of `bits` bits with a zero fraction, signed or not (seeded). */
function randomMap(
  layer: WeightLayer,
  bits: number,
  zero: number,
  signed: boolean,
  seed: number,
): LayerActivations {
  const r = rng(seed);
  const shape = layer.type === 'fc' ? ([layer.inFeatures, 1, 1] as const) : layer.inShape;
  const n = shape[0] * shape[1] * shape[2];
  const codes = new Uint16Array(n);
  for (let i = 0; i < n; i++) codes[i] = r() < zero ? 0 : Math.floor(r() * 2 ** bits);
  return { shape: [shape[0], shape[1], shape[2]], bits, scale: 1, signed, codes };
}

/**
 * The plain walk: per slice and static step, the rows driven (via the WindowReader); row groups pack
 * their driven kept rows. Returns the same VectorWork fields, summed the obvious way.
 */
function naiveWork(plan: CrossbarPlan, reader: WindowReader, u: number, a: Arch, t: OuTiming) {
  const w = emptyWork();
  const steps: number[] = []; // back times of the steps that run, in order
  const inputs = plan.wordlineInputs!;
  const take = (rows: number, cols: number) => {
    const d = backStageCycles(cols, t.adcs, t.adcCycles);
    steps.push(d);
    w.steps++;
    w.conversions += cols;
    w.busy += d;
    w.driven += rows;
    w.cells += rows * cols;
  };
  for (let s = 0; s < reader.slices; s++) {
    const before = w.steps;
    if (plan.rowGroups) {
      const g = plan.rowGroups;
      for (let gi = 0; gi < g.cols.length; gi++) {
        const kept = [];
        for (let k = g.offsets[gi]; k < g.offsets[gi + 1]; k++)
          if ((reader.mask(u, inputs[g.wordlines[k]]) >> s) & 1) kept.push(k);
        for (let r = 0; r < kept.length; r += a.ou.rows)
          for (let c = 0; c < g.cols[gi]; c += a.ou.cols)
            take(Math.min(a.ou.rows, kept.length - r), Math.min(a.ou.cols, g.cols[gi] - c));
      }
    } else {
      for (let i = 0; i < plan.ouRows.length; i++) {
        let driven = 0;
        for (let row = plan.ouFirstRow![i]; row < plan.ouFirstRow![i] + plan.ouRows[i]; row++)
          if (inputs[row] >= 0 && (reader.mask(u, inputs[row]) >> s) & 1) driven++;
        if (driven > 0) take(driven, plan.ouCols[i]);
      }
    }
    if (w.steps > before) w.slicesRun++;
  }
  for (const d of steps) w.path += Math.max(t.readCycles, d);
  w.lastBack = steps.length > 0 ? steps[steps.length - 1] : 0;
  return { work: w, backs: steps };
}

/** The pipeline recurrence one step at a time over the steps that run. */
function naiveLeave(
  state: { x: number; y: number; last: number },
  ready: number,
  backs: number[],
  t: OuTiming,
): number {
  let leave = ready;
  if (backs.length > 0) {
    let x = Math.max(state.x, ready);
    let y = state.y;
    for (const d of backs) {
      const b = Math.max(x + t.readCycles, y);
      x = b;
      y = b + d;
    }
    state.x = x;
    state.y = y;
    leave = y + t.shiftAddCycles;
  }
  leave = Math.max(leave, state.last);
  state.last = leave;
  return leave;
}

const caseArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  cin: fc.integer({ min: 1, max: 6 }),
  cout: fc.integer({ min: 1, max: 8 }),
  size: fc.integer({ min: 3, max: 6 }),
  kernel: fc.constantFrom(1, 3, 3, 5),
  stride: fc.integer({ min: 1, max: 2 }),
  padding: fc.integer({ min: 0, max: 2 }),
  patterns: fc.constantFrom(0, 4, 8),
  rows: fc.integer({ min: 9, max: 40 }),
  cols: fc.integer({ min: 4, max: 40 }),
  ouRows: fc.integer({ min: 1, max: 9 }),
  ouCols: fc.integer({ min: 1, max: 9 }),
  dacBits: fc.integer({ min: 1, max: 3 }),
  // Up to 16 slices: LayerActivity counts row-group slices in byte counters, four slices a word.
  inputBits: fc.integer({ min: 1, max: 16 }),
  captureBits: fc.integer({ min: 1, max: 16 }),
  signed: fc.boolean(),
  zero: fc.constantFrom(0, 0.3, 0.7, 1),
  mapper: fc.constantFrom(...listMappers(), 'row-groups'),
  packing: fc.constantFrom(...PACKINGS.map((p) => p.name)),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function buildCase(c: Case) {
  const r = rng(c.seed);
  const kernel = Math.min(c.kernel, c.size);
  const layer = convLayer(r, {
    cin: c.cin,
    cout: c.cout,
    size: c.size,
    kernel,
    stride: c.stride,
    padding: Math.min(c.padding, kernel - 1),
    patterns: c.patterns,
  });
  const a = testArch({
    rows: c.rows,
    cols: c.cols,
    ouRows: Math.min(c.ouRows, c.rows),
    ouCols: Math.min(c.ouCols, c.cols),
    dacBits: c.dacBits,
    inputBits: c.inputBits,
  });
  const mapperName = c.mapper === 'row-groups' ? 'dense' : c.mapper;
  const mapping: LayerMapping = getMapper(mapperName).mapLayer(layer, a, { packing: c.packing });
  if (c.mapper === 'row-groups') {
    const layout = getMapper('dense').layoutLayer(layer, a, {});
    mapping.crossbars = rowGroupPlans(layout, mapping.crossbars, a, rng(c.seed + 1));
  }
  const act = randomMap(layer, c.captureBits, c.zero, c.signed, c.seed + 2);
  return { layer, a, mapping, act };
}

describe('data-driven activity', () => {
  it('slice masks follow the two-s complement bits at inputBits, LSB slice first', () => {
    const act = {
      shape: [1, 1, 1],
      bits: 8,
      scale: 1,
      signed: true,
      codes: new Uint8Array(1),
    } as LayerActivations;
    const a = testArch({ inputBits: 8, dacBits: 2 });
    const table = sliceMaskTable(act, a);
    expect(table[0]).to.equal(0);
    expect(table[0b00000001]).to.equal(0b0001);
    expect(table[0b00001100]).to.equal(0b0010);
    expect(table[0b11111111]).to.equal(0b1111); // -1: every slice carries ones
    expect(inputValue(act, 0xff, 8)).to.equal(-1);
    // Captured at 8 bits, simulated at 4: the low 4 bits are dropped (rounding down).
    expect(inputValue(act, 0x17, 4)).to.equal(1);
    expect(inputValue(act, 0xf0, 4)).to.equal(-1);
    expect(inputValue({ ...act, signed: false }, 0xf0, 4)).to.equal(15);
  });

  it('LayerActivity gives, per vector and crossbar, what the plain walk gives (property)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { layer, a, mapping, act } = buildCase(c);
        const activity = new LayerActivity(layer, act, mapping, a, timing);
        const reader = new WindowReader(layer, act, a);
        const work = emptyWork();
        for (let u = 0; u < mapping.vectors; u++) {
          activity.load(u);
          mapping.crossbars.forEach((plan, x) => {
            activity.crossbar(x, work);
            expect(work, `vector ${u} crossbar ${x}`).to.deep.equal(
              naiveWork(plan, reader, u, a, timing).work,
            );
          });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('row groups of more than 255 kept wordlines (sre, FC on 512-row crossbars) count every driven row', () => {
    // The byte counters of LayerActivity.rowGroupWork hold 255 rows; a 600-feature FC layer on
    // 512-row crossbars puts 512 kept wordlines in each group of the first row tile.
    const layer = fcLayer(600, 6);
    for (const zero of [0, 0.5]) {
      const a = testArch({ rows: 512, cols: 32, ouRows: 8, ouCols: 8, dacBits: 1, inputBits: 12 });
      const mapping = getMapper('sre').mapLayer(layer, a, {});
      const groups = mapping.crossbars[0].rowGroups!;
      expect(groups.offsets[1] - groups.offsets[0]).to.equal(512);
      const act = randomMap(layer, 12, zero, false, 3);
      // Every code with bit 0 set: slice 0 drives every non-zero row.
      for (let i = 0; i < act.codes.length; i++) if (act.codes[i] !== 0) act.codes[i] |= 1;
      const activity = new LayerActivity(layer, act, mapping, a, timing);
      const reader = new WindowReader(layer, act, a);
      const work = emptyWork();
      activity.load(0);
      mapping.crossbars.forEach((plan, x) => {
        activity.crossbar(x, work);
        expect(work, `crossbar ${x}`).to.deep.equal(naiveWork(plan, reader, 0, a, timing).work);
      });
      if (zero === 0) {
        // All 512 rows driven in slice 0: 64 OUs per column chunk of the group.
        activity.crossbar(0, work);
        expect(work.steps).to.be.at.least(64);
      }
    }
  });

  it('the closed form runSteps equals the recurrence over the steps that run (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        fc.array(
          fc.record({
            ready: fc.integer({ min: 0, max: 40 }),
            backs: fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 9 }),
          }),
          {
            maxLength: 8,
          },
        ),
        (read, vectors) => {
          const t = { ...timing, readCycles: read };
          const pipeline = new OuPipeline([1], 1, t);
          const state = { x: 0, y: 0, last: -Infinity };
          let ready = 0;
          for (const v of vectors) {
            ready += v.ready;
            const path = v.backs.reduce((sum, d) => sum + Math.max(read, d), 0);
            const last = v.backs.length > 0 ? v.backs[v.backs.length - 1] : 0;
            expect(pipeline.runSteps(ready, v.backs.length, path, last)).to.equal(
              naiveLeave(state, ready, v.backs, t),
            );
          }
        },
      ),
    );
  });

  it('the ou fidelity walk on row-group (SRE) plans equals the fast closed form, vector by vector', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 12 }),
        (c0, gaps) => {
          const c = { ...c0, mapper: 'row-groups' as const };
          const { layer, a, mapping, act } = buildCase(c);
          const reader = new WindowReader(layer, act, a);
          const activity = new LayerActivity(layer, act, mapping, a, timing);
          mapping.crossbars.forEach((plan, x) => {
            const sim = new Simulator({ seed: 1 });
            const root = new Component(sim, 'root');
            const counts = emptyCounts();
            const leaves: number[] = [];
            const controller = new OuController(
              sim,
              root,
              0,
              plan,
              mapping.inputSlices,
              timing,
              counts,
              () => leaves.push(sim.now),
              {
                reader,
                ou: a.ou,
              },
            );
            sim.wire();
            const pipeline = new OuPipeline(plan.ouCols, mapping.inputSlices, timing);
            const expected: number[] = [];
            const work = emptyWork();
            let ready = 0;
            let steps = 0;
            let drives = 0;
            gaps.forEach((gap, k) => {
              ready += gap;
              const u = k % mapping.vectors;
              controller.accept(ready, u);
              activity.load(u);
              activity.crossbar(x, work);
              steps += work.steps;
              drives += work.driven;
              expected.push(pipeline.runSteps(ready, work.steps, work.path, work.lastBack));
            });
            sim.run();
            expect(leaves).to.deep.equal(expected);
            expect(counts.ouSteps).to.equal(steps);
            expect(counts.dacDrives).to.equal(drives);
            expect(controller.stepsRun).to.equal(steps);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** The network with the same map for every weight layer: every code `code`. */
function constantActivations(network: Network, code: number): Network {
  const set = syntheticActivations(network, { zeroFraction: 0, bits: 8, seed: 1 });
  for (const act of set.values()) act.codes.fill(code);
  return { ...network, activations: set };
}

/** A 3x3 conv of stride 1 without padding from `input` (of shape `inShape`) to `cout` channels. */
function unpaddedConv(
  name: string,
  input: string,
  inShape: [number, number, number],
  cout: number,
): ConvLayer {
  const [cin, h, w] = inShape;
  return {
    name,
    type: 'conv',
    inputs: [input],
    inShape,
    outShape: [cout, h - 2, w - 2],
    cin,
    cout,
    kernel: [3, 3],
    stride: [1, 1],
    padding: [0, 0],
    groups: 1,
  };
}

describe('data-driven runs', () => {
  const a = arch('sparsity.skipZeroRows=true', 'ou.rows=4');
  const network = zooNetwork('tiny', a);

  /** Convs without padding (a padded border is zero, so only here does every row carry ones). */
  const unpadded = pruneNetwork(
    {
      name: 'unpadded',
      inputShape: [3, 10, 10],
      layers: [
        unpaddedConv('c1', 'input', [3, 10, 10], 8),
        unpaddedConv('c2', 'c1', [8, 8, 8], 16),
        {
          name: 'fc',
          type: 'fc',
          inputs: ['c2'],
          inShape: [16, 6, 6],
          outShape: [10, 1, 1],
          inFeatures: 576,
          outFeatures: 10,
        },
      ],
    },
    a.pattern,
    1,
  ).network;

  for (const mapper of listMappers()) {
    it(`every input bit set runs every OU step: the same counts and cycles as without data (${mapper})`, () => {
      const network = unpadded;
      const full = constantActivations(network, 255);
      for (const fidelity of ['fast', 'ou'] as const) {
        const withData = run(full, a, mapper, fidelity);
        const without = run(network, a, mapper, fidelity);
        expect(withData.counts).to.deep.equal(without.counts);
        expect(withData.cycles).to.equal(without.cycles);
        for (const layer of withData.layers.filter((l) => l.crossbars > 0)) {
          expect(layer.ouStepsSkippedFraction).to.equal(0);
          expect(layer.inputZeroFraction).to.equal(0);
          expect(layer.inputBitZeroFraction).to.equal(0);
        }
      }
    });

    it(`all-zero inputs run no OU step and no look-up, in both fidelities (${mapper})`, () => {
      const zero = constantActivations(network, 0);
      const fast = run(zero, a, mapper, 'fast');
      const ou = run(zero, a, mapper, 'ou');
      expect(fast.counts.ouSteps + fast.counts.dacDrives + fast.counts.indexLookups).to.equal(0);
      expect(ou.counts).to.deep.equal(fast.counts);
      expect(ou.cycles).to.equal(fast.cycles);
      expect(fast.cycles).to.be.lessThan(run(network, a, mapper, 'fast').cycles);
      for (const layer of fast.layers.filter((l) => l.crossbars > 0)) {
        expect(layer.ouStepsSkippedFraction).to.equal(1);
        expect(layer.inputZeroFraction).to.equal(1);
      }
    });
  }

  it('a code with one bit drives one slice: DAC drives = wordline inputs x OU column chunks, per vector', () => {
    // One FC layer on one crossbar: 16 features, every code 4 (bit 2 only), 8 slices.
    const a1 = arch('sparsity.skipZeroRows=true', 'ou.rows=4', 'ou.cols=8');
    const fcNet: Network = {
      name: 'fc',
      inputShape: [16, 1, 1],
      layers: [fcLayer(16, 8)],
    };
    const codes = new Uint8Array(16).fill(4);
    const withData = {
      ...fcNet,
      activations: new Map([
        ['fc', { shape: [16, 1, 1] as [number, number, number], bits: 8, scale: 1, signed: false, codes }],
      ]),
    };
    const r = run(withData, a1, 'dense', 'fast');
    // 8 outputs x 4 weight slices = 32 columns: 4 column chunks; 16 rows: 4 row chunks; 1 slice runs.
    expect(r.counts.ouSteps).to.equal(16);
    expect(r.counts.dacDrives).to.equal(16 * 4);
    expect(r.counts.adcConversions).to.equal(4 * 32);
    expect(r.layers[0].ouStepsSkippedFraction).to.equal(7 / 8);
    expect(r.layers[0].inputBitZeroFraction).to.equal(7 / 8);
    expect(run(withData, a1, 'dense', 'ou').counts).to.deep.equal(r.counts);
  });

  it('layers without activations in the set keep the zero-fraction what-if', () => {
    const a2 = arch('sparsity.skipZeroRows=true', 'sparsity.zeroInputFraction=0.7', 'ou.rows=4');
    const set = syntheticActivations(network, { zeroFraction: 0.5, bits: 8, seed: 2 });
    const first = network.layers.find((l) => l.type === 'conv')!.name;
    const only = new Map([[first, set.get(first)!]]);
    const r = run({ ...network, activations: only }, a2, 'dense', 'fast');
    const whatIf = run(network, a2, 'dense', 'fast');
    const byName = (x: typeof r, name: string) => x.layers.find((l) => l.layer === name)!;
    for (const layer of r.layers.filter((l) => l.crossbars > 0 && l.layer !== first))
      expect(layer.counts.ouSteps).to.equal(byName(whatIf, layer.layer).counts.ouSteps);
    expect(byName(r, first).inputBitZeroFraction).to.be.a('number');
    expect(byName(whatIf, first).inputZeroFraction).to.equal(0.7);
    expect(byName(whatIf, first).inputBitZeroFraction).to.equal(undefined);
  });

  it('activations that do not fit the layer are one input error naming the layer and field', () => {
    const bad = new Map(syntheticActivations(network, { zeroFraction: 0.5, bits: 8, seed: 2 }));
    const first = network.layers.find((l) => l.type === 'conv')!;
    bad.set(
      first.name,
      syntheticMap(
        [first.inShape[0] + 1, first.inShape[1], first.inShape[2]],
        { zeroFraction: 0, bits: 8, seed: 1 },
        'x',
      ),
    );
    expect(() => run({ ...network, activations: bad }, a, 'dense', 'fast')).to.throw(
      `activations: ${first.name}.shape`,
    );
  });

  it('skipZeroRows off: activations change no count, but the measured fractions are reported', () => {
    const off = arch('ou.rows=4');
    const withData = {
      ...network,
      activations: syntheticActivations(network, { zeroFraction: 0.5, bits: 8, seed: 2 }),
    };
    const r = run(withData, off, 'pattern', 'fast');
    expect(r.counts).to.deep.equal(run(network, off, 'pattern', 'fast').counts);
    const conv = r.layers.find((l) => l.crossbars > 0)!;
    expect(conv.inputZeroFraction).to.be.within(0.4, 0.6);
    expect(conv.ouStepsSkippedFraction).to.equal(0);
    void toCycles;
  });

  it('compare: dense vs pattern on the same activations, through simulate', () => {
    const withData = {
      ...network,
      activations: syntheticActivations(network, { zeroFraction: 0.6, bits: 8, seed: 4 }),
    };
    const [dense, pattern] = ['dense', 'pattern'].map((m) => run(withData, a, m, 'fast'));
    const row = compareRow(dense, pattern);
    const [denseStatic, patternStatic] = ['dense', 'pattern'].map((m) => run(network, a, m, 'fast'));
    // Both mappings skip steps on the same data, and the comparison moves with them.
    expect(dense.counts.ouSteps).to.be.lessThan(denseStatic.counts.ouSteps);
    expect(pattern.counts.ouSteps).to.be.lessThan(patternStatic.counts.ouSteps);
    expect(row.energy_efficiency).to.not.equal(compareRow(denseStatic, patternStatic).energy_efficiency);
    expect(row.speedup).to.be.greaterThan(0);
  });

  it('activations do not enter simulationKey: sweeps group simulations by trace, whose file carries them', () => {
    // The sweep's group key is [trace, mapping, simulationKey(arch)]; the trace names the activations,
    // and the switch that makes them count, sparsity.skipZeroRows, is part of the key.
    expect(simulationKey(a)).to.not.equal(simulationKey(arch('ou.rows=4')));
    expect(simulationKey(a)).to.equal(simulationKey(arch('ou.rows=4', 'sparsity.skipZeroRows=true')));
  });
});

import { expect } from 'chai';
import fc from 'fast-check';
import { loadArch, map, simulate } from '../../src/api/index.ts';
import { mappingBytes } from '../../src/mapping/memory.ts';
import { parseTrace } from '../../src/workload/trace.ts';
import { MAX_LATENCY_CYCLES } from '../../src/config/limits.ts';
import { parseOverride } from '../../src/config/overrides.ts';
import { InputError } from '../../src/util/errors.ts';
import { jsonSyntaxError, parseJsonText } from '../../src/util/json-files.ts';

const withSet =
  (...sets: string[]) =>
  () =>
    loadArch('paper', sets.map(parseOverride));

/** Arch values that would overflow a cycle count or a figure are refused up front, naming the key. */
describe('config/limits: values that would overflow are refused, naming the key', () => {
  for (const [sets, key, problem] of [
    [['adc.latencyNs=1e15'], 'adc.latencyNs', /cycles at clockNs = 0\.78125 ns, more than .* \(2\^24\)/],
    [['adc.nsPerBit=3000000'], 'adc.nsPerBit', /one conversion .* more than/],
    [['noc.linkLatencyNs=2e7'], 'noc.linkLatencyNs', /cycles/],
    [['clockNs=1e-12'], 'clockNs', /outside 0\.000001\.\.1000000000 ns/],
    [['clockNs=1e10'], 'clockNs', /outside/],
    [['buffer.sizeKiB=9007199254740994'], 'buffer.sizeKiB', /not exact in double precision/],
    [['energy.cellReadPj=1e308'], 'energy.cellReadPj', /more than 9007199254740991/],
    [['crossbar.rows=70000', 'crossbar.cols=70000'], 'crossbar.rows', /16 bits/],
    [['crossbar.cellBits=100'], 'crossbar.cellBits', /2\^bits/],
    [['chip.meshX=4096', 'chip.meshY=4096'], 'chip.meshY', /tiles of a 4096x4096 mesh/],
    [['adc.perCrossbar=129'], 'adc.perCrossbar', /more ADCs than bitlines/],
  ] as const) {
    it(`${sets.join(' ')}`, () => {
      expect(withSet(...sets))
        .to.throw(InputError)
        .that.satisfies((e: InputError) => {
          expect(e.field).to.equal(key);
          expect(e.message).to.match(problem);
          return true;
        });
    });
  }

  it('keeps the values the presets and sweeps use', () => {
    expect(withSet('clockNs=1e-6')).to.not.throw();
    expect(withSet('clockNs=1000', 'crossbar.readLatencyNs=1e6')).to.not.throw();
    // The last latency that fits: 2^24 cycles exactly.
    expect(withSet('clockNs=1', `adc.latencyNs=${MAX_LATENCY_CYCLES}`)).to.not.throw();
    expect(withSet('clockNs=1', `adc.latencyNs=${MAX_LATENCY_CYCLES + 1}`)).to.throw(
      InputError,
      /adc\.latencyNs/,
    );
  });

  it('a run longer than the engine counts is an InputError naming the trace and the longest latency', () => {
    const arch = loadArch('paper', [parseOverride('adc.latencyNs=13000000')]);
    expect(() => simulate('tiny', arch, { images: 1000 }))
      .to.throw(
        InputError,
        /paper\.json \(with --set\): adc\.latencyNs: trace 'tiny' \(1000 images\) needs more than 3\.52e\+13 cycles.*stream fewer images$/,
      )
      .with.property('field', 'adc.latencyNs');
    // The same latency over one image fits, and every number of the run is finite.
    const one = simulate('tiny', arch);
    expect(Number.isSafeInteger(one.summary.cycles)).to.equal(true);
    for (const value of Object.values(one.summary))
      if (typeof value === 'number') expect(value).to.satisfy(Number.isFinite);
  });
});

describe('mapping/memory: a layer whose mapping would not fit in memory is refused with the estimate', () => {
  const wide = parseTrace(
    {
      format: 'ousim-trace',
      version: 1,
      name: 'wide',
      inputShape: [20000, 1, 1],
      layers: [{ name: 'fc', type: 'fc', outFeatures: 20000 }],
    },
    'wide.json',
  );

  it('refuses 1x1 crossbars for a 4e8-weight layer, naming the layer and the estimate', () => {
    const tinyXbar = loadArch(
      'paper',
      ['crossbar.rows=1', 'crossbar.cols=1', 'ou.rows=1', 'ou.cols=1'].map(parseOverride),
    );
    expect(mappingBytes(wide.layers[0] as never, tinyXbar, 'dense')).to.be.greaterThan(1e11);
    expect(() => map(wide, tinyXbar, { mapping: 'dense' })).to.throw(
      InputError,
      /^trace 'wide': layer 'fc': the dense mapping would need about \d+ GB of memory \(estimate\)/,
    );
  });

  it('estimates the default arch close to what the plans take (the dense mapping of the same layer fits)', () => {
    // 20000 rows x 80000 columns: 157 x 625 crossbars of 128x128, 256 OU steps each.
    const bytes = mappingBytes(wide.layers[0] as never, loadArch('paper'), 'dense');
    expect(bytes).to.equal(157 * 625 * (4 * 128 + 6 * 256 + 400));
  });
});

describe('util/json-files: JSON syntax errors name line and column', () => {
  it('locates the error in one line', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n  "b": x\n}\n', 'f.json')).to.throw(
      InputError,
      /^f\.json: line 3, column 8: not valid JSON: expected a value, found 'x'$/,
    );
    expect(() => parseJsonText('{"a": [1, 2}', 'f.json')).to.throw(
      /line 1, column 12: .*expected ',' or '\]'/,
    );
    expect(() => parseJsonText('', 'f.json')).to.throw(/line 1, column 1: not valid JSON: the file is empty/);
    expect(parseJsonText('\uFEFF{"a": 1}', 'f.json')).to.deep.equal({ a: 1 });
  });

  it('agrees with JSON.parse on what is valid', () => {
    const valid = JSON.stringify({ a: [1, -2.5e3, true, null, 'x\\"y\u00e9'], b: { c: {} }, d: [] });
    const edit = fc.record({
      at: fc.nat(),
      char: fc.constantFrom(...'{}[],:"0-1eE.+tfnu\\ \n\t'.split('')),
      drop: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = valid;
        for (const { at, char, drop } of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + (drop ? '' : char) + text.slice(drop ? i + 1 : i);
        }
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        expect(jsonSyntaxError(text) === null, text).to.equal(parses);
      }),
      { numRuns: 3000 },
    );
  });
});

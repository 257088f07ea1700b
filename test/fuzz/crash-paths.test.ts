/**
 * Fuzzing the inputs a user hands ousim (issue 18): arch files, `--set` values, trace files and
 * NeuroSim rows, mutated at random and run in process on the tiny network. Every case either
 * completes with finite numbers in every row of its CSVs, or throws one InputError that names the
 * file and a field; any other error (an engine error, a RangeError, a stack overflow) fails.
 *
 * Deterministic: the suite's fast-check seed (FC_SEED) or OUSIM_FUZZ_SEED seeds it; OUSIM_FUZZ_RUNS
 * scales the number of cases of each property (default 1, the CI budget; 10 runs ten times as many).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArch, simulate, type Simulation } from '../../src/api/index.ts';
import { resolveArchPath } from '../../src/config/arch.ts';
import { parseOverride } from '../../src/config/overrides.ts';
import { InputError } from '../../src/util/errors.ts';
import { importNeuroSim } from '../../src/workload/neurosim.ts';
import { resolveTracePath } from '../../src/workload/trace.ts';

// The suite's fast-check seed (FC_SEED, test/fast-check-seed.ts) unless OUSIM_FUZZ_SEED names one.
const SEED = process.env.OUSIM_FUZZ_SEED
  ? Number(process.env.OUSIM_FUZZ_SEED)
  : fc.readConfigureGlobal().seed;
const SCALE = Number(process.env.OUSIM_FUZZ_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

const PAPER = resolveArchPath('paper');
const PAPER_DOC = JSON.parse(readFileSync(PAPER, 'utf8')) as Record<string, unknown>;
const TINY = resolveTracePath('tiny');
const TINY_TEXT = readFileSync(TINY, 'utf8');
const TINY_DOC = JSON.parse(TINY_TEXT) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'ousim-fuzz-'));

/** Dotted paths of the leaves of a JSON document (array elements by index). */
function leaves(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...prefix, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...prefix, k]));
  return [prefix];
}
const ARCH_KEYS = leaves(PAPER_DOC).filter((p) => p[0] !== 'sources');
const TRACE_PATHS = leaves(TINY_DOC);

/** Numbers that broke ousim once, and ordinary ones. */
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  2,
  3,
  4,
  7,
  8,
  9,
  16,
  64,
  0.5,
  1.5,
  1e-12,
  1e-300,
  5e-324,
  1e6,
  1e15,
  1e300,
  2 ** 31,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53 + 2,
  Number.MAX_VALUE,
];
const number = fc.oneof(
  fc.constantFrom(...NUMBERS),
  fc.integer({ min: -10, max: 300 }),
  fc.double({ min: 1e-9, max: 1e9, noNaN: true }),
);
/** Any JSON value a user's edit might leave in a field. */
const jsonValue = fc.oneof(
  { weight: 5, arbitrary: number },
  fc.constantFrom<unknown>(null, true, false, '', '8', 'x', [], {}, [3, 3], [0, 1], [3, 8, 8]),
);

/** A document with one leaf set to `value`, deleted (undefined), or one key added. */
function withLeaf(doc: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node = copy;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    // An earlier text edit may have changed the document's shape: nothing to edit then.
    if (typeof next !== 'object' || next === null) return copy;
    node = next as Record<string | number, unknown>;
  }
  const leaf = path[path.length - 1];
  if (value === undefined) delete node[leaf];
  else node[leaf] = value;
  return copy;
}

/** Text damage: cut, insert or drop one character. */
const textEdit = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('cut', 'insert', 'drop'),
  char: fc.constantFrom(...'{}[],:"0-1e.x\\ \n'.split('')),
});
function damaged(text: string, edit: { at: number; kind: string; char: string }): string {
  const at = edit.at % (text.length + 1);
  if (edit.kind === 'cut') return text.slice(0, at);
  if (edit.kind === 'insert') return text.slice(0, at) + edit.char + text.slice(at);
  return text.slice(0, at) + text.slice(at + 1);
}

type Edit =
  { path: readonly (string | number)[]; value: unknown } | { at: number; kind: string; char: string };

/** `text` after each edit in turn: a leaf edit re-serialises the JSON (with `indent`), text damage cuts or adds. */
function edited(text: string, edits: readonly Edit[], indent?: number): string {
  for (const e of edits) {
    if ('path' in e) {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        continue; // already damaged text: a leaf edit has nothing to edit
      }
      text = JSON.stringify(withLeaf(doc, e.path, e.value), null, indent);
    } else text = damaged(text, e);
  }
  return text;
}

const runOptions = fc.record({
  mapping: fc.constantFrom('pattern', 'dense', 'sre'),
  fidelity: fc.constantFrom<'fast' | 'ou'>('fast', 'fast', 'ou'),
  images: fc.constantFrom(1, 1, 2),
});

let cases = 0;
let completed = 0;
let refused = 0;

/** Every number in the run's CSV rows is finite. */
function expectFinite(simulation: Simulation): void {
  for (const row of [simulation.summary, ...simulation.layers, ...simulation.components])
    for (const [column, value] of Object.entries(row))
      if (typeof value === 'number') expect(Number.isFinite(value), `${column} = ${value}`).to.equal(true);
}

/** Run `attempt`: it completes with finite rows or throws an InputError from one of `sources`. */
function expectSafe(
  attempt: () => Simulation | undefined,
  sources: readonly string[],
): 'completed' | 'refused' {
  cases++;
  let simulation: Simulation | undefined;
  try {
    simulation = attempt();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    refused++;
    const { message, source, field } = error;
    expect(message.includes('\n'), message).to.equal(false);
    expect(field, `no field named: ${message}`).to.not.equal('');
    // Refusals found while mapping name the trace by name; every other names the file.
    expect(sources.includes(source) || source.startsWith("trace '"), `source of: ${message}`).to.equal(true);
    return 'refused';
  }
  completed++;
  if (simulation) expectFinite(simulation);
  return 'completed';
}

describe('fuzz: bad input ends in a result or one InputError, never a crash', function () {
  // Thousands of small simulations: the CI budget of the whole file is tens of seconds.
  this.timeout(600_000);
  const params = (numRuns: number) => ({
    ...(SEED === undefined ? {} : { seed: SEED }),
    numRuns: runs(numRuns),
    endOnFailure: true,
  });

  it('--set values', () => {
    const override = fc.record({
      key: fc.constantFrom(...ARCH_KEYS.map((p) => p.join('.'))),
      text: fc.oneof(number.map(String), fc.constantFrom('true', 'false', 'x', '', '0x10', '1e999', ' 3 ')),
    });
    fc.assert(
      fc.property(fc.array(override, { minLength: 1, maxLength: 3 }), runOptions, (sets, options) => {
        expectSafe(() => {
          const arch = loadArch(
            PAPER,
            sets.map((s) => parseOverride(`${s.key}=${s.text}`)),
          );
          return simulate('tiny', arch, options);
        }, ['--set', `${PAPER} (with --set)`]);
      }),
      params(2000),
    );
  });

  it('arch files', () => {
    const file = join(dir, 'arch.json');
    const edit = fc.oneof(
      fc.record({ path: fc.constantFrom(...ARCH_KEYS), value: fc.option(jsonValue, { nil: undefined }) }),
      fc.record({ path: fc.constantFrom(['extra'], ['adc', 'extra']), value: jsonValue }),
      textEdit,
    );
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 2 }), runOptions, (edits, options) => {
        writeFileSync(file, edited(`${JSON.stringify(PAPER_DOC, null, 2)}\n`, edits, 2));
        expectSafe(() => simulate('tiny', loadArch(file), options), [file]);
      }),
      params(1600),
    );
  });

  it('trace files', () => {
    const file = join(dir, 'trace.json');
    const arch = loadArch('paper');
    const edit = fc.oneof(
      fc.record({ path: fc.constantFrom(...TRACE_PATHS), value: fc.option(jsonValue, { nil: undefined }) }),
      fc.record({
        path: fc.constantFrom(['layers', 0, 'extra'], ['layers', 2, 'pruning']),
        value: jsonValue,
      }),
      textEdit,
    );
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 2 }), runOptions, (edits, options) => {
        writeFileSync(file, edited(TINY_TEXT, edits));
        expectSafe(() => simulate(file, arch, options), [file]);
      }),
      params(1600),
    );
  });

  it('NeuroSim rows', () => {
    const arch = loadArch('paper');
    // conv 3->4 with a pool, conv 4->8, FC 128->10: valid, so that edits land near valid input.
    const base = [
      ['8', '8', '3', '3', '3', '4', '1', '1'],
      ['4', '4', '4', '3', '3', '8', '0', '1'],
      ['1', '1', '128', '1', '1', '10', '0', '1'],
    ];
    const cell = fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        '0',
        '1',
        '2',
        '3',
        '4',
        '8',
        '0x4',
        '1e1',
        '4.0',
        '-1',
        'x',
        'Infinity',
        '+4',
      ),
      fc.integer({ min: 0, max: 200 }).map(String),
    );
    const edit = fc.record({ row: fc.nat(3), column: fc.nat(8), cell });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 3 }), fc.boolean(), runOptions, (edits, header, options) => {
        const rows = base.map((r) => [...r]);
        for (const e of edits) {
          if (e.row >= rows.length) rows.push([...rows[rows.length - 1]]);
          const row = rows[Math.min(e.row, rows.length - 1)];
          if (e.column >= row.length) row.pop();
          else row[e.column] = e.cell;
        }
        const text = `${header ? 'IFM_H,IFM_W,Cin,K_H,K_W,Cout,pool,stride\n' : ''}${rows.map((r) => r.join(',')).join('\n')}\n`;
        const outcome = expectSafe(
          () => simulate(importNeuroSim(text, 'net', 'NetWork.csv'), arch, options),
          ['NetWork.csv'],
        );
        // A cell that is not a decimal whole number (empty, hex, 1e1) must never be read as one.
        if (rows.some((r) => r.some((c) => !/^\d+$/.test(c.trim()))))
          expect(outcome, text).to.equal('refused');
      }),
      params(1600),
    );
  });

  after(() => {
    // The numbers the brief asks for: how many cases, how many ran to the end.
    console.log(
      `      fuzz: ${cases} cases (${completed} completed, ${refused} refused), seed ${SEED ?? 'random'}`,
    );
  });

  it('ran both kinds of outcome', function () {
    if (SCALE < 1) this.skip();
    expect(completed, 'cases that completed').to.be.greaterThan(100);
    expect(refused, 'cases that were refused').to.be.greaterThan(100);
  });
});

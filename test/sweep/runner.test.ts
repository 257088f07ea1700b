import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep, SWEEP_CSV } from '../../src/sweep/runner.ts';
import { mergeSweeps } from '../../src/sweep/merge.ts';
import { readCsv } from '../../src/output/csv-text.ts';
import { loadArch } from '../../src/config/arch.ts';
import { InputError } from '../../src/util/errors.ts';
import { fakeBackend, fakeCycles, fakeEnergy, smallSweepOptions as options } from './fake-backend.ts';

const read = (dir: string) => readFileSync(join(dir, SWEEP_CSV), 'utf8');
const rows = (dir: string) => readCsv(read(dir), dir).rows;

describe('sweep runner (with a stand-in simulator)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ousim-sweep-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one row per point, sorted by point, every swept key a column', async () => {
    const out = join(dir, 'a');
    const report = await runSweep(options(out), fakeBackend({ delayMs: 1 }));
    const table = readCsv(read(out), out);
    expect(table.rows).to.have.length(12);
    expect(table.header.slice(0, 5)).to.deep.equal(['point', 'trace', 'mapping', 'adc.bits', 'ou.rows']);
    expect(table.rows.map((r) => Number(r.point))).to.deep.equal([...Array(12).keys()]);
    expect(report.simulated + report.repriced).to.equal(12);
    // The figures come from the arch each point names, not from a neighbour's.
    for (const row of table.rows) {
      const arch = loadArch('paper', [
        { key: 'adc.bits', value: Number(row['adc.bits']) },
        { key: 'ou.rows', value: Number(row['ou.rows']) },
      ]);
      const cycles = fakeCycles(arch, row.mapping);
      expect(Number(row.cycles)).to.equal(cycles);
      expect(Number(row.energy_pj)).to.equal(fakeEnergy(arch, cycles));
    }
  });

  it('simulates once per simulation key and re-prices the rest, saying so', async () => {
    const out = join(dir, 'a');
    const backend = fakeBackend();
    const lines: string[] = [];
    const report = await runSweep(options(out), backend, undefined, (l) => lines.push(l));
    // The stand-in's key ignores adc.bits: 2 mappings x 2 OU sizes simulations for 12 points.
    expect(backend.simulatedTasks).to.have.length(4);
    expect(report).to.include({ simulated: 4, repriced: 8 });
    const table = rows(out);
    expect(table.filter((r) => r.repriced === 'true')).to.have.length(8);
    for (const r of table.filter((r) => r.repriced === 'true')) {
      const from = table[Number(r.counts_from)];
      expect(from.repriced).to.equal('false');
      expect([from.mapping, from['ou.rows']]).to.deep.equal([r.mapping, r['ou.rows']]);
    }
    expect(lines.join('\n')).to.match(/8 re-priced/);
  });

  it('resumes: a second run skips every point already in the CSV', async () => {
    const out = join(dir, 'a');
    await runSweep(options(out), fakeBackend());
    const before = read(out);
    const backend = fakeBackend();
    const report = await runSweep(options(out), backend);
    expect(backend.simulatedTasks).to.have.length(0);
    expect(report.alreadyDone).to.equal(12);
    expect(read(out)).to.equal(before);
  });

  it('resumes after a torn last row and ends with the same rows as an uninterrupted run', async () => {
    const whole = join(dir, 'whole');
    await runSweep(options(whole), fakeBackend());
    const full = read(whole);
    // A killed run: the manifest, some rows in completion order, and a torn last line.
    const killed = join(dir, 'killed');
    await runSweep(options(killed, { shard: { index: 0, count: 1 } }), fakeBackend());
    const lines = full.trimEnd().split('\n');
    const kept = [lines[0], lines[7], lines[3], lines[4]];
    writeFileSync(join(killed, SWEEP_CSV), `${kept.join('\n')}\n${lines[9].slice(0, 10)}`);
    const backend = fakeBackend();
    const report = await runSweep(options(killed), backend);
    expect(report.alreadyDone).to.equal(3);
    // Groups whose lead row was already there are re-priced from a new simulation of the lead,
    // so even the bookkeeping columns match, byte for byte.
    expect(read(killed)).to.equal(full);
  });

  it('resumes a group whose lead is written but not the others (and the reverse) to the same bytes', async () => {
    const whole = join(dir, 'whole');
    await runSweep(options(whole), fakeBackend());
    const full = read(whole);
    const table = rows(whole);
    const lines = full.trimEnd().split('\n');
    // Group of point 0 (dense, ou.rows=4): points 0, 2, 4 (adc.bits varies, the key ignores it).
    const group = table.filter((r) => r.counts_from === '0').map((r) => Number(r.point));
    expect(group).to.deep.equal([0, 2, 4]);
    for (const keep of [[0], [2, 4]]) {
      const out = join(dir, `partial-${keep.join('-')}`);
      await runSweep(options(out), fakeBackend());
      writeFileSync(join(out, SWEEP_CSV), `${[lines[0], ...keep.map((p) => lines[p + 1])].join('\n')}\n`);
      await runSweep(options(out), fakeBackend());
      expect(read(out), `kept ${keep.join(',')}`).to.equal(full);
    }
  });

  it('shards take whole simulation groups and merge back to the whole sweep, byte for byte', async () => {
    const whole = join(dir, 'whole');
    const wholeBackend = fakeBackend();
    await runSweep(options(whole), wholeBackend);
    const shards = [0, 1, 2].map((index) => join(dir, `shard-${index}`));
    let simulations = 0;
    const owner = new Map<string, number>();
    for (const [index, out] of shards.entries()) {
      const backend = fakeBackend();
      await runSweep(options(out, { shard: { index, count: 3 } }), backend);
      simulations += backend.simulatedTasks.length;
      // A group (rows sharing counts_from) lives in one shard only.
      for (const r of rows(out)) {
        expect(owner.get(r.counts_from) ?? index).to.equal(index);
        owner.set(r.counts_from, index);
      }
    }
    expect(simulations).to.equal(wholeBackend.simulatedTasks.length);
    // Merge in a scrambled order: the result must not depend on it.
    const merged = join(dir, 'merged');
    const report = mergeSweeps([shards[2], shards[0], shards[1]], merged);
    expect(report.missing).to.deep.equal([]);
    expect(read(merged)).to.equal(read(whole));
  });

  it('merge into a folder that already holds the whole sweep keeps its rows', async () => {
    const whole = join(dir, 'whole');
    await runSweep(options(whole), fakeBackend());
    const before = read(whole);
    const shard0 = join(dir, 's0');
    await runSweep(options(shard0, { shard: { index: 0, count: 2 } }), fakeBackend());
    const report = mergeSweeps([shard0], whole);
    expect(report.missing).to.deep.equal([]);
    expect(report.keptFromOut).to.equal(12 - rows(shard0).length);
    expect(read(whole)).to.equal(before);
    // A sweep.csv of unknown origin (no sweep.json) is not overwritten.
    const stray = join(dir, 'stray');
    mkdirSync(stray);
    writeFileSync(join(stray, SWEEP_CSV), 'point,x\n0,1\n');
    expect(() => mergeSweeps([shard0], stray)).to.throw(InputError, /without sweep.json/);
    expect(readFileSync(join(stray, SWEEP_CSV), 'utf8')).to.equal('point,x\n0,1\n');
  });

  it('merge reports missing points, and a sweep on the merged folder fills them in', async () => {
    const shard0 = join(dir, 's0');
    await runSweep(options(shard0, { shard: { index: 0, count: 2 } }), fakeBackend());
    const merged = join(dir, 'merged');
    const report = mergeSweeps([shard0], merged);
    expect(report.missing).to.deep.equal([1, 3, 5, 7, 9, 11]);
    const backend = fakeBackend();
    await runSweep(options(merged), backend);
    expect(rows(merged)).to.have.length(12);
  });

  it('refuses to mix sweeps: another grid, seed or shard in the same folder', async () => {
    const out = join(dir, 'a');
    await runSweep(options(out), fakeBackend());
    await runSweep(options(out, { seed: 2 }), fakeBackend()).then(
      () => expect.fail('should refuse'),
      (e: unknown) => expect(e).to.be.instanceOf(InputError).and.to.match(/seed/),
    );
    await runSweep(options(out, { sets: ['adc.bits=4'] }), fakeBackend()).then(
      () => expect.fail('should refuse'),
      (e: unknown) =>
        expect(e)
          .to.be.instanceOf(InputError)
          .and.to.match(/axes|points/),
    );
    await runSweep(options(out, { shard: { index: 1, count: 2 } }), fakeBackend()).then(
      () => expect.fail('should refuse'),
      (e: unknown) => expect(e).to.be.instanceOf(InputError).and.to.match(/shard/),
    );
    expect(() => mergeSweeps([out, join(dir, 'nothing')], join(dir, 'm'))).to.throw(
      InputError,
      /not a sweep folder/,
    );
  });

  it('rejects an unknown key or an impossible arch before simulating anything', async () => {
    const backend = fakeBackend();
    for (const sets of [['adc.nope=1,2'], ['ou.rows=4,512']]) {
      const out = join(dir, sets[0]);
      await runSweep(options(out, { sets }), backend).then(
        () => expect.fail('should refuse'),
        (e: unknown) =>
          expect(e)
            .to.be.instanceOf(InputError)
            .and.to.match(/sweep point \d+ \(/),
      );
    }
    expect(backend.simulatedTasks).to.have.length(0);
  });

  it('names the field once when a point has a bad key', async () => {
    const error = await runSweep(options(join(dir, 'a'), { sets: ['adc.bitz=4,5'] }), fakeBackend()).then(
      () => expect.fail('should refuse'),
      (e: unknown) => e as InputError,
    );
    expect(error).to.be.instanceOf(InputError);
    expect(error.message).to.match(/^sweep point 0 \(/);
    expect(error.message.match(/adc\.bitz:/g)).to.have.length(1);
  });

  it('checks every mapper and trace before claiming the folder, so the fixed command runs', async () => {
    const badTrace = join(dir, 'bad-trace.json');
    writeFileSync(badTrace, '{"format": "ousim-trace", "layers": 3}');
    for (const bad of [{ mappings: ['dense', 'bogus'] }, { traces: ['tiny', badTrace] }]) {
      const out = join(dir, 'a');
      const backend = fakeBackend();
      await runSweep(options(out, bad), backend).then(
        () => expect.fail('should refuse'),
        (e: unknown) =>
          expect(e)
            .to.be.instanceOf(InputError)
            .and.to.match(/bogus|bad-trace/),
      );
      expect(backend.simulatedTasks).to.have.length(0);
      expect(existsSync(join(out, 'sweep.json'))).to.equal(false);
      expect(existsSync(join(out, SWEEP_CSV))).to.equal(false);
      expect((await runSweep(options(out), fakeBackend())).simulated).to.be.above(0);
      rmSync(out, { recursive: true });
    }
  });

  it('warns once when pattern axes cannot change a trace that needs no pruning', async () => {
    const sets = ['pattern.connectivity=2,3', 'pattern.count=4,6'];
    const lines: string[] = [];
    await runSweep(
      options(join(dir, 'a'), { traces: ['tiny-pruned', 'tiny'], sets }),
      fakeBackend(),
      undefined,
      (l) => lines.push(l),
    );
    const warnings = lines.filter((l) => /warning/.test(l));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('tiny-pruned').and.to.contain('pattern.connectivity, pattern.count');
    expect(warnings[0]).not.to.match(/tiny[^-]/);
    const quiet: string[] = [];
    await runSweep(options(join(dir, 'b'), { sets }), fakeBackend(), undefined, (l) => quiet.push(l));
    expect(quiet.filter((l) => /warning/.test(l))).to.deep.equal([]);
  });

  it('keeps the rows that worked when some points fail, and leaves the failed ones for a rerun', async () => {
    const out = join(dir, 'a');
    const report = await runSweep(options(out), fakeBackend({ failMapping: 'pattern' }));
    expect(report.failed).to.have.length(6);
    expect(rows(out).map((r) => r.mapping)).to.deep.equal(Array(6).fill('dense'));
    const backend = fakeBackend();
    await runSweep(options(out), backend);
    expect(backend.simulatedTasks.every((t) => t.mapping === 'pattern')).to.equal(true);
    expect(rows(out)).to.have.length(12);
    expect(existsSync(join(out, 'sweep.json'))).to.equal(true);
  });
});

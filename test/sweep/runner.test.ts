import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep, SWEEP_CSV, type SweepOptions } from '../../src/sweep/runner.ts';
import { mergeSweeps } from '../../src/sweep/merge.ts';
import { readCsv } from '../../src/output/csv-text.ts';
import { loadArch } from '../../src/config/arch.ts';
import { InputError } from '../../src/util/errors.ts';
import { fakeBackend, fakeCycles, fakeEnergy } from './fake-backend.ts';

function options(out: string, extra: Partial<SweepOptions> = {}): SweepOptions {
  return {
    traces: ['tiny'],
    mappings: ['dense', 'pattern'],
    sets: ['adc.bits=4,5,6', 'ou.rows=4,8'],
    arch: 'paper',
    seed: 1,
    fidelity: 'fast',
    out,
    ...extra,
  };
}

const read = (dir: string) => readFileSync(join(dir, SWEEP_CSV), 'utf8');
const rows = (dir: string) => readCsv(read(dir), dir).rows;
/** The rows without the bookkeeping of which point's counts were reused (it depends on what ran when). */
const figures = (dir: string) => rows(dir).map(({ repriced: _r, counts_from: _c, ...rest }) => rest);

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
    expect(figures(killed)).to.deep.equal(figures(whole));
    expect(read(killed).split('\n')[0]).to.equal(full.split('\n')[0]);
  });

  it('shards partition the points and merge back to the whole sweep', async () => {
    const whole = join(dir, 'whole');
    await runSweep(options(whole), fakeBackend());
    const shards = [0, 1, 2].map((index) => join(dir, `shard-${index}`));
    for (const [index, out] of shards.entries()) {
      await runSweep(options(out, { shard: { index, count: 3 } }), fakeBackend());
      expect(rows(out).every((r) => Number(r.point) % 3 === index)).to.equal(true);
    }
    // Merge in a scrambled order: the result must not depend on it.
    const merged = join(dir, 'merged');
    const report = mergeSweeps([shards[2], shards[0], shards[1]], merged);
    expect(report.missing).to.deep.equal([]);
    // Re-pricing is per shard, so compare the figures, not the bookkeeping columns.
    expect(figures(merged)).to.deep.equal(figures(whole));
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

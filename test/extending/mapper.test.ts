/**
 * docs/extending.md, "A new mapper": a toy mapper from this folder (toy-mapper/), registered with
 * one line, flows through the functional check, `ousim map`, `ousim run` (both fidelities, priced),
 * `ousim compare` and the CSVs, its own option a flag of each, without any other file knowing it.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkMapping } from '../../src/mapping/functional.ts';
import { readCsv, num } from '../../src/output/csv-text.ts';
import { convLayer, randomData, rng, testArch } from '../mapping/helpers.ts';
import { loadSrc, runInProcess, type Src } from './cli.ts';
import { toyMapper } from './toy-mapper/mapper.ts';

const rows = (out: string, file: string) => readCsv(readFileSync(join(out, file), 'utf8'), file).rows;

describe('extending: a new mapper (toy, registered from the test folder)', function () {
  this.timeout(120000);
  let src: Src;
  let unregister: () => void;
  before(async () => {
    src = await loadSrc();
    unregister = src.registry.registerMapper(toyMapper);
  });
  after(() => unregister());

  it('is listed, with its own option as a flag', () => {
    expect(src.registry.listMappers()).to.include('toy');
    expect(src.registry.mapperOptionSpecs().find((s) => s.mapper === 'toy')).to.include({
      flag: 'toy-columns',
      type: 'number',
    });
    expect(() => src.registry.registerMapper(toyMapper)).to.throw(/twice/);
  });

  it('passes the functional check: every layer computed exactly through its layout', () => {
    for (const seed of [1, 2, 3]) {
      for (const toyColumns of [3, 8, undefined]) {
        const r = rng(seed);
        const layer = convLayer(r, { cin: 5, cout: 6, patterns: 4, pruneProbability: 0.3 });
        const arch = testArch({ rows: 20, cols: 16, ouRows: 4, ouCols: 4 });
        const options = { toyColumns };
        const mapper = src.registry.getMapper('toy');
        const layout = mapper.layoutLayer(layer, arch, options);
        const mapping = mapper.mapLayer(layer, arch, options);
        expect(checkMapping(layer, layout, arch, randomData(r, layer, 6, 4), mapping).ok).to.equal(true);
      }
    }
  });

  it('ousim map --mapping toy --toy-columns 32: more crossbars than dense, its option recorded', async () => {
    const toy = await runInProcess(src.map, [
      'map',
      '--trace',
      'tiny',
      '--mapping',
      'toy',
      '--toy-columns',
      '32',
    ]);
    const dense = await runInProcess(src.map, ['map', '--trace', 'tiny', '--mapping', 'dense']);
    const [toySummary] = rows(toy.out, 'summary.csv');
    const [denseSummary] = rows(dense.out, 'summary.csv');
    expect(toySummary.mapping).to.equal('toy');
    expect(num(toySummary, 'crossbars')).to.be.greaterThan(num(denseSummary, 'crossbars'));
    expect(rows(toy.out, 'layers.csv').every((r) => r.scheme === 'toy')).to.equal(true);
    const config = JSON.parse(readFileSync(join(toy.out, 'config.resolved.json'), 'utf8')) as {
      mapperOptions: Record<string, unknown>;
    };
    expect(config.mapperOptions).to.include({ toyColumns: 32 });
    expect(toy.stdout).to.contain('toy');
  });

  it('ousim run --mapping toy: simulated and priced, the same CSVs in both fidelities', async () => {
    const args = ['run', '--trace', 'tiny', '--mapping', 'toy', '--toy-columns', '32'];
    const fast = await runInProcess(src.run, args);
    const ou = await runInProcess(src.run, [...args, '--fidelity', 'ou']);
    const [summary] = rows(fast.out, 'summary.csv');
    expect(summary.mapping).to.equal('toy');
    expect(num(summary, 'energy_pj')).to.be.greaterThan(0);
    expect(num(summary, 'energy_adc_pj')).to.be.greaterThan(0);
    const strip = (text: string) => text.replace(/,(fast|ou),/g, ',*,');
    for (const file of ['summary.csv', 'layers.csv'])
      expect(strip(readFileSync(join(ou.out, file), 'utf8')), file).to.equal(
        strip(readFileSync(join(fast.out, file), 'utf8')),
      );
  });

  it('ousim compare --mappings toy: a candidate over dense, with its own columns', async () => {
    const { out, stdout } = await runInProcess(src.compare, [
      'compare',
      '--traces',
      'tiny',
      '--mappings',
      'toy',
      '--toy-columns',
      '32',
      '--jobs',
      '1',
    ]);
    const summary = rows(out, 'summary.csv');
    expect(summary.map((r) => r.mapping)).to.deep.equal(['dense', 'toy']);
    const [row] = rows(out, 'compare.csv');
    expect(num(row, 'toy_speedup')).to.equal(num(summary[0], 'cycles') / num(summary[1], 'cycles'));
    expect(num(row, 'toy_crossbars')).to.equal(num(summary[1], 'crossbars'));
    expect(stdout).to.contain('toy over dense');
  });

  it('ousim sweep over it: its option the same at every point, recorded, and part of what a resume must match', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ousim-toy-sweep-')), 'sweep');
    const sweep = (toyColumns: number) =>
      src.api.sweep({
        traces: ['tiny'],
        mappings: ['toy'],
        axes: ['ou.rows=4,8'],
        mapperOptions: { toyColumns },
        jobs: 1,
        out,
      });
    const report = await sweep(32);
    expect(report.rows.map((r) => r.mapping)).to.deep.equal(['toy', 'toy']);
    const manifest = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.mapperOptions).to.deep.equal({ toyColumns: 32 });
    let refused: unknown;
    await sweep(16).catch((error: unknown) => (refused = error));
    expect(String(refused)).to.match(/mapper options/);
  });

  it('a bad value of its option is one InputError naming the flag', () => {
    const layer = convLayer(rng(1), { cin: 2, cout: 2 });
    const bad = () => src.registry.getMapper('toy').mapLayer(layer, testArch(), { toyColumns: 0 });
    expect(bad).to.throw(/^--toy-columns: /);
    expect(() => bad())
      .to.throw()
      .with.property('name', 'InputError');
  });
});

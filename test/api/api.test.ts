/**
 * The library API (src/api/index.ts) against the command line: its rows are the rows the CLI writes,
 * and its refusals are InputErrors. (The packed-tarball test is test/package/, `npm run test:api`.)
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from '../../src/api/index.ts';
import { ousim } from '../cli/cli-helpers.ts';

describe('api', function () {
  this.timeout(120_000);
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ousim-api-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('simulate returns the rows `ousim run` writes, and writeRun writes the same bytes', () => {
    const cli = join(dir, 'cli');
    const run = ousim([
      'run',
      '--trace',
      'tiny',
      '--mapping',
      'pattern',
      '--set',
      'ou.rows=4',
      '--seed',
      '3',
      '--out',
      cli,
    ]);
    expect(run.status, run.stderr).to.equal(0);
    const sim = api.simulate('tiny', api.loadArch('paper', ['ou.rows=4']), { mapping: 'pattern', seed: 3 });
    const read = (folder: string, file: string) => readFileSync(join(folder, file), 'utf8');
    expect(api.csv([sim.summary])).to.equal(read(cli, 'summary.csv'));
    expect(api.csv(sim.layers)).to.equal(read(cli, 'layers.csv'));
    expect(api.csv(sim.components)).to.equal(read(cli, 'components.csv'));
    const written = api.writeRun(join(dir, 'api'), sim);
    for (const file of ['summary.csv', 'layers.csv', 'components.csv', 'config.resolved.json'])
      expect(read(written, file), file).to.equal(read(cli, file));
  });

  it('map returns the rows of `ousim map`', () => {
    const cli = join(dir, 'map');
    const run = ousim(['map', '--trace', 'tiny', '--mapping', 'dense', '--out', cli]);
    expect(run.status, run.stderr).to.equal(0);
    const mapped = api.map('tiny', api.loadArch(), { mapping: 'dense' });
    expect(api.csv(mapped.layers)).to.equal(readFileSync(join(cli, 'layers.csv'), 'utf8'));
    expect(api.csv([mapped.summary])).to.equal(readFileSync(join(cli, 'summary.csv'), 'utf8'));
  });

  it('reprice equals simulating the price-only variant, and refuses an arch that changes the simulation', () => {
    const network = api.prune('tiny', api.loadArch()).network;
    const at6 = api.simulate(network, api.loadArch('paper', { 'adc.bits': 6 }));
    const at5 = api.loadArch('paper', { 'adc.bits': 5 });
    // paper's ADC converts at a fixed rate (adc.nsPerBit 0), so its bits only change prices.
    expect(api.reprice(at6, at5).summary).to.deep.equal(api.simulate(network, at5).summary);
    expect(() => api.reprice(at6, api.loadArch('paper', { 'ou.rows': 4 }))).to.throw(
      api.InputError,
      /changes what is simulated/,
    );
  });

  it('throws InputError for bad input, naming what is wrong', () => {
    const arch = api.loadArch();
    const cases: [() => unknown, RegExp][] = [
      [() => api.loadArch('nope'), /unknown preset or missing file 'nope'/],
      [() => api.loadArch('paper', { 'adc.bitz': 1 }), /adc\.bitz: unknown key/],
      [() => api.loadArch('paper', ['adc.bits']), /expected key=value/],
      [() => api.loadTrace('no-such-net'), /unknown zoo trace/],
      [() => api.simulate('tiny', arch, { fidelity: 'slow' as never }), /fidelity: expected fast or ou/],
      [() => api.simulate('tiny', arch, { mapping: 'diagonal' }), /unknown mapper 'diagonal'/],
      [() => api.map('tiny', arch, { replicationBudget: -1 }), /replicationBudget: expected a whole number/],
      [() => api.importModel('model.txt'), /expected a NeuroSim \.csv file or an \.onnx model/],
    ];
    for (const [call, message] of cases) expect(call).to.throw(api.InputError, message);
  });

  it('figures draws what `ousim figures` draws from a run folder, and refuses an unknown figure', async () => {
    const run = join(dir, 'fig-run');
    api.writeRun(run, api.simulate('tiny', api.loadArch('paper'), { mapping: 'pattern' }));
    const outcomes = await api.figures(run, join(dir, 'fig-api'), { png: false });
    const cli = ousim(['figures', '--in', run, '--out', join(dir, 'fig-cli'), '--no-png']);
    expect(cli.status, cli.stderr).to.equal(0);
    const drawn = outcomes.filter((o) => !o.skipped);
    expect(drawn.length).to.be.greaterThan(0);
    for (const o of drawn)
      for (const file of o.files) {
        const name = file.slice(file.lastIndexOf('/') + 1);
        expect(readFileSync(file, 'utf8')).to.equal(readFileSync(join(dir, 'fig-cli', name), 'utf8'));
      }
    let error: unknown;
    await api
      .figures(run, join(dir, 'fig-bad'), { only: ['no-such-figure'] })
      .catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(api.InputError);
    expect(existsSync(join(dir, 'fig-bad'))).to.equal(false);
  });

  it('sweep refuses a bad shard before writing anything', async () => {
    const out = join(dir, 'sweep-bad');
    let error: unknown;
    await api.sweep({ traces: ['tiny'], shard: '2/2', out, jobs: 1 }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(api.InputError);
    expect(String(error)).to.match(/--shard: i is 0-based/);
    expect(existsSync(out)).to.equal(false);
  });
});

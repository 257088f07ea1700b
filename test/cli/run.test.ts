import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ousim, ROOT } from './cli-helpers.ts';

const FILES = ['summary.csv', 'layers.csv', 'components.csv', 'config.resolved.json'];

describe('ousim run (command line)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ousim-run-'));

  it('writes the four result files and a summary, byte-identical for the same seed', () => {
    const first = ousim(['run', '--trace', 'tiny', '--out', join(dir, 'a'), '--seed', '3']);
    const second = ousim(['run', '--trace', 'tiny', '--out', join(dir, 'b'), '--seed', '3']);
    expect(first.status, first.stderr).to.equal(0);
    expect(second.status, second.stderr).to.equal(0);
    expect(first.stdout).to.match(/latency \d+ cycles/);
    for (const file of FILES) {
      const a = readFileSync(join(dir, 'a', file), 'utf8');
      expect(a.length, file).to.be.greaterThan(0);
      expect(readFileSync(join(dir, 'b', file), 'utf8'), file).to.equal(a);
    }
    const config = JSON.parse(readFileSync(join(dir, 'a', 'config.resolved.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config.seed).to.equal(3);
    expect(config).to.have.property('arch');
  });

  it('--images streams images: the stream columns, the same CSVs with --no-fast-forward', () => {
    const jumped = ousim(['run', '--trace', 'tiny', '--images', '12', '--out', join(dir, 's1')]);
    const full = ousim([
      'run',
      '--trace',
      'tiny',
      '--images',
      '12',
      '--no-fast-forward',
      '--out',
      join(dir, 's2'),
    ]);
    expect(jumped.status, jumped.stderr).to.equal(0);
    expect(full.status, full.stderr).to.equal(0);
    expect(jumped.stdout).to.match(/12 images in \d+ cycles: first latency \d+ cycles, interval \d+/);
    // Every row but the simulator's event count (a jump skips events).
    const results = (folder: string, file: string) =>
      readFileSync(join(dir, folder, file), 'utf8').replace(/^.*,simulator,events,.*\n/m, '');
    for (const file of ['summary.csv', 'layers.csv', 'components.csv'])
      expect(results('s1', file), file).to.equal(results('s2', file));
    const [header, row] = readFileSync(join(dir, 's1', 'summary.csv'), 'utf8')
      .trim()
      .split('\n');
    const cells = Object.fromEntries(header.split(',').map((name, i) => [name, Number(row.split(',')[i])]));
    expect(cells.images).to.equal(12);
    expect(cells.steady_state_image).to.be.at.least(1);
    expect(cells.interval_cycles).to.be.lessThan(cells.first_latency_cycles);
    expect(cells.cycles).to.be.greaterThan(cells.first_latency_cycles + 10 * cells.interval_cycles);
    const config = JSON.parse(readFileSync(join(dir, 's2', 'config.resolved.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect([config.images, config.fastForward]).to.deep.equal([12, false]);
  });

  it('a different seed prunes differently and changes the results', () => {
    const other = ousim(['run', '--trace', 'tiny', '--out', join(dir, 'c'), '--seed', '4']);
    expect(other.status, other.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'c', 'layers.csv'), 'utf8')).to.not.equal(
      readFileSync(join(dir, 'a', 'layers.csv'), 'utf8'),
    );
  });

  const badArch = (mutate: (arch: Record<string, Record<string, unknown>>) => void): string => {
    const arch = JSON.parse(readFileSync(join(ROOT, 'arch', 'paper.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    mutate(arch);
    const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(arch));
    return path;
  };

  for (const [label, args, field] of [
    ['an OU larger than the crossbar', ['--set', 'ou.rows=256'], 'ou.rows'],
    ['zero ADCs', ['--set', 'adc.perCrossbar=0'], 'adc.perCrossbar'],
    ['an unknown key in --set', ['--set', 'adc.bitz=6'], 'adc.bitz'],
    ['a value of the wrong type in --set', ['--set', 'ou.rows=many'], 'ou.rows'],
    ['an unknown preset', ['--arch', 'no-such-preset'], '--arch'],
    ['an unknown trace', ['--trace', 'no-such-net'], 'no-such-net'],
    ['an unknown mapper', ['--mapping', 'diagonal'], 'diagonal'],
    ['a single-valued flag given twice', ['--trace', 'tiny', '--trace', 'vgg16-cifar10'], '--trace'],
  ] as const) {
    it(`rejects ${label} with one line naming the field, exit code 2 and no output`, () => {
      const out = join(dir, `bad-${label.replace(/\W+/g, '-')}`);
      const trace = (args as readonly string[]).includes('--trace') ? [] : ['--trace', 'tiny'];
      const result = ousim(['run', ...trace, '--out', out, ...args]);
      expect(result.status).to.equal(2);
      expect(result.stderr.trim().split('\n')).to.have.length(1);
      expect(result.stderr).to.include(field);
      expect(result.stderr).to.not.match(/\bat .*\.ts:\d+/);
      expect(existsSync(out)).to.equal(false);
    });
  }

  it('rejects a negative latency in an arch file, naming the file and the field', () => {
    const path = badArch((a) => (a.crossbar.readLatencyNs = -1));
    const result = ousim(['run', '--trace', 'tiny', '--arch', path, '--out', join(dir, 'neg')]);
    expect(result.status).to.equal(2);
    expect(result.stderr).to.include(path);
    expect(result.stderr).to.include('crossbar.readLatencyNs');
  });

  it('leaves no staging folder behind', () => {
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).to.deep.equal([]);
  });
});

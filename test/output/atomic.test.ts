import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputFolder, writeFileAtomic } from '../../src/output/atomic.ts';
import { hostTag } from '../../src/output/folder.ts';
import { LOCK_FILE, lockFolder } from '../../src/output/lock.ts';
import { InputError } from '../../src/util/errors.ts';
import { ousim } from '../cli/cli-helpers.ts';

/** The pid of a process that has ended (so no live process has it, barring reuse). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

function commit(out: string, files: Record<string, string>, marker?: string): void {
  const folder = new OutputFolder(out, marker ? { marker } : {});
  for (const [name, text] of Object.entries(files)) folder.write(name, text);
  folder.commit();
}

const visible = (dir: string) => readdirSync(dir).sort();

describe('output folders', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ousim-atomic-'))));
  afterEach(() => {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces only the files it writes: a summary.csv it does not write is kept', () => {
    const out = join(dir, 'results');
    commit(out, { 'summary.csv': 'run\n', 'layers.csv': 'run\n' });
    commit(out, { 'a.svg': 'figure\n' });
    commit(out, { 'trace.json': 'pruned\n', 'patterns.csv': 'pruned\n' }, 'trace.json');
    expect(visible(out)).to.deep.equal(['a.svg', 'layers.csv', 'patterns.csv', 'summary.csv', 'trace.json']);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).to.equal('run\n');
    commit(out, { 'summary.csv': 'second run\n' });
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).to.equal('second run\n');
    expect(readFileSync(join(out, 'layers.csv'), 'utf8')).to.equal('run\n');
  });

  it('refuses an empty --out and the root of the file system', () => {
    for (const out of ['', '  ', '/'])
      expect(() => new OutputFolder(out), `'${out}'`).to.throw(InputError, /^--out: /);
    expect(() => writeFileAtomic('', 'x')).to.throw(InputError);
  });

  it('names a regular file, a dangling symlink or a file in the path, in one line', () => {
    writeFileSync(join(dir, 'file'), '');
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    const cases: [string, RegExp][] = [
      ['file', /is a file, not a folder/],
      ['dangling', /is a symlink to '.*nowhere', which does not exist/],
      ['file/sub', /'.*file' is a file, not a folder/],
    ];
    for (const [name, problem] of cases)
      expect(() => new OutputFolder(join(dir, name)), name).to.throw(InputError, problem);
  });

  it('removes the staging of a killed process at the next start, keeps a live one, finishes a begun commit', () => {
    const out = join(dir, 'run');
    commit(out, { 'summary.csv': 'old\n', 'layers.csv': 'old\n' });
    const dead = deadPid();
    const host = hostTag();
    // Killed while staging: removed.
    const staging = join(dir, `.run.partial-${dead}@${host}`);
    mkdirSync(staging);
    writeFileSync(join(staging, 'summary.csv'), 'half\n');
    // Of a live process (pid 1, or this test's parent), or another machine: kept.
    const live = join(dir, `.run.partial-${process.ppid}@${host}`);
    const remote = join(dir, `.run.partial-${dead}@another-host`);
    mkdirSync(live);
    mkdirSync(remote);
    new OutputFolder(out).discard();
    expect(existsSync(staging)).to.equal(false);
    expect(existsSync(live) && existsSync(remote)).to.equal(true);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).to.equal('old\n');

    // Killed mid-commit (its note written, the old summary removed, layers.csv moved): rolled forward.
    const begun = join(dir, `.run.partial-${dead}@${host}`);
    mkdirSync(begun);
    writeFileSync(join(begun, '.commit'), '{"marker":"summary.csv"}\n');
    writeFileSync(join(begun, 'summary.csv'), 'new\n');
    rmSync(join(out, 'summary.csv'));
    writeFileSync(join(out, 'layers.csv'), 'new\n');
    new OutputFolder(out).discard();
    expect(existsSync(begun)).to.equal(false);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).to.equal('new\n');
    expect(visible(out)).to.deep.equal(['layers.csv', 'summary.csv']);
  });

  it('locks: a live holder is refused (named), a dead one of this machine taken over', () => {
    const out = join(dir, 'locked');
    mkdirSync(out);
    const lock = lockFolder(out, 'sweep');
    expect(() => lockFolder(out, 'sweep')).to.throw(
      InputError,
      new RegExp(`pid ${process.pid} on ${hostTag()}`),
    );
    lock.release();
    expect(existsSync(join(out, LOCK_FILE))).to.equal(false);

    // A killed owner; and this pid, not held by this process (an earlier process with the same pid).
    for (const pid of [deadPid(), process.pid]) {
      writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid, host: hostTag(), command: 'sweep' }));
      lockFolder(out, 'sweep').release();
      expect(visible(out)).to.deep.equal([]);
    }

    const remote = JSON.stringify({ pid: deadPid(), host: 'another-host', command: 'sweep' });
    writeFileSync(join(out, LOCK_FILE), remote);
    expect(() => lockFolder(out, 'commit')).to.throw(InputError, /on another-host.*delete .*\.ousim-lock/);
    expect(readFileSync(join(out, LOCK_FILE), 'utf8')).to.equal(remote);
    const started = Date.now();
    expect(() => lockFolder(out, 'commit', { waitMs: 200 })).to.throw(InputError);
    expect(Date.now() - started).to.be.at.least(200);
  });

  it('a commit into a folder another live process holds waits, then refuses without moving anything', () => {
    const out = join(dir, 'held');
    mkdirSync(out);
    writeFileSync(
      join(out, LOCK_FILE),
      JSON.stringify({ pid: process.ppid, host: hostTag(), command: 'sweep' }),
    );
    const folder = new OutputFolder(out, { lockWaitMs: 100 });
    folder.write('summary.csv', 'x\n');
    expect(() => folder.commit()).to.throw(InputError, /in use by ousim sweep/);
    folder.discard();
    expect(visible(out)).to.deep.equal([LOCK_FILE]);
  });
});

describe('output commands keep what they do not write (command line)', function () {
  this.timeout(60000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ousim-keep-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prune --out D keeps D/summary.csv; figures --in D --out D keeps its input', () => {
    const out = join(dir, 'D');
    expect(ousim(['run', '--trace', 'tiny', '--mapping', 'dense', '--out', out]).status).to.equal(0);
    const before = Object.fromEntries(visible(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
    const figures = ousim(['figures', '--in', out, '--out', out, '--only', 'energy-breakdown', '--no-png']);
    expect(figures.status, figures.stderr).to.equal(0);
    const prune = ousim(['prune', '--trace', 'tiny', '--out', out]);
    expect(prune.status, prune.stderr).to.equal(0);
    for (const [name, text] of Object.entries(before))
      expect(readFileSync(join(out, name), 'utf8'), name).to.equal(text);
    expect(visible(out)).to.include.members(['energy-breakdown.svg', 'trace.json', 'patterns.csv']);
  });

  it('a read-only --out is one line naming the path, exit 2', function () {
    // As root, permissions do not stop a write: use a folder of sysfs, which refuses new files.
    const readOnly = process.getuid?.() === 0 ? '/sys/kernel' : join(dir, 'ro');
    if (readOnly !== '/sys/kernel') {
      mkdirSync(readOnly);
      chmodSync(readOnly, 0o555);
      chmodSync(dir, 0o555);
    }
    if (!existsSync(readOnly)) this.skip();
    try {
      for (const args of [
        ['sweep', '--trace', 'tiny', '--mapping', 'dense', '--jobs', '1'],
        ['prune', '--trace', 'tiny'],
      ]) {
        const run = ousim([...args, '--out', readOnly]);
        expect(run.status, run.stderr).to.equal(2);
        expect(run.stderr.trim().split('\n'), run.stderr).to.have.length(1);
        expect(run.stderr).to.match(/^ousim: --out: cannot write '.*(kernel|ro)/);
      }
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});

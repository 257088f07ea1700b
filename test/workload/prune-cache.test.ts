/**
 * The prune cache (src/workload/prune-cache.ts): the same bytes with and without it, entries keyed by
 * everything pruning reads, corrupt entries pruned again, and never a folder outside the test's own.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArch } from '../../src/config/arch.ts';
import { parseOverride } from '../../src/config/overrides.ts';
import { prepareNetwork } from '../../src/sim/setup.ts';
import { pruneNetwork } from '../../src/workload/prune.ts';
import { cacheDir, cachedPrune, pruneKey } from '../../src/workload/prune-cache.ts';
import { loadTrace, resolveTracePath } from '../../src/workload/trace.ts';
import { ROOT } from '../cli/cli-helpers.ts';

const FILES = ['summary.csv', 'layers.csv', 'components.csv', 'config.resolved.json'];

function run(out: string, env: Record<string, string | undefined>) {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'ousim.js'), 'run', '--trace', 'tiny', '--mapping', 'pattern', '--out', out],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } },
  );
  expect(result.status, result.stderr).to.equal(0);
}

describe('workload: the prune cache', function () {
  this.timeout(120_000);
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ousim-prune-cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives byte-identical results with it off, on a miss and on a hit', () => {
    const cache = join(dir, 'cache');
    run(join(dir, 'off'), { OUSIM_CACHE: 'off', OUSIM_CACHE_DIR: cache });
    expect(existsSync(cache), 'off writes nothing').to.equal(false);
    run(join(dir, 'miss'), { OUSIM_CACHE_DIR: cache });
    expect(readdirSync(join(cache, 'pruned'))).to.have.length(1);
    run(join(dir, 'hit'), { OUSIM_CACHE_DIR: cache });
    for (const file of FILES) {
      const off = readFileSync(join(dir, 'off', file), 'utf8');
      expect(readFileSync(join(dir, 'miss', file), 'utf8'), file).to.equal(off);
      expect(readFileSync(join(dir, 'hit', file), 'utf8'), file).to.equal(off);
    }
  });

  it('returns what pruning returns, from a fresh entry, a stored one, and after a corrupt one', () => {
    const arch = loadArch('paper', []);
    const loaded = loadTrace(resolveTracePath('tiny'));
    const expected = pruneNetwork(loaded, arch.pattern, 5).network;
    const key = pruneKey(loaded, arch.pattern, 5);
    let prunes = 0;
    const prune = () => {
      prunes++;
      return pruneNetwork(loaded, arch.pattern, 5).network;
    };
    expect(cachedPrune(loaded, key, prune, { dir }).network).to.deep.equal(expected);
    expect(cachedPrune(loaded, key, prune, { dir }).network).to.deep.equal(expected);
    expect(prunes, 'the second call reads the entry').to.equal(1);
    const [entry] = readdirSync(join(dir, 'pruned'));
    const file = join(dir, 'pruned', entry);
    const bytes = readFileSync(file);
    for (const broken of [
      bytes.subarray(0, bytes.length - 3),
      Buffer.from('{"format":1}\n'),
      Buffer.alloc(0),
    ]) {
      writeFileSync(file, broken);
      expect(cachedPrune(loaded, key, prune, { dir }).network).to.deep.equal(expected);
    }
    expect(prunes, 'each broken entry is pruned again').to.equal(4);
    expect(readFileSync(file).equals(bytes), 'and rewritten').to.equal(true);
  });

  it('keys an entry by the trace, the pruning keys, the weights and the seed', () => {
    const arch = loadArch('paper', []);
    const other = loadArch('paper', [parseOverride('pattern.connectivity=2')]);
    const loaded = loadTrace(resolveTracePath('tiny'));
    const base = pruneKey(loaded, arch.pattern, 1);
    const renamed = {
      ...loaded,
      layers: loaded.layers.map((l, i) => (i === 0 ? { ...l, name: 'first' } : l)),
    };
    const keys = [
      base,
      pruneKey(loaded, arch.pattern, 2),
      pruneKey(loaded, other.pattern, 1),
      pruneKey(loaded, arch.pattern, 1, 'a'.repeat(64)),
      pruneKey(renamed, arch.pattern, 1),
      pruneKey(loadTrace(resolveTracePath('vgg8-cifar10')), arch.pattern, 1),
    ];
    expect(new Set(keys).size).to.equal(keys.length);
    expect(pruneKey(loadTrace(resolveTracePath('tiny')), arch.pattern, 1)).to.equal(base);
  });

  it('lives in OUSIM_CACHE_DIR, else XDG_CACHE_HOME/ousim, else ~/.cache/ousim; OUSIM_CACHE=off turns it off', () => {
    expect(cacheDir({ OUSIM_CACHE_DIR: '/x' })).to.equal('/x');
    expect(cacheDir({ XDG_CACHE_HOME: '/y' })).to.equal(join('/y', 'ousim'));
    expect(cacheDir({})).to.match(/\.cache[/\\]ousim$/);
    expect(cacheDir({ OUSIM_CACHE: 'off', OUSIM_CACHE_DIR: '/x' })).to.equal(undefined);
    // This test run's own folder (test/temp-cache.cjs), not the user's.
    expect(cacheDir()).to.equal(process.env.OUSIM_TEST_CACHE_DIR);
  });

  it('a sweep hands its workers the masks it pruned once (prepareNetwork reuses given masks)', () => {
    const arch = loadArch('paper', []);
    const first = prepareNetwork('tiny', arch, 1);
    expect(first.masks?.layers.length).to.be.greaterThan(0);
    // Same masks object: taken as given, neither pruned again nor read from the cache.
    const handed = prepareNetwork('tiny', arch, 1, { masks: true, given: first.masks });
    expect(handed.network).to.deep.equal(first.network);
    expect(handed.masks).to.equal(first.masks);
  });
});

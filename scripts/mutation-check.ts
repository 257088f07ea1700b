/**
 * On-demand mutation check (issue 14; not run in CI): applies each mutation below to the source, one
 * at a time, runs the tests meant to notice it (each file on its own) and expects one to fail. The file is restored after
 * every mutation, also on Ctrl-C or an error. Exit code 1 if a mutation survives (the tests passed).
 *
 *   npm run mutation                 every mutation
 *   npm run mutation -- psum-delay   only the named ones
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/util/paths.ts';

interface Mutation {
  name: string;
  what: string;
  file: string;
  /** Exact text to replace; must occur once in the file. */
  find: string;
  replace: string;
  tests: string[];
}

const LAYER_COPY = 'src/sim/layer-copy.ts';
const MULTI_TILE_TESTS = [
  'test/sim/noc-closed-form.test.ts',
  'test/sim/golden.test.ts',
  'test/sim/conservation.test.ts',
];

const MUTATIONS: Mutation[] = [
  {
    name: 'psum-delay',
    what: 'remote partial sums no longer delay the output (their NoC arrival is ignored)',
    file: LAYER_COPY,
    find: 'if (at > ready) ready = at;',
    replace: 'void at;',
    tests: MULTI_TILE_TESTS,
  },
  {
    name: 'multicast-free',
    what: 'the window multicast takes no time (sent, but the remote tile has the window at once)',
    file: LAYER_COPY,
    find: 'this.readyAt[k] = ctx.noc.send(home, tile, flits, ready, this.unit.counts);',
    replace: 'ctx.noc.send(home, tile, flits, ready, this.unit.counts);\n      this.readyAt[k] = ready;',
    tests: MULTI_TILE_TESTS,
  },
  {
    name: 'psum-adds-uncounted',
    what: 'the partial-sum merges (psumAdds) are not added to the shift-add count',
    file: LAYER_COPY,
    find: 'counts.shiftAdds += this.psumAdds;',
    replace: '',
    tests: MULTI_TILE_TESTS,
  },
  {
    name: 'no-back-pressure',
    what: 'a copy always has room for another window (back-pressure off)',
    file: LAYER_COPY,
    find: 'return this.held < WINDOWS_IN_FLIGHT;',
    replace: 'return this.held >= 0;',
    tests: ['test/sim/back-pressure.test.ts'],
  },
  {
    name: 'psum-hops-uncounted',
    what: "partial sums crossing the NoC are charged to no layer's account (the NoC charges the account it is given)",
    file: LAYER_COPY,
    find: 'const at = ctx.noc.send(tile, this.placement.homeTile, flits, now, counts);',
    replace: 'const at = ctx.noc.send(tile, this.placement.homeTile, flits, now, emptyCounts());',
    tests: MULTI_TILE_TESTS,
  },
  {
    name: 'arbiter-reverse-order',
    what: 'copies finishing in the same cycle are granted highest copy index first',
    file: 'src/sim/arbiter.ts',
    find: 'pending[j].placement.globalIndex > copy.placement.globalIndex',
    replace: 'pending[j].placement.globalIndex < copy.placement.globalIndex',
    tests: ['test/sim/arbiter.test.ts'],
  },
];

/** The file being mutated and its original text, restored on every way out. */
let pending: { path: string; original: string } | undefined;

function restore(): void {
  if (!pending) return;
  writeFileSync(pending.path, pending.original);
  pending = undefined;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    restore();
    process.stderr.write(`\nmutation-check: ${signal}, source restored\n`);
    process.exit(130);
  });
}
process.on('exit', restore);

class Interrupted extends Error {}

/** Run the mocha files on their own (not the whole suite); true when they all pass. */
function testsPass(files: string[]): boolean {
  const result = spawnSync(
    'npx',
    [
      'mocha',
      '--no-config',
      '--node-option',
      'import=tsx',
      '--reporter',
      'dot',
      '--timeout',
      '120000',
      ...files,
    ],
    { cwd: projectRoot, stdio: ['ignore', 'ignore', 'ignore'] },
  );
  if (result.error) throw result.error;
  // Ctrl-C reaches mocha too (same process group) while this process waits in spawnSync, so its
  // own handler would only run at the very end: stop here instead (the caller restores the file).
  if (result.signal === 'SIGINT' || result.signal === 'SIGTERM') throw new Interrupted(result.signal);
  return result.status === 0;
}

const wanted = process.argv.slice(2);
const chosen = wanted.length ? MUTATIONS.filter((m) => wanted.includes(m.name)) : MUTATIONS;
if (chosen.length === 0) {
  process.stderr.write(`mutation-check: no such mutation (${MUTATIONS.map((m) => m.name).join(', ')})\n`);
  process.exit(2);
}

let survived = 0;
for (const mutation of chosen) {
  const path = join(projectRoot, mutation.file);
  const original = readFileSync(path, 'utf8');
  const at = original.indexOf(mutation.find);
  if (at < 0 || original.indexOf(mutation.find, at + 1) >= 0) {
    process.stderr.write(
      `mutation-check: '${mutation.name}': its text is not in ${mutation.file} exactly once\n`,
    );
    process.exit(2);
  }
  pending = { path, original };
  writeFileSync(path, original.slice(0, at) + mutation.replace + original.slice(at + mutation.find.length));
  const start = Date.now();
  let killers: string[];
  try {
    // Each file on its own, so the report says which tests notice the mutation.
    killers = mutation.tests.filter((file) => !testsPass([file]));
  } catch (error) {
    restore();
    if (!(error instanceof Interrupted)) throw error;
    process.stderr.write(`\nmutation-check: ${error.message}, source restored\n`);
    process.exit(130);
  } finally {
    restore();
  }
  const seconds = ((Date.now() - start) / 1000).toFixed(0);
  const passed = killers.length === 0;
  if (passed) survived++;
  const by = passed
    ? ''
    : `; failed: ${killers.map((f) => f.replace(/^test\/sim\/|\.test\.ts$/g, '')).join(', ')}`;
  process.stdout.write(
    `${passed ? 'SURVIVED' : 'killed  '}  ${mutation.name.padEnd(20)} ${mutation.what} (${seconds} s${by})\n`,
  );
}
process.stdout.write(`${chosen.length - survived} of ${chosen.length} mutations killed\n`);
process.exit(survived > 0 ? 1 : 0);

/**
 * The test runner's configuration: `npx mocha <file>` runs that file only (the suite's glob lives in
 * package.json's `test` script, not in .mocharc.cjs), and property tests run with a fixed seed.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';

describe('mocha configuration', () => {
  it('runs only the file named on the command line', function () {
    this.timeout(120000);
    const run = spawnSync(
      process.execPath,
      ['node_modules/mocha/bin/mocha.js', 'test/output/csv-text.test.ts'],
      {
        encoding: 'utf8',
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    const closing = /(\d+) passed, (\d+) failed/.exec(run.stdout);
    expect(closing, run.stdout + run.stderr).to.not.equal(null);
    const tests = (readFileSync('test/output/csv-text.test.ts', 'utf8').match(/^\s*it\(/gm) ?? []).length;
    expect(Number(closing![1]) + Number(closing![2])).to.equal(tests);
  });

  it('keeps the whole suite in `npm test`', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { test: string } };
    expect(pkg.scripts.test).to.contain('test/**/*.test.ts');
  });

  it('seeds fast-check deterministically unless FC_SEED says otherwise', () => {
    const seed = fc.readConfigureGlobal().seed;
    if (process.env.FC_SEED === undefined || process.env.FC_SEED === '') expect(seed).to.equal(20260);
    else if (process.env.FC_SEED === 'random') expect(seed).to.equal(undefined);
    else expect(seed).to.equal(Number(process.env.FC_SEED));
  });
});

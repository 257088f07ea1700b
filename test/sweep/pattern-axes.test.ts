import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '../../src/output/csv-text.ts';
import { projectRoot } from '../../src/util/paths.ts';

describe('sweep over pattern.* keys', function () {
  this.timeout(60000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ousim-sweep-pattern-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('simulates each pruning for the pattern mapper, and the dense mapper once (it ignores the masks)', () => {
    const out = join(dir, 'conn');
    const run = spawnSync(
      process.execPath,
      [
        join(projectRoot, 'bin', 'ousim.js'),
        'sweep',
        '--trace',
        'tiny',
        '--mapping',
        'dense,pattern',
        '--set',
        'pattern.connectivity=1,2,3',
        '--jobs',
        '1',
        '--out',
        out,
      ],
      { encoding: 'utf8', cwd: projectRoot },
    );
    expect(run.status, run.stderr).to.equal(0);
    const rows = readCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'), 'sweep').rows;
    const dense = rows.filter((r) => r.mapping === 'dense');
    const pattern = rows.filter((r) => r.mapping === 'pattern');
    expect(dense.map((r) => r.repriced)).to.deep.equal(['false', 'true', 'true']);
    expect(new Set(dense.map((r) => r.cycles)).size).to.equal(1);
    expect(pattern.map((r) => r.repriced)).to.deep.equal(['false', 'false', 'false']);
    expect(new Set(pattern.map((r) => r.ou_steps_count)).size).to.equal(3);
  });
});

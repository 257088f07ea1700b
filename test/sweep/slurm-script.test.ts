/**
 * scripts/slurm-sweep.sh outside SLURM, with the environment an array task gets: the shard index is
 * 0-based whatever the array's first id, N is the array's size, and a submit folder that is not the
 * repository is one clear line. (The real cluster run is `npm run test:slurm`.)
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../cli/cli-helpers.ts';

function task(env: Record<string, string>) {
  return spawnSync('bash', [join(ROOT, 'scripts', 'slurm-sweep.sh')], {
    encoding: 'utf8',
    env: { ...process.env, SLURM_CPUS_PER_TASK: '1', ...env },
  });
}

describe('scripts/slurm-sweep.sh', function () {
  this.timeout(60_000);
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ousim-slurm-script-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs task 2 of an array 1-3 as shard 1/3 of SWEEP_FLAGS into $OUT-shard-1', () => {
    const result = task({
      SLURM_SUBMIT_DIR: ROOT,
      SLURM_ARRAY_TASK_ID: '2',
      SLURM_ARRAY_TASK_MIN: '1',
      SLURM_ARRAY_TASK_COUNT: '3',
      SWEEP_FLAGS: '--trace tiny --mapping dense --set adc.bits=4,5 --set ou.rows=4,8',
      OUT: join(dir, 'sw'),
    });
    expect(result.status, result.stderr).to.equal(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'sw-shard-1', 'sweep.json'), 'utf8')) as {
      shard: string;
      points: number;
    };
    expect(manifest).to.include({ shard: '1/3', points: 4 });
  });

  it('refuses a submit folder that is not the repository, in one line, exit 2', () => {
    const result = task({ SLURM_SUBMIT_DIR: dir });
    expect(result.status).to.equal(2);
    expect(result.stderr.trim().split('\n')).to.have.length(1);
    expect(result.stderr).to.match(/is not the ousim repository; submit from its root/);
  });
});

// Loaded before every test (.mocharc.cjs `require`, and `npm run test:api`): the prune cache
// (src/workload/prune-cache.ts) goes to a temporary folder of this test run, never the user's
// ~/.cache; processes and workers the tests start inherit it. Removed when the run ends.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const process = require('node:process');

if (!process.env.OUSIM_TEST_CACHE_DIR) {
  const dir = mkdtempSync(join(tmpdir(), 'ousim-test-cache-'));
  process.env.OUSIM_TEST_CACHE_DIR = dir;
  process.env.OUSIM_CACHE_DIR = dir;
  delete process.env.OUSIM_CACHE;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}

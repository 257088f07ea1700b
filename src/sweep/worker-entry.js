// Piscina worker entry. Plain JS because this file must load before TypeScript can. In the
// published build (dist/sweep/, `npm run build`) the compiled worker.js sits next to this file. In
// the repository the worker runs dist/ too while dist/ is current for src/ (bin/compiled.js), and
// otherwise TypeScript: worker threads start without tsx's loader (bin/ousim.js registers it in the
// main thread only), so it is registered here first.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const beside = new URL('./worker.js', import.meta.url);
let worker;
if (existsSync(beside)) {
  worker = await import(beside.href);
} else {
  const { compiledEntry } = await import('../../bin/compiled.js');
  const compiled = compiledEntry('sweep/worker.js');
  if (compiled) {
    worker = await import(compiled);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    worker = await import('./worker.ts');
  }
}

export default worker.runTaskSafely;
export const runBatchSafely = worker.runBatchSafely;

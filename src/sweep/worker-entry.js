// Piscina worker entry. Plain JS because this file must load before TypeScript can. In the
// repository (and from bin/ousim.js) the worker is TypeScript: worker threads start without tsx's
// loader (bin/ousim.js registers it in the main thread only), so register it here first. In the
// published build (dist/sweep/, `npm run build`) the compiled worker.js sits next to this file.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const compiled = new URL('./worker.js', import.meta.url);
let worker;
if (existsSync(compiled)) {
  worker = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  worker = await import('./worker.ts');
}

export default worker.runTaskSafely;
export const runBatchSafely = worker.runBatchSafely;

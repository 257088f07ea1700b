// Piscina worker entry. Worker threads start without tsx's loader when ousim runs from
// bin/ousim.js (which registers tsx in the main thread only), so register it here, then load
// the TypeScript worker. Plain JS because this file must load before TypeScript can.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./worker.ts');

export default worker.runTaskSafely;
export const runBatchSafely = worker.runBatchSafely;

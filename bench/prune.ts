/**
 * Pattern-pruning benchmark: wall time of `pruneNetwork` per zoo network with synthetic weights
 * and the paper's pattern options, as a simulation of an unpruned trace pays it on the fly.
 * Also the share of it spent generating the synthetic weights alone.
 *
 * Each figure is the median of REPEATS runs after one warm-up run (the JIT compiles the hot loops
 * on the first network; without a warm-up the first row would be several times slower).
 */
import { performance } from 'node:perf_hooks';
import { pruneNetwork, isPrunable } from '../src/workload/prune.ts';
import { loadTrace, resolveTracePath } from '../src/workload/trace.ts';
import type { Network } from '../src/workload/types.ts';
import { syntheticConvWeights } from '../src/workload/weights/source.ts';
import { ZOO } from '../src/workload/zoo.ts';

const REPEATS = 5;
const OPTIONS = { size: 4, count: 8, connectivity: 2.5 }; // arch/paper.json
const SEED = 1;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

function timeMs(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function kernels3x3(network: Network): number {
  let n = 0;
  for (const l of network.layers) if (isPrunable(l) && l.type === 'conv') n += (l.cout * l.cin) / l.groups;
  return n;
}

/** Only the synthetic weights of the prunable layers, as pruneNetwork asks for them. */
function generateWeights(network: Network): void {
  for (const l of network.layers) if (isPrunable(l) && l.type === 'conv') syntheticConvWeights(l, SEED);
}

export async function benchPrune(): Promise<void> {
  const networks = Object.keys(ZOO).map((name) => ({ name, network: loadTrace(resolveTracePath(name)) }));
  pruneNetwork(networks[networks.length - 1].network, OPTIONS, SEED); // warm-up
  console.log(
    `pruneNetwork, synthetic weights, size ${OPTIONS.size}, count ${OPTIONS.count}, ` +
      `connectivity ${OPTIONS.connectivity}; median of ${REPEATS} runs`,
  );
  console.log('network              3x3 kernels   prune ms   (weights ms)');
  for (const { name, network } of networks) {
    const prune: number[] = [];
    const weights: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      prune.push(timeMs(() => pruneNetwork(network, OPTIONS, SEED)));
      weights.push(timeMs(() => generateWeights(network)));
    }
    console.log(
      `${name.padEnd(20)} ${String(kernels3x3(network)).padStart(11)} ` +
        `${median(prune).toFixed(1).padStart(10)}   (${median(weights).toFixed(1)})`,
    );
  }
  await Promise.resolve();
}

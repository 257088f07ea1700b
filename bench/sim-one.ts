/**
 * One simulation in a process of its own, so that its peak memory (maxRSS) is its own:
 * `node --import tsx bench/sim-one.ts <trace> <mapper> [arch] [images] [fast-forward: 1|0] [zeroFraction]`
 * prints one JSON line of timings. With a zero fraction, the network gets synthetic ReLU-like
 * activations with that fraction of zeros (src/workload/synthetic-activations.ts, seed 1) and runs
 * data-driven (`sparsity.skipZeroRows=true`).
 */
import { loadArch } from '../src/config/arch.ts';
import { parseOverride } from '../src/config/overrides.ts';
import { mapNetwork } from '../src/mapping/registry.ts';
import { simulate } from '../src/sim/simulate.ts';
import { prepareNetwork } from '../src/sim/setup.ts';
import { syntheticActivations } from '../src/workload/synthetic-activations.ts';

const [
  trace = 'vgg16-cifar10',
  mapper = 'pattern',
  archName = 'paper',
  imagesText = '1',
  ffText = '1',
  zero,
] = process.argv.slice(2);
const images = Number(imagesText);
const dataDriven = zero !== undefined;
const arch = loadArch(archName, dataDriven ? [parseOverride('sparsity.skipZeroRows=true')] : []);
const t0 = performance.now();
const { network } = prepareNetwork(trace, arch, 1, { masks: mapper !== 'dense' });
const t1 = performance.now();
if (dataDriven)
  network.activations = syntheticActivations(network, {
    zeroFraction: Number(zero),
    bits: arch.precision.inputBits,
    seed: 1,
    patch: 2,
  });
const tAct = performance.now();
mapNetwork(network, arch, mapper, {});
const t2 = performance.now();
const result = simulate({
  arch,
  network,
  mapper,
  mapperOptions: {},
  fidelity: 'fast',
  seed: 1,
  images,
  fastForward: ffText !== '0',
});
const t3 = performance.now();
let staticSteps = 0;
for (const layer of result.layers)
  if (layer.ouStepsSkippedFraction !== undefined && layer.ouStepsSkippedFraction < 1)
    staticSteps += layer.counts.ouSteps / (1 - layer.ouStepsSkippedFraction);
console.log(
  JSON.stringify({
    trace,
    mapper,
    loadAndPruneMs: Math.round(t1 - t0),
    activationsMs: Math.round(tAct - t1),
    mapMs: Math.round(t2 - tAct),
    simulateMs: Math.round(t3 - t2),
    totalMs: Math.round(t3 - t0),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    images,
    cycles: result.cycles,
    intervalCycles: result.stream.intervalCycles,
    steadyFromImage: result.stream.steadyFromImage,
    crossbars: result.crossbars,
    ouSteps: result.counts.ouSteps,
    ouStepsSkippedFraction: staticSteps > 0 ? 1 - result.counts.ouSteps / staticSteps : 0,
  }),
);

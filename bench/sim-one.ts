/**
 * One simulation in a process of its own, so that its peak memory (maxRSS) is its own:
 * `node --import tsx bench/sim-one.ts <trace> <mapper> [arch] [images] [fast-forward: 1|0]` prints one
 * JSON line of timings.
 */
import { loadArch } from '../src/config/arch.ts';
import { mapNetwork } from '../src/mapping/registry.ts';
import { simulate } from '../src/sim/simulate.ts';
import { prepareNetwork } from '../src/sim/setup.ts';

const [trace = 'vgg16-cifar10', mapper = 'pattern', archName = 'paper', imagesText = '1', ffText = '1'] =
  process.argv.slice(2);
const images = Number(imagesText);
const arch = loadArch(archName);
const t0 = performance.now();
const { network } = prepareNetwork(trace, arch, 1, { masks: mapper !== 'dense' });
const t1 = performance.now();
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
console.log(
  JSON.stringify({
    trace,
    mapper,
    loadAndPruneMs: Math.round(t1 - t0),
    mapMs: Math.round(t2 - t1),
    simulateMs: Math.round(t3 - t2),
    totalMs: Math.round(t3 - t0),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    images,
    cycles: result.cycles,
    intervalCycles: result.stream.intervalCycles,
    steadyFromImage: result.stream.steadyFromImage,
    crossbars: result.crossbars,
  }),
);

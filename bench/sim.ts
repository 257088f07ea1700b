/**
 * Simulation speed and memory, one image, `fast` fidelity, each mapping (issue 5 targets on this
 * 2-core machine: VGG-16 ImageNet < 10 s and < 1 GB, ResNet-18 ImageNet < 5 s, VGG-16 CIFAR-10 < 1 s).
 * Each run is a child process so that its peak RSS is its own. `simulate` includes mapping and
 * placement (mapping is also shown alone); `total` adds loading and on-the-fly pruning of the trace.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const CASES: [string, string][] = [
  ['vgg16-cifar10', 'dense'],
  ['vgg16-cifar10', 'pattern'],
  ['resnet18-cifar10', 'dense'],
  ['resnet18-cifar10', 'pattern'],
  ['resnet18-imagenet', 'dense'],
  ['resnet18-imagenet', 'pattern'],
  ['vgg16-imagenet', 'dense'],
  ['vgg16-imagenet', 'pattern'],
  ['vgg16-cifar10', 'sre'],
  ['vgg16-imagenet', 'sre'],
];

interface Row {
  trace: string;
  mapper: string;
  loadAndPruneMs: number;
  mapMs: number;
  simulateMs: number;
  totalMs: number;
  maxRssMB: number;
}

export async function simBench(): Promise<void> {
  const script = join(import.meta.dirname, 'sim-one.ts');
  console.log('trace              mapper    prune ms   map ms  simulate ms  total ms  peak RSS MB');
  for (const [trace, mapper] of CASES) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, trace, mapper], {
      encoding: 'utf8',
    });
    const r = JSON.parse(out.trim().split('\n').pop() as string) as Row;
    console.log(
      `${r.trace.padEnd(18)} ${r.mapper.padEnd(8)} ${String(r.loadAndPruneMs).padStart(9)} ${String(r.mapMs).padStart(8)} ` +
        `${String(r.simulateMs).padStart(12)} ${String(r.totalMs).padStart(9)} ${String(r.maxRssMB).padStart(12)}`,
    );
  }
  await Promise.resolve();
}

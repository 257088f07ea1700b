/**
 * Data-driven simulation speed and memory (issue 9 target on this 2-core machine: VGG-16 ImageNet with
 * activations, `fast` fidelity, each mapping, < 30 s and < 2 GB). The activations are synthetic
 * (ReLU-like, 50 % zeros in 2x2 patches, seed 1) until captured ones are at hand; each run is a child
 * process (bench/sim-one.ts) so that its peak RSS is its own. `simulate` includes mapping and placement;
 * `total` adds loading, pruning and making the activations.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const CASES: [string, string][] = [
  ['vgg16-cifar10', 'dense'],
  ['vgg16-cifar10', 'pattern'],
  ['vgg16-cifar10', 'sre'],
  ['vgg16-imagenet', 'dense'],
  ['vgg16-imagenet', 'pattern'],
  ['vgg16-imagenet', 'sre'],
];

interface Row {
  trace: string;
  mapper: string;
  activationsMs: number;
  simulateMs: number;
  totalMs: number;
  maxRssMB: number;
  ouStepsSkippedFraction: number;
}

export async function simActivationsBench(): Promise<void> {
  const script = join(import.meta.dirname, 'sim-one.ts');
  console.log('trace              mapper    acts ms  simulate ms  total ms  peak RSS MB  OU steps skipped');
  for (const [trace, mapper] of CASES) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', script, trace, mapper, 'paper', '1', '1', '0.5'],
      {
        encoding: 'utf8',
      },
    );
    const r = JSON.parse(out.trim().split('\n').pop() as string) as Row;
    console.log(
      `${r.trace.padEnd(18)} ${r.mapper.padEnd(8)} ${String(r.activationsMs).padStart(8)} ${String(r.simulateMs).padStart(12)} ` +
        `${String(r.totalMs).padStart(9)} ${String(r.maxRssMB).padStart(12)} ${r.ouStepsSkippedFraction.toFixed(3).padStart(17)}`,
    );
  }
  await Promise.resolve();
}

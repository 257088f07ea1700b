/**
 * A stream of images against one image (issue 10 target: `--images 1000` on VGG-16 and ResNet-18
 * ImageNet, `fast`, under 3x the time of `--images 1`). Each run is a child process (bench/sim-one.ts);
 * `total` covers loading, pruning on the fly, mapping and simulating, as `ousim run` does.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const CASES: [string, string][] = [
  ['vgg16-imagenet', 'dense'],
  ['vgg16-imagenet', 'pattern'],
  ['resnet18-imagenet', 'dense'],
  ['resnet18-imagenet', 'pattern'],
];

interface Row {
  simulateMs: number;
  totalMs: number;
  cycles: number;
  intervalCycles: number;
  steadyFromImage: number;
}

function runOne(trace: string, mapper: string, images: number): Row {
  const script = join(import.meta.dirname, 'sim-one.ts');
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', script, trace, mapper, 'paper', String(images)],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out.trim().split('\n').pop() as string) as Row;
}

export async function streamBench(): Promise<void> {
  console.log(
    'trace              mapper   1 image ms  1000 images ms  ratio (total)  simulate ms 1 / 1000  steady from  interval cycles',
  );
  for (const [trace, mapper] of CASES) {
    const one = runOne(trace, mapper, 1);
    const many = runOne(trace, mapper, 1000);
    console.log(
      `${trace.padEnd(18)} ${mapper.padEnd(8)} ${String(one.totalMs).padStart(10)} ${String(many.totalMs).padStart(15)} ` +
        `${(many.totalMs / one.totalMs).toFixed(2).padStart(14)} ${`${one.simulateMs} / ${many.simulateMs}`.padStart(22)} ` +
        `${String(many.steadyFromImage).padStart(12)} ${String(many.intervalCycles).padStart(16)}`,
    );
  }
  await Promise.resolve();
}

/**
 * Mapping benchmark: time to map each zoo network with `dense`, with every packing of `pattern` and with `sre`
 * (pruning is done once beforehand and not timed), next to the figures that choose the default
 * packing (docs/mapping.md): crossbars (all layers and 3x3 layers only), the ratio dense/pattern,
 * OU steps per inference (sum over crossbars) and the critical OU steps (busiest crossbar per layer,
 * summed over layers). Arch: the `paper` preset; pruning: its pattern.* settings, seed 1.
 * `first ms` is the first call of each (network, mapping): it includes compiling the code that no
 * earlier row ran (the first row of a process is fully cold); `ms` is the median of the next calls.
 */
import { loadArch } from '../src/config/arch.ts';
import { mapNetwork } from '../src/mapping/registry.ts';
import { PACKINGS } from '../src/mapping/pattern/packings.ts';
import { layerRow, summaryRow } from '../src/mapping/report.ts';
import { pruneNetwork } from '../src/workload/prune.ts';
import { loadTrace, resolveTracePath } from '../src/workload/trace.ts';

const NETWORKS = ['vgg16-cifar10', 'vgg16-imagenet', 'resnet18-cifar10', 'resnet18-imagenet'];
const REPEATS = 5;

export async function mappingBench(): Promise<void> {
  const arch = loadArch('paper');
  const variants: { mapper: string; packing: string }[] = [
    { mapper: 'dense', packing: '' },
    ...PACKINGS.map((p) => ({ mapper: 'pattern', packing: p.name })),
    { mapper: 'sre', packing: '' },
  ];
  const header = [
    'network',
    'mapping',
    'first ms',
    'ms',
    'crossbars',
    'ratio',
    '3x3 xbars',
    'ratio 3x3',
    'OU steps/inf',
    'critical',
  ];
  const lines: string[][] = [header];
  for (const name of NETWORKS) {
    const network = pruneNetwork(loadTrace(resolveTracePath(name)), arch.pattern, 1).network;
    let dense = { crossbars: 0, crossbars3x3: 0 };
    for (const { mapper, packing } of variants) {
      const times: number[] = [];
      const first = performance.now();
      let mappings = mapNetwork(network, arch, mapper, { packing: packing || undefined });
      const firstMs = performance.now() - first;
      for (let i = 0; i < REPEATS; i++) {
        const start = performance.now();
        mappings = mapNetwork(network, arch, mapper, { packing: packing || undefined });
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      const rows = mappings.map((m) => layerRow(name, m, arch));
      const summary = summaryRow(network, mapper, packing, rows, arch);
      if (mapper === 'dense') dense = { crossbars: summary.crossbars, crossbars3x3: summary.crossbars_3x3 };
      lines.push([
        name,
        packing ? `pattern/${packing}` : mapper,
        firstMs.toFixed(0),
        times[REPEATS >> 1].toFixed(0),
        String(summary.crossbars),
        (dense.crossbars / summary.crossbars).toFixed(2),
        String(summary.crossbars_3x3),
        (dense.crossbars3x3 / summary.crossbars_3x3).toFixed(2),
        summary.ou_steps_per_inference.toExponential(3),
        summary.ou_steps_critical.toExponential(3),
      ]);
    }
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const line of lines)
    console.log(line.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  await Promise.resolve();
}

/** The name the brief used. */
export const benchMapping = mappingBench;

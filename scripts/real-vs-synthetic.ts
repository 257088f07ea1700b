/**
 * What trained weights change against synthetic ones on the same network (docs/real-networks.md):
 * reads `ousim prune` folders (trace.json with the masks, pattern-histogram.csv) and one `ousim compare`
 * folder over the same networks, and prints a markdown table, one column per network.
 *
 * Run: npx tsx scripts/real-vs-synthetic.ts COMPARE_DIR PRUNE_DIR...
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadTrace } from '../src/workload/trace.ts';
import { PRUNED, type ConvLayer } from '../src/workload/types.ts';

type Row = Record<string, string>;
const csv = (path: string) => parse<Row>(readFileSync(path, 'utf8'), { columns: true });

const [compareDir, ...pruneDirs] = process.argv.slice(2);
const layers = csv(join(compareDir, 'layers.csv'));
const summary = csv(join(compareDir, 'summary.csv'));
const compare = csv(join(compareDir, 'compare.csv'));

const columns = pruneDirs.map((dir) => {
  const network = loadTrace(join(dir, 'trace.json'));
  const hist = csv(join(dir, 'pattern-histogram.csv'));
  // Pattern use, kernel-weighted over the pruned layers: the top pattern's share, normalised entropy.
  let kept = 0;
  let top = 0;
  let entropy = 0;
  for (const layer of new Set(hist.map((r) => r.layer))) {
    const rows = hist.filter((r) => r.layer === layer);
    const n = rows.reduce((s, r) => s + Number(r.kernels), 0);
    if (n === 0) continue;
    const shares = rows.map((r) => Number(r.kernels) / n);
    kept += n;
    top += n * Math.max(...shares);
    entropy += (n * -shares.reduce((s, p) => s + (p > 0 ? p * Math.log2(p) : 0), 0)) / Math.log2(rows.length);
  }
  const mine = layers.filter((r) => r.network === network.name && r.mapping === 'pattern');
  const patternLayers = mine.filter((r) => r.scheme.startsWith('pattern'));
  // (channel, pattern) blocks per input channel of the pattern-mapped layers, from the masks.
  let channels = 0;
  let blocks = 0;
  let bands = 0;
  for (const row of patternLayers) {
    const layer = network.layers.find((l) => l.name === row.layer) as ConvLayer;
    const cinPerGroup = layer.cin / layer.groups;
    const ids = layer.pruning!.kernelPattern;
    for (let c = 0; c < layer.cin; c++) {
      const used = new Set<number>();
      for (let f = 0; f < layer.cout; f++) {
        const id = ids[f * cinPerGroup + (c % cinPerGroup)];
        if (id !== PRUNED) used.add(id);
      }
      blocks += used.size;
    }
    channels += layer.cin;
    bands += Number(row.blocks);
  }
  const sum = (rows: Row[], column: string) => rows.reduce((s, r) => s + Number(r[column]), 0);
  const total = summary.find((r) => r.network === network.name && r.mapping === 'pattern')!;
  const ratios = compare.find((r) => r.network === network.name)!;
  const x = (v: string) => `${Number(v).toFixed(3)}x`;
  return {
    name: network.name,
    values: [
      hist.length ? `${new Set(hist.map((r) => r.layer)).size}` : '0',
      (top / kept).toFixed(3),
      (entropy / kept).toFixed(3),
      (blocks / channels).toFixed(3),
      (bands / channels).toFixed(3),
      `${total.crossbars} (${sum(patternLayers, 'crossbars')})`,
      `${Number(total.ou_steps_count).toExponential(4)} (${sum(patternLayers, 'ou_steps_count').toExponential(4)})`,
      x(ratios.crossbar_area_efficiency),
      x(ratios.energy_efficiency),
      x(ratios.speedup),
      x(ratios.pattern_layers_crossbar_area_efficiency),
    ],
  };
});

const metrics = [
  'pruned 3x3 layers',
  'top pattern share (kernel-weighted)',
  'pattern-use entropy / log2(library)',
  'blocks (channel, pattern) per channel, pattern-mapped layers',
  'bands per channel after merge-stack',
  'crossbars, pattern mapping (pattern-mapped layers)',
  'OU steps per inference, pattern mapping (pattern-mapped layers)',
  'crossbar area efficiency',
  'energy efficiency',
  'speedup',
  'area efficiency, pattern-mapped layers',
];
const lines = [
  `| metric | ${columns.map((c) => c.name).join(' | ')} |`,
  `| --- | ${columns.map(() => '---').join(' | ')} |`,
  ...metrics.map((m, i) => `| ${m} | ${columns.map((c) => c.values[i]).join(' | ')} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);

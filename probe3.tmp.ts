import { loadArch } from './src/config/arch.ts';
import { mapNetwork } from './src/mapping/registry.ts';
import { pruneNetwork } from './src/workload/prune.ts';
import { loadTrace, resolveTracePath } from './src/workload/trace.ts';
const arch = loadArch('paper');
const network = pruneNetwork(loadTrace(resolveTracePath('vgg16-imagenet')), arch.pattern, 1).network;
const mappings = mapNetwork(network, arch, 'sre', {});
for (const B of [8, 9, 16, 18, 32]) {
let rowsAll = 0, segAll = 0, groupSegAll = 0;
for (const m of mappings) {
  const vec = m.vectors ?? 1;
  let rows = 0; const seg = new Map<string, number>(); let groupSeg = 0;
  for (const plan of m.crossbars) {
    const g = plan.rowGroups; if (!g) continue;
    const cls = (plan.wordlineInputs ?? []).join(); // class key
    for (let gi = 0; gi < g.cols.length; gi++) {
      const a = g.offsets[gi], b = g.offsets[gi + 1];
      rows += b - a;
      const blocks = new Map<number, number[]>();
      for (let k = a; k < b; k++) { const w = g.wordlines[k]; const bl = Math.floor(w / B); (blocks.get(bl) ?? blocks.set(bl, []).get(bl)!).push(w); }
      for (const [bl, ws] of blocks) { groupSeg++; const key = cls.length + ':' + cls.slice(0, 50) + ':' + ws.join(','); if (!seg.has(key)) seg.set(key, ws.length); }
    }
  }
  let segRows = 0; for (const v of seg.values()) segRows += v;
  rowsAll += rows * vec; segAll += segRows * vec; groupSegAll += groupSeg * vec;
}
console.log('B', B, 'row visits/inf', rowsAll.toExponential(3), 'distinct seg rows', segAll.toExponential(3), 'group-seg adds', groupSegAll.toExponential(3), 'ratio', (rowsAll / (segAll + groupSegAll)).toFixed(2));
}

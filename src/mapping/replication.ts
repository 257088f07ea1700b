/**
 * ISAAC-style weight replication: in a layer pipeline the slowest layer sets the pace, and early
 * conv layers (many output positions, few weights) are the slow ones. Given a total crossbar budget,
 * repeatedly give one more copy to the layer with the most OU-step time per copy, while the budget
 * holds; stop when the slowest layer cannot get another copy (adding copies elsewhere would not
 * shorten the pipeline). A layer's time per inference is estimated as
 * vectors x inputSlices x (OU steps of its busiest crossbar) / copies.
 */
import type { LayerMapping } from './types.ts';

function busiestCrossbarSteps(mapping: LayerMapping): number {
  let max = 0;
  for (const plan of mapping.crossbars) max = Math.max(max, plan.ouRows.length);
  return max;
}

/** Sets `replication` on each mapping in place; the budget counts every copy's crossbars. */
export function replicate(mappings: LayerMapping[], budget: number): void {
  let used = mappings.reduce((sum, m) => sum + m.crossbars.length * m.replication, 0);
  const work = mappings.map((m) => m.vectors * m.inputSlices * busiestCrossbarSteps(m));
  for (;;) {
    let slowest = -1;
    let slowestTime = 0;
    mappings.forEach((m, i) => {
      const time = work[i] / m.replication;
      if (time > slowestTime) {
        slowest = i;
        slowestTime = time;
      }
    });
    if (slowest < 0) return;
    const m = mappings[slowest];
    // One more copy only helps while there are more input vectors than copies.
    if (m.replication >= m.vectors || used + m.crossbars.length > budget) return;
    m.replication++;
    used += m.crossbars.length;
  }
}

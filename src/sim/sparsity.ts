/**
 * Activation sparsity (a what-if, off unless `sparsity.skipZeroRows`). The trace gives a layer's
 * fraction z of zero inputs; zeros are drawn independently, once per crossbar from its own seeded
 * stream, and that one representative pattern is used for every input vector: the `fast` fidelity's
 * closed form needs a fixed OU sequence, and both fidelities then agree exactly. Per-vector
 * variation is not modelled.
 *
 * - Plans with fixed OUs of adjacent wordlines (dense, pattern): an OU step whose wordlines all carry
 *   zero inputs is skipped; an OU step of r rows is all-zero with probability z^r.
 * - Plans with row groups (sre): SRE's dynamic wordline activation. Each kept (group, wordline) is
 *   zero with probability z and dropped; each group's remaining wordlines are packed again into OUs
 *   of `ou.rows` (as the mapper packs them). Index look-ups stay (the controller reads every kept
 *   wordline's index to test its input); wordline selects count the wordlines still activated.
 */
import type { CrossbarPlan, RowGroups } from '../mapping/types.ts';
import { createRng } from '../util/rng.ts';

export function skipZeroSteps(
  plan: CrossbarPlan,
  zeroFraction: number,
  seed: number,
  stream: string,
  ouRows: number,
): CrossbarPlan {
  if (zeroFraction <= 0) return plan;
  const rng = createRng(seed, stream);
  if (plan.rowGroups) return dropZeroWordlines(plan, plan.rowGroups, zeroFraction, () => rng.next(), ouRows);
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < plan.ouRows.length; i++) {
    const allZero = rng.next() < zeroFraction ** plan.ouRows[i];
    if (allZero) continue;
    rows.push(plan.ouRows[i]);
    cols.push(plan.ouCols[i]);
  }
  return { ...plan, ouRows: Uint16Array.from(rows), ouCols: Uint16Array.from(cols) };
}

/** Dynamic wordline activation: drop the kept wordlines drawn zero, re-pack each group's OUs. */
function dropZeroWordlines(
  plan: CrossbarPlan,
  groups: RowGroups,
  zeroFraction: number,
  uniform: () => number,
  ouRows: number,
): CrossbarPlan {
  const n = groups.colStart.length;
  const offsets = new Uint32Array(n + 1);
  const wordlines: number[] = [];
  const rows: number[] = [];
  const cols: number[] = [];
  for (let k = 0; k < n; k++) {
    const first = wordlines.length;
    for (let i = groups.offsets[k]; i < groups.offsets[k + 1]; i++)
      if (uniform() >= zeroFraction) wordlines.push(groups.wordlines[i]);
    const active = wordlines.length - first;
    offsets[k + 1] = wordlines.length;
    for (let r = 0; r < active; r += ouRows) {
      rows.push(Math.min(ouRows, active - r));
      cols.push(groups.cols[k]);
    }
  }
  return {
    ...plan,
    ouRows: Uint16Array.from(rows),
    ouCols: Uint16Array.from(cols),
    muxSelectsPerSlice: wordlines.length,
    rowGroups: {
      colStart: groups.colStart,
      cols: groups.cols,
      offsets,
      wordlines: Uint16Array.from(wordlines),
    },
  };
}

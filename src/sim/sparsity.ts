/**
 * Activation sparsity (a what-if, off unless `sparsity.skipZeroRows`): an OU step whose wordlines all
 * carry zero inputs is skipped, as with SRE's dynamic wordline activation. The trace gives a layer's
 * fraction z of zero inputs; with independent zeros an OU step of r rows is all-zero with probability
 * z^r. Each crossbar draws once, from its own seeded stream, which of its OU steps are skipped, and
 * uses that one representative pattern for every input vector: the `fast` fidelity's closed form needs
 * a fixed OU sequence, and both fidelities then agree exactly. Per-vector variation is not modelled.
 */
import type { CrossbarPlan } from '../mapping/types.ts';
import { createRng } from '../util/rng.ts';

export function skipZeroSteps(
  plan: CrossbarPlan,
  zeroFraction: number,
  seed: number,
  stream: string,
): CrossbarPlan {
  if (zeroFraction <= 0) return plan;
  const rng = createRng(seed, stream);
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

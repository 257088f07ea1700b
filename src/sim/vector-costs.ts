/**
 * The actions one input vector costs on one crossbar, straight from the mapping. The `fast`
 * fidelity adds these per vector; the `ou` fidelity counts the same actions one OU step at a time,
 * and the conservation tests hold the two (and the mapping) to the same totals.
 */
import type { Arch } from '../config/arch.ts';
import { emptyCounts, type ActionCounts } from '../energy/actions.ts';
import type { CrossbarPlan } from '../mapping/types.ts';

/** OU-step actions of one input vector on one crossbar (all input slices). */
export function crossbarVectorCounts(plan: CrossbarPlan, slices: number): ActionCounts {
  const counts = emptyCounts();
  for (let i = 0; i < plan.ouRows.length; i++) {
    const rows = plan.ouRows[i];
    const cols = plan.ouCols[i];
    counts.ouSteps += 1;
    counts.dacDrives += rows;
    counts.cellReads += rows * cols;
    counts.sampleHolds += cols;
    counts.adcConversions += cols;
    counts.shiftAdds += cols;
  }
  counts.indexLookups = plan.indexLookupsPerSlice;
  counts.muxSelects = plan.muxSelectsPerSlice;
  for (const key of Object.keys(counts) as (keyof ActionCounts)[]) counts[key] *= slices;
  return counts;
}

/**
 * Register traffic of one input vector on one crossbar: its input register is filled with the inputs
 * of its wordlines, and its output register holds one partial sum per output it produces.
 */
export function crossbarRegisterBits(plan: CrossbarPlan, arch: Arch): number {
  return (
    plan.inputsPerVector * arch.precision.inputBits + plan.outputsPerVector * arch.precision.partialSumBits
  );
}

/**
 * Additions that merge partial sums of row-split crossbars (crossbars sharing a column group), per
 * input vector: a group of n crossbars producing o outputs needs (n - 1) * o additions.
 */
export function partialSumAdds(crossbars: readonly CrossbarPlan[]): number {
  const byGroup = new Map<number, { n: number; outputs: number }>();
  for (const plan of crossbars) {
    const group = byGroup.get(plan.columnGroup) ?? { n: 0, outputs: 0 };
    group.n += 1;
    group.outputs = Math.max(group.outputs, plan.outputsPerVector);
    byGroup.set(plan.columnGroup, group);
  }
  let adds = 0;
  for (const { n, outputs } of byGroup.values()) adds += (n - 1) * outputs;
  return adds;
}

/**
 * The actions one input vector costs on one crossbar, straight from the mapping. The `fast`
 * fidelity adds these per vector; the `ou` fidelity counts the same actions one OU step at a time,
 * and the conservation tests hold the two (and the mapping) to the same totals.
 */
import type { Arch } from '../config/arch.ts';
import { emptyCounts, type ActionCounts } from '../energy/actions.ts';
import type { CrossbarPlan } from '../mapping/types.ts';

/**
 * Counts by OU-step sequence: crossbars with the same plan share its `ouRows` array (see
 * vectorMatrix in src/hardware/ou-pipeline.ts), so each distinct plan is counted once per run.
 */
const vectorCounts = new WeakMap<
  Uint16Array,
  { plan: CrossbarPlan; slices: number; counts: ActionCounts }[]
>();

/** OU-step actions of one input vector on one crossbar (all input slices); shared: do not modify. */
export function crossbarVectorCounts(plan: CrossbarPlan, slices: number): Readonly<ActionCounts> {
  let known = vectorCounts.get(plan.ouRows);
  const hit = known?.find(
    (e) =>
      e.slices === slices &&
      e.plan.ouCols === plan.ouCols &&
      e.plan.indexLookupsPerSlice === plan.indexLookupsPerSlice &&
      e.plan.muxSelectsPerSlice === plan.muxSelectsPerSlice,
  );
  if (hit) return hit.counts;
  const counts = countVector(plan, slices);
  if (!known) vectorCounts.set(plan.ouRows, (known = []));
  known.push({ plan, slices, counts });
  return counts;
}

function countVector(plan: CrossbarPlan, slices: number): ActionCounts {
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
  // Look-ups and input selection happen with the first OU step of a slice: none if every step is skipped.
  if (plan.ouRows.length > 0) {
    counts.indexLookups = plan.indexLookupsPerSlice;
    counts.muxSelects = plan.muxSelectsPerSlice;
  }
  for (const key of Object.keys(counts) as (keyof ActionCounts)[]) counts[key] *= slices;
  return counts;
}

/**
 * Digital work of one input vector on one crossbar, outside the OU steps, counted in both fidelities:
 * its input register is filled with the inputs of its wordlines, its output register holds one partial
 * sum per output it produces, and offset encoding subtracts the offset times the input sum. Added to
 * `target` (no count set allocated per crossbar).
 */
export function addCrossbarDigitalCounts(target: ActionCounts, plan: CrossbarPlan, arch: Arch): void {
  target.registerBits +=
    plan.inputsPerVector * arch.precision.inputBits + plan.outputsPerVector * arch.precision.partialSumBits;
  target.shiftAdds += (plan.offsetCorrectionsPerVector ?? 0) + (plan.inputSumAddsPerVector ?? 0);
}

/**
 * Additions that merge the partial sums of a layer's crossbars into its outputs, per input vector:
 * every partial sum a crossbar produces is added into one of the layer's `outputs` values, so there
 * are (partial sums - outputs) additions (for a dense column group of n crossbars: (n - 1) per output).
 */
export function partialSumAdds(crossbars: readonly CrossbarPlan[], outputs: number): number {
  let partialSums = 0;
  for (const plan of crossbars) partialSums += plan.outputsPerVector;
  return Math.max(0, partialSums - outputs);
}

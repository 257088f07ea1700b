/**
 * The digital actions one input vector costs on one crossbar and one layer, outside its OU steps
 * (those are charged through src/energy/ou-step.ts by the crossbar timing), straight from the mapping.
 */
import type { Arch } from '../config/arch.ts';
import { emptyCounts, type ActionCounts } from '../energy/actions.ts';
import { vectorRegisterBits } from '../energy/ou-step.ts';
import type { CrossbarPlan } from '../mapping/types.ts';

/**
 * Digital work of one input vector on one crossbar, outside the OU steps, counted in both fidelities:
 * its input register is filled with the inputs of its wordlines, its output register holds one partial
 * sum per output it produces, and offset encoding subtracts the offset times the input sum.
 */
export function crossbarDigitalCounts(plan: CrossbarPlan, arch: Arch): ActionCounts {
  const counts = emptyCounts();
  counts.registerBits = vectorRegisterBits(arch, plan.inputsPerVector, plan.outputsPerVector);
  counts.shiftAdds = (plan.offsetCorrectionsPerVector ?? 0) + (plan.inputSumAddsPerVector ?? 0);
  return counts;
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

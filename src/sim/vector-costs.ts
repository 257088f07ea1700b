/**
 * The digital actions one input vector costs on one crossbar and one layer, outside its OU steps
 * (those are charged through src/energy/ou-step.ts by the crossbar timing), straight from the mapping.
 */
import type { Arch } from '../config/arch.ts';
import { ACTION_NAMES, type ActionCounts, type ActionName } from '../energy/actions.ts';
import { vectorRegisterBits } from '../energy/ou-step.ts';
import type { CrossbarPlan } from '../mapping/types.ts';

/**
 * Digital work of one input vector on one crossbar, outside the OU steps, counted in both fidelities:
 * its input register is filled with the inputs of its wordlines, its output register holds one partial
 * sum per output it produces, and offset encoding subtracts the offset times the input sum. Added into
 * `counts` in place: a layer sums its crossbars' (VGG-16 ImageNet has 34k; a counts object each was
 * 10 MB of garbage per run).
 */
export function addCrossbarDigitalCounts(counts: ActionCounts, plan: CrossbarPlan, arch: Arch): void {
  for (const { action, perVector } of vectorActions) counts[action] += perVector(plan, arch);
  counts.registerBits += vectorRegisterBits(arch, plan.inputsPerVector, plan.outputsPerVector);
  counts.shiftAdds += (plan.offsetCorrectionsPerVector ?? 0) + (plan.inputSumAddsPerVector ?? 0);
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

/** How many of an action one input vector makes on one crossbar, from its plan. */
export type VectorActionCount = (plan: CrossbarPlan, arch: Arch) => number;

const vectorActions: { action: ActionName; perVector: VectorActionCount }[] = [];

/**
 * A plug-in's per-vector action of a crossbar (docs/extending.md, "A new priced action"): counted
 * for every input vector of every crossbar in both fidelities, like the register traffic above.
 * `action` must be registered (registerAction). Returns the function that removes it again (tests).
 */
export function registerVectorAction(action: ActionName, perVector: VectorActionCount): () => void {
  if (!ACTION_NAMES.includes(action)) throw new Error(`registerVectorAction: unknown action '${action}'`);
  const entry = { action, perVector };
  vectorActions.push(entry);
  return () => {
    const at = vectorActions.indexOf(entry);
    if (at >= 0) vectorActions.splice(at, 1);
  };
}

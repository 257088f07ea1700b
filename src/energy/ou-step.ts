/**
 * The one action-count convention of an OU step. The simulation counts actions, the price table
 * prices them, and both must mean the same thing by "a DAC drive" or "a register bit": every place
 * that counts OU work (the `fast` closed form, the `ou` controllers, the data-driven walk, the peak
 * power of the full chip) charges it through the functions here, so the convention is written once.
 */
import type { Arch } from '../config/arch.ts';
import { emptyCounts, type ActionCounts } from './actions.ts';

/**
 * Charges `steps` OU steps that drive `driven` wordlines in all, read `cells` cells and convert
 * `conversions` bitlines, `times` over. One step activating `rows` wordlines and `cols` bitlines for
 * one input slice makes `rows` DAC drives, `rows * cols` cell reads and, per active bitline, one
 * sample-and-hold, one ADC conversion and one shift-and-add. Register bits are counted per input
 * vector, not per OU step: see `vectorRegisterBits`.
 */
export function chargeOuSteps(
  counts: ActionCounts,
  steps: number,
  driven: number,
  cells: number,
  conversions: number,
  times = 1,
): void {
  counts.ouSteps += steps * times;
  counts.dacDrives += driven * times;
  counts.cellReads += cells * times;
  counts.sampleHolds += conversions * times;
  counts.adcConversions += conversions * times;
  counts.shiftAdds += conversions * times;
}

/** One OU step of `rows` wordlines by `cols` bitlines. */
export function chargeOuStep(counts: ActionCounts, rows: number, cols: number): void {
  chargeOuSteps(counts, 1, rows, rows * cols, cols);
}

/**
 * The pattern mapping's input selection: once per input slice in which a crossbar runs at least one
 * OU step, its index look-ups and multiplexer selects (none when every step of the slice is skipped).
 */
export function chargeSliceSelection(
  counts: ActionCounts,
  plan: { indexLookupsPerSlice: number; muxSelectsPerSlice: number },
  slicesRun = 1,
): void {
  counts.indexLookups += plan.indexLookupsPerSlice * slicesRun;
  counts.muxSelects += plan.muxSelectsPerSlice * slicesRun;
}

/** Actions of one OU step that activates `rows` wordlines and `cols` bitlines of one crossbar. */
export function ouStepActions(arch: Arch, rows = arch.ou.rows, cols = arch.ou.cols): ActionCounts {
  const counts = emptyCounts();
  chargeOuStep(counts, rows, cols);
  return counts;
}

/**
 * Register bits one crossbar counts per input vector: its input register is filled with `inputs`
 * full-precision inputs, and its output register holds one `partialSumBits` partial sum for each of
 * its `outputs`. energy.registerPjPerBit is derived per such bit.
 */
export function vectorRegisterBits(arch: Arch, inputs: number, outputs: number): number {
  return inputs * arch.precision.inputBits + outputs * arch.precision.partialSumBits;
}

/**
 * The action-count convention that pricing assumes for one OU step and one crossbar pipeline period.
 * The simulation counts actions; the price table prices them; both must mean the same thing by
 * "a DAC drive" or "a register bit", so the convention is written down once, here.
 */
import { adcConversionCycles, toCycles, type Arch } from '../config/arch.ts';
import { emptyCounts, type ActionCounts } from './actions.ts';

/**
 * Actions of one OU step that activates `rows` wordlines and `cols` bitlines of one crossbar for one
 * input slice:
 * - `rows` DAC drives (one per active wordline) and `rows * cols` cell reads;
 * - `cols` sample-and-holds, ADC conversions and shift-and-adds (one per active bitline).
 * Register bits are counted per input vector, not per OU step: see `vectorRegisterBits`.
 */
export function ouStepActions(arch: Arch, rows = arch.ou.rows, cols = arch.ou.cols): ActionCounts {
  const counts = emptyCounts();
  counts.ouSteps = 1;
  counts.dacDrives = rows;
  counts.cellReads = rows * cols;
  counts.sampleHolds = cols;
  counts.adcConversions = cols;
  counts.shiftAdds = cols;
  return counts;
}

/**
 * Cycles between two OU steps of one crossbar in steady state: the slower of the two pipeline stages
 * (front: DAC + read + S&H; back: `ceil(ou.cols / adcs)` ADC rounds), docs/design.md §3.
 */
export function ouStepPeriodCycles(arch: Arch): number {
  const front = toCycles(arch, arch.crossbar.readLatencyNs);
  const back = Math.ceil(arch.ou.cols / arch.adc.perCrossbar) * adcConversionCycles(arch);
  return Math.max(front, back, 1);
}

/**
 * Register bits one crossbar counts per input vector (the convention of src/sim/vector-costs.ts):
 * its input register is filled with `inputs` full-precision inputs, and its output register holds one
 * `partialSumBits` partial sum for each of its `outputs`. energy.registerPjPerBit is derived per such bit.
 */
export function vectorRegisterBits(arch: Arch, inputs: number, outputs: number): number {
  return inputs * arch.precision.inputBits + outputs * arch.precision.partialSumBits;
}

/**
 * The action-count convention that pricing assumes for one OU step and one crossbar pipeline period.
 * The simulation counts actions; the price table prices them; both must mean the same thing by
 * "a DAC drive" or "a register bit", so the convention is written down once, here.
 */
import { toCycles, type Arch } from '../config/arch.ts';
import { emptyCounts, type ActionCounts } from './actions.ts';

/**
 * Actions of one OU step that activates `rows` wordlines and `cols` bitlines of one crossbar for one
 * input slice:
 * - `rows` DAC drives (one per active wordline) and `rows * cols` cell reads;
 * - `cols` sample-and-holds, ADC conversions and shift-and-adds (one per active bitline);
 * - register bits: `rows * dac.bits` read from the PE input register to feed the DACs, plus one
 *   `partialSumBits` accumulator update in the PE output register per shift-and-add.
 */
export function ouStepActions(arch: Arch, rows = arch.ou.rows, cols = arch.ou.cols): ActionCounts {
  const counts = emptyCounts();
  counts.ouSteps = 1;
  counts.dacDrives = rows;
  counts.cellReads = rows * cols;
  counts.sampleHolds = cols;
  counts.adcConversions = cols;
  counts.shiftAdds = cols;
  counts.registerBits = rows * arch.dac.bits + cols * arch.precision.partialSumBits;
  return counts;
}

/**
 * Cycles between two OU steps of one crossbar in steady state: the slower of the two pipeline stages
 * (front: DAC + read + S&H; back: `ceil(ou.cols / adcs)` ADC rounds), design.md §3.
 */
export function ouStepPeriodCycles(arch: Arch): number {
  const front = toCycles(arch, arch.crossbar.readLatencyNs);
  const back = Math.ceil(arch.ou.cols / arch.adc.perCrossbar) * toCycles(arch, arch.adc.latencyNs);
  return Math.max(front, back, 1);
}

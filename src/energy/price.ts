/**
 * Pricing: action counts and a hardware inventory in, energy (pJ) and area (mm2) out, from the arch
 * file's price sections alone. No simulation happens here, so changing only prices (or adc.bits
 * through the ADC table) re-prices a finished run (docs/design.md §4).
 */
import { columnsPerWeight, type Arch } from '../config/arch.ts';
import {
  AREA_PARTS,
  ENERGY_PARTS,
  type ActionCounts,
  type AreaBreakdown,
  type AreaPart,
  type EnergyBreakdown,
  type HardwareInventory,
} from './actions.ts';
import { adcPrice } from './adc.ts';
import { dacScale, PRICE_RULES } from './price-table.ts';

export { dacScale };

const UM2_PER_MM2 = 1e6;

export interface PriceOptions {
  /**
   * Include chip-level static power (leakage.chipOtherMw) and area (area.chipOtherMm2). True for a
   * whole run; false when pricing one layer of a run whose chip is priced once.
   */
  chipLevel?: boolean;
}

/** Static power of the powered hardware, mW: occupied crossbars, used tiles, and the chip. */
export function staticPowerMw(inventory: HardwareInventory, arch: Arch, options: PriceOptions = {}): number {
  const { leakage } = arch;
  const perTile = leakage.bufferMw + leakage.routerMw + leakage.tileOtherMw;
  const chip = options.chipLevel === false ? 0 : leakage.chipOtherMw;
  return inventory.crossbars * leakage.crossbarMw + inventory.tiles * perTile + chip;
}

/**
 * Energy of a run (or a layer), pJ per part: every row of the price table (price-table.ts) prices
 * its actions' counts into its part. `cycles` is how long the inventory stayed powered; leakage =
 * static power x cycles x clockNs (mW x ns = pJ).
 */
export function priceEnergy(
  counts: Readonly<ActionCounts>,
  cycles: number,
  inventory: HardwareInventory,
  arch: Arch,
  options: PriceOptions = {},
): EnergyBreakdown {
  const energy = {} as EnergyBreakdown;
  for (const part of ENERGY_PARTS) energy[part] = 0;
  for (const rule of PRICE_RULES) {
    let count = 0;
    for (const action of rule.actions) count += counts[action];
    energy[rule.part] += count * rule.pj(arch);
  }
  energy.leakage = staticPowerMw(inventory, arch, options) * cycles * arch.clockNs;
  return energy;
}

/** Sum of an energy breakdown, pJ. */
export function totalEnergy(energy: Readonly<EnergyBreakdown>): number {
  let sum = 0;
  for (const part of ENERGY_PARTS) sum += energy[part];
  return sum;
}

/**
 * Output-register bits a crossbar needs beyond its share of the PE's built-in output register: it
 * holds one partial sum per output it produces per input vector (plan.outputsPerVector).
 */
export function extraOutputRegisterBits(outputsPerVector: number, arch: Arch): number {
  const builtIn = Math.floor(arch.crossbar.cols / columnsPerWeight(arch));
  return Math.max(0, outputsPerVector - builtIn) * arch.precision.partialSumBits;
}

/**
 * Register bits of one PE: the input register holds one full-precision input vector per crossbar,
 * the output register one partial sum per weight column group per crossbar. (With ISAAC's numbers
 * this gives its 2 KB and 256 B, Table I.)
 */
export function peRegisterBits(arch: Arch): { input: number; output: number } {
  const perPe = arch.chip.crossbarsPerPe;
  return {
    input: perPe * arch.crossbar.rows * arch.precision.inputBits,
    output: perPe * Math.floor(arch.crossbar.cols / columnsPerWeight(arch)) * arch.precision.partialSumBits,
  };
}

/** Area of one tile with all its PEs, crossbars and periphery, mm2 per part (chip-level parts 0). */
export function tileAreaParts(arch: Arch): Record<AreaPart, number> {
  const a = arch.area;
  const crossbars = arch.chip.pesPerTile * arch.chip.crossbarsPerPe;
  const adcs = crossbars * arch.adc.perCrossbar;
  const registers = peRegisterBits(arch);
  const parts = zeroAreaParts();
  parts.crossbar = (crossbars * a.crossbarUm2) / UM2_PER_MM2;
  parts.adc = (adcs * adcPrice(arch).um2) / UM2_PER_MM2;
  parts.dac = (crossbars * arch.crossbar.rows * a.dacUm2 * dacScale(arch)) / UM2_PER_MM2;
  parts.sample_hold = (crossbars * arch.crossbar.cols * a.sampleHoldUm2) / UM2_PER_MM2;
  parts.shift_add = (adcs * a.shiftAddUm2) / UM2_PER_MM2;
  parts.register =
    (arch.chip.pesPerTile * (registers.input + registers.output) * a.registerUm2PerBit) / UM2_PER_MM2;
  parts.buffer = a.bufferMm2;
  parts.router = a.routerMm2;
  parts.activation = a.activationMm2;
  parts.tile_other = a.tileOtherMm2;
  return parts;
}

/**
 * Area a run needs: crossbar_area_mm2 counts the occupied crossbar arrays only (the paper's
 * "crossbar area"); chip_area_mm2 counts every used tile whole (a tile is built with all its PEs),
 * the pattern mapping's index storage and multiplexers, the output-register bits the mapping needs
 * beyond the PEs' built-in ones, and the rest of the chip.
 */
export function priceArea(
  inventory: HardwareInventory,
  arch: Arch,
  options: PriceOptions = {},
): AreaBreakdown {
  const tile = tileAreaParts(arch);
  const parts = zeroAreaParts();
  for (const part of AREA_PARTS) parts[part] = inventory.tiles * tile[part];
  parts.index = (inventory.indexBits * arch.area.indexUm2PerBit) / UM2_PER_MM2;
  parts.mux = (inventory.muxes * arch.area.muxUm2) / UM2_PER_MM2;
  parts.register += ((inventory.extraOutputRegisterBits ?? 0) * arch.area.registerUm2PerBit) / UM2_PER_MM2;
  parts.chip_other = options.chipLevel === false ? 0 : arch.area.chipOtherMm2;
  let chip = 0;
  for (const part of AREA_PARTS) chip += parts[part];
  return {
    crossbar_area_mm2: (inventory.crossbars * arch.area.crossbarUm2) / UM2_PER_MM2,
    chip_area_mm2: chip,
    parts,
  };
}

function zeroAreaParts(): Record<AreaPart, number> {
  const parts = {} as Record<AreaPart, number>;
  for (const part of AREA_PARTS) parts[part] = 0;
  return parts;
}

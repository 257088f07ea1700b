/**
 * The whole preset chip (all meshX x meshY tiles) with every component busy at its maximum rate:
 * its area and peak power, for validating a preset against a published chip (ISAAC: 85.4 mm2,
 * 65.8 W). Peak power goes through the same price table as a run: the table's rows give the action
 * counts of one crossbar pipeline period with everything active, priceEnergy prices them, so the
 * check covers the pricing path itself, not a parallel formula.
 */
import type { Arch } from '../config/arch.ts';
import {
  emptyCounts,
  ENERGY_PARTS,
  type ActionCounts,
  type AreaBreakdown,
  type EnergyBreakdown,
  type HardwareInventory,
} from './actions.ts';
import { ouStepPeriodCycles } from '../hardware/ou-pipeline.ts';
import { peakContext, PRICE_RULES } from './price-table.ts';
import { priceArea, priceEnergy } from './price.ts';

export interface FullChipReport {
  inventory: HardwareInventory;
  area: AreaBreakdown;
  /** Cycles of one crossbar pipeline period (one OU step on every crossbar). */
  periodCycles: number;
  /** Action counts of all components in one period at their maximum rates. */
  peakCounts: ActionCounts;
  /** Peak power per energy part, mW (leakage = static power). */
  peakPowerMw: EnergyBreakdown;
  peakPowerW: number;
}

/** Every tile, PE and crossbar of the preset's mesh, no pattern-mapping extras. */
export function fullChipInventory(arch: Arch): HardwareInventory {
  const tiles = arch.chip.meshX * arch.chip.meshY;
  const pes = tiles * arch.chip.pesPerTile;
  return { tiles, pes, crossbars: pes * arch.chip.crossbarsPerPe, indexBits: 0, muxes: 0 };
}

/**
 * Actions of the whole chip during one crossbar pipeline period with everything at full rate: every
 * crossbar makes one full OU step, and each row of the price table says what its component does at
 * full rate in that period (price-table.ts: activation and registers follow the vectors the crossbars
 * finish, every buffer port moves bitsPerCycle bits each cycle, every router forwards one flit on
 * each port each cycle).
 */
export function peakActionCounts(
  arch: Arch,
  inventory: HardwareInventory,
  periodCycles: number,
): ActionCounts {
  const counts = emptyCounts();
  counts.ouSteps = inventory.crossbars;
  const ctx = peakContext(arch, inventory, periodCycles);
  for (const rule of PRICE_RULES) if (rule.peak) counts[rule.actions[0]] = rule.peak(ctx);
  return counts;
}

/** Area and peak power of the full preset chip. */
export function fullChipReport(arch: Arch): FullChipReport {
  const inventory = fullChipInventory(arch);
  const periodCycles = ouStepPeriodCycles(arch);
  const peakCounts = peakActionCounts(arch, inventory, periodCycles);
  const energy = priceEnergy(peakCounts, periodCycles, inventory, arch);
  const periodNs = periodCycles * arch.clockNs;
  const peakPowerMw = {} as EnergyBreakdown;
  let totalMw = 0;
  for (const part of ENERGY_PARTS) {
    peakPowerMw[part] = energy[part] / periodNs; // pJ / ns = mW
    totalMw += peakPowerMw[part];
  }
  return {
    inventory,
    area: priceArea(inventory, arch),
    periodCycles,
    peakCounts,
    peakPowerMw,
    peakPowerW: totalMw / 1000,
  };
}

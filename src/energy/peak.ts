/**
 * The whole preset chip (all meshX x meshY tiles) with every component busy at its maximum rate:
 * its area and peak power, for validating a preset against a published chip (ISAAC: 85.4 mm2,
 * 65.8 W). Peak power goes through the same priceEnergy as a run: we build the action counts of one
 * crossbar pipeline period with everything active and price them, so the check covers the pricing
 * path itself, not a parallel formula.
 */
import { columnsPerWeight, inputSlices, type Arch } from '../config/arch.ts';
import {
  addCounts,
  emptyCounts,
  ENERGY_PARTS,
  type ActionCounts,
  type AreaBreakdown,
  type EnergyBreakdown,
  type HardwareInventory,
} from './actions.ts';
import { ouStepActions, ouStepPeriodCycles, vectorRegisterBits } from './ou-step.ts';
import { priceArea, priceEnergy } from './price.ts';

/** Ports of a 2D-mesh router (north, south, east, west, local): flit-hops it can make per cycle. */
export const MESH_ROUTER_PORTS = 5;

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
 * Actions of the whole chip during one crossbar pipeline period with everything at full rate:
 * - every crossbar makes one full OU step;
 * - activation/pooling and the tile's shift-and-add and output register handle the outputs the
 *   crossbars finish at that rate, and the PE registers
 *   take the inputs and partial sums of those vectors (a crossbar finishes cols / columnsPerWeight
 *   outputs per input vector of inputSlices x OU steps per slice);
 * - every buffer port moves bitsPerCycle bits each cycle;
 * - every router forwards one flit on each of its ports each cycle.
 */
export function peakActionCounts(
  arch: Arch,
  inventory: HardwareInventory,
  periodCycles: number,
): ActionCounts {
  const counts = emptyCounts();
  const step = ouStepActions(arch);
  for (const name of Object.keys(step) as (keyof ActionCounts)[]) step[name] *= inventory.crossbars;
  addCounts(counts, step);

  const stepsPerSlice =
    Math.ceil(arch.crossbar.rows / arch.ou.rows) * Math.ceil(arch.crossbar.cols / arch.ou.cols);
  const outputsPerVector = Math.floor(arch.crossbar.cols / columnsPerWeight(arch));
  // Per-vector quantities, spread over the OU steps of one input vector (inputSlices x steps per slice).
  const vectorsPerPeriod = inventory.crossbars / (inputSlices(arch) * stepsPerSlice);
  counts.activationOps = vectorsPerPeriod * outputsPerVector;
  counts.tileOutputs = vectorsPerPeriod * outputsPerVector;
  counts.registerBits = vectorsPerPeriod * vectorRegisterBits(arch, arch.crossbar.rows, outputsPerVector);

  counts.bufferReadBits = inventory.tiles * arch.buffer.ports * arch.buffer.bitsPerCycle * periodCycles;
  counts.nocFlitHops = inventory.tiles * MESH_ROUTER_PORTS * periodCycles;
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

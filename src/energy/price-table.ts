/**
 * The price table: every priced action as one row, (component, action) -> pJ per action, with the
 * energy part it lands in. Run energy (priceEnergy), the pricing table of docs/arch.md
 * (scripts/arch-doc.ts) and the full chip's peak power (peak.ts) are all derived from these rows,
 * so a new priced action is one row here (docs/extending.md, "A new priced action").
 */
import { columnsPerWeight, inputSlices, type Arch } from '../config/arch.ts';
import {
  registerEnergyPart,
  ENERGY_PARTS,
  type ActionName,
  type EnergyPart,
  type HardwareInventory,
} from './actions.ts';
import { adcPrice } from './adc.ts';
import { ouStepActions, vectorRegisterBits } from './ou-step.ts';

/** What the full chip does in one crossbar pipeline period with every component at full rate. */
export interface PeakContext {
  arch: Arch;
  inventory: HardwareInventory;
  periodCycles: number;
  /** Input vectors the crossbars finish per period, and outputs one crossbar finishes per vector. */
  vectorsPerPeriod: number;
  outputsPerVector: number;
}

export interface PriceRule {
  /** The hardware that performs the action (docs/arch.md). */
  component: string;
  /** Actions priced together: their counts are summed, then priced (one price, several counts). */
  actions: readonly ActionName[];
  /** The energy part the energy lands in (a column `energy_<part>_pj`). */
  part: EnergyPart;
  /** Energy of one action under `arch`, pJ. */
  pj: (arch: Arch) => number;
  /** How the price is formed, for docs/arch.md (arch keys in backticks). */
  price: string;
  /**
   * Actions of this row the full chip makes in one pipeline period at full rate (peak power);
   * absent: the action does not run at peak (0).
   */
  peak?: (ctx: PeakContext) => number;
}

/** OU-step actions of every crossbar making one full OU step in the period. */
const everyCrossbarSteps = (action: ActionName) => (ctx: PeakContext) =>
  ouStepActions(ctx.arch)[action] * ctx.inventory.crossbars;

/** A b-bit DAC costs 2^(b-1) times a 1-bit one (energy.dacPj and area.dacUm2 are for 1 bit). */
export function dacScale(arch: Pick<Arch, 'dac'>): number {
  return 2 ** (arch.dac.bits - 1);
}

/** The built-in rows; registerPriceRule appends a plug-in's. A live list, in pricing order. */
export const PRICE_RULES: readonly PriceRule[] = [
  {
    component: 'ADC',
    actions: ['adcConversions'],
    part: 'adc',
    pj: (arch) => adcPrice(arch).pjPerConversion,
    price: 'ADC model `adc.model` at `adc.bits` (below)',
    peak: everyCrossbarSteps('adcConversions'),
  },
  {
    component: 'DAC',
    actions: ['dacDrives'],
    part: 'dac',
    pj: (arch) => arch.energy.dacPj * dacScale(arch),
    price: '`energy.dacPj` x 2^(`dac.bits` - 1)',
    peak: everyCrossbarSteps('dacDrives'),
  },
  {
    component: 'crossbar',
    actions: ['cellReads'],
    part: 'crossbar',
    pj: (arch) => arch.energy.cellReadPj,
    price: '`energy.cellReadPj`',
    peak: everyCrossbarSteps('cellReads'),
  },
  {
    component: 'sample-and-hold',
    actions: ['sampleHolds'],
    part: 'sample_hold',
    pj: (arch) => arch.energy.sampleHoldPj,
    price: '`energy.sampleHoldPj`',
    peak: everyCrossbarSteps('sampleHolds'),
  },
  {
    component: 'shift-and-add',
    actions: ['shiftAdds'],
    part: 'shift_add',
    pj: (arch) => arch.energy.shiftAddPj,
    price: '`energy.shiftAddPj`',
    peak: everyCrossbarSteps('shiftAdds'),
  },
  {
    component: 'PE registers',
    actions: ['registerBits'],
    part: 'register',
    pj: (arch) => arch.energy.registerPjPerBit,
    price: '`energy.registerPjPerBit`',
    // The inputs and partial sums of the vectors the crossbars finish at full rate.
    peak: (ctx) =>
      ctx.vectorsPerPeriod * vectorRegisterBits(ctx.arch, ctx.arch.crossbar.rows, ctx.outputsPerVector),
  },
  {
    component: 'tile buffer',
    actions: ['bufferReadBits', 'bufferWriteBits'],
    part: 'buffer',
    pj: (arch) => arch.energy.bufferPjPerBit,
    price: '`energy.bufferPjPerBit`',
    // Every port moves bitsPerCycle bits each cycle.
    peak: (ctx) =>
      ctx.inventory.tiles * ctx.arch.buffer.ports * ctx.arch.buffer.bitsPerCycle * ctx.periodCycles,
  },
  {
    component: 'router + link',
    actions: ['nocFlitHops'],
    part: 'noc',
    pj: (arch) => arch.energy.nocPjPerFlitHop,
    price: '`energy.nocPjPerFlitHop`',
    // Every router forwards one flit on each of its ports each cycle.
    peak: (ctx) => ctx.inventory.tiles * MESH_ROUTER_PORTS * ctx.periodCycles,
  },
  {
    component: 'index table',
    actions: ['indexLookups'],
    part: 'index',
    pj: (arch) => arch.energy.indexPjPerLookup,
    price: '`energy.indexPjPerLookup`',
  },
  {
    component: 'input multiplexers',
    actions: ['muxSelects'],
    part: 'index',
    pj: (arch) => arch.energy.muxPjPerSelect,
    price: '`energy.muxPjPerSelect`',
  },
  {
    component: 'activation unit',
    actions: ['activationOps'],
    part: 'activation',
    pj: (arch) => arch.energy.activationPj,
    price: '`energy.activationPj`',
    // The outputs the crossbars finish at full rate.
    peak: (ctx) => ctx.vectorsPerPeriod * ctx.outputsPerVector,
  },
  {
    component: 'tile shift-and-add + output register',
    actions: ['tileOutputs'],
    part: 'tile_output',
    pj: (arch) => arch.energy.tileOutputPj,
    price: '`energy.tileOutputPj`',
    // Every output the crossbars finish at full rate is merged and held once.
    peak: (ctx) => ctx.vectorsPerPeriod * ctx.outputsPerVector,
  },
];

/** Ports of a 2D-mesh router (north, south, east, west, local): flit-hops it can make per cycle. */
export const MESH_ROUTER_PORTS = 5;

/**
 * Adds a plug-in's price row; a part not yet known becomes a new energy part (after the built-in
 * ones). Returns the function that removes both again (tests).
 */
export function registerPriceRule(rule: PriceRule): () => void {
  const rules = PRICE_RULES as PriceRule[];
  const removePart = ENERGY_PARTS.includes(rule.part) ? () => {} : registerEnergyPart(rule.part);
  rules.push(rule);
  return () => {
    const at = rules.indexOf(rule);
    if (at >= 0) rules.splice(at, 1);
    removePart();
  };
}

/** The full-chip context of one pipeline period (see PeakContext). */
export function peakContext(arch: Arch, inventory: HardwareInventory, periodCycles: number): PeakContext {
  const stepsPerSlice =
    Math.ceil(arch.crossbar.rows / arch.ou.rows) * Math.ceil(arch.crossbar.cols / arch.ou.cols);
  // A crossbar finishes one input vector per inputSlices x OU steps per slice.
  const vectorsPerPeriod = inventory.crossbars / (inputSlices(arch) * stepsPerSlice);
  return {
    arch,
    inventory,
    periodCycles,
    vectorsPerPeriod,
    outputsPerVector: Math.floor(arch.crossbar.cols / columnsPerWeight(arch)),
  };
}

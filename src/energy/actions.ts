/**
 * Actions the simulation counts. Energy is never computed during a run: counts are priced
 * afterwards from the arch file (docs/design.md §4), so a price what-if needs no new simulation.
 */
export const ACTION_NAMES = [
  'ouSteps',
  'adcConversions',
  'dacDrives',
  'cellReads',
  'sampleHolds',
  'shiftAdds',
  'bufferReadBits',
  'bufferWriteBits',
  'registerBits',
  'nocFlitHops',
  'indexLookups',
  'muxSelects',
  'activationOps',
  'tileOutputs',
] as const;

export type ActionName = (typeof ACTION_NAMES)[number];

/** Counts of each action, e.g. for one layer or the whole run. */
export type ActionCounts = Record<ActionName, number>;

// Spelled out field by field (not a loop over ACTION_NAMES): one object shape for every count set and
// plain property access, which matters when a simulation build adds tens of thousands of crossbars.
export function emptyCounts(): ActionCounts {
  return {
    ouSteps: 0,
    adcConversions: 0,
    dacDrives: 0,
    cellReads: 0,
    sampleHolds: 0,
    shiftAdds: 0,
    bufferReadBits: 0,
    bufferWriteBits: 0,
    registerBits: 0,
    nocFlitHops: 0,
    indexLookups: 0,
    muxSelects: 0,
    activationOps: 0,
    tileOutputs: 0,
  };
}

/** target += source, action by action. */
export function addCounts(target: ActionCounts, source: Readonly<ActionCounts>): void {
  target.ouSteps += source.ouSteps;
  target.adcConversions += source.adcConversions;
  target.dacDrives += source.dacDrives;
  target.cellReads += source.cellReads;
  target.sampleHolds += source.sampleHolds;
  target.shiftAdds += source.shiftAdds;
  target.bufferReadBits += source.bufferReadBits;
  target.bufferWriteBits += source.bufferWriteBits;
  target.registerBits += source.registerBits;
  target.nocFlitHops += source.nocFlitHops;
  target.indexLookups += source.indexLookups;
  target.muxSelects += source.muxSelects;
  target.activationOps += source.activationOps;
  target.tileOutputs += source.tileOutputs;
}

/**
 * What hardware a run powers: the inventory that area and leakage are priced on.
 * Counts are of occupied hardware (tiles the mapping uses), not the whole preset mesh.
 */
export interface HardwareInventory {
  tiles: number;
  pes: number;
  crossbars: number;
  /** Index storage of the pattern mapping, bits. */
  indexBits: number;
  /** Input-selection multiplexers of the pattern mapping. */
  muxes: number;
  /**
   * Output-register bits the mapping needs beyond the PE's built-in output register (one partial sum
   * per weight column group per crossbar, peRegisterBits): a crossbar that produces more partial sums
   * per input vector (pattern: filters of several bands) holds each in its register. Absent: none.
   */
  extraOutputRegisterBits?: number;
}

/** Energy parts, in the order of the `energy_<part>_pj` columns of summary.csv. */
export const ENERGY_PARTS = [
  'adc',
  'dac',
  'crossbar',
  'sample_hold',
  'shift_add',
  'register',
  'buffer',
  'noc',
  'index',
  'activation',
  'tile_output',
  'leakage',
] as const;

export type EnergyPart = (typeof ENERGY_PARTS)[number];
export type EnergyBreakdown = Record<EnergyPart, number>;

/** Area parts, in the order of the per-part area statistics (mm2). */
export const AREA_PARTS = [
  'crossbar',
  'adc',
  'dac',
  'sample_hold',
  'shift_add',
  'register',
  'buffer',
  'router',
  'activation',
  'tile_other',
  'index',
  'mux',
  'chip_other',
] as const;

export type AreaPart = (typeof AREA_PARTS)[number];

/** Areas of the chip a run needs, mm2. */
export interface AreaBreakdown {
  /** Occupied crossbar arrays only: the paper's "crossbar area". */
  crossbar_area_mm2: number;
  /** Tiles used (each with all its PEs and periphery) + pattern-mapping extras + the rest of the chip. */
  chip_area_mm2: number;
  /** chip_area_mm2 split by part; the parts sum to it. */
  parts: Record<AreaPart, number>;
}

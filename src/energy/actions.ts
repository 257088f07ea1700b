/**
 * Actions the simulation counts. Energy is never computed during a run: counts are priced
 * afterwards from the arch file (docs/design.md §4), so a price what-if needs no new simulation.
 */
const BUILTIN_ACTIONS = [
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

export type BuiltinAction = (typeof BUILTIN_ACTIONS)[number];
/** A counted action: a built-in one or one a plug-in registered (registerAction). */
export type ActionName = string;

/**
 * Every counted action, in the order of the `<action>_count` columns: the built-in ones, then those
 * registered by plug-ins. A live list: register before the first simulation.
 */
export const ACTION_NAMES: readonly ActionName[] = [...BUILTIN_ACTIONS];

/** Counts of each action, e.g. for one layer or the whole run. */
export type ActionCounts = Record<BuiltinAction, number> & Record<ActionName, number>;

/**
 * Adds a counted action (docs/extending.md, "A new priced action"); `name` in camelCase, ending in
 * `Bits` when it counts bits. Returns the function that removes it again (tests).
 */
export function registerAction(name: string): () => void {
  return registerIn(ACTION_NAMES as ActionName[], name, 'action');
}

export function emptyCounts(): ActionCounts {
  const counts = {} as ActionCounts;
  for (const name of ACTION_NAMES) counts[name] = 0;
  return counts;
}

/** target += source, action by action. */
export function addCounts(target: ActionCounts, source: Readonly<ActionCounts>): void {
  for (const name of ACTION_NAMES) target[name] += source[name];
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

const BUILTIN_PARTS = [
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

/** An energy part: a built-in one or one a plug-in's price rule lands in (registerEnergyPart). */
export type EnergyPart = string;
/**
 * Energy parts, in the order of the `energy_<part>_pj` columns of summary.csv: the built-in ones,
 * then those registered by plug-ins. A live list.
 */
export const ENERGY_PARTS: readonly EnergyPart[] = [...BUILTIN_PARTS];
export type EnergyBreakdown = Record<(typeof BUILTIN_PARTS)[number], number> & Record<EnergyPart, number>;

/** Adds an energy part (snake_case); returns the function that removes it again (tests). */
export function registerEnergyPart(part: string): () => void {
  return registerIn(ENERGY_PARTS as EnergyPart[], part, 'energy part');
}

function registerIn(list: string[], name: string, what: string): () => void {
  if (list.includes(name)) throw new Error(`${what} '${name}' is already registered`);
  list.push(name);
  return () => {
    const at = list.indexOf(name);
    if (at >= 0) list.splice(at, 1);
  };
}

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

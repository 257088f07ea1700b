/**
 * What each arch key does to a run, so that code can tell a price what-if from a new simulation:
 * - `timing`: changes what is simulated (counts or cycles);
 * - `price`: read only when the counts are priced (energy, area, static power);
 * - `pruning`: steers the on-the-fly pruning of a trace without masks, nothing else;
 * - `label`: names and documents, changes no number.
 * A key takes its section's role unless it is listed on its own. A new key in a section without a
 * role is `timing`: the safe default (a sweep then simulates it rather than re-pricing it wrongly).
 */
export type KeyRole = 'timing' | 'price' | 'pruning' | 'label';

const SECTION_ROLES: Record<string, KeyRole> = {
  name: 'label',
  description: 'label',
  sources: 'label',
  energy: 'price',
  area: 'price',
  leakage: 'price',
  pattern: 'pruning',
};

/**
 * Keys whose role differs from their section's. The ADC's resolution and model set its price; its
 * model may also claim them for timing (the ADC sub-model's `timingKeys`, src/energy/adc.ts).
 */
const KEY_ROLES: Record<string, KeyRole> = {
  'adc.bits': 'price',
  'adc.model': 'price',
};

/** The role of dotted key `path` (e.g. `energy.dacPj`). */
export function keyRole(path: string): KeyRole {
  return KEY_ROLES[path] ?? SECTION_ROLES[path.split('.')[0]] ?? 'timing';
}

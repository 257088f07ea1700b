/**
 * docs/extending.md, "A new layers.csv column": a column derived from what a layer's result already
 * holds (its priced ADC energy and its MACs), registered from the test folder.
 */
import type { LayerColumn } from '../../src/output/csv.ts';

export const adcEnergyPerMac: LayerColumn = {
  name: 'adc_energy_per_mac_pj',
  value: (layer) => (layer.macs > 0 ? layer.energy.adc / layer.macs : ''),
};

/**
 * The ADC sub-model slot's contract. `adc.model` names one: a table in arch/adc/ (adc-table.ts) or
 * a model registered in code (src/energy/adc.ts, docs/extending.md "A new ADC model"). A model
 * prices one ADC and may give its own conversion time; everything else about the ADC (how many per
 * crossbar, when they convert) belongs to the crossbar's OU pipeline.
 */
import type { Arch } from '../config/arch.ts';

/** How a price was obtained. */
export type AdcPriceMethod = 'table' | 'interpolated' | 'extrapolated' | 'model';

export interface AdcPrice {
  pjPerConversion: number;
  um2: number;
  /** True when the price is a scaling assumption outside what the model covers. */
  extrapolated: boolean;
  method: AdcPriceMethod;
  /** One line for the run's warnings when the price is not a table row or the model's own, else ''. */
  note: string;
}

export interface AdcModel {
  /** One line for docs and listings. */
  description: string;
  /** Energy of one conversion and area of one ADC, under the arch's adc.* keys. */
  price(adc: Arch['adc']): AdcPrice;
  /**
   * One conversion, ns. Absent: the arch's `adc.latencyNs + adc.nsPerBit x adc.bits`. A model that
   * gives it makes `adc.model` and `adc.bits` timing keys (a change of either re-simulates).
   */
  conversionNs?(adc: Arch['adc']): number;
}

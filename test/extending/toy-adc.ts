/**
 * A toy ADC model for docs/extending.md, "A new ADC model": a flash ADC with 2^bits - 1
 * comparators, each 0.01 pJ per conversion and 2 um2, converting in 3 ns whatever its resolution.
 * (Made-up numbers: it exists to show a model flowing through run, pricing and the CSVs.)
 */
import { registerAdcModel, type AdcModel } from '../../src/energy/adc.ts';

export const TOY_ADC_NAME = 'toy-flash';

export const toyAdc: AdcModel = {
  description: 'toy flash ADC: 2^bits - 1 comparators of 0.01 pJ and 2 um2 each, 3 ns per conversion',
  price: (adc) => {
    const comparators = 2 ** adc.bits - 1;
    return {
      pjPerConversion: 0.01 * comparators,
      um2: 2 * comparators,
      extrapolated: false,
      method: 'model',
      note: '',
    };
  },
  conversionNs: () => 3,
};

/** The registration line; returns the function that removes the model again. */
export function registerToyAdc(): () => void {
  return registerAdcModel(TOY_ADC_NAME, toyAdc);
}

/**
 * The ADC sub-model slot: `adc.model` chooses the model by name. Tables in arch/adc/ are models
 * without code (their file is their registration); a model in code is one file plus one
 * registerAdcModel call (docs/extending.md, "A new ADC model"). Pricing, the OU pipeline's timing
 * and the simulation key ask the slot, never a model directly.
 */
import { declareAdcModel, listAdcTables, toCycles, adcConversionCycles, type Arch } from '../config/arch.ts';
import { InputError } from '../util/errors.ts';
import type { AdcModel, AdcPrice } from './adc-model.ts';
import { tableAdcModel } from './adc-table.ts';

export type { AdcModel, AdcPrice, AdcPriceMethod } from './adc-model.ts';
export { AdcTableSchema, adcPriceFor, loadAdcTable, type AdcTable } from './adc-table.ts';

const registered = new Map<string, AdcModel>();

/** Registers an ADC model under `name`; returns the function that removes it again (tests). */
export function registerAdcModel(name: string, model: AdcModel): () => void {
  if (registered.has(name) || listAdcTables().includes(name))
    throw new Error(`ADC model '${name}' is already registered`);
  registered.set(name, model);
  const undeclare = declareAdcModel(name);
  return () => {
    registered.delete(name);
    undeclare();
  };
}

/** The model `adc.model` names: one registered in code, else the table of that name. */
export function adcModel(name: string): AdcModel {
  const model = registered.get(name);
  if (model) return model;
  if (!listAdcTables().includes(name))
    throw new InputError(
      'adc.model',
      'adc.model',
      `unknown ADC model '${name}' (tables in arch/adc/: ${listAdcTables().join(', ')}; registered: ${[...registered.keys()].join(', ') || 'none'})`,
    );
  return tableAdcModel(name);
}

/** Energy and area of one of the arch's ADCs (`adc.model` at `adc.bits`). */
export function adcPrice(arch: Pick<Arch, 'adc'>): AdcPrice {
  return adcModel(arch.adc.model).price(arch.adc);
}

/** One conversion of the arch's ADC in whole cycles: the model's own time, else the arch's. */
export function adcConversionCyclesOf(arch: Pick<Arch, 'clockNs' | 'adc'>): number {
  const model = adcModel(arch.adc.model);
  return model.conversionNs ? toCycles(arch, model.conversionNs(arch.adc)) : adcConversionCycles(arch);
}

/**
 * The adc.* keys (besides latencyNs, nsPerBit and perCrossbar, always timing keys) that the ADC's
 * conversion time reads: its model and resolution for a model with its own time; else its resolution
 * when the conversion time grows with it (nsPerBit > 0).
 */
export function adcTimingKeys(arch: Pick<Arch, 'adc'>): string[] {
  if (adcModel(arch.adc.model).conversionNs) return ['adc.model', 'adc.bits'];
  return arch.adc.nsPerBit > 0 ? ['adc.bits'] : [];
}

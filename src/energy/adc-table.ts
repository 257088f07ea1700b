/**
 * The table kind of ADC model: energy and area by resolution from a table in arch/adc/<name>.json,
 * read for `adc.bits`: exact inside the table, interpolated between two rows, extrapolated outside
 * (flagged, so the run can warn). This is what makes `--set adc.bits=5` re-price with no hand edits.
 * A table needs no code: its file in arch/adc/ is its registration (src/energy/adc.ts).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { ADC_DIR, listAdcTables, readJsonFile } from '../config/arch.ts';
import { parseWith } from '../config/validate.ts';
import { InputError } from '../util/errors.ts';
import type { AdcModel, AdcPrice } from './adc-model.ts';

const AdcEntrySchema = z
  .object({
    bits: z.number().int().min(1).describe('resolution, bits'),
    pjPerConversion: z.number().positive().describe('energy of one conversion, pJ'),
    um2: z.number().positive().describe('area of one ADC, um2'),
  })
  .strict();

export const AdcTableSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    source: z.string().min(1).describe('where the rows come from'),
    entries: z.array(AdcEntrySchema).min(1),
    extrapolation: z
      .object({
        energyFactorPerBit: z.number().min(1).describe('energy ratio per bit beyond the table'),
        areaFactorPerBit: z.number().min(1).describe('area ratio per bit beyond the table'),
        source: z.string().min(1).describe('why that scaling'),
      })
      .strict(),
  })
  .strict();

export type AdcTable = z.output<typeof AdcTableSchema>;

const tables = new Map<string, AdcTable>();

/** Read and validate arch/adc/<model>.json (cached: tables never change during a process). */
export function loadAdcTable(model: string): AdcTable {
  const cached = tables.get(model);
  if (cached) return cached;
  const path = join(ADC_DIR, `${model}.json`);
  if (!listAdcTables().includes(model))
    throw new InputError(
      path,
      'adc.model',
      `unknown ADC model '${model}' (tables in arch/adc/: ${listAdcTables().join(', ')})`,
    );
  const table = parseWith(AdcTableSchema, readJsonFile(path), path);
  const bits = table.entries.map((e) => e.bits);
  for (let i = 1; i < bits.length; i++)
    if (bits[i] <= bits[i - 1])
      throw new InputError(path, `entries[${i}].bits`, 'rows must be sorted by strictly increasing bits');
  tables.set(model, table);
  return table;
}

/** Energy and area of one ADC of `bits` resolution under table `model`. */
export function adcPriceFor(model: string, bits: number): AdcPrice {
  const table = loadAdcTable(model);
  const rows = table.entries;
  const exact = rows.find((r) => r.bits === bits);
  if (exact)
    return {
      pjPerConversion: exact.pjPerConversion,
      um2: exact.um2,
      extrapolated: false,
      method: 'table',
      note: '',
    };

  const first = rows[0];
  const last = rows[rows.length - 1];
  if (bits < first.bits || bits > last.bits) {
    // Scale from the nearest end of the table by a fixed factor per bit (the table states why).
    const edge = bits < first.bits ? first : last;
    const steps = bits - edge.bits;
    const { energyFactorPerBit, areaFactorPerBit } = table.extrapolation;
    return {
      pjPerConversion: edge.pjPerConversion * energyFactorPerBit ** steps,
      um2: edge.um2 * areaFactorPerBit ** steps,
      extrapolated: true,
      method: 'extrapolated',
      note:
        `ADC price for ${bits} bits is extrapolated from the ${edge.bits}-bit row of ADC table '${model}' ` +
        `(x${energyFactorPerBit} energy, x${areaFactorPerBit} area per bit; table covers ${first.bits}-${last.bits} bits)`,
    };
  }

  // Between two rows: geometric interpolation, since ADC cost grows about exponentially with bits.
  const upperIndex = rows.findIndex((r) => r.bits > bits);
  const lower = rows[upperIndex - 1];
  const upper = rows[upperIndex];
  const t = (bits - lower.bits) / (upper.bits - lower.bits);
  const geometric = (a: number, b: number) => a * (b / a) ** t;
  return {
    pjPerConversion: geometric(lower.pjPerConversion, upper.pjPerConversion),
    um2: geometric(lower.um2, upper.um2),
    extrapolated: false,
    method: 'interpolated',
    note:
      `ADC price for ${bits} bits is interpolated between the ${lower.bits}- and ${upper.bits}-bit rows ` +
      `of ADC table '${model}'`,
  };
}

/** The ADC model of table arch/adc/<name>.json: prices from the table, the arch's default timing. */
export function tableAdcModel(name: string): AdcModel {
  const table = loadAdcTable(name);
  return {
    description: table.description,
    price: (adc) => adcPriceFor(name, adc.bits),
  };
}

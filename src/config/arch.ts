/**
 * The architecture file: one zod schema that validates a preset, documents every field (with its
 * unit) and gives the TypeScript type. Keys named in docs/design.md §4b keep their names: sweeps, scripts
 * and users address them with `--set key=value`.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { jsonNamesIn, readJsonFile } from '../util/json-files.ts';
import { InputError } from '../util/errors.ts';
import { parseWith } from './validate.ts';
import { applyOverrides, type Override } from './overrides.ts';
import { checkArchLimits } from './limits.ts';
import { projectRoot } from '../util/paths.ts';

const int = (min: number, description: string) => z.number().int().min(min).describe(description);
const positive = (description: string) => z.number().positive().describe(description);
const nonNegative = (description: string) => z.number().min(0).describe(description);

export const ArchSchema = z
  .object({
    name: z.string().min(1).describe('preset name, written into every result'),
    description: z.string().describe('what this preset models and where its numbers come from'),
    clockNs: positive('period of the one global clock, ns; every latency below becomes whole cycles of it'),
    chip: z
      .object({
        meshX: int(1, 'tiles per row of the 2D mesh NoC'),
        meshY: int(1, 'tiles per column of the 2D mesh NoC'),
        pesPerTile: int(1, 'processing elements per tile'),
        crossbarsPerPe: int(1, 'crossbars per PE'),
      })
      .strict(),
    crossbar: z
      .object({
        rows: int(1, 'wordlines per crossbar'),
        cols: int(1, 'bitlines per crossbar'),
        cellBits: int(1, 'bits stored per RRAM cell'),
        differential: z.boolean().describe('signed weights on a pos/neg column pair (else offset encoding)'),
        readLatencyNs: nonNegative('DAC drive + crossbar read + sample-and-hold of one OU step, ns'),
      })
      .strict(),
    ou: z
      .object({
        rows: int(1, 'wordlines activated together in one OU step'),
        cols: int(1, 'bitlines activated together in one OU step'),
      })
      .strict(),
    adc: z
      .object({
        bits: int(1, 'ADC resolution, bits; below the lossless resolution the run reports it is lossy'),
        perCrossbar: int(1, 'ADCs shared by the bitlines of one crossbar'),
        model: z.string().min(1).describe('ADC energy/area model by name, e.g. a table by resolution'),
        latencyNs: nonNegative('one conversion, ns (plus nsPerBit x bits)'),
        nsPerBit: nonNegative(
          'conversion time added per bit of resolution, ns: 0 for a fixed-rate ADC; > 0 scales it with adc.bits (SAR)',
        ),
      })
      .strict(),
    dac: z
      .object({
        bits: int(1, 'input bits driven per wordline per step'),
      })
      .strict(),
    precision: z
      .object({
        weightBits: int(1, 'weight width, bits'),
        inputBits: int(1, 'input (activation) width, bits'),
        outputBits: int(1, 'width of an output activation written back, bits'),
        partialSumBits: int(1, 'width of a partial sum moved between crossbars, bits'),
      })
      .strict(),
    pattern: z
      .object({
        size: int(1, 'kept weights per 3x3 kernel (centre always kept)'),
        count: int(1, 'patterns in the library'),
        connectivity: z
          .number()
          .min(1)
          .describe('connectivity pruning ratio: kernels before / kernels after'),
      })
      .strict(),
    inputSelect: z
      .object({
        indexLatencyNs: nonNegative(
          "index-table look-up in front of each OU step of a mapping that has one (pattern, sre), ns; added to the step's front stage",
        ),
        muxLatencyNs: nonNegative(
          "input-selection multiplexer in front of the DACs of a mapping that has them (pattern, sre), ns; added to each OU step's front stage",
        ),
      })
      .strict(),
    shiftAdd: z.object({ latencyNs: nonNegative('one shift-and-add of an OU result, ns') }).strict(),
    buffer: z
      .object({
        sizeKiB: positive('tile buffer capacity, KiB'),
        ports: int(1, 'buffer ports serving PEs and the router'),
        bitsPerCycle: int(1, 'bits one port moves per cycle'),
        latencyNs: nonNegative('access latency, ns'),
      })
      .strict(),
    noc: z
      .object({
        flitBits: int(1, 'flit width, bits'),
        routerLatencyNs: nonNegative('per-hop router latency, ns'),
        linkLatencyNs: nonNegative('per-hop link latency, ns'),
      })
      .strict(),
    activation: z
      .object({ latencyNs: nonNegative('activation / pooling unit latency per output vector, ns') })
      .strict(),
    sparsity: z
      .object({
        skipZeroRows: z
          .boolean()
          .describe('skip OU rows whose inputs are all zero (what-if; trace gives zero fraction)'),
        zeroInputFraction: z
          .number()
          .min(0)
          .max(1)
          .describe('fraction of zero inputs assumed for layers whose trace gives none (what-if), 0..1'),
      })
      .strict(),
    energy: z
      .object({
        dacPj: nonNegative(
          'one wordline driven for one input slice by a 1-bit DAC, pJ; a b-bit DAC costs 2^(b-1) times this',
        ),
        cellReadPj: nonNegative('one cell read in an OU step, pJ'),
        sampleHoldPj: nonNegative('one bitline sampled, pJ'),
        shiftAddPj: nonNegative('one shift-and-add of one column result, pJ'),
        bufferPjPerBit: nonNegative('buffer read or write, pJ per bit'),
        registerPjPerBit: nonNegative('PE input/output register access, pJ per bit'),
        nocPjPerFlitHop: nonNegative('one flit over one router + link, pJ'),
        indexPjPerLookup: nonNegative('one index-table look-up (pattern mapping), pJ'),
        muxPjPerSelect: nonNegative('one input-selection multiplexer select (pattern mapping), pJ'),
        activationPj: nonNegative('one activation / pooling / residual-add operation, pJ'),
        tileOutputPj: nonNegative(
          "one weight-layer output value merged by its home tile's shift-and-add and held in the tile output register, pJ (active power, charged per output)",
        ),
      })
      .strict(),
    area: z
      .object({
        crossbarUm2: nonNegative('one crossbar array, um2'),
        dacUm2: nonNegative('one 1-bit DAC (one per wordline), um2; a b-bit DAC is 2^(b-1) times this'),
        sampleHoldUm2: nonNegative('one sample-and-hold (one per bitline), um2'),
        shiftAddUm2: nonNegative('shift-and-add logic per ADC it serves, um2'),
        registerUm2PerBit: nonNegative(
          'PE input/output register, um2 per bit (sizes follow from the PE: one input vector and one output vector per crossbar)',
        ),
        indexUm2PerBit: nonNegative('index storage of the pattern mapping, um2 per bit'),
        muxUm2: nonNegative('one input-selection multiplexer (one per wordline, pattern mapping), um2'),
        bufferMm2: nonNegative('one tile buffer, mm2'),
        routerMm2: nonNegative('one router, mm2'),
        activationMm2: nonNegative('activation/pooling unit of one tile, mm2'),
        tileOtherMm2: nonNegative('rest of a tile (bus, control), mm2'),
        chipOtherMm2: nonNegative('off-chip links and the rest of the chip, mm2'),
      })
      .strict(),
    leakage: z
      .object({
        crossbarMw: nonNegative('static power of one crossbar with its periphery, mW'),
        bufferMw: nonNegative('static power of one tile buffer, mW'),
        routerMw: nonNegative('static power of one router, mW'),
        tileOtherMw: nonNegative('static power of the rest of a tile, mW'),
        chipOtherMw: nonNegative('static power of off-chip links and the rest of the chip, mW'),
        powerGating: z
          .boolean()
          .describe(
            "false: every used tile (and crossbar) leaks for the whole run; true: idle units are power-gated, so the static power of a layer's share of its tiles and crossbars is charged only from its first OU step to its last output (the chip-level part always)",
          ),
      })
      .strict(),
    sources: z
      .record(z.string(), z.string())
      .describe('where each number comes from: dotted key -> citation (paper, table, page)'),
  })
  .strict();

export type Arch = z.output<typeof ArchSchema>;

/** Folder of the shipped presets. */
export const ARCH_DIR = join(projectRoot, 'arch');

/** Resolve `--arch`: a preset name in `arch/` (e.g. `paper`) or a path to a JSON file. */
export function resolveArchPath(nameOrPath: string): string {
  if (existsSync(nameOrPath)) return resolve(nameOrPath);
  const preset = join(ARCH_DIR, `${nameOrPath}.json`);
  if (existsSync(preset)) return preset;
  throw new InputError(
    '--arch',
    '',
    `unknown preset or missing file '${nameOrPath}' (presets: ${listArchPresets().join(', ')})`,
  );
}

export function listArchPresets(): string[] {
  // Presets sit at the top of arch/; helper tables (ADC curves) live in sub-folders.
  return jsonNamesIn(ARCH_DIR);
}

// Kept here for the modules that import it from the arch (traces, ADC tables).
export { readJsonFile };

/**
 * Load and validate an arch preset, apply `--set` overrides, then check the constraints
 * that involve several fields (an OU larger than the crossbar, say).
 */
export function loadArch(nameOrPath: string, overrides: readonly Override[] = []): Arch {
  const path = resolveArchPath(nameOrPath);
  const raw = readJsonFile(path);
  const withOverrides = applyOverrides(raw, overrides);
  const source = overrides.length ? `${path} (with --set)` : path;
  const arch = parseWith(ArchSchema, withOverrides, source);
  checkArch(arch, source);
  archSources.set(arch, source);
  return arch;
}

// The file (and --set) each loaded arch came from, for errors found later in a run.
const archSources = new WeakMap<Arch, string>();

/** Where `arch` was loaded from (`paper.json (with --set)`), for messages; its name if built by hand. */
export function archSource(arch: Arch): string {
  return archSources.get(arch) ?? `arch '${arch.name}'`;
}

/** Cross-field constraints that a per-field schema cannot express. */
export function checkArch(arch: Arch, source: string): void {
  if (arch.ou.rows > arch.crossbar.rows)
    throw new InputError(
      source,
      'ou.rows',
      `OU rows (${arch.ou.rows}) exceed crossbar rows (${arch.crossbar.rows})`,
    );
  if (arch.ou.cols > arch.crossbar.cols)
    throw new InputError(
      source,
      'ou.cols',
      `OU columns (${arch.ou.cols}) exceed crossbar columns (${arch.crossbar.cols})`,
    );
  if (arch.pattern.size > 9)
    throw new InputError(
      source,
      'pattern.size',
      `a 3x3 kernel has 9 positions, pattern.size is ${arch.pattern.size}`,
    );
  // The centre is always kept, so a pattern chooses size-1 of the other 8 positions.
  const distinctPatterns = binomial(8, arch.pattern.size - 1);
  if (arch.pattern.count > distinctPatterns)
    throw new InputError(
      source,
      'pattern.count',
      `only ${distinctPatterns} distinct patterns keep ${arch.pattern.size} of 9 positions with the centre kept, pattern.count is ${arch.pattern.count}`,
    );
  const adcModels = listAdcModels();
  if (!adcModels.includes(arch.adc.model))
    throw new InputError(
      source,
      'adc.model',
      `unknown ADC model '${arch.adc.model}' (tables in arch/adc/ and models registered in code: ${adcModels.join(', ')})`,
    );
  checkArchLimits(arch, source);
}

/** Folder of the ADC energy/area tables that `adc.model` names (src/energy/adc-table.ts reads them). */
export const ADC_DIR = join(ARCH_DIR, 'adc');

/** ADC models that are tables in arch/adc/. */
export function listAdcTables(): string[] {
  // Read once: arch/adc/ ships with ousim, and every layer copy asks (an existsSync each, ~1% of a run).
  adcTables ??= jsonNamesIn(ADC_DIR);
  return adcTables;
}
let adcTables: string[] | undefined;

/** Names of ADC models registered in code (src/energy/adc.ts registerAdcModel declares them here). */
const codeAdcModels = new Set<string>();

export function declareAdcModel(name: string): () => void {
  codeAdcModels.add(name);
  return () => codeAdcModels.delete(name);
}

/** Every name `adc.model` accepts: the tables, then the models registered in code. */
export function listAdcModels(): string[] {
  return [...listAdcTables(), ...codeAdcModels];
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

/** Lossless ADC resolution for an OU (docs/design.md §1). */
export function losslessAdcBits(arch: Pick<Arch, 'ou' | 'crossbar' | 'dac'>): number {
  const maxSum = arch.ou.rows * (2 ** arch.crossbar.cellBits - 1) * (2 ** arch.dac.bits - 1);
  return Math.ceil(Math.log2(maxSum + 1));
}

/** Adjacent columns one weight spans (docs/design.md §1). */
export function weightSlices(arch: Pick<Arch, 'precision' | 'crossbar'>): number {
  return Math.ceil(arch.precision.weightBits / arch.crossbar.cellBits);
}

/** Columns one output (filter) takes: slices, doubled for a differential pair. */
export function columnsPerWeight(arch: Pick<Arch, 'precision' | 'crossbar'>): number {
  return weightSlices(arch) * (arch.crossbar.differential ? 2 : 1);
}

/** Bit-serial steps per input vector (docs/design.md §1). */
export function inputSlices(arch: Pick<Arch, 'precision' | 'dac'>): number {
  return Math.ceil(arch.precision.inputBits / arch.dac.bits);
}

/**
 * One ADC conversion in whole cycles by the arch's keys: `adc.latencyNs + adc.nsPerBit * adc.bits`
 * (an ADC model may give its own time: src/energy/adc.ts adcConversionCyclesOf, which the OU pipeline uses).
 */
export function adcConversionCycles(arch: Pick<Arch, 'clockNs' | 'adc'>): number {
  return toCycles(arch, arch.adc.latencyNs + arch.adc.nsPerBit * arch.adc.bits);
}

/** A latency in ns as whole cycles of the global clock (rounded up: hardware cannot finish early). */
export function toCycles(arch: Pick<Arch, 'clockNs'>, ns: number): number {
  return Math.ceil(ns / arch.clockNs - 1e-9);
}

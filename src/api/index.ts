/**
 * ousim as a library: the one entry point of `import ... from 'ousim'` (docs/api.md). Each function
 * is a typed front of the modules the command line uses (src/config, src/workload, src/mapping,
 * src/sim, src/sweep, src/output), so a script and `ousim <command>` compute the same thing and write
 * the same bytes. Bad input throws InputError (exported), worded as the CLI's one-line messages.
 */
import { listArchPresets, loadArch as loadArchFile, resolveArchPath, type Arch } from '../config/arch.ts';
import { parseOverride, type Override } from '../config/overrides.ts';
import {
  DEFAULT_MAPPER,
  listMappers,
  mapNetwork,
  mapperChoices,
  mapperNeedsMasks,
  registerMapper,
  resolvedMapperOptions,
} from '../mapping/registry.ts';
import { layerRow, summaryRow, type LayerRow, type SummaryRow } from '../mapping/report.ts';
import type { LayoutMapper, MapperOptions } from '../mapping/types.ts';
import { OutputFolder } from '../output/atomic.ts';
import {
  componentRows,
  layerRows,
  registerLayerColumn,
  summaryRows,
  writeRunOutputs,
  type LayerColumn,
} from '../output/csv.ts';
import { readCsvFile, toCsv, type CsvRow, type CsvValue } from '../output/csv-text.ts';
import { prepareLoadedNetwork, resolvedConfig, type PreparedNetwork } from '../sim/setup.ts';
import { reprice as repriceResult, simulate as simulateRequest, simulationKey } from '../sim/simulate.ts';
import type { Fidelity, RunResult } from '../sim/types.ts';
import type { FigureName, FigureOutcome } from '../figures/make.ts';
import { createBackend, defaultJobs } from '../sweep/backend.ts';
import {
  COMPARE_MAPPINGS,
  DEFAULT_COMPARE_TRACES,
  runCompare,
  type CompareOutcome,
} from '../sweep/compare.ts';
import { mergeSweeps, type MergeReport } from '../sweep/merge.ts';
import type { CompareRow } from '../sweep/paper.ts';
import { silentProgress, type Progress } from '../sweep/progress.ts';
import { runSweep, SWEEP_CSV, type SweepReport } from '../sweep/runner.ts';
import { parseShard } from '../sweep/shard.ts';
import { InputError } from '../util/errors.ts';
import { OUSIM_VERSION } from '../util/version.ts';
import { readNeuroSim } from '../workload/neurosim.ts';
import { importOnnx } from '../workload/onnx/import.ts';
import { readOnnxFile } from '../workload/onnx/model.ts';
import { pruneNetwork, type PatternStats } from '../workload/prune.ts';
import { listZoo, loadTrace as loadTraceFile, resolveTracePath, writeTrace } from '../workload/trace.ts';
import type { Network } from '../workload/types.ts';
import { sha256File } from '../workload/file-ref.ts';
import { hasWeightData, traceWeights, weightsFrom } from '../workload/weights/files.ts';
import { basename, extname, join, resolve } from 'node:path';

// Extension points (docs/extending.md): a mapper, a layers.csv column.
export { InputError, OUSIM_VERSION as version, registerLayerColumn, registerMapper, writeTrace };
export type {
  Arch,
  FigureOutcome,
  Override,
  CompareRow,
  CsvRow,
  Fidelity,
  LayerColumn,
  LayerRow,
  LayoutMapper,
  MapperOptions,
  MergeReport,
  Network,
  PatternStats,
  RunResult,
};
export type { SummaryRow as MappingSummaryRow };

/**
 * Arch overrides, the `--set key=value` of the CLI: `{ 'adc.bits': 6 }`, `['adc.bits=6']` or
 * `[{ key: 'adc.bits', value: 6 }]`. A key the arch file does not have is an InputError, never a
 * silent no-op.
 */
export type Overrides =
  Readonly<Record<string, number | boolean | string>> | readonly (string | Readonly<Override>)[];

/** A network: a zoo name (`vgg16-cifar10`), a trace file path, or a Network already loaded. */
export type NetworkInput = string | Network;

/** Array.isArray, as a guard that keeps the element type (the built-in one narrows to any[]). */
function isList<T>(value: unknown): value is readonly T[] {
  return Array.isArray(value);
}

function toOverrides(overrides: Overrides | undefined): Override[] {
  if (overrides === undefined) return [];
  if (isList<string | Readonly<Override>>(overrides))
    return overrides.map((o) => (typeof o === 'string' ? parseOverride(o) : { key: o.key, value: o.value }));
  const record: Readonly<Record<string, Override['value']>> = overrides;
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

function overrideTexts(overrides: Overrides | undefined): string[] {
  // `--set` texts pass through as given (they are parsed once, where they are used).
  if (isList<string | Readonly<Override>>(overrides) && overrides.every((o) => typeof o === 'string'))
    return overrides.map(String);
  return toOverrides(overrides).map((o) => `${o.key}=${String(o.value)}`);
}

/** Names of the shipped arch presets (`paper`, `isaac`, ...), the zoo's traces, and the mappers. */
export function presets(): string[] {
  return listArchPresets();
}
export function zoo(): string[] {
  return listZoo();
}
export function mappers(): string[] {
  return listMappers();
}

// Where a loaded Arch came from, for the config.resolved.json of the runs that use it.
const archOrigins = new WeakMap<Arch, { archPath: string; overrides: Override[] }>();

/** An arch: a preset name or a JSON file, with overrides applied and every constraint checked. */
export function loadArch(presetOrFile = 'paper', overrides?: Overrides): Arch {
  const list = toOverrides(overrides);
  const arch = loadArchFile(presetOrFile, list);
  archOrigins.set(arch, { archPath: resolveArchPath(presetOrFile), overrides: list });
  return arch;
}

/** A trace: a zoo name or a trace file (docs/traces.md), validated. */
export function loadTrace(nameOrPath: string): Network {
  return loadTraceFile(resolveTracePath(nameOrPath));
}

export interface ImportedModel {
  network: Network;
  /** Operators that do not use the crossbars, and other things the import skipped. */
  warnings: string[];
}

/**
 * Network shapes from an ONNX model (`.onnx`) or DNN+NeuroSim's NetWork.csv (`.csv`), unpruned;
 * `name` defaults to the file name. `writeTrace(network)` gives the trace file's text.
 */
export function importModel(file: string, options: ImportOptions = {}): ImportedModel {
  const name = options.name ?? basename(file, extname(file));
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) return { network: readNeuroSim(file, name), warnings: [] };
  if (lower.endsWith('.onnx')) {
    const graph = readOnnxFile(file);
    const inputShape = options.inputShape ? [...options.inputShape] : undefined;
    const result = importOnnx(graph, name, file, { inputShape });
    // A model with trained weights becomes the trace's source: run / compare / sweep prune them.
    if (hasWeightData(graph, result.convWeights))
      result.network.source = { format: 'onnx', path: resolve(file), sha256: sha256File(file) };
    return { network: result.network, warnings: result.warnings };
  }
  throw new InputError('--from', file, 'expected a NeuroSim .csv file or an .onnx model');
}

function networkOf(input: NetworkInput): { network: Network; tracePath: string } {
  if (typeof input !== 'string') return { network: input, tracePath: `(network ${input.name})` };
  const tracePath = resolveTracePath(input);
  return { network: loadTraceFile(tracePath), tracePath };
}

export interface ImportOptions {
  /** Network name in the trace (default: the file name). */
  name?: string;
  /** ONNX: the input [N, C, H, W] of a model with dynamic dims (e.g. [1, 3, 640, 640]). */
  inputShape?: readonly number[];
}

export interface PruneOptions {
  /** Seed of the synthetic He-normal weights (default 1); ignored when trained weights are used. */
  seed?: number;
  /**
   * Real weights: an ONNX model's Conv initializers or a folder of `<layer>.npy` files. Default: the
   * trained weights of the model the trace was imported from (its `source`), else synthetic ones.
   */
  weights?: string;
}

/**
 * Pattern + connectivity pruning of the 3x3 conv layers with the arch's `pattern.*` keys (`ousim
 * prune`); layers that already carry masks are kept. `stats` are the rows of patterns.csv,
 * `weights` says where the weights came from.
 */
export function prune(
  network: NetworkInput,
  arch: Arch,
  options: PruneOptions = {},
): { network: Network; stats: PatternStats[]; weights: string } {
  const { network: loaded, tracePath } = networkOf(network);
  const seed = options.seed ?? 1;
  const weights =
    options.weights === undefined ? traceWeights(loaded, tracePath) : weightsFrom(options.weights, loaded);
  const pruned = pruneNetwork(loaded, arch.pattern, seed, weights);
  return { ...pruned, weights: weights ? weights.origin : `synthetic (seed ${seed})` };
}

export interface MappingOptions {
  /** `dense`, `pattern` (default), `sre`, ...: see mappers(). */
  mapping?: string;
  /** Packing of the pattern mapper: merge-stack (default), merge, stack, band. */
  packing?: string;
  /** Any registered mapper's own options by key (the CLI's mapper flags), besides `packing` and `skipZeroOus`. */
  mapperOptions?: Readonly<Record<string, unknown>>;
  /** Total crossbars allowed for replicating the slowest layers (default 0: none). */
  replicationBudget?: number;
  /** `dense` mapper: do not activate OUs whose weights are all pruned (default false). */
  skipZeroOus?: boolean;
  /** Seed of the on-the-fly pruning of an unpruned trace (default 1). */
  seed?: number;
}

function mapperOptions(options: MappingOptions): MapperOptions {
  const budget = options.replicationBudget ?? 0;
  if (!Number.isInteger(budget) || budget < 0)
    throw new InputError('replicationBudget', '', `expected a whole number >= 0, got ${budget}`);
  const own: MapperOptions = { ...options.mapperOptions };
  if (options.packing !== undefined) own.packing = options.packing;
  const result: MapperOptions = { ...own, replicationBudget: budget };
  // dense's option, typed here because the API had it before mappers declared their own.
  if (options.skipZeroOus) result.skipZeroOus = true;
  return result;
}

/** The trace as a run sees it: pruned on the fly when the mapper needs masks and it has none. */
function prepared(
  input: NetworkInput,
  arch: Arch,
  mapping: string,
  options: MapperOptions,
  seed: number,
): PreparedNetwork {
  const { network, tracePath } = networkOf(input);
  return prepareLoadedNetwork(network, tracePath, arch, seed, {
    masks: mapperNeedsMasks(mapping, options),
  });
}

export interface MappingResult {
  /** The rows of `ousim map`'s layers.csv (one per weight layer) and summary.csv. */
  layers: LayerRow[];
  summary: SummaryRow;
}

/** Mapping only, no timing (`ousim map`): crossbars, utilisation, OU steps, index bits per layer. */
export function map(network: NetworkInput, arch: Arch, options: MappingOptions = {}): MappingResult {
  const mapping = options.mapping ?? DEFAULT_MAPPER;
  const given = mapperOptions(options);
  const mOptions = { ...resolvedMapperOptions(given), replicationBudget: given.replicationBudget };
  const { network: net } = prepared(network, arch, mapping, mOptions, options.seed ?? 1);
  const layers = mapNetwork(net, arch, mapping, mOptions).map((m) => layerRow(net.name, m, arch));
  return { layers, summary: summaryRow(net, mapping, mapperChoices(mapping, mOptions), layers, arch) };
}

/** The rows of a run's CSVs (docs/design.md §5), column for column. */
export interface RunRows {
  summary: CsvRow;
  layers: CsvRow[];
  components: CsvRow[];
}

export interface Simulation extends RunRows {
  /** The full result (counts, energy breakdown, per-layer figures); reprice() takes it. */
  result: RunResult;
  /** The network as simulated (pruned on the fly when the trace had no masks), and the arch. */
  network: Network;
  arch: Arch;
  /** Lossy ADC, extrapolated ADC prices, grown mesh, ... */
  warnings: string[];
  /** What config.resolved.json records; writeRun() writes it. */
  config: unknown;
}

/** A stream of images through the layer pipeline (docs/simulation.md, "Streams of images"). */
export interface StreamOptions {
  /** Images streamed back to back (default 1); `cycles` is then the makespan of all of them. */
  images?: number;
  /** Jump over the periodic steady state, exactly (default true); false simulates every image. */
  fastForward?: boolean;
}

function streamOptions(options: StreamOptions): { images: number; fastForward: boolean } {
  const images = options.images ?? 1;
  if (!Number.isSafeInteger(images) || images < 1)
    throw new InputError('images', '', `expected a whole number >= 1, got ${images}`);
  return { images, fastForward: options.fastForward ?? true };
}

export interface SimulateOptions extends MappingOptions, StreamOptions {
  /** `fast` (default): one closed-form OU pipeline per crossbar per vector; `ou`: every OU step an event. */
  fidelity?: Fidelity;
  /** Called now and then with the fraction done (0..1). */
  onProgress?: (fraction: number) => void;
}

function rowsOf(result: RunResult): RunRows {
  return {
    summary: summaryRows([result])[0],
    layers: layerRows([result]),
    components: componentRows([result]),
  };
}

/**
 * Simulate one network on one arch with one mapping (`ousim run`). An unpruned trace is pruned on the
 * fly with the arch's pattern keys and `seed` (the dense mapper needs no masks and skips it).
 */
export function simulate(network: NetworkInput, arch: Arch, options: SimulateOptions = {}): Simulation {
  const mapping = options.mapping ?? DEFAULT_MAPPER;
  const fidelity = options.fidelity ?? 'fast';
  if (fidelity !== 'fast' && fidelity !== 'ou')
    throw new InputError('fidelity', '', `expected fast or ou, got '${String(fidelity)}'`);
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new InputError('seed', '', 'expected a whole number');
  const mOptions = mapperOptions(options);
  const stream = streamOptions(options);
  const net = prepared(network, arch, mapping, mOptions, seed);
  const result = simulateRequest({
    arch,
    network: net.network,
    mapper: mapping,
    mapperOptions: mOptions,
    fidelity,
    seed,
    ...stream,
    onProgress: options.onProgress,
  });
  const config = resolvedConfig({
    command: 'run',
    arch,
    // An Arch built by hand (not by loadArch) is recorded whole, under `arch`, as always.
    archPath: archOrigins.get(arch)?.archPath ?? '(arch object)',
    overrides: archOrigins.get(arch)?.overrides ?? [],
    networks: [net],
    mappers: [mapping],
    mapperOptions: mOptions,
    fidelity,
    seed,
    ...stream,
  });
  return { ...rowsOf(result), result, network: net.network, arch, warnings: result.warnings, config };
}

/**
 * The same run priced under another arch that differs only in prices (energy, area, leakage, the
 * ADC's model and, for a fixed-rate ADC, its bits): no new simulation. Throws when `arch` would
 * change what is simulated.
 */
export function reprice(simulation: Simulation, arch: Arch): Simulation {
  if (simulationKey(arch) !== simulationKey(simulation.arch))
    throw new InputError(
      'reprice',
      '',
      'the arch changes what is simulated (not only prices); simulate it instead',
    );
  const result = repriceResult(simulation.result, arch);
  return { ...simulation, ...rowsOf(result), result, arch, warnings: result.warnings };
}

/** Write a simulation's summary.csv, layers.csv, components.csv, config.resolved.json atomically. */
export function writeRun(
  out: string,
  simulations: Simulation | readonly Simulation[],
  config?: unknown,
): string {
  const list: readonly Simulation[] = isList<Simulation>(simulations) ? simulations : [simulations];
  const folder = new OutputFolder(out);
  try {
    writeRunOutputs(
      folder,
      list.map((s) => s.result),
      config ?? list[0]?.config ?? { ousim: OUSIM_VERSION },
    );
    folder.commit();
  } catch (error) {
    folder.discard();
    throw error;
  }
  return folder.out;
}

interface ExperimentOptions extends StreamOptions {
  /** Arch preset or file (default `paper`). */
  arch?: string;
  overrides?: Overrides;
  seed?: number;
  fidelity?: Fidelity;
  /** Output folder (required: compare writes its CSVs there, a sweep resumes from it). */
  out: string;
  /** Worker threads (default: every core). */
  jobs?: number;
  /** start/tick/stop of a progress display (default: none). */
  progress?: Progress;
}

function jobsOf(jobs: number | undefined, most = Infinity): number {
  const n = Math.min(jobs ?? defaultJobs(), most);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError('jobs', '', `expected a whole number >= 1, got ${n}`);
  return n;
}

export interface CompareOptions extends ExperimentOptions, Omit<MappingOptions, 'mapping' | 'seed'> {
  /** Networks (zoo names or trace files); default the paper's four. */
  traces?: string[];
  /** Mappers to compare: candidates, the baseline among them or not; default dense and pattern. */
  mappings?: string[];
  /** The mapper the others are measured against (default dense). */
  baseline?: string;
  /**
   * What a replication budget holds equal: `crossbars` (default; each mapping gets the budget) or
   * `area` (dense replicates within the budget, the others within dense's chip area).
   */
  budgetBy?: 'crossbars' | 'area';
}

export type { CompareOutcome };

/**
 * Candidate mappings over a baseline (default pattern over dense) on the same arch and pruned
 * networks (`ousim compare`): writes the run CSVs and compare.csv into `out`, and returns the
 * compare rows and every run's result.
 */
export async function compare(options: CompareOptions): Promise<CompareOutcome> {
  const traces = options.traces ?? DEFAULT_COMPARE_TRACES;
  const backend = createBackend(jobsOf(options.jobs, Math.max(1, traces.length)));
  try {
    return await runCompare(
      {
        traces,
        arch: options.arch ?? 'paper',
        sets: overrideTexts(options.overrides),
        seed: options.seed ?? 1,
        fidelity: options.fidelity ?? 'fast',
        out: options.out,
        mapperOptions: mapperOptions(options),
        mappings: options.mappings,
        ...(options.baseline !== undefined ? { baseline: options.baseline } : {}),
        budgetBy: options.budgetBy,
        ...streamOptions(options),
      },
      (tasks) => backend.simulateBatch(tasks),
      options.progress ?? silentProgress,
    );
  } finally {
    await backend.close();
  }
}

export interface SweepOptions extends ExperimentOptions {
  traces: string[];
  /** The mappers' own options (`{ packing: 'stack' }`), the same at every point. */
  mapperOptions?: Readonly<Record<string, number | boolean | string>>;
  /** Mappers, an axis of the grid (default dense and pattern). */
  mappings?: string[];
  /** The grid's arch / pattern axes: `{ 'adc.bits': [4, 5, 6] }` or `['adc.bits=4,5,6']`. */
  axes?: Readonly<Record<string, readonly (number | boolean | string)[]>> | readonly string[];
  /** `i/N`: this machine's slice of the grid (0-based). */
  shard?: string;
  /** The human lines the CLI prints on stderr (plan, re-pricing, failures). */
  log?: (line: string) => void;
}

export interface SweepOutcome extends SweepReport {
  /** Every row of sweep.csv (this shard's), as the CSV's text cells keyed by column. */
  rows: Record<string, string>[];
}

/**
 * A grid over arch keys, pruning keys, mappings and traces (`ousim sweep`): one sweep.csv row per
 * point in `out`, resumed when the folder already holds part of the same sweep. Points that fail
 * are listed in `failed` (their rows are missing); bad input throws before anything is written.
 */
export async function sweep(options: SweepOptions): Promise<SweepOutcome> {
  const axes = options.axes ?? [];
  const sets = isList<string>(axes)
    ? [...axes]
    : Object.entries(axes).map(([key, values]) => `${key}=${values.map(String).join(',')}`);
  const backend = createBackend(jobsOf(options.jobs));
  try {
    const report = await runSweep(
      {
        traces: options.traces,
        mappings: options.mappings ?? [...COMPARE_MAPPINGS],
        sets,
        arch: options.arch ?? 'paper',
        seed: options.seed ?? 1,
        fidelity: options.fidelity ?? 'fast',
        out: options.out,
        shard: parseShard(options.shard),
        ...streamOptions(options),
        ...(options.mapperOptions ? { mapperOptions: options.mapperOptions } : {}),
      },
      backend,
      options.progress ?? silentProgress,
      options.log,
    );
    const table = readCsvFile(join(report.out, SWEEP_CSV));
    return { ...report, rows: table?.rows ?? [] };
  } finally {
    await backend.close();
  }
}

/** Join shard folders' sweep.csv into one in `out`, sorted by point (`ousim sweep merge`). */
export function mergeSweep(folders: readonly string[], out: string): MergeReport {
  return mergeSweeps(folders, out);
}

/**
 * One self-contained HTML report of a results folder (`ousim report`): configuration, tables and
 * interactive figures, vega inlined so it opens offline. Returns the file written.
 */
export async function report(inDir: string, out: string): Promise<string> {
  // Loaded on demand: the figures pull in vega and resvg, which the other functions do not need.
  const { writeReport } = await import('../report/html.ts');
  return writeReport(inDir, out);
}

/**
 * SVG (and PNG unless `png: false`) of every figure the CSVs in `inDir` support, into `outDir`
 * (`ousim figures`): one outcome per figure, with the files written or why it was skipped.
 */
export async function figures(
  inDir: string,
  outDir: string,
  options: { only?: readonly string[]; png?: boolean } = {},
): Promise<FigureOutcome[]> {
  // Loaded on demand, as report(): vega and resvg are only needed here.
  const { FIGURES, makeFigures } = await import('../figures/make.ts');
  const names: readonly string[] = FIGURES.map((f) => f.name);
  const unknown = options.only?.find((name) => !names.includes(name));
  if (unknown)
    throw new InputError('--only', '', `unknown figure '${unknown}' (figures: ${names.join(', ')})`);
  const only = options.only && options.only.length > 0 ? (options.only as FigureName[]) : undefined;
  return makeFigures(inDir, outDir, { only, png: options.png ?? true });
}

/** CSV text of rows (the writers' own formatting: equal rows, equal bytes). */
export function csv<T extends Record<keyof T, CsvValue>>(rows: readonly Readonly<T>[]): string {
  return toCsv(rows);
}

/**
 * What one simulation takes and gives. `simulate()` (src/sim/simulate.ts) runs a network on an arch
 * with one mapper; `reprice()` re-prices a result under another arch whose non-price sections are
 * the same, without simulating again.
 */
import type { Arch } from '../config/arch.ts';
import type { EventQueue, QueueKind, SimEvent } from '../engine/index.ts';
import type { ActionCounts, EnergyBreakdown, HardwareInventory } from '../energy/actions.ts';
import type { MapperOptions } from '../mapping/types.ts';
import type { Network } from '../workload/types.ts';

export type Fidelity = 'ou' | 'fast';

export interface RunRequest {
  arch: Arch;
  network: Network;
  /** Registered mapper name: `dense`, `pattern`, ... */
  mapper: string;
  mapperOptions: MapperOptions;
  fidelity: Fidelity;
  seed: number;
  /** Images streamed back to back through the layer pipeline (default 1). */
  images?: number;
  /**
   * Jump over the periodic steady state of a stream of images (default true); false simulates every
   * image (the same results, slower: the tests compare the two).
   */
  fastForward?: boolean;
  /**
   * Periods (in images) the steady-state probe compares at once (default 4); longer ones are found by
   * hash and verified one period later. Only the tests set it, to exercise that path on short periods.
   */
  steadyStateWindow?: number;
  /**
   * The event queue (default the calendar queue). Results do not depend on it: the tests run the
   * heap queue, and a recording queue, to prove the same events run in the same order.
   */
  queue?: QueueKind | EventQueue<SimEvent>;
  /** Called now and then with the fraction done (0..1), for progress bars. */
  onProgress?: (fraction: number) => void;
}

export interface LayerResult {
  layer: string;
  type: string;
  /** How the mapper placed it: `dense`, `pattern/<packing>`, or empty for layers without weights. */
  scheme: string;
  macs: number;
  crossbars: number;
  /** Tiles the layer occupies. */
  tiles: number;
  /**
   * The layer's share of the used tiles, for static power: per crossbar, 1 / (occupied crossbars of
   * its tile), summed. The shares of all layers add up to the tiles used.
   */
  tileShare: number;
  cellsUsed: number;
  utilisation: number;
  blocks: number;
  matrixRows: number;
  matrixCols: number;
  /** OU steps per input vector: all crossbars, all input slices. */
  ouStepsPerVector: number;
  /** OU steps per input vector on the busiest crossbar. */
  ouStepsPerVectorMax: number;
  indexBits: number;
  replication: number;
  /** Share of the interval the layer's slowest crossbar is busy with one image's vectors. */
  busyFraction: number;
  /** Cycle the layer's first crossbar started, and the cycle its last output left. */
  startCycle: number;
  endCycle: number;
  counts: ActionCounts;
  energy: EnergyBreakdown;
  /**
   * Data-driven figures (docs/simulation.md, "Data-driven simulation"), absent where they do not
   * apply: the measured fraction of zero input values and of zero input bits (captured activations;
   * under the zero-fraction what-if, the assumed fraction and no bit figure), and the fraction of
   * the static OU steps (all slices, all vectors) that were skipped (weight layers).
   */
  inputZeroFraction?: number;
  inputBitZeroFraction?: number;
  ouStepsSkippedFraction?: number;
}

export interface RunResult {
  network: string;
  mapping: string;
  fidelity: Fidelity;
  cycles: number;
  latencyNs: number;
  crossbars: number;
  inventory: HardwareInventory;
  crossbarAreaMm2: number;
  chipAreaMm2: number;
  counts: ActionCounts;
  energy: EnergyBreakdown;
  energyPj: number;
  /** ADC resolution used, and the lossless one for the OU (lossy when bits < lossless). */
  adcBits: number;
  adcLosslessBits: number;
  layers: LayerResult[];
  /** Long-format component statistics (component path, statistic, unit, value, description). */
  components: { component: string; statistic: string; unit: string; value: number; description: string }[];
  /** Things the user should know (lossy ADC, extrapolated ADC price, grown mesh, ...). */
  warnings: string[];
  stream: StreamFigures;
}

/** A stream of images: `cycles` is then the makespan of all of them. */
export interface StreamFigures {
  images: number;
  /** Cycle the first image was complete (every output of every layer stored). */
  firstLatencyCycles: number;
  /** Cycles per image in the steady state (see simulate.ts, streamFigures), and in ns. */
  intervalCycles: number;
  intervalNs: number;
  /** First image of the periodic steady state, -1 when none was found (or one image). */
  steadyFromImage: number;
  /** Images fast-forwarded over (not simulated event by event). */
  skippedImages: number;
}

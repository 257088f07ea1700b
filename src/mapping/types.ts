/**
 * What a mapper hands to the simulator: per weight layer, the crossbars it occupies and, per
 * crossbar, the OU activations of one input slice step. Everything the timing and energy models
 * need is here; the cell-level detail used by the functional check lives in the mapper.
 */
import type { z } from 'zod';
import type { Arch } from '../config/arch.ts';
import type { WeightLayer } from '../workload/types.ts';
import type { LayerLayout } from './layout.ts';

/** One crossbar's share of a layer. */
export interface CrossbarPlan {
  /**
   * OU activations of one input slice step, in issue order: active wordlines of each OU step.
   * The same sequence repeats for every input slice of every input vector.
   */
  ouRows: Uint16Array;
  /** Active bitlines of each OU step (same length as `ouRows`). */
  ouCols: Uint16Array;
  /** Wordlines holding weights. */
  rowsUsed: number;
  /** Bitlines holding weights. */
  colsUsed: number;
  /** Cells allocated to weights (zeros of pruned weights included under `dense`). */
  cellsUsed: number;
  /**
   * Crossbars of a layer with the same `columnGroup` produce partial sums of the same outputs
   * (the layer's weight matrix was split by rows); their results are added before activation.
   */
  columnGroup: number;
  /** Output values (after shift-add across slices) this crossbar produces per input vector. */
  outputsPerVector: number;
  /** Distinct input values this crossbar reads per input vector (its wordlines' inputs). */
  inputsPerVector: number;
  /** Index-table look-ups per input slice step (pattern mapping: block and column ids). */
  indexLookupsPerSlice: number;
  /** Input-selection multiplexer selects per input slice step (pattern mapping). */
  muxSelectsPerSlice: number;
  /**
   * Data-driven simulation (captured activations): the input on each wordline of this crossbar, as
   * an InputId of layout.ts (`channel * kh * kw + ky * kw + kx`, channel counted over the whole layer;
   * FC: the input feature), -1 where the wordline holds no weights. Indexed by wordline.
   */
  wordlineInputs?: Int32Array;
  /**
   * First wordline of each OU step: step i drives the `ouRows[i]` adjacent wordlines from here.
   * Plans without `rowGroups` only (data-driven simulation needs it there); absent with row groups,
   * whose OUs take kept wordlines that need not be adjacent.
   */
  ouFirstRow?: Uint16Array;
  /**
   * Row compaction (SRE): when present, OU steps are formed per column group from its kept
   * wordlines (see RowGroups), and `ouRows` / `ouCols` describe the static packing (every kept row
   * active). With activation data the simulator drops the rows whose input bit is 0 before it packs
   * them into OUs.
   */
  rowGroups?: RowGroups;
  /**
   * Offset encoding only (absent or 0 when differential): digital corrections per input vector,
   * each one subtraction of `2^(weightBits-1)` times an input sum from one output's partial sum.
   */
  offsetCorrectionsPerVector?: number;
  /** Offset encoding only: additions per input vector that form the input sums the corrections use. */
  inputSumAddsPerVector?: number;
}

/**
 * SRE-style row compaction of one crossbar: group g drives bitlines [colStart[g], colStart[g] +
 * cols[g]) and keeps the wordlines `wordlines[offsets[g] .. offsets[g + 1])` (those with a non-zero
 * cell in the group's bitlines), in wordline order. An OU of the group takes up to `ou.rows` of them.
 */
export interface RowGroups {
  colStart: Uint16Array;
  cols: Uint16Array;
  offsets: Uint32Array;
  wordlines: Uint16Array;
}

export interface LayerMapping {
  layer: string;
  mapper: string;
  /** Dense multiply-accumulates of one inference. */
  macs: number;
  /** Input vectors per inference (output positions of a conv layer, 1 for FC). */
  vectors: number;
  /** Bit-serial steps per input vector. */
  inputSlices: number;
  /** Rows of the logical weight matrix (after the mapper's reordering). */
  matrixRows: number;
  /** Columns of the logical weight matrix, slices and differential pairs included. */
  matrixCols: number;
  /** Blocks placed (pattern mapping: (channel, pattern) groups or their pieces; dense: crossbar tiles). */
  blocks: number;
  /** One entry per physical crossbar of one copy of the layer's weights. */
  crossbars: CrossbarPlan[];
  /** Copies of the weights (replication balances the layer pipeline); 1 unless enabled. */
  replication: number;
  /** Bits of index storage the mapping needs (0 for dense). */
  indexBits: number;
  /** Input-selection multiplexers the mapping needs (one per used wordline for pattern; 0 for dense). */
  muxes: number;
  /**
   * How this layer was actually placed: `dense`, `pattern/<packing>`, `sre`, ... (a mapper's own
   * words). A `pattern` mapping of a layer without 3x3 patterns (1x1, depthwise, FC, unpruned) says
   * `dense` here.
   */
  scheme?: string;
}

/**
 * Parameters that steer a mapper, beyond the arch file: the generic replication budget, and each
 * registered mapper's own options by key (its `options` schema; pattern's `packing`, ...). A mapper
 * reads its own keys with readMapperOptions (options.ts) and ignores the others.
 */
export interface MapperOptions {
  /** Crossbar budget for replication of early layers; 0 disables replication. */
  replicationBudget?: number;
  /** Chip-area budget (mm2) for replication instead of crossbars (compare --budget-by area). */
  replicationAreaMm2?: number;
  [option: string]: unknown;
}

/**
 * A mapper registered by name (`dense`, `pattern`, ...): everything the CLI, the sweep, compare and
 * the tests need to know about it is declared here (docs/extending.md, "A new mapper").
 */
export interface Mapper {
  name: string;
  /** One line for `--help` and docs. */
  description: string;
  /**
   * True when the placement depends on the pruning masks: an unpruned trace is then pruned on the fly
   * before mapping (false: the masks are not needed and the trace is used as it is). A function when
   * it depends on the mapper's own options.
   */
  needsMasks: boolean | ((options: MapperOptions) => boolean);
  /**
   * The mapper's own options: a zod object of optional (or defaulted) string-enum, number or boolean
   * fields with `.describe()` texts. Each field becomes a flag of run, map, compare and sweep
   * (`packing` -> `--packing`); its key must not be another mapper's.
   */
  options: z.ZodObject;
  mapLayer(layer: WeightLayer, arch: Arch, options: MapperOptions): LayerMapping;
}

/**
 * A mapper that can also hand out its wordline/bitline layout (layout.ts), which the functional
 * check walks. Only asked for small layers: the layout is kept out of the fast path.
 */
export interface LayoutMapper extends Mapper {
  layoutLayer(layer: WeightLayer, arch: Arch, options: MapperOptions): LayerLayout;
}

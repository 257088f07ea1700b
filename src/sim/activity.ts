/**
 * Data-driven OU activity (docs/simulation.md, "Data-driven simulation"): with captured activations
 * (Network.activations) and `sparsity.skipZeroRows`, which OU steps of a crossbar run for one input
 * vector, how many rows they drive and what the fast pipeline's closed form needs.
 *
 * Inputs enter bit-serially, least significant slice first: slice s carries bits [s*D, s*D + D) of
 * the input's `precision.inputBits`-bit code (D = dac.bits). A signed input (two's complement) has
 * its sign bit in the top slice, whose value the shift-and-add counts as negative. A wordline is
 * driven in slice s when its slice value is not zero; an OU step runs in slice s when one of its
 * rows is driven. Everything here works on per-input *slice masks* (bit s set when slice s of the
 * input is not zero), so one look-up per input answers every slice at once.
 *
 * Two implementations of the same decisions, so that the two fidelities check each other:
 * - `WindowReader` reads one input of one window straight from the codes (the `ou` fidelity's OU
 *   controllers and the functional check walk every step and row with it);
 * - `LayerActivity` (the `fast` fidelity) pads the map of slice masks once, finds the distinct
 *   wordline runs of the layer's OU steps ("chunks", shared by crossbars that hold the same inputs,
 *   as a dense row tile's column tiles do), ORs each chunk's masks once per vector, and sums per
 *   crossbar over its runs of steps with the same rows: no work per (step, slice).
 */
import { inputSlices, type Arch } from '../config/arch.ts';
import { backStageCycles, type OuTiming } from '../hardware/ou-pipeline.ts';
import { layerGeometry } from '../mapping/geometry.ts';
import type { CrossbarPlan, LayerMapping, RowGroups } from '../mapping/types.ts';
import { InputError } from '../util/errors.ts';
import type { LayerActivations } from '../workload/activations.ts';
import type { WeightLayer } from '../workload/types.ts';

/** Where bad activations are reported from (the trace loader names its file itself). */
const SOURCE = 'activations';

/**
 * The input value a code stands for at the arch's precision: the code's integer (two's complement
 * when signed); when the capture used more bits than `precision.inputBits`, shifted right by the
 * difference (the low bits dropped, rounding down), so a sweep over inputBits re-quantises.
 */
export function inputValue(act: LayerActivations, code: number, inputBits: number): number {
  const bits = act.bits;
  let v = code & (2 ** bits - 1);
  if (act.signed && v >= 2 ** (bits - 1)) v -= 2 ** bits;
  if (bits > inputBits) v = Math.floor(v / 2 ** (bits - inputBits));
  return v;
}

/** Per code: bit s set when input slice s of its value is not zero. */
export function sliceMaskTable(act: LayerActivations, arch: Pick<Arch, 'precision' | 'dac'>): Uint16Array {
  const inputBits = arch.precision.inputBits;
  const dacBits = arch.dac.bits;
  const slices = inputSlices(arch);
  const table = new Uint16Array(2 ** act.bits);
  const word = 2 ** inputBits - 1;
  const sliceWord = 2 ** dacBits - 1;
  for (let code = 0; code < table.length; code++) {
    const bits = inputValue(act, code, inputBits) & word; // two's complement of inputBits bits
    let mask = 0;
    for (let s = 0; s < slices; s++) if (((bits >>> (s * dacBits)) & sliceWord) !== 0) mask |= 1 << s;
    table[code] = mask;
  }
  return table;
}

/** Set bits of every value below 2^bits. */
function popcountTable(bits: number): Uint8Array {
  const table = new Uint8Array(2 ** bits);
  for (let i = 1; i < table.length; i++) table[i] = table[i >> 1] + (i & 1);
  return table;
}

/** Checks the activations against the layer and the arch; one InputError naming the field. */
export function checkActivations(layer: WeightLayer, act: LayerActivations, arch: Arch): void {
  const field = `${layer.name}`;
  const [c, h, w] = act.shape;
  if (layer.type === 'fc') {
    if (c * h * w !== layer.inFeatures)
      throw new InputError(
        SOURCE,
        `${field}.shape`,
        `[${act.shape.join(', ')}] does not hold the layer's ${layer.inFeatures} input features`,
      );
  } else if (c !== layer.inShape[0] || h !== layer.inShape[1] || w !== layer.inShape[2]) {
    throw new InputError(
      SOURCE,
      `${field}.shape`,
      `[${act.shape.join(', ')}] is not the layer's input shape [${layer.inShape.join(', ')}]`,
    );
  }
  if (act.codes.length !== c * h * w)
    throw new InputError(
      SOURCE,
      `${field}.codes`,
      `${act.codes.length} codes for a [${act.shape.join(', ')}] map`,
    );
  if (!Number.isInteger(act.bits) || act.bits < 1 || act.bits > 16)
    throw new InputError(SOURCE, `${field}.bits`, `${act.bits} is not a whole number of bits in 1..16`);
  if (inputSlices(arch) > 16)
    throw new InputError(
      'arch',
      'precision.inputBits',
      'data-driven simulation handles at most 16 input slices',
    );
}

/** Output position u of a layer as its window's top-left corner in input coordinates (before padding). */
interface WindowGeometry {
  /** Output positions of one image: u counts within the image (u mod positions for later images). */
  positions: number;
  outW: number;
  sy: number;
  sx: number;
  py: number;
  px: number;
}

function windowGeometry(layer: WeightLayer): WindowGeometry {
  if (layer.type === 'fc') return { positions: 1, outW: 1, sy: 1, sx: 1, py: 0, px: 0 };
  return {
    positions: layer.outShape[1] * layer.outShape[2],
    outW: layer.outShape[2],
    sy: layer.stride[0],
    sx: layer.stride[1],
    py: layer.padding[0],
    px: layer.padding[1],
  };
}

/**
 * The slice mask of one input of one window, straight from the codes (0 in the zero padding). The
 * reference the `ou` fidelity and the functional check use.
 */
export class WindowReader {
  readonly slices: number;
  private readonly table: Uint16Array;
  private readonly codes: LayerActivations['codes'];
  private readonly fc: boolean;
  private readonly kk: number;
  private readonly kw: number;
  private readonly h: number;
  private readonly w: number;
  private readonly g: WindowGeometry;

  constructor(layer: WeightLayer, act: LayerActivations, arch: Arch) {
    checkActivations(layer, act, arch);
    this.slices = inputSlices(arch);
    this.table = sliceMaskTable(act, arch);
    this.codes = act.codes;
    this.fc = layer.type === 'fc';
    const geometry = layerGeometry(layer);
    this.kk = geometry.kernelSize;
    this.kw = geometry.kw;
    this.h = act.shape[1];
    this.w = act.shape[2];
    this.g = windowGeometry(layer);
  }

  /** Slice mask of input `id` (layout.ts InputId) in the window of output position u. */
  mask(u: number, id: number): number {
    const codeMask = this.table.length - 1;
    if (this.fc) return this.table[this.codes[id] & codeMask];
    const p = u % this.g.positions;
    const oy = Math.floor(p / this.g.outW);
    const ox = p - oy * this.g.outW;
    const channel = Math.floor(id / this.kk);
    const pos = id - channel * this.kk;
    const ky = Math.floor(pos / this.kw);
    const iy = oy * this.g.sy - this.g.py + ky;
    const ix = ox * this.g.sx - this.g.px + (pos - ky * this.kw);
    if (iy < 0 || ix < 0 || iy >= this.h || ix >= this.w) return 0;
    return this.table[this.codes[(channel * this.h + iy) * this.w + ix] & codeMask];
  }
}

/** What one input vector costs on one crossbar when only the steps with driven rows run. */
export interface VectorWork {
  /** OU steps that run (all slices). */
  steps: number;
  /** Sum of max(read, d) over them, and d of the last one (ou-pipeline.ts runSteps). */
  path: number;
  lastBack: number;
  /** Columns converted (= sample-and-holds = shift-adds), and the ADC cycles they take. */
  conversions: number;
  busy: number;
  /** Wordline drives (a driven row counts once per step that drives it) and cells read by them. */
  driven: number;
  cells: number;
  /** Input slices in which at least one step runs (index look-ups and mux selects happen then). */
  slicesRun: number;
}

export function emptyWork(): VectorWork {
  return { steps: 0, path: 0, lastBack: 0, conversions: 0, busy: 0, driven: 0, cells: 0, slicesRun: 0 };
}

/** Per crossbar: its runs of consecutive OU steps over the same wordlines, or its SRE row groups. */
interface CrossbarUnits {
  /** Units [start, end) in the layer's unit arrays. */
  start: number;
  end: number;
  /** Row-group crossbars: groups [start, end) in the layer's group arrays. */
  groups: boolean;
  /** Row-group crossbars: their plan's row groups and their wordline-input class (`rowMasks`). */
  rowGroups?: RowGroups;
  inputClass?: number;
  /** Crossbars with the same steps over the same wordline inputs share one CrossbarUnits (its class). */
  id: number;
}

/** A 4-bit slice mask spread into four byte counters: bit i becomes 1 << 8i. */
const SPREAD = Uint32Array.from({ length: 16 }, (_, m) => {
  let v = 0;
  for (let i = 0; i < 4; i++) if ((m >> i) & 1) v += 2 ** (8 * i);
  return v;
});

/** VectorWork fields in the per-class cache, in this order. */
const WORK_FIELDS = 8;

/**
 * Column-chunk aggregates of the steps one row chunk takes: k steps of widths w_j and back times d_j;
 * per slice in which the chunk runs, it adds k steps, sum(w) conversions, sum(max(read, d)) of path
 * and sum(d) of ADC time; its last step has back time `lastBack`.
 */
interface StepRun {
  k: number;
  cols: number;
  path: number;
  busy: number;
  lastBack: number;
}

/** StepRuns as columns, one entry per unit or row group, for the per-vector loops. */
interface StepRunColumns {
  k: Float64Array;
  cols: Float64Array;
  path: Float64Array;
  busy: Float64Array;
  lastBack: Float64Array;
}

function stepRunColumns(runs: readonly StepRun[]): StepRunColumns {
  return {
    k: Float64Array.from(runs, (r) => r.k),
    cols: Float64Array.from(runs, (r) => r.cols),
    path: Float64Array.from(runs, (r) => r.path),
    busy: Float64Array.from(runs, (r) => r.busy),
    lastBack: Float64Array.from(runs, (r) => r.lastBack),
  };
}

/** The `fast` fidelity's data-driven activity of one layer (shared by its copies). */
export class LayerActivity {
  readonly slices: number;
  private readonly popcount: Uint8Array;
  /** Slice masks of the zero-padded input map, [C][Hp][Wp] (FC: the features). */
  private readonly padded: Uint16Array;
  private readonly g: WindowGeometry;
  private readonly wp: number;
  /** Chunks: their wordlines' offsets in `padded` from the window's origin, CSR. */
  private readonly chunkStart: Int32Array;
  private readonly chunkOffsets: Int32Array;
  /** Per vector: OR and sum of popcounts of each chunk's masks. */
  private readonly chunkOr: Int32Array;
  private readonly chunkDriven: Int32Array;
  private origin = 0;
  private readonly crossbars: CrossbarUnits[] = [];
  /** Per class: the vector whose work is cached (`loads` when it was computed) and that work. */
  private classStamp = new Int32Array(0);
  private classWork = new Float64Array(0);
  private loads = 0;
  /** Units (runs of steps over one chunk): chunk and column aggregates. */
  private readonly unitChunk: Int32Array;
  private readonly unitRuns: StepRunColumns;
  /**
   * Row groups: the column aggregates of each group; per wordline-input class (row-group crossbars
   * with the same wordline inputs, as a dense row tile's column tiles), each wordline's offset in
   * `padded` (-1: no input) and, per vector, its spread slice mask (`classSpread`, computed once per
   * vector and class, when first asked).
   */
  private readonly groupRuns: StepRunColumns;
  /** ceil(n / ou.rows) for every n up to a group's wordlines. */
  private readonly ousOfRows: Uint16Array;
  private readonly classOffsets: Int32Array[];
  private readonly classMaskStamp: Int32Array;
  /**
   * Per class and vector, each wordline's slice mask spread into byte counters (`SPREAD`): `packs`
   * words per wordline, slices 4j .. 4j+3 in word j, so summing the words of a group's kept
   * wordlines counts, per slice, its driven rows (at most 255 rows per sum: no carry between bytes).
   */
  private readonly classSpread: Uint32Array[];
  private readonly packs: number;
  private readonly sliceCount: Int32Array;
  /** Per crossbar, per wordline: its input's offset in `padded` (-1: no input); made for the check. */
  private wordlineOffsets: Int32Array[] | undefined;
  private readonly offsetOf: (id: number) => number;
  private readonly plans: readonly CrossbarPlan[];

  constructor(
    layer: WeightLayer,
    act: LayerActivations,
    mapping: LayerMapping,
    arch: Arch,
    timing: OuTiming,
  ) {
    checkActivations(layer, act, arch);
    this.slices = inputSlices(arch);
    this.popcount = popcountTable(this.slices);
    this.sliceCount = new Int32Array(this.slices);
    const table = sliceMaskTable(act, arch);
    const codeMask = table.length - 1;
    const geometry = layerGeometry(layer);
    this.g = windowGeometry(layer);
    // The padded map: every window lies inside it, the padding holds mask 0.
    const [c, h, w] = act.shape;
    let hp = 1;
    let wp = c * h * w;
    let offsetOf = (id: number) => id;
    if (layer.type === 'conv') {
      const [outH, outW] = [layer.outShape[1], layer.outShape[2]];
      hp = (outH - 1) * this.g.sy + geometry.kh;
      wp = (outW - 1) * this.g.sx + geometry.kw;
      const { kk, kw } = { kk: geometry.kernelSize, kw: geometry.kw };
      offsetOf = (id) => {
        const channel = Math.floor(id / kk);
        const pos = id - channel * kk;
        const ky = Math.floor(pos / kw);
        return (channel * hp + ky) * wp + (pos - ky * kw);
      };
    }
    this.wp = wp;
    const channels = layer.type === 'conv' ? c : 1;
    this.padded = new Uint16Array(channels * hp * wp);
    if (layer.type === 'fc') {
      for (let i = 0; i < act.codes.length; i++) this.padded[i] = table[act.codes[i] & codeMask];
    } else {
      for (let ch = 0; ch < c; ch++)
        for (let iy = 0; iy < h; iy++) {
          const y = iy + this.g.py;
          if (y >= hp) break;
          const row = (ch * hp + y) * wp + this.g.px;
          const src = (ch * h + iy) * w;
          const width = Math.min(w, wp - this.g.px);
          for (let ix = 0; ix < width; ix++) this.padded[row + ix] = table[act.codes[src + ix] & codeMask];
        }
    }

    this.offsetOf = offsetOf;
    this.plans = mapping.crossbars;
    // Chunks and units from the plans.
    const chunkStart: number[] = [0];
    const chunkOffsets: number[] = [];
    const chunkIds = new Map<Int32Array, Map<number, number>>();
    const unitChunk: number[] = [];
    const unitRun: StepRun[] = [];
    const groupRun: StepRun[] = [];
    let maxGroupRows = 0;
    // Column aggregates by group width (they depend on nothing else), wordline-input classes by content.
    const runOfWidth = new Map<number, StepRun>();
    const inputClassOf = new Map<string, number>();
    const classOffsets: Int32Array[] = [];
    const back = (cols: number) => backStageCycles(cols, timing.adcs, timing.adcCycles);
    const addStep = (run: StepRun, cols: number) => {
      const d = back(cols);
      run.k++;
      run.cols += cols;
      run.path += Math.max(timing.readCycles, d);
      run.busy += d;
      run.lastBack = d;
    };
    const newRun = (): StepRun => ({ k: 0, cols: 0, path: 0, busy: 0, lastBack: 0 });
    type SameSteps = Map<Uint16Array, { rows: Uint16Array; units: CrossbarUnits }>;
    const unitsOf = new Map<Int32Array, Map<Uint16Array, SameSteps>>();
    let classes = 0;
    for (const plan of mapping.crossbars) {
      const inputs = requireWordlines(plan, layer);
      if (plan.rowGroups) {
        const groups = plan.rowGroups;
        const start = groupRun.length;
        for (let gi = 0; gi < groups.cols.length; gi++) {
          const width = groups.cols[gi];
          let run = runOfWidth.get(width);
          if (!run) {
            run = newRun();
            for (let col = 0; col < width; col += arch.ou.cols)
              addStep(run, Math.min(arch.ou.cols, width - col));
            runOfWidth.set(width, run);
          }
          groupRun.push(run);
          maxGroupRows = Math.max(maxGroupRows, groups.offsets[gi + 1] - groups.offsets[gi]);
        }
        const key = inputs.join();
        let inputClass = inputClassOf.get(key);
        if (inputClass === undefined) {
          inputClassOf.set(key, (inputClass = classOffsets.length));
          classOffsets.push(Int32Array.from(inputs, (id) => (id < 0 ? -1 : offsetOf(id))));
        }
        this.crossbars.push({
          start,
          end: groupRun.length,
          groups: true,
          rowGroups: groups,
          inputClass,
          id: classes++,
        });
        continue;
      }
      const firstRows = plan.ouFirstRow!;
      // The same step arrays over the same wordline inputs (a dense row tile's column tiles): same units.
      const same = unitsOf.get(inputs)?.get(plan.ouCols)?.get(firstRows);
      if (same && same.rows === plan.ouRows) {
        this.crossbars.push(same.units);
        continue;
      }
      let byRows = chunkIds.get(inputs);
      if (!byRows) chunkIds.set(inputs, (byRows = new Map<number, number>()));
      const start = unitChunk.length;
      for (let i = 0; i < plan.ouRows.length; i++) {
        const first = firstRows[i];
        const rows = plan.ouRows[i];
        const key = first * 65536 + rows;
        const sameAsPrevious = i > 0 && firstRows[i - 1] === first && plan.ouRows[i - 1] === rows;
        if (!sameAsPrevious) {
          let chunk = byRows.get(key);
          if (chunk === undefined) {
            chunk = chunkStart.length - 1;
            for (let row = first; row < first + rows; row++)
              if (inputs[row] >= 0) chunkOffsets.push(offsetOf(inputs[row]));
            chunkStart.push(chunkOffsets.length);
            byRows.set(key, chunk);
          }
          unitChunk.push(chunk);
          unitRun.push(newRun());
        }
        addStep(unitRun[unitRun.length - 1], plan.ouCols[i]);
      }
      const units = { start, end: unitChunk.length, groups: false, id: classes++ };
      this.crossbars.push(units);
      let byCols = unitsOf.get(inputs);
      if (!byCols) unitsOf.set(inputs, (byCols = new Map<Uint16Array, SameSteps>()));
      let byFirst = byCols.get(plan.ouCols);
      if (!byFirst) byCols.set(plan.ouCols, (byFirst = new Map() as SameSteps));
      byFirst.set(firstRows, { rows: plan.ouRows, units });
    }
    this.classStamp = new Int32Array(classes).fill(-1);
    this.classWork = new Float64Array(classes * WORK_FIELDS);
    this.chunkStart = Int32Array.from(chunkStart);
    this.chunkOffsets = Int32Array.from(chunkOffsets);
    this.chunkOr = new Int32Array(chunkStart.length - 1);
    this.chunkDriven = new Int32Array(chunkStart.length - 1);
    this.unitChunk = Int32Array.from(unitChunk);
    this.unitRuns = stepRunColumns(unitRun);
    this.groupRuns = stepRunColumns(groupRun);
    this.ousOfRows = Uint16Array.from({ length: maxGroupRows + 1 }, (_, n) => Math.ceil(n / arch.ou.rows));
    this.classOffsets = classOffsets;
    this.packs = Math.ceil(this.slices / 4);
    this.classSpread = classOffsets.map((offsets) => new Uint32Array(offsets.length * this.packs));
    this.classMaskStamp = new Int32Array(classOffsets.length).fill(-1);
  }

  /** Reads the window of output position u: every chunk's OR of masks and its driven rows. */
  load(u: number): void {
    const p = u % this.g.positions;
    const oy = Math.floor(p / this.g.outW);
    const ox = p - oy * this.g.outW;
    const origin = oy * this.g.sy * this.wp + ox * this.g.sx;
    this.origin = origin;
    this.loads = (this.loads + 1) | 0;
    const padded = this.padded;
    const popcount = this.popcount;
    const start = this.chunkStart;
    const offsets = this.chunkOffsets;
    const chunks = this.chunkOr.length;
    for (let c = 0; c < chunks; c++) {
      let or = 0;
      let driven = 0;
      for (let j = start[c]; j < start[c + 1]; j++) {
        const m = padded[origin + offsets[j]];
        or |= m;
        driven += popcount[m];
      }
      this.chunkOr[c] = or;
      this.chunkDriven[c] = driven;
    }
  }

  /** The work of crossbar x for the loaded vector, into `work` (computed once per crossbar class). */
  crossbar(x: number, work: VectorWork): void {
    const units = this.crossbars[x];
    const cache = this.classWork;
    const at = units.id * WORK_FIELDS;
    if (this.classStamp[units.id] !== this.loads) {
      this.classStamp[units.id] = this.loads;
      if (units.groups) this.rowGroupWork(units, work);
      else this.unitWork(units, work);
      cache[at] = work.steps;
      cache[at + 1] = work.path;
      cache[at + 2] = work.lastBack;
      cache[at + 3] = work.conversions;
      cache[at + 4] = work.busy;
      cache[at + 5] = work.driven;
      cache[at + 6] = work.cells;
      cache[at + 7] = work.slicesRun;
      return;
    }
    work.steps = cache[at];
    work.path = cache[at + 1];
    work.lastBack = cache[at + 2];
    work.conversions = cache[at + 3];
    work.busy = cache[at + 4];
    work.driven = cache[at + 5];
    work.cells = cache[at + 6];
    work.slicesRun = cache[at + 7];
  }

  private unitWork(units: CrossbarUnits, work: VectorWork): void {
    const popcount = this.popcount;
    const runs = this.unitRuns;
    let steps = 0;
    let path = 0;
    let conversions = 0;
    let busy = 0;
    let driven = 0;
    let cells = 0;
    let orAll = 0;
    for (let i = units.start; i < units.end; i++) {
      const chunk = this.unitChunk[i];
      const or = this.chunkOr[chunk];
      if (or === 0) continue;
      const m = popcount[or];
      const k = runs.k[i];
      steps += m * k;
      path += m * runs.path[i];
      conversions += m * runs.cols[i];
      busy += m * runs.busy[i];
      driven += this.chunkDriven[chunk] * k;
      cells += this.chunkDriven[chunk] * runs.cols[i];
      orAll |= or;
    }
    let lastBack = 0;
    if (orAll !== 0) {
      // The last step to run: in the last slice that runs, the last unit that runs in it.
      const top = 1 << (31 - Math.clz32(orAll));
      for (let i = units.end - 1; i >= units.start; i--) {
        if ((this.chunkOr[this.unitChunk[i]] & top) !== 0) {
          lastBack = runs.lastBack[i];
          break;
        }
      }
    }
    work.steps = steps;
    work.path = path;
    work.lastBack = lastBack;
    work.conversions = conversions;
    work.busy = busy;
    work.driven = driven;
    work.cells = cells;
    work.slicesRun = popcount[orAll];
  }

  /**
   * SRE row compaction: per column group and slice, the kept wordlines whose slice value is not zero
   * are packed into ceil(n / ou.rows) OUs, each taking the group's column chunks.
   */
  private rowGroupWork(units: CrossbarUnits, work: VectorWork): void {
    const spread = this.spreadMasks(units.inputClass!);
    const packs = this.packs;
    const slices = this.slices;
    const { offsets, wordlines } = units.rowGroups!;
    const count = this.sliceCount;
    const ousOf = this.ousOfRows;
    const runs = this.groupRuns;
    let lastTop = -1;
    let lastGroup = 0;
    let steps = 0;
    let path = 0;
    let conversions = 0;
    let busy = 0;
    let driven = 0;
    let cells = 0;
    let orAll = 0;
    for (let gi = units.start; gi < units.end; gi++) {
      const local = gi - units.start;
      const end = offsets[local + 1];
      // Nothing driven (or no kept wordline, when `count` still holds the previous group's): skipped.
      let any = 0;
      for (let k = offsets[local], first = true; k < end; first = false) {
        // Byte counters of up to 255 rows, then added into the per-slice counts. `| 0` keeps the sums
        // int32 (no byte carries, so wrapping only reinterprets the top bit; >>> reads it back), and the
        // loop is specialised by words per wordline. With the per-group sums below this took VGG-16
        // ImageNet's sre run on captured activations from 32.8 s to 22.1 s of CPU (median of 5).
        const stop = Math.min(end, k + 255);
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        if (packs === 1) for (; k < stop; k++) a0 = (a0 + spread[wordlines[k]]) | 0;
        else if (packs === 2)
          for (; k < stop; k++) {
            const b = wordlines[k] * 2;
            a0 = (a0 + spread[b]) | 0;
            a1 = (a1 + spread[b + 1]) | 0;
          }
        else
          for (; k < stop; k++) {
            const b = wordlines[k] * packs;
            a0 = (a0 + spread[b]) | 0;
            a1 = (a1 + spread[b + 1]) | 0;
            a2 = (a2 + spread[b + 2]) | 0;
            if (packs > 3) a3 = (a3 + spread[b + 3]) | 0;
          }
        any |= a0 | a1 | a2 | a3;
        for (let s = 0; s < slices; s++) {
          const word = s < 4 ? a0 : s < 8 ? a1 : s < 12 ? a2 : a3;
          const n = (word >>> (8 * (s & 3))) & 255;
          count[s] = first ? n : count[s] + n;
        }
      }
      if (any === 0) continue;
      // Summed over the slices first, then scaled by the group's aggregates: exact, as every term is
      // a whole number of cycles or counts.
      let ous = 0;
      let rows = 0;
      let ran = 0;
      for (let s = 0; s < slices; s++) {
        const n = count[s];
        if (n === 0) continue;
        ous += ousOf[n];
        rows += n;
        ran |= 1 << s;
      }
      steps += ous * runs.k[gi];
      path += ous * runs.path[gi];
      conversions += ous * runs.cols[gi];
      busy += ous * runs.busy[gi];
      driven += rows * runs.k[gi];
      cells += rows * runs.cols[gi];
      orAll |= ran;
      // The last step to run is in the top slice that runs, in the last group that runs in it.
      const top = 31 - Math.clz32(ran);
      if (top >= lastTop) {
        lastTop = top;
        lastGroup = gi;
      }
    }
    work.steps = steps;
    work.path = path;
    work.lastBack = orAll === 0 ? 0 : runs.lastBack[lastGroup];
    work.conversions = conversions;
    work.busy = busy;
    work.driven = driven;
    work.cells = cells;
    work.slicesRun = this.popcount[orAll];
  }

  /** The spread slice masks of an input class's wordlines for the loaded vector (once per vector and class). */
  private spreadMasks(inputClass: number): Uint32Array {
    const spread = this.classSpread[inputClass];
    if (this.classMaskStamp[inputClass] === this.loads) return spread;
    this.classMaskStamp[inputClass] = this.loads;
    const offsets = this.classOffsets[inputClass];
    const packs = this.packs;
    const padded = this.padded;
    const origin = this.origin;
    for (let row = 0; row < offsets.length; row++) {
      const offset = offsets[row];
      const m = offset < 0 ? 0 : padded[origin + offset];
      for (let j = 0; j < packs; j++) spread[row * packs + j] = SPREAD[(m >>> (4 * j)) & 15];
    }
    return spread;
  }

  /** Slice mask of the input on wordline `row` of crossbar x, for the loaded vector (the check). */
  wordlineSliceMask(x: number, row: number): number {
    this.wordlineOffsets ??= this.plans.map((plan) =>
      Int32Array.from(plan.wordlineInputs!, (id) => (id < 0 ? -1 : this.offsetOf(id))),
    );
    const offset = this.wordlineOffsets[x][row];
    return offset < 0 ? 0 : this.padded[this.origin + offset];
  }

  /** Slices in which static step `step` of crossbar x runs, for the loaded vector (the check). */
  stepSliceMask(x: number, step: number): number {
    const units = this.crossbars[x];
    if (units.groups) throw new Error('stepSliceMask: a row-group crossbar has no static steps');
    // Walk the crossbar's units to the one holding `step`.
    let seen = 0;
    for (let i = units.start; i < units.end; i++) {
      seen += this.unitRuns.k[i];
      if (step < seen) return this.chunkOr[this.unitChunk[i]];
    }
    throw new Error(`stepSliceMask: crossbar ${x} has no step ${step}`);
  }
}

export function requireWordlines(plan: CrossbarPlan, layer: WeightLayer): Int32Array {
  if (!plan.wordlineInputs || (!plan.rowGroups && !plan.ouFirstRow))
    throw new Error(
      `layer ${layer.name}: the mapper gave no wordlineInputs / ouFirstRow (needed with activations)`,
    );
  return plan.wordlineInputs;
}

/** Measured figures of a layer's captured input for layers.csv. */
export interface ActivationStats {
  /** Values that are zero at the arch's input precision. */
  zeroFraction: number;
  /** Zero bits among the values' `precision.inputBits`-bit codes (two's complement when signed). */
  bitZeroFraction: number;
}

export function activationStats(act: LayerActivations, arch: Arch): ActivationStats {
  const inputBits = arch.precision.inputBits;
  const word = 2 ** inputBits - 1;
  // Per code: is it zero, and how many one bits it has at the arch's precision.
  const codes = 2 ** act.bits;
  const zero = new Uint8Array(codes);
  const ones = new Uint8Array(codes);
  for (let code = 0; code < codes; code++) {
    const bits = inputValue(act, code, inputBits) & word;
    zero[code] = bits === 0 ? 1 : 0;
    let n = 0;
    for (let b = bits; b !== 0; b &= b - 1) n++;
    ones[code] = n;
  }
  let zeros = 0;
  let oneBits = 0;
  const codeMask = codes - 1;
  for (let i = 0; i < act.codes.length; i++) {
    const code = act.codes[i] & codeMask;
    zeros += zero[code];
    oneBits += ones[code];
  }
  const n = act.codes.length;
  return {
    zeroFraction: n === 0 ? 0 : zeros / n,
    bitZeroFraction: n === 0 ? 0 : 1 - oneBits / (n * inputBits),
  };
}

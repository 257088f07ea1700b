/**
 * One simulation: map the network, place it on the chip, build the hardware actors, run the event
 * queue, then price the counted actions. Phases follow the engine's lifecycle: build (components),
 * wire (edges between layers), run, finish (counts settled), then pricing outside the simulator.
 */
import { createHash } from 'node:crypto';
import { losslessAdcBits, toCycles, type Arch } from '../config/arch.ts';
import { Component, Formula, Simulator } from '../engine/index.ts';
import { addCounts, emptyCounts, type ActionCounts, type HardwareInventory } from '../energy/actions.ts';
import { adcPrice } from '../energy/adc.ts';
import { extraOutputRegisterBits, priceArea, priceEnergy, totalEnergy } from '../energy/price.ts';
import { MeshNoc } from '../hardware/noc.ts';
import { layerOuTiming } from '../hardware/ou-pipeline.ts';
import { ProcessingElement } from '../hardware/pe.ts';
import { Tile } from '../hardware/tile.ts';
import { mapNetwork } from '../mapping/registry.ts';
import type { LayerMapping } from '../mapping/types.ts';
import { isWeightLayer } from '../workload/types.ts';
import { Arbiter } from './arbiter.ts';
import { dataDrivenFigures } from './activity-report.ts';
import { LayerUnit, NetworkInput, edgeBetween, type DataflowContext } from './dataflow.ts';
import { ImageLedger } from './image-ledger.ts';
import { lineBufferWarnings } from './line-buffers.ts';
import { withinCycleLimit } from './run-limits.ts';
import { placeLayers, type ChipPlacement, type CopyPlacement } from './placement.ts';
import { StreamProbe, type SteadyState } from './steady-state.ts';
import type { LayerResult, RunRequest, RunResult, StreamFigures } from './types.ts';

/** How many cycles the run loop advances between progress reports. */
const PROGRESS_STRIDE = 1 << 18;

export function simulate(request: RunRequest): RunResult {
  const { arch, network, images } = request;
  return withinCycleLimit(arch, network.name, images ?? 1, () => simulateUnchecked(request));
}

function simulateUnchecked(request: RunRequest): RunResult {
  const { arch, network, fidelity } = request;
  const images = request.images ?? 1;
  if (!Number.isSafeInteger(images) || images < 1)
    throw new Error(`simulate: images must be a whole number >= 1, got ${images}`);
  const mappings = mapNetwork(network, arch, request.mapper, request.mapperOptions);
  const placement = placeLayers(mappings, arch);
  const sim = new Simulator({ seed: request.seed, queue: request.queue });
  const eventsHelp = 'events dispatched (a steady-state jump skips the periods it extrapolates)';
  sim.stats.register(new Formula('simulator', 'events', 'events', eventsHelp, () => sim.eventsDispatched));

  // build: the chip, its NoC, tiles and PEs
  const chip = new Component(sim, 'chip');
  const noc = new MeshNoc(sim, chip, placement, {
    routerCycles: toCycles(arch, arch.noc.routerLatencyNs),
    linkCycles: toCycles(arch, arch.noc.linkLatencyNs),
  });
  const tiles: Tile[] = [];
  for (let t = 0; t < placement.tilesUsed; t++) {
    tiles.push(
      new Tile(sim, chip, t, {
        ports: arch.buffer.ports,
        bitsPerCycle: arch.buffer.bitsPerCycle,
        latencyCycles: toCycles(arch, arch.buffer.latencyNs),
      }),
    );
  }
  const pes: ProcessingElement[] = [];
  for (let p = 0; p < placement.pesUsed; p++) {
    const tile = tiles[Math.floor(p / arch.chip.pesPerTile)];
    pes.push(new ProcessingElement(sim, tile, p % arch.chip.pesPerTile, arch.adc.perCrossbar));
  }
  const ctx: DataflowContext = {
    sim,
    arch,
    fidelity,
    noc,
    tiles,
    pes,
    arbiter: new Arbiter(sim, chip),
    ouTiming: layerOuTiming(arch),
    activationCycles: toCycles(arch, arch.activation.latencyNs),
    activations: network.activations,
    images,
    ledger: new ImageLedger(0),
  };

  // build: one unit per layer; wire: edges along the layers' inputs
  const input = new NetworkInput(network.inputShape);
  const units = new Map<string, LayerUnit>();
  const mappingOf = new Map<string, { mapping: LayerMapping; index: number }>();
  let weightIndex = 0;
  for (const layer of network.layers) {
    if (isWeightLayer(layer))
      mappingOf.set(layer.name, { mapping: mappings[weightIndex], index: weightIndex++ });
  }
  const layersParent = new Component(sim, 'layers', chip);
  network.layers.forEach((layer, i) => {
    const mapped = mappingOf.get(layer.name);
    const unit = new LayerUnit(
      ctx,
      i,
      layer,
      mapped?.mapping,
      mapped ? placement.copies[mapped.index] : [],
      layersParent,
    );
    for (const name of layer.inputs) {
      const producer = name === 'input' ? input : units.get(name);
      if (!producer) throw new Error(`layer ${layer.name}: producer ${name} not built (trace order)`);
      edgeBetween(
        producer,
        unit,
        producer instanceof NetworkInput ? producer.shape : producer.layer.outShape,
      );
    }
    if (!mapped) {
      // Element-wise layers compute where their first producer's data lands.
      const first = unit.producers[0]?.from;
      unit.tile = first instanceof LayerUnit ? first.tile : 0;
    }
    units.set(layer.name, unit);
  });
  sim.wire();
  const unitList = [...units.values()];
  const positionsPerImage = unitList.reduce((sum, u) => sum + u.positions, 0);
  const ledger = new ImageLedger(positionsPerImage);
  ctx.ledger = ledger;

  // Steady-state probe: snapshots when the first layer starts an image (docs/simulation.md).
  const probe =
    images > 1
      ? new StreamProbe(
          {
            sim,
            images,
            parts: [ledger, noc, ...tiles, ctx.arbiter, ...unitList],
            completed: () => ledger.completed,
            lead: (image) =>
              Math.max(...unitList.map((u) => (u.positionsStarted - image * u.positions) / u.positions)),
          },
          request.fastForward ?? true,
          request.steadyStateWindow,
        )
      : undefined;
  let entered = -1;
  const source = input.consumers[0]?.to;
  if (probe && source) {
    source.reportsImages = true;
    ctx.onImageEntered = (image) => {
      if (image < 1 || !probe.probing) return;
      entered = image;
      sim.stop();
    };
  }

  // run: every image is in the first layers' buffers at cycle 0
  const imageBits = input.positions * input.shape[0] * arch.precision.inputBits;
  const preloaded = new Set<number>();
  for (const edge of input.consumers) {
    // Counted once per tile that holds a copy of the image.
    if (!preloaded.has(edge.to.tile)) edge.to.counts.bufferWriteBits += imageBits * images;
    preloaded.add(edge.to.tile);
    edge.openAll();
  }
  const totalPositions = positionsPerImage * images;
  while (sim.pending > 0) {
    sim.run(sim.now + PROGRESS_STRIDE);
    if (entered >= 0) {
      probe?.imageEntered(entered);
      entered = -1;
    }
    if (request.onProgress) {
      let started = 0;
      for (const unit of unitList) started += unit.positionsStarted;
      request.onProgress(started / totalPositions);
    }
  }
  let cycles = sim.now;
  for (const unit of unitList) if (unit.lastDone > cycles) cycles = unit.lastDone;
  for (const unit of unitList) {
    if (unit.positionsStarted !== unit.positionsTotal)
      throw new Error(
        `layer ${unit.layer.name} started ${unit.positionsStarted} of ${unit.positionsTotal} positions`,
      );
  }
  const stream = streamFigures(images, cycles, arch.clockNs, ledger, probe?.found);
  for (const pe of pes) pe.runCycles = cycles;
  sim.finish();

  // pricing
  const inventory = inventoryOf(placement, mappings, arch);
  const shares = tileShares(placement);
  const layers = network.layers.map((layer) => {
    const unit = units.get(layer.name) as LayerUnit;
    const mapped = mappingOf.get(layer.name);
    const copies = mapped ? placement.copies[mapped.index] : [];
    const share = mapped ? shares[mapped.index] : 0;
    return {
      ...layerResult(unit, mapped?.mapping, copies, share, arch, inventory, stream),
      ...dataDrivenFigures(unit, mapped?.mapping, network.activations, arch),
    };
  });
  const counts = emptyCounts();
  for (const layer of layers) addCounts(counts, layer.counts);
  const components = sim.stats.rows();
  const result: RunResult = {
    network: network.name,
    mapping: request.mapper,
    fidelity,
    cycles,
    latencyNs: cycles * arch.clockNs,
    crossbars: placement.crossbarsUsed,
    inventory,
    crossbarAreaMm2: 0,
    chipAreaMm2: 0,
    counts,
    energy: priceEnergy(counts, cycles, inventory, arch),
    energyPj: 0,
    adcBits: arch.adc.bits,
    adcLosslessBits: losslessAdcBits(arch),
    layers,
    components,
    warnings: [...placementWarnings(placement), ...lineBufferWarnings(network.layers, arch)],
    stream,
  };
  return reprice(result, arch);
}

/**
 * Latency and pace of the stream. One image: the interval is its latency (nothing overlaps). More:
 * the period of the steady state when the schedule became periodic, else the mean gap between
 * image completions after the first, (cycles - first latency) / (images - 1).
 */
function streamFigures(
  images: number,
  cycles: number,
  clockNs: number,
  ledger: ImageLedger,
  found: SteadyState | undefined,
): StreamFigures {
  const first = ledger.firstLatency;
  let interval = cycles;
  if (images > 1)
    interval = found ? found.periodCycles / found.periodImages : (cycles - first) / (images - 1);
  return {
    images,
    firstLatencyCycles: first,
    intervalCycles: interval,
    intervalNs: interval * clockNs,
    steadyFromImage: found ? found.fromImage : -1,
    skippedImages: found ? found.skippedImages : 0,
  };
}

/**
 * The same run priced under `arch`, which must share the run's simulationKey: energy, area and the
 * ADC's model (and its bits, for a fixed-rate ADC) may differ, nothing that changes counts or cycles.
 */
export function reprice(result: RunResult, arch: Arch): RunResult {
  const energy = priceEnergy(result.counts, result.cycles, result.inventory, arch);
  const area = priceArea(result.inventory, arch);
  const layers = result.layers.map((layer) => ({
    ...layer,
    energy: priceLayerEnergy(layer, result.cycles, arch),
  }));
  if (arch.leakage.powerGating) {
    // Gated: each layer's share leaks over its own span only; the chip-level part over the whole run.
    energy.leakage = arch.leakage.chipOtherMw * result.cycles * arch.clockNs;
    for (const layer of layers) energy.leakage += layer.energy.leakage;
  }
  const warnings = result.warnings.filter((w) => !w.startsWith('adc:'));
  const lossless = losslessAdcBits(arch);
  if (arch.adc.bits < lossless)
    warnings.push(`adc: ${arch.adc.bits}-bit ADC is lossy for this OU (lossless needs ${lossless} bits)`);
  const price = adcPrice(arch);
  if (price.method === 'extrapolated')
    warnings.push(`adc: ${arch.adc.bits}-bit price extrapolated beyond the '${arch.adc.model}' table`);
  return {
    ...result,
    energy,
    energyPj: totalEnergy(energy),
    crossbarAreaMm2: area.crossbar_area_mm2,
    chipAreaMm2: area.chip_area_mm2,
    adcBits: arch.adc.bits,
    adcLosslessBits: lossless,
    layers,
    warnings,
  };
}

/**
 * A stable hash of everything in `arch` that changes what is simulated (counts and cycles). Two
 * archs with the same key differ only in prices (energy, area, leakage, the ADC model, and the ADC's
 * resolution when its conversion time does not depend on it, `adc.nsPerBit` = 0) and can share one
 * simulation through reprice().
 */
export function simulationKey(arch: Arch, options: { pruning: boolean } = { pruning: true }): string {
  const { energy: _e, area: _a, leakage: _l, sources: _s, name: _n, description: _d, ...rest } = arch;
  const { bits, model: _m, ...adc } = rest.adc;
  const timedAdc = adc.nsPerBit > 0 ? { ...adc, bits } : adc;
  // The pattern.* keys only steer pruning: without it (a masked trace, the dense mapper) they do nothing.
  const { pattern, ...simulated } = { ...rest, adc: timedAdc };
  return createHash('sha256')
    .update(stableJson(options.pruning ? { ...simulated, pattern } : simulated))
    .digest('hex')
    .slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Static energy is attributed to the weight layers that occupy the hardware: a layer leaks for its
 * crossbars and its share of each tile it sits on (tileShare), over the whole run, or, with
 * leakage.powerGating, only from its first OU step to its last output (its tiles' idle time gated).
 */
function priceLayerEnergy(layer: LayerResult, runCycles: number, arch: Arch) {
  const share: HardwareInventory = {
    tiles: layer.tileShare,
    pes: 0,
    crossbars: layer.crossbars,
    indexBits: 0,
    muxes: 0,
  };
  const powered = arch.leakage.powerGating ? Math.max(0, layer.endCycle - layer.startCycle) : runCycles;
  return priceEnergy(layer.counts, powered, share, arch, { chipLevel: false });
}

/** Per mapping: its crossbars' share of their tiles (1 / occupied crossbars of the tile, summed). */
function tileShares(placement: ChipPlacement): number[] {
  const perTile = new Map<number, number>();
  for (const copies of placement.copies)
    for (const copy of copies)
      for (const tile of copy.crossbarTile) perTile.set(tile, (perTile.get(tile) ?? 0) + 1);
  return placement.copies.map((copies) => {
    let share = 0;
    for (const copy of copies)
      for (const tile of copy.crossbarTile) share += 1 / (perTile.get(tile) as number);
    return share;
  });
}

function inventoryOf(
  placement: ChipPlacement,
  mappings: readonly LayerMapping[],
  arch: Arch,
): HardwareInventory {
  let indexBits = 0;
  let muxes = 0;
  let extraOutputRegister = 0;
  for (const m of mappings) {
    indexBits += m.indexBits * m.replication;
    muxes += m.muxes * m.replication;
    for (const plan of m.crossbars)
      extraOutputRegister += extraOutputRegisterBits(plan.outputsPerVector, arch) * m.replication;
  }
  return {
    tiles: placement.tilesUsed,
    pes: placement.pesUsed,
    crossbars: placement.crossbarsUsed,
    indexBits,
    muxes,
    extraOutputRegisterBits: extraOutputRegister,
  };
}

function layerResult(
  unit: LayerUnit,
  mapping: LayerMapping | undefined,
  copies: readonly CopyPlacement[],
  tileShare: number,
  arch: Arch,
  inventory: HardwareInventory,
  stream: StreamFigures,
): LayerResult {
  const counts: ActionCounts = { ...unit.counts };
  let ouSum = 0;
  let ouMax = 0;
  let cells = 0;
  let tiles = 0;
  let crossbars = 0;
  if (mapping) {
    for (const plan of mapping.crossbars) {
      const steps = plan.ouRows.length * mapping.inputSlices;
      ouSum += steps;
      if (steps > ouMax) ouMax = steps;
      cells += plan.cellsUsed;
    }
    crossbars = mapping.crossbars.length * mapping.replication;
    tiles = new Set(copies.flatMap((c) => c.tiles)).size;
    cells *= mapping.replication;
  }
  return {
    layer: unit.layer.name,
    type: unit.layer.type,
    scheme: mapping ? (mapping.scheme ?? mapping.mapper) : '',
    macs: mapping?.macs ?? 0,
    crossbars,
    tiles,
    tileShare,
    cellsUsed: cells,
    utilisation: crossbars > 0 ? cells / (crossbars * arch.crossbar.rows * arch.crossbar.cols) : 0,
    blocks: mapping?.blocks ?? 0,
    matrixRows: mapping?.matrixRows ?? 0,
    matrixCols: mapping?.matrixCols ?? 0,
    ouStepsPerVector: ouSum,
    ouStepsPerVectorMax: ouMax,
    indexBits: (mapping?.indexBits ?? 0) * (mapping?.replication ?? 0),
    replication: mapping?.replication ?? 0,
    busyFraction: busyFraction(unit, stream.intervalCycles),
    startCycle: unit.firstStart === Infinity ? 0 : unit.firstStart,
    endCycle: unit.lastDone,
    counts,
    energy: priceEnergy(counts, 0, inventory, arch, { chipLevel: false }),
  };
}

/**
 * Share of the interval the layer's slowest crossbar needs for its vectors of one image, run back
 * to back (cycles per vector x vectors of its copy per image); 0 for layers without crossbars.
 */
function busyFraction(unit: LayerUnit, interval: number): number {
  let busy = 0;
  for (const copy of unit.copies) busy = Math.max(busy, copy.cyclesPerVector * copy.vectorsPerImage());
  return interval > 0 ? busy / interval : 0;
}

function placementWarnings(placement: ChipPlacement): string[] {
  if (!placement.grownFrom) return [];
  const { meshX, meshY } = placement.grownFrom;
  return [
    `chip: the mapping needs ${placement.tilesUsed} tiles, more than the preset's ${meshX}x${meshY} mesh; ` +
      `the mesh grew to ${placement.meshX}x${placement.meshY}`,
  ];
}

/**
 * A finished simulation's result: per layer, its mapping figures and its account of actions; for the
 * run, the hardware inventory and the sum of the accounts; then priced under the arch (reprice()
 * prices a result again under another arch with the same simulation key).
 */
import { losslessAdcBits, type Arch } from '../config/arch.ts';
import type { Simulator } from '../engine/index.ts';
import { addCounts, emptyCounts, type ActionCounts, type HardwareInventory } from '../energy/actions.ts';
import { adcPrice } from '../energy/adc.ts';
import { extraOutputRegisterBits, priceArea, priceEnergy, totalEnergy } from '../energy/price.ts';
import type { LayerMapping } from '../mapping/types.ts';
import { dataDrivenFigures } from './activity-report.ts';
import type { Layers } from './build.ts';
import type { LayerUnit } from './dataflow.ts';
import { lineBufferWarnings } from './line-buffers.ts';
import type { ChipPlacement, CopyPlacement } from './placement.ts';
import type { LayerResult, RunRequest, RunResult, StreamFigures } from './types.ts';

export function runResult(
  sim: Simulator,
  request: RunRequest,
  built: Layers,
  placement: ChipPlacement,
  mappings: readonly LayerMapping[],
  run: { cycles: number; stream: StreamFigures },
): RunResult {
  const { arch, network, fidelity } = request;
  const { units, mappingOf } = built;
  const { cycles, stream } = run;
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

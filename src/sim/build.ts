/**
 * Building one simulation's actors: the chip (its NoC, tiles, PEs and the arbiter), each reading its
 * own parameters from the arch, then one unit per layer wired along the layers' inputs. Phases follow
 * the engine's lifecycle: build (components), wire (edges between layers).
 */
import type { Arch } from '../config/arch.ts';
import { Component, type Simulator } from '../engine/index.ts';
import { MeshNoc, nocTimingOf } from '../hardware/noc.ts';
import { layerOuTiming } from '../hardware/ou-pipeline.ts';
import { ProcessingElement } from '../hardware/pe.ts';
import { Tile, activationCyclesOf, bufferTimingOf } from '../hardware/tile.ts';
import type { LayerMapping } from '../mapping/types.ts';
import { isWeightLayer } from '../workload/types.ts';
import { Arbiter } from './arbiter.ts';
import { LayerUnit, NetworkInput, edgeBetween, type DataflowContext } from './dataflow.ts';
import { ImageLedger } from './image-ledger.ts';
import type { ChipPlacement } from './placement.ts';
import type { RunRequest } from './types.ts';

/** The shared hardware of a run: the parts of the chip the placement uses. */
export interface Chip {
  root: Component;
  noc: MeshNoc;
  tiles: Tile[];
  pes: ProcessingElement[];
  arbiter: Arbiter;
}

export function buildChip(sim: Simulator, arch: Arch, placement: ChipPlacement): Chip {
  const root = new Component(sim, 'chip');
  const noc = new MeshNoc(sim, root, placement, nocTimingOf(arch));
  const buffer = bufferTimingOf(arch);
  const tiles: Tile[] = [];
  for (let t = 0; t < placement.tilesUsed; t++) tiles.push(new Tile(sim, root, t, buffer));
  const pes: ProcessingElement[] = [];
  for (let p = 0; p < placement.pesUsed; p++) {
    const tile = tiles[Math.floor(p / arch.chip.pesPerTile)];
    pes.push(new ProcessingElement(sim, tile, p % arch.chip.pesPerTile, arch.adc.perCrossbar));
  }
  return { root, noc, tiles, pes, arbiter: new Arbiter(sim, root) };
}

/** The layer pipeline of a run: one unit per layer, fed by the network input. */
export interface Layers {
  ctx: DataflowContext;
  input: NetworkInput;
  /** Units in network order, by layer name. */
  units: Map<string, LayerUnit>;
  unitList: LayerUnit[];
  /** Weight layers: their mapping and its index among the mappings. */
  mappingOf: Map<string, { mapping: LayerMapping; index: number }>;
  ledger: ImageLedger;
}

export function buildLayers(
  sim: Simulator,
  chip: Chip,
  request: RunRequest,
  mappings: readonly LayerMapping[],
  placement: ChipPlacement,
  images: number,
): Layers {
  const { arch, network, fidelity } = request;
  const { noc, tiles, pes, arbiter } = chip;
  const ctx: DataflowContext = {
    sim,
    arch,
    fidelity,
    noc,
    tiles,
    pes,
    arbiter,
    ouTiming: layerOuTiming(arch),
    activationCycles: activationCyclesOf(arch),
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
  const layersParent = new Component(sim, 'layers', chip.root);
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
  return { ctx, input, units, unitList, mappingOf, ledger };
}

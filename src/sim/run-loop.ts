/**
 * Running one simulation to its end: every image is in the first layers' buffers at cycle 0; the
 * event queue runs in strides (progress reports between them), a stream of images jumps over its
 * periodic steady state (docs/simulation.md); then every component settles its counts (finish).
 */
import type { Simulator } from '../engine/index.ts';
import type { Chip, Layers } from './build.ts';
import type { ImageLedger } from './image-ledger.ts';
import { StreamProbe, type SteadyState } from './steady-state.ts';
import type { RunRequest, StreamFigures } from './types.ts';

/** How many cycles the run loop advances between progress reports. */
const PROGRESS_STRIDE = 1 << 18;

export function runToEnd(
  sim: Simulator,
  chip: Chip,
  layers: Layers,
  request: RunRequest,
  images: number,
): { cycles: number; stream: StreamFigures } {
  const { arch } = request;
  const { ctx, input, unitList, ledger } = layers;
  const { noc, tiles, pes } = chip;
  // Steady-state probe: snapshots when the first layer starts an image (docs/simulation.md).
  const probe =
    images > 1
      ? new StreamProbe(
          {
            sim,
            images,
            parts: [ledger, noc, ...tiles, chip.arbiter, ...unitList],
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
    if (!preloaded.has(edge.to.tile)) tiles[edge.to.tile].preload(imageBits * images, edge.to.counts);
    preloaded.add(edge.to.tile);
    edge.openAll();
  }
  const totalPositions = unitList.reduce((sum, u) => sum + u.positions, 0) * images;
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
  return { cycles, stream };
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

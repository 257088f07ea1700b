/**
 * One simulation: map the network, place it on the chip, build the hardware actors and wire the
 * layers (build.ts), run the event queue to the end (run-loop.ts), then collect and price the
 * counted actions (results.ts). Phases follow the engine's lifecycle: build, wire, run, finish
 * (counts settled), then pricing outside the simulator.
 */
import { Formula, Simulator } from '../engine/index.ts';
import { mapNetwork } from '../mapping/registry.ts';
import { buildChip, buildLayers } from './build.ts';
import { placeLayers } from './placement.ts';
import { runResult } from './results.ts';
import { withinCycleLimit } from './run-limits.ts';
import { runToEnd } from './run-loop.ts';
import type { RunRequest, RunResult } from './types.ts';

export { reprice } from './results.ts';
export { simulationKey } from './simulation-key.ts';

/** A run whose cycle count would leave the safe integers is an InputError naming the key (run-limits.ts). */
export function simulate(request: RunRequest): RunResult {
  const { arch, network, images } = request;
  return withinCycleLimit(arch, network.name, images ?? 1, () => simulateUnchecked(request));
}

function simulateUnchecked(request: RunRequest): RunResult {
  const { arch, network } = request;
  const images = request.images ?? 1;
  if (!Number.isSafeInteger(images) || images < 1)
    throw new Error(`simulate: images must be a whole number >= 1, got ${images}`);
  const mappings = mapNetwork(network, arch, request.mapper, request.mapperOptions);
  const placement = placeLayers(mappings, arch);
  const sim = new Simulator({ seed: request.seed, queue: request.queue });
  const eventsHelp = 'events dispatched (a steady-state jump skips the periods it extrapolates)';
  sim.stats.register(new Formula('simulator', 'events', 'events', eventsHelp, () => sim.eventsDispatched));
  const chip = buildChip(sim, arch, placement);
  const layers = buildLayers(sim, chip, request, mappings, placement, images);
  const run = runToEnd(sim, chip, layers, request, images);
  return runResult(sim, request, layers, placement, mappings, run);
}

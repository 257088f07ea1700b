/**
 * A stand-in simulator for testing the sweep machinery (grid, shards, resume, re-pricing,
 * merge) without the real one: results are simple functions of the arch, and the simulation
 * key ignores `adc.bits` so that ADC sweeps exercise re-pricing.
 */
import { loadArch, type Arch } from '../../src/config/arch.ts';
import type { RunResult } from '../../src/sim/types.ts';
import type { SweepBackend, SweepOptions } from '../../src/sweep/runner.ts';
import type { SimulationTask } from '../../src/sweep/experiment.ts';
import { getMapper, loadTrace, needsPruning, resolveTracePath } from '../../src/sweep/simulator.ts';

export interface FakeBackend extends SweepBackend {
  simulatedTasks: SimulationTask[];
}

export function fakeCycles(arch: Arch, mapping: string): number {
  return arch.ou.rows * 1000 + arch.ou.cols * 10 + (mapping === 'pattern' ? 1 : 2);
}

export function fakeEnergy(arch: Arch, cycles: number): number {
  return cycles * arch.adc.bits + arch.pattern.connectivity;
}

export function fakeBackend(
  options: { delayMs?: number; failMapping?: string; failAsInput?: boolean } = {},
): FakeBackend {
  const simulatedTasks: SimulationTask[] = [];
  // Like the pool: at most `threads` simulations at a time.
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (running < 2) running++;
    else await new Promise<void>((r) => waiting.push(r));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    threads: 2,
    simulatedTasks,
    loadArch,
    // Input checks are the real ones: they run before anything is simulated.
    checkTrace: (trace) => ({ needsPruning: needsPruning(loadTrace(resolveTracePath(trace))) }),
    checkMapping: (name) => void getMapper(name),
    simulationKey: (arch) => JSON.stringify([arch.ou, arch.pattern]),
    simulate: async (task) => {
      simulatedTasks.push(task);
      await acquire();
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      release();
      if (task.mapping === options.failMapping)
        return options.failAsInput
          ? { ok: false, message: 'x: y: too big', input: { source: 'x', field: 'y', problem: 'too big' } }
          : { ok: false, message: 'boom' };
      const arch = loadArch(task.arch, task.overrides);
      const cycles = fakeCycles(arch, task.mapping);
      const result = {
        network: task.trace,
        mapping: task.mapping,
        cycles,
        energyPj: fakeEnergy(arch, cycles),
        warnings: [] as string[],
      } as RunResult;
      return { ok: true, result, ms: 0 };
    },
    reprice: (result, arch) => ({ ...result, energyPj: fakeEnergy(arch, result.cycles) }),
    summaryRow: (r) => ({ network: r.network, mapping: r.mapping, cycles: r.cycles, energy_pj: r.energyPj }),
  };
}

/** The sweep of the kill test: 24 points, slow enough with a delay to be killed midway. */
export function killTestOptions(out: string): SweepOptions {
  return {
    traces: ['tiny'],
    mappings: ['dense', 'pattern'],
    sets: ['ou.rows=4,8,16', 'ou.cols=4,8', 'pattern.connectivity=1,2'],
    arch: 'paper',
    seed: 1,
    fidelity: 'fast',
    out,
  };
}

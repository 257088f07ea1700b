import { loadArch, type Arch } from '../../src/config/arch.ts';
import { parseOverride } from '../../src/config/overrides.ts';
import type { MapperOptions } from '../../src/mapping/types.ts';
import { simulate } from '../../src/sim/simulate.ts';
import type { Fidelity, RunResult } from '../../src/sim/types.ts';
import { pruneNetwork } from '../../src/workload/prune.ts';
import { loadTrace, parseTrace, resolveTracePath } from '../../src/workload/trace.ts';
import type { Network } from '../../src/workload/types.ts';

/** The paper preset with `key=value` overrides. */
export function arch(...sets: string[]): Arch {
  return loadArch('paper', sets.map(parseOverride));
}

/** A zoo trace, pruned with the arch's pattern settings when it has no masks. */
export function zooNetwork(name: string, a: Arch, seed = 1): Network {
  const network = loadTrace(resolveTracePath(name));
  return pruneNetwork(network, a.pattern, seed).network;
}

/** A network from an in-test trace document. */
export function networkFrom(document: unknown): Network {
  return parseTrace({ format: 'ousim-trace', version: 1, ...(document as object) }, 'test trace');
}

export function run(
  network: Network,
  a: Arch,
  mapper: string,
  fidelity: Fidelity,
  seed = 1,
  replicationBudget = 0,
  images = 1,
  mapperOptions: MapperOptions = {},
): RunResult {
  return simulate({
    arch: a,
    network,
    mapper,
    mapperOptions: { replicationBudget, ...mapperOptions },
    fidelity,
    seed,
    images,
  });
}

import { expect } from 'chai';
import { loadArch, type Arch } from '../../src/config/arch.ts';
import { keyRole } from '../../src/config/key-roles.ts';
import { simulationKey } from '../../src/sim/simulate.ts';
import { run, zooNetwork } from '../sim/helpers.ts';

/** Dotted paths and values of every leaf of the arch (sources is one free-form leaf). */
function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null || prefix === 'sources') return [[prefix, value]];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

/** A valid different value for a key. */
function changed(path: string, value: unknown): unknown {
  if (path === 'adc.model') return value === 'mnsim' ? 'isaac-32nm' : 'mnsim';
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'string') return `${value} (changed)`;
  if (typeof value === 'number')
    return path.startsWith('chip.') || path.endsWith('Bits') ? value + 1 : value * 2 + 1;
  return { changed: 'yes' };
}

function withKey(arch: Arch, path: string, value: unknown): Arch {
  const copy = structuredClone(arch) as unknown as Record<string, unknown>;
  const parts = path.split('.');
  let at = copy;
  for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
  at[parts[parts.length - 1]] = value;
  return copy as unknown as Arch;
}

describe('arch key roles and the simulation key derived from them', () => {
  const paper = loadArch('paper');

  it('every key has a role, and the simulation key moves exactly for timing keys (and pruning keys when pruning)', () => {
    for (const [path, value] of leaves(paper)) {
      const role = keyRole(path);
      const other = withKey(paper, path, changed(path, value));
      const moved = simulationKey(other) !== simulationKey(paper);
      const movedWithoutPruning =
        simulationKey(other, { pruning: false }) !== simulationKey(paper, { pruning: false });
      expect(moved, `${path} (${role})`).to.equal(role === 'timing' || role === 'pruning');
      expect(movedWithoutPruning, `${path} (${role}), no pruning`).to.equal(role === 'timing');
    }
  });

  it('adc.bits becomes a timing key when the conversion time grows with it (adc.nsPerBit > 0)', () => {
    const sar = withKey(paper, 'adc.nsPerBit', 1);
    expect(simulationKey(withKey(sar, 'adc.bits', 6))).to.not.equal(simulationKey(sar));
    expect(simulationKey(withKey(paper, 'adc.bits', 6))).to.equal(simulationKey(paper));
  });

  it('a run under any changed price key has the same counts and cycles (the price tag is true)', () => {
    const network = zooNetwork('tiny', paper);
    const base = run(network, paper, 'pattern', 'fast');
    for (const [path, value] of leaves(paper)) {
      if (keyRole(path) !== 'price') continue;
      const other = run(network, withKey(paper, path, changed(path, value)), 'pattern', 'fast');
      expect(other.counts, path).to.deep.equal(base.counts);
      expect(other.cycles, path).to.equal(base.cycles);
    }
  });
});

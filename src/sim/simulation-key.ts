/**
 * The simulation key: a stable hash of every arch key that changes what is simulated (counts and
 * cycles). Two archs with the same key differ only in prices and can share one simulation through
 * reprice(); sweeps group their points by it. Derived from the keys' roles (src/config/key-roles.ts)
 * and from what the ADC model says its timing reads, not from a hand-kept list of exclusions.
 */
import { createHash } from 'node:crypto';
import type { Arch } from '../config/arch.ts';
import { keyRole } from '../config/key-roles.ts';
import { adcTimingKeys } from '../energy/adc.ts';

export function simulationKey(arch: Arch, options: { pruning: boolean } = { pruning: true }): string {
  const adcTiming = new Set(adcTimingKeys(arch));
  // The pattern.* keys only steer pruning: without it (a masked trace, the dense mapper) they do nothing.
  const simulated = pick(arch, '', (path) => {
    const role = keyRole(path);
    return role === 'timing' || (role === 'pruning' && options.pruning) || adcTiming.has(path);
  });
  return createHash('sha256').update(stableJson(simulated)).digest('hex').slice(0, 16);
}

/** The leaves of `value` whose dotted path `keep` accepts, in the same nesting (empty objects dropped). */
function pick(value: unknown, prefix: string, keep: (path: string) => boolean): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return keep(prefix) ? value : undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    // A record of free-form keys (sources) is one leaf.
    const picked = keyRole(path) === 'label' ? (keep(path) ? child : undefined) : pick(child, path, keep);
    if (picked !== undefined) out[key] = picked;
  }
  return Object.keys(out).length > 0 || !prefix ? out : undefined;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

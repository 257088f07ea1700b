/**
 * The last line of defence of a run against overflow (issue 18): config/limits.ts bounds each
 * latency and value up front, but only the run knows how many of them add up. A run that passes the
 * engine's last cycle, or a figure that is not finite, is bad input, not a bug: one InputError naming
 * the arch, the trace and the key to change.
 */
import { archSource, type Arch } from '../config/arch.ts';
import { CycleLimitError, MAX_CYCLE } from '../engine/index.ts';
import { InputError } from '../util/errors.ts';
import type { RunResult } from './types.ts';

/** The arch's latency key with the most cycles, and that count. */
function longestLatency(arch: Arch): { key: string; cycles: number } {
  let best = { key: 'clockNs', cycles: 0 };
  const visit = (value: unknown, prefix: string): void => {
    if (typeof value === 'number') {
      if (!prefix.endsWith('Ns') || prefix === 'clockNs') return;
      const cycles = Math.ceil(value / arch.clockNs - 1e-9);
      if (cycles > best.cycles) best = { key: prefix, cycles };
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, prefix ? `${prefix}.${k}` : k);
    }
  };
  visit(arch, '');
  const adc = Math.ceil((arch.adc.latencyNs + arch.adc.nsPerBit * arch.adc.bits) / arch.clockNs - 1e-9);
  if (adc > best.cycles)
    best = { key: arch.adc.nsPerBit > 0 ? 'adc.nsPerBit' : 'adc.latencyNs', cycles: adc };
  return best;
}

/** Run `simulate`; a run past the engine's last cycle becomes an InputError naming the longest latency. */
export function withinCycleLimit(
  arch: Arch,
  network: string,
  images: number,
  simulate: () => RunResult,
): RunResult {
  let result: RunResult;
  try {
    result = simulate();
  } catch (error) {
    if (!(error instanceof CycleLimitError)) throw error;
    const { key, cycles } = longestLatency(arch);
    throw new InputError(
      archSource(arch),
      key,
      `trace '${network}'${images > 1 ? ` (${images} images)` : ''} needs more than ${MAX_CYCLE.toExponential(2)} cycles, the most ousim counts exactly ` +
        `(${key} is ${cycles} cycles at clockNs = ${arch.clockNs} ns); raise clockNs or lower the latencies` +
        (images > 1 ? ', or stream fewer images' : ''),
    );
  }
  checkFinite(result, arch, network);
  return result;
}

/** Every number of the result that ends up in a CSV is finite, and cycle counts are exact. */
function checkFinite(result: RunResult, arch: Arch, network: string): void {
  const refuse = (field: string, value: number) => {
    throw new InputError(
      archSource(arch),
      field,
      `trace '${network}' gives ${value} here: an arch value is too large (check the energy, area and leakage keys)`,
    );
  };
  if (!Number.isSafeInteger(result.cycles)) refuse('cycles', result.cycles);
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) refuse(path, value);
    } else if (ArrayBuffer.isView(value)) {
      return; // plans and masks: integers by construction
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    }
  };
  const { components, ...figures } = result;
  walk(figures, '');
  for (const c of components)
    if (!Number.isFinite(c.value)) refuse(`components ${c.component} ${c.statistic}`, c.value);
}

/**
 * Range checks that keep every derived number of a run exact and finite (issue 18): cycle counts
 * are safe integers far below the event queue's limit, and no price, size or bit width can
 * overflow a float64 once multiplied by the counts of a run. Each refusal names the key.
 */
import { InputError } from '../util/errors.ts';

/**
 * The arch figures the limits read, written out here rather than imported from arch.ts, which calls
 * these checks (src/config stays free of import circles, test/sim/import-cycles.test.ts).
 */
interface LimitedArch {
  clockNs: number;
  chip: { meshX: number; meshY: number; pesPerTile: number; crossbarsPerPe: number };
  crossbar: { rows: number; cols: number; cellBits: number };
  adc: { bits: number; perCrossbar: number; latencyNs: number; nsPerBit: number };
  dac: { bits: number };
  precision: Record<string, number>;
  buffer: { ports: number };
}

/** The largest value any arch number may hold: integers above it are not exact in a float64. */
export const MAX_ARCH_VALUE = Number.MAX_SAFE_INTEGER;

/**
 * Cycles one latency may take (one ADC conversion, one hop, one buffer access). A run adds up
 * millions of them; 2^24 leaves room for 2^21 of the longest before the engine's 2^45 limit.
 */
export const MAX_LATENCY_CYCLES = 2 ** 24;

/** The clock period's range, ns: 1 fs to 1 s. Outside it, throughput and leakage leave float64 range. */
export const MIN_CLOCK_NS = 1e-6;
export const MAX_CLOCK_NS = 1e9;

/** Crossbar and OU sides: the plans keep OU rows and columns in 16-bit arrays. */
export const MAX_CROSSBAR_SIDE = 65535;

/** Bit widths: 2^bits must stay a finite, exact float64 (ADC prices, lossless resolution). */
export const MAX_BITS = 64;

/** Structures the simulator builds one object per unit of (PEs, crossbars, ports, mesh sides). */
export const MAX_HARDWARE_COUNT = 65536;

/** Tiles of the mesh (meshX x meshY): the NoC keeps four links' state per tile. */
export const MAX_MESH_TILES = 2 ** 20;

/** Every numeric leaf of the arch as [dotted key, value]. */
function numericLeaves(value: unknown, prefix = ''): [string, number][] {
  if (typeof value === 'number') return [[prefix, value]];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    numericLeaves(v, prefix ? `${prefix}.${k}` : k),
  );
}

function atMost(source: string, key: string, value: number, max: number, why: string): void {
  if (value > max) throw new InputError(source, key, `${value} is more than ${max} (${why})`);
}

/** A latency in ns as cycles of `clockNs`, as config/arch.ts's toCycles computes it. */
function cyclesOf(arch: Pick<LimitedArch, 'clockNs'>, ns: number): number {
  return Math.ceil(ns / arch.clockNs - 1e-9);
}

/**
 * Refuse the values that would end in an engine error, a wrong 16-bit count, or NaN / Infinity in
 * the results. Latencies are every key whose name ends in `Ns` (the ADC's conversion adds
 * `nsPerBit x bits`), so keys added later are covered too.
 */
export function checkArchLimits(arch: LimitedArch, source: string): void {
  for (const [key, value] of numericLeaves(arch))
    atMost(source, key, value, MAX_ARCH_VALUE, 'larger numbers are not exact in double precision');
  if (arch.clockNs < MIN_CLOCK_NS || arch.clockNs > MAX_CLOCK_NS)
    throw new InputError(
      source,
      'clockNs',
      `${arch.clockNs} ns is outside ${MIN_CLOCK_NS}..${MAX_CLOCK_NS} ns (1 fs to 1 s per cycle)`,
    );
  const sideWhy = 'OU steps keep rows and columns in 16 bits';
  atMost(source, 'crossbar.rows', arch.crossbar.rows, MAX_CROSSBAR_SIDE, sideWhy);
  atMost(source, 'crossbar.cols', arch.crossbar.cols, MAX_CROSSBAR_SIDE, sideWhy);
  const bitsWhy = 'wider values overflow 2^bits';
  atMost(source, 'crossbar.cellBits', arch.crossbar.cellBits, MAX_BITS, bitsWhy);
  atMost(source, 'adc.bits', arch.adc.bits, MAX_BITS, bitsWhy);
  atMost(source, 'dac.bits', arch.dac.bits, MAX_BITS, bitsWhy);
  for (const [key, value] of Object.entries(arch.precision))
    atMost(source, `precision.${key}`, value, MAX_BITS, bitsWhy);
  const countWhy = 'the simulator builds one object per unit';
  for (const key of ['meshX', 'meshY', 'pesPerTile', 'crossbarsPerPe'] as const)
    atMost(source, `chip.${key}`, arch.chip[key], MAX_HARDWARE_COUNT, countWhy);
  atMost(source, 'buffer.ports', arch.buffer.ports, MAX_HARDWARE_COUNT, countWhy);
  atMost(
    source,
    'chip.meshY',
    arch.chip.meshX * arch.chip.meshY,
    MAX_MESH_TILES,
    `tiles of a ${arch.chip.meshX}x${arch.chip.meshY} mesh; the NoC keeps state per link`,
  );
  atMost(source, 'adc.perCrossbar', arch.adc.perCrossbar, arch.crossbar.cols, 'more ADCs than bitlines');

  const clock = `at clockNs = ${arch.clockNs} ns`;
  for (const [key, ns] of numericLeaves(arch)) {
    if (!key.endsWith('Ns') || key === 'clockNs') continue;
    const cycles = cyclesOf(arch, ns);
    if (cycles > MAX_LATENCY_CYCLES)
      throw new InputError(
        source,
        key,
        `${ns} ns is ${cycles.toExponential(2)} cycles ${clock}, more than ousim simulates for one latency (2^24)`,
      );
  }
  const adcNs = arch.adc.latencyNs + arch.adc.nsPerBit * arch.adc.bits;
  const adcCycles = cyclesOf(arch, adcNs);
  if (!(adcCycles <= MAX_LATENCY_CYCLES))
    throw new InputError(
      source,
      'adc.nsPerBit',
      `one conversion (adc.latencyNs + adc.nsPerBit x adc.bits = ${adcNs} ns) is ${adcCycles.toExponential(2)} cycles ${clock}, more than ousim simulates for one latency (2^24)`,
    );
}

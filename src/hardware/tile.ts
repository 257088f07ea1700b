/**
 * A tile: its buffer (shared by the PEs and the router through `buffer.ports` ports), its activation /
 * pooling unit, and its PEs (children). Buffer accesses are booked on the ports calendar-style.
 * Every access and operation is charged to the account of the layer that asks for it (its action
 * counts), here and nowhere else, so the tile's statistics and the layers' counts cannot drift apart.
 */
import { toCycles, type Arch } from '../config/arch.ts';
import { Component, Resource, indexedName, type Simulator } from '../engine/index.ts';
import type { Counter } from '../engine/stats.ts';
import type { ActionCounts } from '../energy/actions.ts';
import type { StateShift, StateWriter } from '../engine/snapshot.ts';

export interface BufferTiming {
  ports: number;
  bitsPerCycle: number;
  latencyCycles: number;
}

/** The tile buffer's parameters, read from the arch here and nowhere else. */
export function bufferTimingOf(arch: Arch): BufferTiming {
  return {
    ports: arch.buffer.ports,
    bitsPerCycle: arch.buffer.bitsPerCycle,
    latencyCycles: toCycles(arch, arch.buffer.latencyNs),
  };
}

/** The activation / pooling unit's latency per output vector, cycles (read here and nowhere else). */
export function activationCyclesOf(arch: Arch): number {
  return toCycles(arch, arch.activation.latencyNs);
}

export class Tile extends Component {
  readonly index: number;
  private readonly ports: Resource;
  private readonly timing: BufferTiming;
  private readonly readBits: Counter;
  private readonly writeBits: Counter;
  private readonly activationOps: Counter;

  constructor(sim: Simulator, parent: Component, index: number, timing: BufferTiming) {
    super(sim, indexedName('tile', index), parent);
    this.index = index;
    this.timing = timing;
    this.ports = new Resource(sim, 'buffer', this, timing.ports);
    this.readBits = this.counter('buffer_read_bits', 'bits', 'bits read from the tile buffer');
    this.writeBits = this.counter('buffer_write_bits', 'bits', 'bits written to the tile buffer');
    this.activationOps = this.counter(
      'activation_ops_count',
      'count',
      'activation, pooling and residual-add operations',
    );
  }

  /**
   * Reads `bits` from the buffer for `account` starting no earlier than `ready`; returns the cycle
   * the data is out.
   */
  read(bits: number, ready: number, account: ActionCounts): number {
    this.readBits.add(bits);
    account.bufferReadBits += bits;
    return this.access(bits, ready);
  }

  /** Writes `bits` into the buffer for `account` starting no earlier than `ready`; returns the cycle it is stored. */
  write(bits: number, ready: number, account: ActionCounts): number {
    this.writeBits.add(bits);
    account.bufferWriteBits += bits;
    return this.access(bits, ready);
  }

  /**
   * Data in the buffer before the run starts (the network input): its write is charged to `account`
   * but books no port and is not part of the run's buffer statistics.
   */
  preload(bits: number, account: ActionCounts): void {
    account.bufferWriteBits += bits;
  }

  /** `ops` operations of the activation / pooling unit for `account`. */
  activate(ops: number, account: ActionCounts): void {
    this.activationOps.add(ops);
    account.activationOps += ops;
  }

  /** Steady-state snapshot: the buffer ports' free cycles (clamped to now) and busy total. */
  capture(w: StateWriter): void {
    for (const free of this.ports.calendarFreeCycles()) w.timeAtLeast(free, w.now);
    w.counter(this.ports.calendarBusyCycles);
  }

  shift(s: StateShift): void {
    this.ports.shiftCalendar(s.cycles, s.counter(this.ports.calendarBusyCycles));
  }

  private access(bits: number, ready: number): number {
    const cycles = Math.ceil(bits / this.timing.bitsPerCycle);
    return this.ports.reserve(ready, cycles) + cycles + this.timing.latencyCycles;
  }
}

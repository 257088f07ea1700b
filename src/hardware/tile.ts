/**
 * A tile: its buffer (shared by the PEs and the router through `buffer.ports` ports), its activation /
 * pooling unit, and its PEs (children). Buffer accesses are booked on the ports calendar-style.
 */
import { Component, Resource, indexedName, type Simulator } from '../engine/index.ts';
import type { Counter } from '../engine/stats.ts';
import type { StateShift, StateWriter } from '../engine/snapshot.ts';

export interface BufferTiming {
  ports: number;
  bitsPerCycle: number;
  latencyCycles: number;
}

export class Tile extends Component {
  readonly index: number;
  private readonly ports: Resource;
  private readonly timing: BufferTiming;
  private readonly readBits: Counter;
  private readonly writeBits: Counter;
  readonly activationOps: Counter;

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

  /** Reads `bits` from the buffer starting no earlier than `ready`; returns the cycle the data is out. */
  read(bits: number, ready: number): number {
    this.readBits.add(bits);
    return this.access(bits, ready);
  }

  /** Writes `bits` into the buffer starting no earlier than `ready`; returns the cycle it is stored. */
  write(bits: number, ready: number): number {
    this.writeBits.add(bits);
    return this.access(bits, ready);
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

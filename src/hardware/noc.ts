/**
 * The 2D mesh network-on-chip: XY routing (X first, then Y), per-hop router and link latency, and
 * every directed link a first-come-first-served resource one flit wide. A packet moves wormhole-style:
 * its head takes `router + link` cycles per hop, each link it crosses is held for as many cycles as the
 * packet has flits, and it has arrived when its tail leaves the last link.
 *
 * Links are booked calendar-style (no event per flit): a packet takes each link at max(head arrival,
 * link free). With thousands of links, a typed array of free-times replaces a Resource component per
 * link (which would add six statistics rows per link to components.csv); the statistics here are
 * network totals.
 */
import { toCycles, type Arch } from '../config/arch.ts';
import { Component, type Simulator } from '../engine/index.ts';
import type { Counter } from '../engine/stats.ts';
import type { ActionCounts } from '../energy/actions.ts';
import type { StateShift, StateWriter } from '../engine/snapshot.ts';

/** Directions of the four outgoing links of a router. */
const EAST = 0;
const WEST = 1;
const NORTH = 2;
const SOUTH = 3;

/** Per-hop latencies of the mesh (cycles) and its flit width (bits). */
export interface NocTiming {
  routerCycles: number;
  linkCycles: number;
  flitBits: number;
}

/** The NoC's parameters, read from the arch here and nowhere else. */
export function nocTimingOf(arch: Arch): NocTiming {
  return {
    routerCycles: toCycles(arch, arch.noc.routerLatencyNs),
    linkCycles: toCycles(arch, arch.noc.linkLatencyNs),
    flitBits: arch.noc.flitBits,
  };
}

export class MeshNoc extends Component {
  readonly meshX: number;
  readonly meshY: number;
  private readonly hopCycles: number;
  private readonly flitBits: number;
  private readonly linkFree: Float64Array;
  private readonly flitHops: Counter;
  private readonly packets: Counter;
  private readonly waitCycles: Counter;
  private readonly linkBusy: Counter;

  constructor(sim: Simulator, parent: Component, mesh: { meshX: number; meshY: number }, timing: NocTiming) {
    super(sim, 'noc', parent);
    this.meshX = mesh.meshX;
    this.meshY = mesh.meshY;
    this.hopCycles = timing.routerCycles + timing.linkCycles;
    this.flitBits = timing.flitBits;
    this.linkFree = new Float64Array(this.meshX * this.meshY * 4);
    this.flitHops = this.counter('flit_hops_count', 'count', 'flits times hops carried by all links');
    this.packets = this.counter('packets_count', 'count', 'packets sent between different tiles');
    this.waitCycles = this.counter('wait_cycles', 'cycles', 'cycles packet heads waited for a busy link');
    this.linkBusy = this.counter('link_busy_cycles', 'cycles', 'link-cycles spent carrying flits');
  }

  /** Steady-state snapshot: each link's free cycle, clamped to now (packets never start before now). */
  capture(w: StateWriter): void {
    const now = w.now;
    for (let i = 0; i < this.linkFree.length; i++) w.timeAtLeast(this.linkFree[i], now);
  }

  shift(s: StateShift): void {
    for (let i = 0; i < this.linkFree.length; i++) this.linkFree[i] += s.cycles;
  }

  /** Flits a packet of `bits` bits takes. */
  flitsFor(bits: number): number {
    return Math.ceil(bits / this.flitBits);
  }

  /** Manhattan distance in hops between two tiles. */
  hops(from: number, to: number): number {
    const dx = Math.abs((from % this.meshX) - (to % this.meshX));
    const dy = Math.abs(Math.floor(from / this.meshX) - Math.floor(to / this.meshX));
    return dx + dy;
  }

  /**
   * Sends a packet of `flits` flits from tile `from` to tile `to` for `account` (its flit-hops are
   * charged there), its head ready at cycle `ready`; returns the cycle its tail has arrived. Same
   * tile: arrives at `ready`, nothing counted.
   */
  send(from: number, to: number, flits: number, ready: number, account: ActionCounts): number {
    if (from === to || flits === 0) return ready;
    this.packets.add(1);
    let x = from % this.meshX;
    let y = Math.floor(from / this.meshX);
    const tx = to % this.meshX;
    const ty = Math.floor(to / this.meshX);
    let head = ready;
    let hops = 0;
    while (x !== tx || y !== ty) {
      let direction: number;
      if (x !== tx) direction = tx > x ? EAST : WEST;
      else direction = ty > y ? SOUTH : NORTH;
      const link = (y * this.meshX + x) * 4 + direction;
      const start = this.linkFree[link] > head ? this.linkFree[link] : head;
      if (start > head) this.waitCycles.add(start - head);
      this.linkFree[link] = start + flits;
      head = start + this.hopCycles;
      hops++;
      if (direction === EAST) x++;
      else if (direction === WEST) x--;
      else if (direction === SOUTH) y++;
      else y--;
    }
    this.flitHops.add(flits * hops);
    account.nocFlitHops += flits * hops;
    this.linkBusy.add(flits * hops);
    // The tail follows the head by flits - 1 cycles on the last link.
    return head + flits - 1;
  }
}

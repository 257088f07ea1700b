import { Component } from './component.ts';
import { SimEvent } from './event.ts';
import type { InPort, OutPort } from './port.ts';
import { Priority } from './priority.ts';
import type { Simulator } from './simulator.ts';
import type { Counter } from './stats.ts';

/** Deliveries and retries run with ordinary component work. */
const LINK_PRIORITY = Priority.DEFAULT;

export interface LinkOptions<M> {
  from: OutPort<M>;
  to: InPort<M>;
  /** Cycles from send to arrival in the receiver's buffer (integer >= 0). */
  latency: number;
  /** Cycles between two accepted sends (integer >= 1; default 1: one message per cycle). */
  interval?: number;
}

/**
 * A point-to-point connection with a latency, created in the build or wire phase.
 *
 * Flow control is credit-based: a send is refused when the link accepted a message less than
 * `interval` cycles ago (link busy) or when messages in flight plus messages waiting in the
 * receiver's buffer already fill that buffer (receiver full). A refused sender is called back
 * (`from.onRetry`) once, at the first cycle at which a send would be accepted.
 *
 * In-flight messages sit in a ring sized to the receiver's capacity; arrivals are in send order,
 * so one reusable delivery event (scheduled for the oldest message) carries them all and nothing
 * is allocated per message.
 */
export class Link<M> extends Component {
  readonly from: OutPort<M>;
  readonly to: InPort<M>;
  readonly latency: number;
  readonly interval: number;
  private readonly inFlight: (M | undefined)[];
  private readonly arrivals: Float64Array;
  private head = 0;
  private count = 0;
  /** First cycle at which the link accepts another message. */
  private nextFree = 0;
  private senderWaiting = false;
  private readonly deliverEvent: SimEvent;
  private readonly retryEvent: SimEvent;
  private readonly messages: Counter;
  private readonly refusals: Counter;

  constructor(sim: Simulator, name: string, parent: Component | undefined, options: LinkOptions<M>) {
    super(sim, name, parent);
    const { from, to, latency, interval = 1 } = options;
    if (!Number.isSafeInteger(latency) || latency < 0) {
      throw this.error(`latency ${latency} must be an integer number of cycles >= 0`);
    }
    if (!Number.isSafeInteger(interval) || interval < 1) {
      throw this.error(`interval ${interval} must be an integer number of cycles >= 1`);
    }
    if (from.link) throw this.error(`port ${from.path} is already connected by ${from.link.path}`);
    if (to.link) throw this.error(`port ${to.path} is already connected by ${to.link.path}`);
    this.from = from;
    this.to = to;
    from.link = this;
    to.link = this;
    this.latency = latency;
    this.interval = interval;
    this.inFlight = new Array<M | undefined>(to.capacity).fill(undefined);
    this.arrivals = new Float64Array(to.capacity);
    this.deliverEvent = new SimEvent(this, 'deliver', () => this.deliverOldest(), LINK_PRIORITY);
    this.retryEvent = new SimEvent(this, 'retry', () => this.retrySender(), LINK_PRIORITY);
    this.messages = this.counter('messages_count', 'count', 'messages accepted by the link');
    this.refusals = this.counter('refusals_count', 'count', 'sends refused (link busy or receiver full)');
  }

  /** True if a message offered now would be accepted. */
  canAccept(): boolean {
    return this.sim.now >= this.nextFree && this.hasCredit();
  }

  /** OutPort.send lands here. */
  offer(msg: M): boolean {
    const now = this.sim.now;
    if (now < this.nextFree || !this.hasCredit()) {
      this.refusals.add(1);
      this.senderWaiting = true;
      this.armRetry();
      return false;
    }
    let tail = this.head + this.count;
    if (tail >= this.inFlight.length) tail -= this.inFlight.length;
    this.inFlight[tail] = msg;
    // A 0-latency send from an event that runs after DEFAULT work in this cycle arrives next cycle.
    const arrival = Math.max(now + this.latency, this.sim.earliestCycleFor(LINK_PRIORITY));
    this.arrivals[tail] = arrival;
    this.count++;
    this.nextFree = now + this.interval;
    this.senderWaiting = false; // it got through on its own; a pending retry call is moot
    this.messages.add(1);
    if (!this.deliverEvent.scheduled) this.sim.schedule(this.deliverEvent, arrival);
    return true;
  }

  /** InPort.take lands here: a buffer slot is free again. */
  slotFreed(): void {
    if (this.senderWaiting) this.armRetry();
  }

  private hasCredit(): boolean {
    return this.count + this.to.size < this.to.capacity;
  }

  /** Schedules the sender's retry for the first cycle a send would succeed (if it can be known yet). */
  private armRetry(): void {
    if (!this.hasCredit() || this.retryEvent.scheduled) return; // a freed slot will arm it
    this.sim.schedule(this.retryEvent, Math.max(this.sim.earliestCycleFor(LINK_PRIORITY), this.nextFree));
  }

  private retrySender(): void {
    if (!this.senderWaiting) return;
    if (!this.canAccept()) {
      this.armRetry();
      return;
    }
    this.senderWaiting = false;
    this.from.onRetry();
  }

  private deliverOldest(): void {
    const msg = this.inFlight[this.head] as M;
    this.inFlight[this.head] = undefined;
    this.head = this.head + 1 === this.inFlight.length ? 0 : this.head + 1;
    this.count--;
    if (this.count > 0) this.sim.schedule(this.deliverEvent, this.arrivals[this.head]);
    this.to.deliver(msg);
  }
}

import type { Component } from './component.ts';
import { EngineError } from './errors.ts';
import type { Link } from './link.ts';

/**
 * The sending end of a link. `send` returns false when the link refuses the message (link busy,
 * or the receiver's buffer full counting messages in flight); the owner's `onRetry` is then called
 * once, at the first moment a send would succeed (back-pressure without polling).
 */
export class OutPort<M> {
  /** Set by the Link that connects this port. */
  link: Link<M> | undefined;

  constructor(
    readonly owner: Component,
    readonly name: string,
    readonly onRetry: () => void,
  ) {}

  get path(): string {
    return `${this.owner.path}.${this.name}`;
  }

  /** Offers `msg` to the link now; true if accepted, false if refused (expect an onRetry call). */
  send(msg: M): boolean {
    if (!this.link) throw new EngineError(this.owner.path, `port '${this.name}' is not connected`);
    return this.link.offer(msg);
  }

  /** True if a send now would be accepted. */
  canSend(): boolean {
    if (!this.link) throw new EngineError(this.owner.path, `port '${this.name}' is not connected`);
    return this.link.canAccept();
  }
}

/**
 * The receiving end of a link: a FIFO buffer of `capacity` messages. The owner's `onArrive` is
 * called each time a message lands; the owner takes messages out with `take()` when it is ready,
 * which frees a slot and may let the sender go on.
 */
export class InPort<M> {
  /** Set by the Link that connects this port. */
  link: Link<M> | undefined;
  private readonly buffer: (M | undefined)[];
  private head = 0;
  private count = 0;

  constructor(
    readonly owner: Component,
    readonly name: string,
    readonly onArrive: () => void,
    readonly capacity = 1,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new EngineError(owner.path, `port '${name}': capacity ${capacity} must be a positive integer`);
    }
    this.buffer = new Array<M | undefined>(capacity).fill(undefined);
  }

  get path(): string {
    return `${this.owner.path}.${this.name}`;
  }

  /** Messages waiting in the buffer. */
  get size(): number {
    return this.count;
  }

  /** The oldest waiting message without taking it. */
  peek(): M | undefined {
    return this.count === 0 ? undefined : this.buffer[this.head];
  }

  /** Takes the oldest waiting message out of the buffer; throws if there is none. */
  take(): M {
    if (this.count === 0)
      throw new EngineError(this.owner.path, `port '${this.name}': take() from an empty buffer`);
    const msg = this.buffer[this.head] as M;
    this.buffer[this.head] = undefined;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.count--;
    this.link?.slotFreed();
    return msg;
  }

  /** Called by the link on delivery; the link guarantees there is room. */
  deliver(msg: M): void {
    let tail = this.head + this.count;
    if (tail >= this.capacity) tail -= this.capacity;
    this.buffer[tail] = msg;
    this.count++;
    this.onArrive();
  }
}

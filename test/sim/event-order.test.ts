/**
 * The calendar queue (the default) against the heap queue on whole simulations: the same events,
 * dispatched in the same order at the same cycles, and the same outputs. A recording queue wraps each
 * and logs every entry it hands out.
 */
import { expect } from 'chai';
import { CalendarQueue, HeapQueue, type EventQueue, type SimEvent } from '../../src/engine/index.ts';
import { simulate } from '../../src/sim/simulate.ts';
import type { Fidelity, RunResult } from '../../src/sim/types.ts';
import { syntheticActivations } from '../../src/workload/synthetic-activations.ts';
import type { Network } from '../../src/workload/types.ts';
import { arch, zooNetwork } from './helpers.ts';

/** An EventQueue that records, for each entry popped, its cycle, priority, seq and event. */
class RecordingQueue implements EventQueue<SimEvent> {
  readonly log: string[] = [];
  constructor(private readonly inner: EventQueue<SimEvent>) {}
  get size() {
    return this.inner.size;
  }
  push(item: SimEvent, cycle: number, priority: number) {
    return this.inner.push(item, cycle, priority);
  }
  pop() {
    const entry = `${this.inner.peekCycle()} ${this.inner.peekPriority()} ${this.inner.peekSeq()}`;
    const item = this.inner.pop();
    if (item) this.log.push(`${entry} ${item.description}`);
    return item;
  }
  peek = () => this.inner.peek();
  peekCycle = () => this.inner.peekCycle();
  peekPriority = () => this.inner.peekPriority();
  peekSeq = () => this.inner.peekSeq();
  clear = () => this.inner.clear();
  retain = (keep: (item: SimEvent, seq: number) => boolean) => this.inner.retain(keep);
  forEach = (visit: (item: SimEvent, cycle: number, priority: number, seq: number) => void) =>
    this.inner.forEach(visit);
  shiftCycles = (delta: number) => this.inner.shiftCycles(delta);
}

function recorded(network: Network, mapper: string, fidelity: Fidelity, queue: RecordingQueue, images = 1) {
  const a = arch();
  const result: RunResult = simulate({
    arch: a,
    network,
    mapper,
    mapperOptions: {},
    fidelity,
    seed: 1,
    images,
    queue,
  });
  return { result, log: queue.log };
}

describe('sim: event order with the calendar queue', () => {
  const a = arch();
  const tiny = zooNetwork('tiny', a);
  const cases: { name: string; network: Network; mapper: string; fidelity: Fidelity; images?: number }[] = [
    { name: 'tiny, pattern, ou', network: tiny, mapper: 'pattern', fidelity: 'ou' },
    {
      name: 'tiny, dense, ou, a stream of 12 (steady-state jump)',
      network: tiny,
      mapper: 'dense',
      fidelity: 'ou',
      images: 12,
    },
    { name: 'tiny, sre, fast', network: tiny, mapper: 'sre', fidelity: 'fast' },
    {
      name: 'tiny with activations (data-driven), pattern, ou',
      network: { ...tiny, activations: syntheticActivations(tiny, { zeroFraction: 0.5, bits: 8, seed: 3 }) },
      mapper: 'pattern',
      fidelity: 'ou',
    },
    {
      name: 'vgg8-cifar10, pattern, fast',
      network: zooNetwork('vgg8-cifar10', a),
      mapper: 'pattern',
      fidelity: 'fast',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: the same event trace as the heap queue`, () => {
      const heap = recorded(c.network, c.mapper, c.fidelity, new RecordingQueue(new HeapQueue()), c.images);
      const calendar = recorded(
        c.network,
        c.mapper,
        c.fidelity,
        new RecordingQueue(new CalendarQueue()),
        c.images,
      );
      expect(heap.log.length).to.be.greaterThan(100);
      expect(calendar.log.length).to.equal(heap.log.length);
      for (let i = 0; i < heap.log.length; i++)
        if (calendar.log[i] !== heap.log[i]) expect(calendar.log[i], `event ${i}`).to.equal(heap.log[i]);
      expect(calendar.result).to.deep.equal(heap.result);
      const events = calendar.result.components.find(
        (r) => r.component === 'simulator' && r.statistic === 'events',
      );
      expect(events?.value).to.equal(heap.log.length);
    });
  }
});

import { expect } from 'chai';
import fc from 'fast-check';
import { CalendarQueue } from '../../src/engine/calendar-queue.ts';
import { HeapQueue } from '../../src/engine/heap-queue.ts';
import { MAX_CYCLE } from '../../src/engine/priority.ts';
import type { EventQueue } from '../../src/engine/queue.ts';
import { ReferenceQueue } from '../../src/engine/reference-queue.ts';

type Op =
  | { kind: 'push'; cycle: number; priority: number }
  | { kind: 'pop' }
  | { kind: 'clear' }
  | { kind: 'retain'; modulus: number }
  | { kind: 'shift'; delta: number }
  | { kind: 'visit' };

// Few distinct cycles and priorities so that ties (the FIFO rule) are common; some huge cycles to
// check that packing (cycle, priority) into one float stays exact up to MAX_CYCLE.
const cycleArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 3 }) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 50 }) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_CYCLE - 5, max: MAX_CYCLE }) },
);
const priorityArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, 50) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({ kind: fc.constant('push' as const), cycle: cycleArb, priority: priorityArb }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('retain' as const), modulus: fc.integer({ min: 2, max: 4 }) }),
  },
);

// CalendarQueue's buckets cover a window of 4096 cycles: cycles across several windows exercise its
// heap of later entries and the moves between the two; shifts and visits are the steady-state jumps.
const wideCycleArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 60 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 4090, max: 4100 }) },
);
const wideOpArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({ kind: fc.constant('push' as const), cycle: wideCycleArb, priority: priorityArb }),
  },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('retain' as const), modulus: fc.integer({ min: 2, max: 4 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('shift' as const), delta: fc.integer({ min: 0, max: 9000 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('visit' as const) }) },
);

/** Runs `ops` on `queue` and records everything observable after each step. */
function trace(queue: EventQueue<number>, ops: Op[]): unknown[] {
  const out: unknown[] = [];
  let id = 0;
  for (const op of ops) {
    if (op.kind === 'push') out.push(queue.push(id++, op.cycle, op.priority));
    else if (op.kind === 'pop') out.push(queue.pop());
    else if (op.kind === 'clear') queue.clear();
    else if (op.kind === 'retain') out.push(queue.retain((item) => item % op.modulus !== 0));
    else if (op.kind === 'shift') queue.shiftCycles(op.delta);
    else {
      const entries: number[][] = [];
      queue.forEach((item, cycle, priority, seq) => entries.push([item, cycle, priority, seq]));
      out.push(entries.sort((a, b) => a[3] - b[3]));
    }
    out.push([queue.size, queue.peek(), queue.peekCycle(), queue.peekPriority(), queue.peekSeq()]);
  }
  while (queue.size > 0) out.push(queue.pop());
  return out;
}

describe('engine/queue', () => {
  it('HeapQueue behaves exactly like the js-sdsl reference on random programs', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), fc.integer({ min: 1, max: 8 }), (ops, capacity) => {
        // A tiny initial capacity makes the heap grow many times during the program.
        expect(trace(new HeapQueue<number>(capacity), ops)).to.deep.equal(
          trace(new ReferenceQueue<number>(), ops),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('CalendarQueue behaves exactly like the js-sdsl reference on random programs', () => {
    for (const ops of [opArb, wideOpArb])
      fc.assert(
        fc.property(
          fc.array(ops, { maxLength: 400 }),
          fc.integer({ min: 1, max: 8 }),
          (program, capacity) => {
            expect(trace(new CalendarQueue<number>(capacity), program)).to.deep.equal(
              trace(new ReferenceQueue<number>(), program),
            );
          },
        ),
        { numRuns: 300 },
      );
  });

  it('CalendarQueue keeps the order of a simulator-like program over many windows', () => {
    // Pops and pushes a little ahead of the last pop, as the ou fidelity does, for 200k cycles.
    const calendar = new CalendarQueue<number>(4);
    const reference = new ReferenceQueue<number>();
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let id = 0; id < 64; id++) {
      const cycle = random(100);
      const priority = random(3) * 50;
      calendar.push(id, cycle, priority);
      reference.push(id, cycle, priority);
    }
    let now = 0;
    for (let id = 64; now < 200_000; id++) {
      expect(calendar.peekCycle()).to.equal(reference.peekCycle());
      expect(calendar.peekSeq()).to.equal(reference.peekSeq());
      now = calendar.peekCycle();
      expect(calendar.pop()).to.equal(reference.pop());
      const cycle = now + (random(10) === 0 ? 5000 + random(20_000) : random(60));
      const priority = random(3) * 50;
      calendar.push(id, cycle, priority);
      reference.push(id, cycle, priority);
    }
  });

  for (const make of [
    () => new CalendarQueue<number>(2),
    () => new HeapQueue<number>(2),
    () => new ReferenceQueue<number>(),
  ]) {
    const name = make().constructor.name;
    it(`${name}: pops in nondecreasing (cycle, priority), FIFO among equals`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.constantFrom(0, 50, 100))),
          (keys) => {
            const queue = make();
            keys.forEach(([cycle, priority], id) => queue.push(id, cycle, priority));
            const popped: number[] = [];
            while (queue.size > 0) popped.push(queue.pop()!);
            expect(popped).to.have.length(keys.length);
            for (let i = 1; i < popped.length; i++) {
              const [c0, p0] = keys[popped[i - 1]];
              const [c1, p1] = keys[popped[i]];
              expect(c0 < c1 || (c0 === c1 && p0 <= p1), `order at ${i}`).to.equal(true);
              if (c0 === c1 && p0 === p1) expect(popped[i - 1]).to.be.lessThan(popped[i]); // pushed first
            }
          },
        ),
      );
    });

    it(`${name}: empty queue answers undefined / Infinity / -1`, () => {
      const queue = make();
      expect([
        queue.pop(),
        queue.peek(),
        queue.peekCycle(),
        queue.peekPriority(),
        queue.peekSeq(),
      ]).to.deep.equal([undefined, undefined, Infinity, -1, -1]);
      queue.push(7, 3, 9);
      queue.clear();
      expect(queue.size).to.equal(0);
      expect(queue.push(8, 1, 1)).to.equal(1); // sequence numbers keep growing across clear()
    });
  }
});

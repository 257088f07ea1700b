import { expect } from 'chai';
import { Component } from '../../src/engine/component.ts';
import { EngineError } from '../../src/engine/errors.ts';
import { SimEvent } from '../../src/engine/event.ts';
import { Link } from '../../src/engine/link.ts';
import { indexedName } from '../../src/engine/names.ts';
import { InPort, OutPort } from '../../src/engine/port.ts';
import { Priority } from '../../src/engine/priority.ts';
import { Simulator } from '../../src/engine/simulator.ts';

const PATH = 'chip.tile[3].pe[1].xbar[7]';

/** A simulator with the component chip.tile[3].pe[1].xbar[7] and an event 'read' on it. */
function setup(): { sim: Simulator; xbar: Component; read: SimEvent; chip: Component } {
  const sim = new Simulator();
  const chip = new Component(sim, 'chip');
  const tile = new Component(sim, indexedName('tile', 3), chip);
  const pe = new Component(sim, indexedName('pe', 1), tile);
  const xbar = new Component(sim, indexedName('xbar', 7), pe);
  const read = new SimEvent(xbar, 'read', () => {});
  return { sim, xbar, read, chip };
}

/** Expects `action` to throw an EngineError whose message names the crossbar and matches `problem`. */
function expectEngineError(action: () => unknown, problem: RegExp, path = PATH): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'an error was thrown').to.be.instanceOf(EngineError);
  const message = (caught as Error).message;
  expect(message.startsWith(`${path}: `), message).to.equal(true);
  expect(message).to.match(problem);
}

describe('engine/error paths', () => {
  it('builds hierarchical names', () => {
    const { xbar } = setup();
    expect(xbar.path).to.equal(PATH);
    expect(xbar.parent?.parent?.children.map((c) => c.name)).to.deep.equal(['pe[1]']);
  });

  it('scheduling in the past', () => {
    const { sim, read, xbar } = setup();
    const late = new SimEvent(xbar, 'late', () => {});
    sim.schedule(late, 100);
    sim.run(10);
    expectEngineError(() => sim.schedule(read, 9), /'read' at cycle 9: it is in the past \(now 10\)/);
  });

  it('scheduling before the running event within its cycle (lower priority)', () => {
    const { sim, xbar } = setup();
    const early = new SimEvent(xbar, 'early', () => {}, Priority.CLOCK);
    let thrown: unknown;
    const stats = new SimEvent(
      xbar,
      'sample',
      () => {
        try {
          sim.schedule(early, sim.now);
        } catch (error) {
          thrown = error;
        }
      },
      Priority.STATS,
    );
    sim.schedule(stats, 5);
    sim.run();
    expectEngineError(() => {
      throw thrown;
    }, /'early' \(priority 0\) at cycle 5: it is in the past/);
  });

  it('scheduling an event that is already scheduled', () => {
    const { sim, read } = setup();
    sim.schedule(read, 3);
    expectEngineError(() => sim.schedule(read, 4), /'read' is already scheduled at cycle 3/);
  });

  it('rescheduling or descheduling an event that is not scheduled', () => {
    const { sim, read } = setup();
    expectEngineError(() => sim.reschedule(read, 4), /cannot reschedule event 'read': it is not scheduled/);
    expectEngineError(() => sim.deschedule(read), /cannot deschedule event 'read': it is not scheduled/);
    sim.schedule(read, 1);
    sim.deschedule(read);
    expectEngineError(() => sim.deschedule(read), /not scheduled/);
  });

  it('non-integer, infinite and too large cycles', () => {
    const { sim, read } = setup();
    for (const cycle of [1.5, NaN, Infinity, -0.5, 2 ** 53]) {
      expectEngineError(() => sim.schedule(read, cycle), /cycles are integers/);
    }
    sim.schedule(read, 2);
    expectEngineError(() => sim.reschedule(read, 2.5), /cycles are integers/);
  });

  it('wiring after the run started: components, links, statistics', () => {
    const { sim, xbar, chip } = setup();
    sim.run();
    expect(sim.phase).to.equal('run');
    expectEngineError(
      () => new Component(sim, 'adc[0]', xbar),
      /cannot create a component: the run has started/,
      `${PATH}.adc[0]`,
    );
    const a = new OutPort<number>(xbar, 'out', () => {});
    const b = new InPort<number>(xbar, 'in', () => {});
    expectEngineError(
      () => new Link(sim, 'link', chip, { from: a, to: b, latency: 1 }),
      /cannot create a component: the run has started/,
      'chip.link',
    );
    expectEngineError(
      () => xbar.counter('reads_count', 'count', 'reads'),
      /cannot register statistic 'reads_count'/,
    );
  });

  it('running or scheduling after finish', () => {
    const { sim, read } = setup();
    sim.finish();
    expect(sim.phase).to.equal('finish');
    expectEngineError(() => sim.schedule(read, 1), /the simulation has finished/);
    expect(() => sim.run()).to.throw(/the simulation has finished/);
  });

  it('bad names, duplicates, priorities and ports', () => {
    const { sim, xbar, chip } = setup();
    expectEngineError(
      () => new Component(sim, 'bad.name', xbar),
      /not a valid component name/,
      `${PATH}.bad.name`,
    );
    expectEngineError(() => new Component(sim, 'tile[3]', chip), /already exists/, 'chip.tile[3]');
    expectEngineError(() => new SimEvent(xbar, 'odd', () => {}, 256), /'odd' has priority 256/);
    const out = new OutPort<number>(xbar, 'out', () => {});
    expectEngineError(() => out.send(1), /port 'out' is not connected/);
    const inp = new InPort<number>(xbar, 'in', () => {}, 2);
    expectEngineError(() => inp.take(), /take\(\) from an empty buffer/);
    expectEngineError(() => new InPort<number>(xbar, 'zero', () => {}, 0), /capacity 0/);
    new Link(sim, 'wire', chip, { from: out, to: inp, latency: 1 });
    const other = new InPort<number>(xbar, 'in2', () => {});
    expectEngineError(
      () => new Link(sim, 'wire2', chip, { from: out, to: other, latency: 1 }),
      /port chip\.tile\[3\]\.pe\[1\]\.xbar\[7\]\.out is already connected by chip\.wire/,
      'chip.wire2',
    );
    const spare = new OutPort<number>(xbar, 'spare', () => {});
    expectEngineError(
      () => new Link(sim, 'slow', chip, { from: spare, to: other, latency: 0.5 }),
      /latency 0\.5/,
      'chip.slow',
    );
  });
});

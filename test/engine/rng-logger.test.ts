import { expect } from 'chai';
import fc from 'fast-check';
import { Component } from '../../src/engine/component.ts';
import { Simulator } from '../../src/engine/simulator.ts';
import { createLogger, silentLogger } from '../../src/util/logger.ts';
import { createRng } from '../../src/util/rng.ts';

const draw = (seed: number, stream: string, n = 8): number[] =>
  Array.from(
    { length: n },
    (
      (rng) => () =>
        rng.next()
    )(createRng(seed, stream)),
  );

describe('util/rng', () => {
  it('is deterministic per (seed, stream) and differs across seeds and streams', () => {
    expect(draw(7, 'chip.tile[0]')).to.deep.equal(draw(7, 'chip.tile[0]'));
    expect(draw(7, 'chip.tile[0]')).to.not.deep.equal(draw(7, 'chip.tile[1]'));
    expect(draw(7, 'chip.tile[0]')).to.not.deep.equal(draw(8, 'chip.tile[0]'));
  });

  it('gives each component its own stream, unaffected by other components', () => {
    const firstDraws = (extra: boolean): number[] => {
      const sim = new Simulator({ seed: 42 });
      const chip = new Component(sim, 'chip');
      if (extra) new Component(sim, 'noise', chip).rng().next();
      const pe = new Component(sim, 'pe', chip);
      const rng = pe.rng();
      return [rng.next(), rng.next()];
    };
    expect(firstDraws(true)).to.deep.equal(firstDraws(false));
    expect(firstDraws(false)).to.deep.equal(draw(42, 'chip.pe', 2));
  });

  it('next() is in [0, 1) and int(lo, hi) in [lo, hi], hitting both ends', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: 0, max: 3 }),
        (seed, lo, span) => {
          const rng = createRng(seed, 's');
          const seen = new Set<number>();
          for (let i = 0; i < 200; i++) {
            const u = rng.next();
            expect(u >= 0 && u < 1).to.equal(true);
            const k = rng.int(lo, lo + span);
            expect(Number.isInteger(k) && k >= lo && k <= lo + span).to.equal(true);
            seen.add(k);
          }
          expect(seen.size).to.equal(span + 1);
        },
      ),
      { numRuns: 50 },
    );
    expect(() => createRng(1, 's').int(3, 2)).to.throw(RangeError);
  });

  it('normal(mean, sd) has about that mean and sd', () => {
    const rng = createRng(3, 'normal');
    const n = 20000;
    const xs = Array.from({ length: n }, () => rng.normal(5, 2));
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    // standard errors: 2/sqrt(n) = 0.014 for the mean, about 0.01 for the sd
    expect(mean).to.be.closeTo(5, 0.06);
    expect(sd).to.be.closeTo(2, 0.05);
  });
});

describe('util/logger', () => {
  it('creates loggers at the requested level; the default library logger is silent', () => {
    expect(silentLogger.level).to.equal('silent');
    expect(silentLogger.isLevelEnabled('error')).to.equal(false);
    const warn = createLogger('warn', { pretty: false });
    expect(warn.isLevelEnabled('warn')).to.equal(true);
    expect(warn.isLevelEnabled('info')).to.equal(false);
    expect(createLogger('debug', { pretty: true }).isLevelEnabled('debug')).to.equal(true);
  });

  it('tags component log lines with the component path', () => {
    const sim = new Simulator({ log: silentLogger });
    const pe = new Component(sim, 'pe', new Component(sim, 'tile[2]'));
    expect(pe.log.bindings()).to.deep.equal({ component: 'tile[2].pe' });
  });
});

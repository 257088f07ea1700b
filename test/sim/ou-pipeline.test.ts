import { expect } from 'chai';
import fc from 'fast-check';
import { OuPipeline, backStageCycles, compose, power, stepMatrix } from '../../src/hardware/ou-pipeline.ts';

/** The pipeline recurrence, one OU step at a time (the definition the closed form must match). */
function naiveVector(
  state: { x: number; y: number },
  ready: number,
  ouCols: number[],
  slices: number,
  t: { readCycles: number; adcCycles: number; adcs: number; shiftAddCycles: number },
): number {
  let x = Math.max(state.x, ready);
  let y = state.y;
  for (let s = 0; s < slices; s++) {
    for (const cols of ouCols) {
      const b = Math.max(x + t.readCycles, y);
      x = b;
      y = b + Math.ceil(cols / t.adcs) * t.adcCycles;
    }
  }
  state.x = x;
  state.y = y;
  return y + t.shiftAddCycles;
}

describe('OU pipeline closed form', () => {
  it('max-plus power equals repeated composition', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 12 }),
        (r, d, n) => {
          let repeated = power(stepMatrix(r, d), 0);
          for (let i = 0; i < n; i++) repeated = compose(stepMatrix(r, d), repeated);
          expect(power(stepMatrix(r, d), n)).to.deep.equal(repeated);
        },
      ),
    );
  });

  it('equals the step-by-step recurrence for random OU sequences, slices and arrival times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 8 }),
        fc.record({
          readCycles: fc.integer({ min: 0, max: 10 }),
          adcCycles: fc.integer({ min: 0, max: 5 }),
          adcs: fc.integer({ min: 1, max: 8 }),
          shiftAddCycles: fc.integer({ min: 0, max: 3 }),
        }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 6 }),
        (cols, slices, timing, gaps) => {
          const pipeline = new OuPipeline(Uint16Array.from(cols), slices, timing);
          const state = { x: 0, y: 0 };
          let ready = 0;
          for (const gap of gaps) {
            ready += gap;
            expect(pipeline.runVector(ready)).to.equal(naiveVector(state, ready, cols, slices, timing));
          }
        },
      ),
    );
  });

  it('uniform OUs follow read + back + (n - 1) * max(read, back), the pimsim-nn crossbar form', () => {
    // pimsim-nn: the front stage runs (inputBits/dacBits) * (rows/rowsPerStep) times, each followed by
    // cols/adcs ADC rounds, the two stages pipelined (docs/references.md).
    for (const [read, adcCycles, adcs, ouCols] of [
      [8, 1, 1, 8],
      [2, 1, 1, 8],
      [10, 1, 2, 4],
      [3, 2, 4, 16],
    ]) {
      const rowsPerCrossbar = 128;
      const ouRows = 8;
      const slices = 8;
      const steps = rowsPerCrossbar / ouRows;
      const back = backStageCycles(ouCols, adcs, adcCycles);
      const pipeline = new OuPipeline(new Uint16Array(steps).fill(ouCols), slices, {
        readCycles: read,
        adcCycles,
        adcs,
        shiftAddCycles: 0,
      });
      const n = slices * steps;
      expect(pipeline.runVector(0)).to.equal(read + back + (n - 1) * Math.max(read, back));
    }
  });
});

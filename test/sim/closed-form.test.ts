import { expect } from 'chai';
import { inputSlices, toCycles, weightSlices } from '../../src/config/arch.ts';
import { arch, networkFrom, run } from './helpers.ts';

/** One FC layer that fits one crossbar: the whole run is buffer read, OU pipeline, write back. */
function singleCrossbarLayer(inFeatures: number, outFeatures: number) {
  return networkFrom({
    name: 'one-crossbar',
    inputShape: [inFeatures, 1, 1],
    layers: [{ name: 'fc', type: 'fc', inFeatures, outFeatures }],
  });
}

describe('closed form: one layer on one crossbar, dense weights', () => {
  for (const sets of [
    [] as string[],
    ['ou.rows=16', 'ou.cols=4', 'adc.perCrossbar=2'],
    ['ou.rows=4', 'ou.cols=16', 'crossbar.readLatencyNs=25', 'dac.bits=2'],
    ['crossbar.cellBits=1', 'adc.latencyNs=3.125'],
  ]) {
    it(`equals the OU pipeline formula to the cycle (${sets.join(' ') || 'paper preset'})`, () => {
      const a = arch(...sets);
      const inFeatures = a.crossbar.rows;
      const outFeatures = Math.floor(a.crossbar.cols / weightSlices(a));
      const result = run(singleCrossbarLayer(inFeatures, outFeatures), a, 'dense', 'fast');
      expect(result.crossbars).to.equal(1);

      const read = toCycles(a, a.crossbar.readLatencyNs);
      const back = Math.ceil(a.ou.cols / a.adc.perCrossbar) * toCycles(a, a.adc.latencyNs);
      const usedCols = outFeatures * weightSlices(a);
      const steps = Math.ceil(inFeatures / a.ou.rows) * Math.ceil(usedCols / a.ou.cols) * inputSlices(a);
      const pipeline = read + back + (steps - 1) * Math.max(read, back);
      const bufferLatency = toCycles(a, a.buffer.latencyNs);
      const inputRead =
        Math.ceil((inFeatures * a.precision.inputBits) / a.buffer.bitsPerCycle) + bufferLatency;
      const outputWrite =
        Math.ceil((outFeatures * a.precision.outputBits) / a.buffer.bitsPerCycle) + bufferLatency;
      const expected =
        inputRead +
        pipeline +
        toCycles(a, a.shiftAdd.latencyNs) +
        toCycles(a, a.activation.latencyNs) +
        outputWrite;

      expect(result.layers[0].startCycle).to.equal(inputRead);
      expect(result.cycles).to.equal(expected);
      expect(result.counts.ouSteps).to.equal(steps);
    });
  }
});

import { expect } from 'chai';
import { adcConversionCycles } from '../../src/config/arch.ts';
import { simulationKey } from '../../src/sim/simulate.ts';
import { arch, run, zooNetwork } from './helpers.ts';

describe('ADC conversion time and resolution (adc.nsPerBit)', () => {
  it('a fixed-rate ADC (nsPerBit 0): adc.bits changes prices only, so the simulation key is shared', () => {
    expect(simulationKey(arch('adc.bits=4'))).to.equal(simulationKey(arch('adc.bits=8')));
    expect(adcConversionCycles(arch('adc.bits=4'))).to.equal(adcConversionCycles(arch('adc.bits=8')));
  });

  it('a SAR-style ADC (nsPerBit > 0): more bits take longer, and the key tells the points apart', () => {
    const sar = (bits: number) => arch('adc.latencyNs=0.78125', 'adc.nsPerBit=0.78125', `adc.bits=${bits}`);
    expect(simulationKey(sar(4))).to.not.equal(simulationKey(sar(6)));
    // 0.78125 ns clock: (1 + bits) cycles per conversion.
    expect(adcConversionCycles(sar(4))).to.equal(5);
    expect(adcConversionCycles(sar(6))).to.equal(7);
    const network = zooNetwork('tiny', arch());
    const cycles = [4, 5, 6].map((bits) => {
      const fast = run(network, sar(bits), 'pattern', 'fast');
      const ou = run(network, sar(bits), 'pattern', 'ou');
      expect(ou.cycles).to.equal(fast.cycles);
      expect(ou.counts).to.deep.equal(fast.counts);
      return fast.cycles;
    });
    expect(cycles[1]).to.be.greaterThan(cycles[0]);
    expect(cycles[2]).to.be.greaterThan(cycles[1]);
  });
});

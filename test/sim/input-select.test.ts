/**
 * Index look-up and input multiplexer on the OU pipeline's timing path (issue 16): a mapping that
 * selects its inputs (pattern, sre) has them in series with the DAC drive of every OU step, in both
 * fidelities; the dense mapping has neither.
 */
import { expect } from 'chai';
import { layerOuTiming } from '../../src/hardware/ou-pipeline.ts';
import { mapNetwork } from '../../src/mapping/registry.ts';
import { arch, run, zooNetwork } from './helpers.ts';

describe('input selection timing', () => {
  const base = arch();
  const network = zooNetwork('tiny', base);
  const conv = (mapper: string, a = base) =>
    mapNetwork(network, a, mapper).find((m) => m.scheme?.startsWith(mapper) && m.crossbars.length > 0)!;

  it('lengthens the front stage of mappings that select inputs, rounded up once', () => {
    const read = base.crossbar.readLatencyNs / base.clockNs; // 8 cycles
    expect(layerOuTiming(base, conv('dense').crossbars).readCycles).to.equal(read);
    // 6.25 + 0.3 + 0.1 ns = 8.51 cycles -> 9
    expect(layerOuTiming(base, conv('pattern').crossbars).readCycles).to.equal(read + 1);
    expect(layerOuTiming(base, conv('sre').crossbars).readCycles).to.equal(read + 1);
    const none = arch('inputSelect.indexLatencyNs=0', 'inputSelect.muxLatencyNs=0');
    expect(layerOuTiming(none, conv('pattern', none).crossbars).readCycles).to.equal(read);
    const cycleEach = arch('inputSelect.indexLatencyNs=0.78125', 'inputSelect.muxLatencyNs=0.78125');
    expect(layerOuTiming(cycleEach, conv('pattern', cycleEach).crossbars).readCycles).to.equal(read + 2);
  });

  it('slows the pattern mapping the same in both fidelities, and leaves dense alone', () => {
    const slow = arch('inputSelect.muxLatencyNs=3');
    const none = arch('inputSelect.indexLatencyNs=0', 'inputSelect.muxLatencyNs=0');
    const fast = run(network, slow, 'pattern', 'fast');
    const ou = run(network, slow, 'pattern', 'ou');
    expect(ou.cycles).to.equal(fast.cycles);
    expect(fast.cycles).to.be.greaterThan(run(network, none, 'pattern', 'fast').cycles);
    expect(run(network, slow, 'dense', 'fast').cycles).to.equal(run(network, none, 'dense', 'fast').cycles);
  });
});

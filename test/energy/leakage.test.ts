/**
 * Static leakage against active power (issue 16): the tile's shift-and-add and output register are
 * charged per output (energy.tileOutputPj), not over the run; static power is attributed to the
 * layers that occupy the hardware (layers.csv energy_leakage_pj); leakage.powerGating charges a
 * layer's static power over its own span only.
 */
import { expect } from 'chai';
import { arch, run, zooNetwork } from '../sim/helpers.ts';
import { reprice } from '../../src/sim/simulate.ts';

describe('leakage and active power', () => {
  const base = arch();
  const network = zooNetwork('tiny', base);

  it('charges the tile shift-and-add and output register per output, whatever the latency', () => {
    const quick = run(network, base, 'pattern', 'fast');
    const slow = run(network, arch('crossbar.readLatencyNs=25'), 'pattern', 'fast');
    expect(slow.cycles).to.be.greaterThan(quick.cycles * 1.5);
    expect(quick.counts.tileOutputs).to.be.greaterThan(0);
    expect(quick.energy.tile_output).to.be.closeTo(quick.counts.tileOutputs * base.energy.tileOutputPj, 1e-6);
    expect(slow.energy.tile_output).to.equal(quick.energy.tile_output);
    // the paper preset has no static power left: nothing is charged over idle time
    expect(quick.energy.leakage).to.equal(0);
    // one tile output per weight-layer output value
    const outputs = quick.layers.reduce((sum, l) => sum + (l.crossbars > 0 ? l.counts.activationOps : 0), 0);
    expect(quick.counts.tileOutputs).to.equal(outputs);
  });

  it('attributes static energy to the layers that occupy the tiles and crossbars', () => {
    const leaky = arch('leakage.tileOtherMw=1.73', 'leakage.crossbarMw=0.01');
    const result = run(network, leaky, 'dense', 'fast');
    const expected =
      (result.inventory.tiles * 1.73 + result.inventory.crossbars * 0.01) * result.cycles * leaky.clockNs;
    expect(result.energy.leakage).to.be.closeTo(expected, 1e-6 * expected);
    let sum = 0;
    for (const layer of result.layers) {
      if (layer.crossbars > 0) expect(layer.energy.leakage, layer.layer).to.be.greaterThan(0);
      else expect(layer.energy.leakage, layer.layer).to.equal(0);
      sum += layer.energy.leakage;
    }
    expect(sum).to.be.closeTo(result.energy.leakage, 1e-6 * expected);
    const shares = result.layers.reduce((s, l) => s + l.tileShare, 0);
    expect(shares).to.be.closeTo(result.inventory.tiles, 1e-9);
  });

  it('with power gating charges each layer only over its span, and less in total', () => {
    const leaky = arch('leakage.tileOtherMw=1.73', 'leakage.crossbarMw=0.01');
    const ungated = run(network, leaky, 'dense', 'fast');
    const gatedArch = arch('leakage.tileOtherMw=1.73', 'leakage.crossbarMw=0.01', 'leakage.powerGating=true');
    // gating is a price: the same simulation re-priced
    const gated = reprice(ungated, gatedArch);
    expect(gated.energy.leakage).to.be.lessThan(ungated.energy.leakage);
    let sum = 0;
    for (const layer of gated.layers) {
      const span = layer.endCycle - layer.startCycle;
      const mw = layer.tileShare * 1.73 + layer.crossbars * 0.01;
      expect(layer.energy.leakage, layer.layer).to.be.closeTo(mw * span * leaky.clockNs, 1e-6);
      sum += layer.energy.leakage;
    }
    expect(gated.energy.leakage).to.be.closeTo(sum, 1e-6);
    // everything but leakage is unchanged
    for (const part of Object.keys(gated.energy))
      if (part !== 'leakage') expect(gated.energy[part], part).to.equal(ungated.energy[part]);
  });
});

/**
 * Closed form with the NoC on the critical path (issue 14): one FC layer split by rows over two
 * crossbars, one crossbar per tile, so the copy's crossbars sit on two tiles. The window is read at
 * the home tile, multicast to the other tile (XY route, link serialisation of its flits), both
 * crossbars run, the remote partial sums cross back (route latency and serialisation again), are
 * added, activated and written. Every term is computed by hand here from the arch.
 */
import { expect } from 'chai';
import { inputSlices, toCycles, weightSlices, type Arch } from '../../src/config/arch.ts';
import { arch, networkFrom, run } from './helpers.ts';

/** 2 x crossbar.rows inputs: a row split into two crossbars, on tiles 0 and 1 of the mesh. */
function twoTileLayer(a: Arch, outFeatures: number) {
  const inFeatures = 2 * a.crossbar.rows;
  return {
    inFeatures,
    network: networkFrom({
      name: 'two-tiles',
      inputShape: [inFeatures, 1, 1],
      layers: [{ name: 'fc', type: 'fc', inFeatures, outFeatures }],
    }),
  };
}

/** Head latency of a packet over `hops` hops plus its tail, `flits` flits on each link. */
function packetCycles(a: Arch, hops: number, flits: number): number {
  const hop = toCycles(a, a.noc.routerLatencyNs) + toCycles(a, a.noc.linkLatencyNs);
  return hops * hop + flits - 1;
}

describe('closed form: a layer whose crossbars sit on two tiles (NoC on the critical path)', () => {
  const ONE_CROSSBAR_PER_TILE = ['chip.pesPerTile=1', 'chip.crossbarsPerPe=1'];
  for (const sets of [
    [] as string[],
    ['noc.flitBits=8'],
    ['noc.flitBits=4', 'noc.routerLatencyNs=7.8125', 'noc.linkLatencyNs=3.125'],
    ['noc.flitBits=16', 'precision.partialSumBits=32', 'ou.rows=16', 'adc.perCrossbar=2'],
  ]) {
    it(`window multicast, crossbars, partial sums back, to the cycle (${sets.join(' ') || 'paper preset'})`, () => {
      const a = arch(...ONE_CROSSBAR_PER_TILE, ...sets);
      const outFeatures = Math.floor(a.crossbar.cols / weightSlices(a));
      const { inFeatures, network } = twoTileLayer(a, outFeatures);
      const result = run(network, a, 'dense', 'fast');
      expect(result.crossbars).to.equal(2);
      expect(result.layers[0].tiles).to.equal(2);

      const bufferLatency = toCycles(a, a.buffer.latencyNs);
      const inputRead =
        Math.ceil((inFeatures * a.precision.inputBits) / a.buffer.bitsPerCycle) + bufferLatency;
      // The remote tile gets the inputs of its crossbar's wordlines (half the window), over 1 hop.
      const windowFlits = Math.ceil((a.crossbar.rows * a.precision.inputBits) / a.noc.flitBits);
      const multicast = packetCycles(a, 1, windowFlits);
      // Each crossbar: its rows and all used columns, the OU pipeline formula (closed-form.test.ts).
      const read = toCycles(a, a.crossbar.readLatencyNs);
      const back = Math.ceil(a.ou.cols / a.adc.perCrossbar) * toCycles(a, a.adc.latencyNs);
      const usedCols = outFeatures * weightSlices(a);
      const steps = Math.ceil(a.crossbar.rows / a.ou.rows) * Math.ceil(usedCols / a.ou.cols) * inputSlices(a);
      const crossbar = read + back + (steps - 1) * Math.max(read, back) + toCycles(a, a.shiftAdd.latencyNs);
      // The remote crossbar finishes last: its window came over the NoC.
      const remoteDone = inputRead + multicast + crossbar;
      // Its partial sums (one per output) cross back over 1 hop before the merge.
      const psumFlits = Math.ceil((outFeatures * a.precision.partialSumBits) / a.noc.flitBits);
      const merged = remoteDone + packetCycles(a, 1, psumFlits);
      const outputWrite =
        Math.ceil((outFeatures * a.precision.outputBits) / a.buffer.bitsPerCycle) + bufferLatency;
      const expected = merged + toCycles(a, a.activation.latencyNs) + outputWrite;

      expect(result.layers[0].startCycle).to.equal(inputRead);
      expect(result.cycles).to.equal(expected);
      // Flit-hops: the window's flits out, the partial sums' flits back, one hop each.
      expect(result.counts.nocFlitHops).to.equal(windowFlits + psumFlits);
      // The same run with the crossbars on one tile is faster by exactly the two NoC crossings.
      const local = run(network, arch(...sets), 'dense', 'fast');
      expect(local.layers[0].tiles).to.equal(1);
      expect(result.cycles - local.cycles).to.equal(multicast + packetCycles(a, 1, psumFlits));
    });
  }

  it('XY routes and shared links: four tiles of a 2x2 mesh, packets serialised on the links they share', () => {
    // Four crossbars, one per tile: home (0,0), then (1,0), (0,1), (1,1). X first, then Y: the window
    // to (1,1) shares the home's east link with the one to (1,0), and waits for its flits; the partial
    // sums from (1,1) share the link (0,1) -> home with those from (0,1).
    const a = arch(...ONE_CROSSBAR_PER_TILE, 'chip.meshX=2', 'chip.meshY=2', 'noc.flitBits=8');
    const outFeatures = Math.floor(a.crossbar.cols / weightSlices(a));
    const inFeatures = 4 * a.crossbar.rows;
    const network = networkFrom({
      name: 'four-tiles',
      inputShape: [inFeatures, 1, 1],
      layers: [{ name: 'fc', type: 'fc', inFeatures, outFeatures }],
    });
    const result = run(network, a, 'dense', 'fast');
    expect(result.layers[0].tiles).to.equal(4);

    const hop = toCycles(a, a.noc.routerLatencyNs) + toCycles(a, a.noc.linkLatencyNs);
    const bufferLatency = toCycles(a, a.buffer.latencyNs);
    const inputRead = Math.ceil((inFeatures * a.precision.inputBits) / a.buffer.bitsPerCycle) + bufferLatency;
    const w = Math.ceil((a.crossbar.rows * a.precision.inputBits) / a.noc.flitBits);
    // To (1,1): the east link is free only after the w flits to (1,0); then two hops, then the tail.
    const windowAtFar = inputRead + w + 2 * hop + w - 1;
    const read = toCycles(a, a.crossbar.readLatencyNs);
    const back = Math.ceil(a.ou.cols / a.adc.perCrossbar) * toCycles(a, a.adc.latencyNs);
    const steps =
      Math.ceil(a.crossbar.rows / a.ou.rows) *
      Math.ceil((outFeatures * weightSlices(a)) / a.ou.cols) *
      inputSlices(a);
    const crossbar = read + back + (steps - 1) * Math.max(read, back) + toCycles(a, a.shiftAdd.latencyNs);
    const done = windowAtFar + crossbar;
    // Back: (1,1) -> (0,1) one hop, then the link (0,1) -> home, busy with (0,1)'s p flits from `done`.
    const p = Math.ceil((outFeatures * a.precision.partialSumBits) / a.noc.flitBits);
    const secondLink = Math.max(done + hop, done + p);
    const merged = secondLink + hop + p - 1;
    const outputWrite =
      Math.ceil((outFeatures * a.precision.outputBits) / a.buffer.bitsPerCycle) + bufferLatency;
    expect(result.cycles).to.equal(merged + toCycles(a, a.activation.latencyNs) + outputWrite);
    // Flit-hops: windows 1 + 1 + 2 hops, partial sums 1 + 1 + 2 hops.
    expect(result.counts.nocFlitHops).to.equal(4 * w + 4 * p);
  });
});

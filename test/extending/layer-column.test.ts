/**
 * docs/extending.md, "A new layers.csv column": a toy column (toy-column.ts) registered with one call
 * appears, last, in the layers.csv of `ousim run` and `ousim compare`, with the priced value of each
 * layer; unregistered, layers.csv is as before.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { num, readCsv } from '../../src/output/csv-text.ts';
import { loadSrc, runInProcess, type Src } from './cli.ts';
import { adcEnergyPerMac } from './toy-column.ts';

const layersCsv = (out: string) => readFileSync(join(out, 'layers.csv'), 'utf8');

describe('extending: a new layers.csv column (toy, registered from the test folder)', function () {
  this.timeout(120000);
  let src: Src;
  before(async () => {
    src = await loadSrc();
  });

  it('flows through run and compare, priced per layer, and goes away when unregistered', async () => {
    const run = ['run', '--trace', 'tiny', '--mapping', 'pattern'];
    const before = layersCsv((await runInProcess(src.run, run)).out);
    const unregister = src.csv.registerLayerColumn(adcEnergyPerMac);
    let withColumn: string;
    let compared: string;
    try {
      expect(() => src.csv.registerLayerColumn(adcEnergyPerMac)).to.throw(/twice/);
      withColumn = layersCsv((await runInProcess(src.run, run)).out);
      compared = layersCsv(
        (await runInProcess(src.compare, ['compare', '--traces', 'tiny', '--jobs', '1'])).out,
      );
    } finally {
      unregister();
    }
    const header = withColumn.split('\n')[0].split(',');
    expect(header[header.length - 1]).to.equal('adc_energy_per_mac_pj');
    const rows = readCsv(withColumn, 'layers.csv').rows;
    const weighted = rows.filter((r) => num(r, 'macs') > 0);
    expect(weighted.length).to.be.greaterThan(0);
    for (const r of weighted)
      expect(num(r, 'adc_energy_per_mac_pj')).to.equal(num(r, 'energy_adc_pj') / num(r, 'macs'));
    // The other columns are untouched: each line without its last cell is the line as before.
    const withoutLast = withColumn
      .split('\n')
      .map((line) => (line === '' ? line : line.slice(0, line.lastIndexOf(','))));
    expect(withoutLast).to.deep.equal(before.split('\n'));
    const comparedRows = readCsv(compared, 'layers.csv').rows;
    expect(new Set(comparedRows.map((r) => r.mapping))).to.deep.equal(new Set(['dense', 'pattern']));
    expect(comparedRows.every((r) => 'adc_energy_per_mac_pj' in r)).to.equal(true);
    expect(layersCsv((await runInProcess(src.run, run)).out)).to.equal(before);
  });
});

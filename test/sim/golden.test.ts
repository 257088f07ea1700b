/**
 * Golden CSVs: any change to the model's numbers shows up here as a readable, cell-by-cell diff
 * (golden-csv.ts). `tiny` fits one tile; ResNet-18 CIFAR-10 spans many tiles and splits layers by
 * rows, so its goldens also pin inter-tile timing (window multicast, partial sums over the NoC) and
 * the partial-sum merge counts. After a deliberate model change, regenerate with
 * `UPDATE_GOLDEN=1 npm test` and explain the change in the commit.
 */
import { expect } from 'chai';
import { layerRows, summaryRows } from '../../src/output/csv.ts';
import { toCsv } from '../../src/output/csv-text.ts';
import { csvDiff, expectGolden } from './golden-csv.ts';
import { arch, run, zooNetwork } from './helpers.ts';

for (const [trace, prefix] of [
  ['tiny-pruned', 'tiny'],
  ['resnet18-cifar10', 'resnet18-cifar10'],
] as const) {
  describe(`golden CSVs (${trace}, paper preset, seed 1)`, () => {
    let csvs: Record<string, string> | undefined;
    /** Both mappings, simulated once for the two files. */
    const texts = () => {
      if (!csvs) {
        const a = arch();
        const network = zooNetwork(trace, a);
        const results = ['dense', 'pattern'].map((mapper) => run(network, a, mapper, 'fast'));
        csvs = {
          [`${prefix}-summary.csv`]: toCsv(summaryRows(results)),
          [`${prefix}-layers.csv`]: toCsv(layerRows(results)),
        };
      }
      return csvs;
    };
    for (const file of [`${prefix}-summary.csv`, `${prefix}-layers.csv`]) {
      it(`${file} is unchanged`, () => expectGolden(file, texts()[file]));
    }
  });
}

describe('golden CSV diff', () => {
  it('names the row, the column and both values', () => {
    const diff = csvDiff(
      'network,mapping,cycles\ntiny,dense,10\n',
      'network,mapping,cycles\ntiny,dense,12\n',
    );
    expect(diff).to.deep.equal(['row 1 (tiny dense 10) cycles: 10 -> 12']);
  });
});

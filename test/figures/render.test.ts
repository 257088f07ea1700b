import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inkOfText, specToSvg, svgToPng } from '../../src/figures/render.ts';
import { makeFigures } from '../../src/figures/make.ts';
import { csvDocument } from '../../src/output/csv-text.ts';
import { InputError } from '../../src/util/errors.ts';
import { projectRoot } from '../../src/util/paths.ts';
import { spawnSync } from 'node:child_process';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('figure rendering', () => {
  it('draws text with a system font (else PNG labels would silently vanish)', () => {
    expect(inkOfText('ousim 0123')).to.be.above(50);
    expect(inkOfText('')).to.equal(0);
  });

  it('turns a vega-lite spec into an SVG with its title and data, and a PNG', async () => {
    const svg = await specToSvg({
      title: 'Title here',
      data: { values: [{ x: 'alpha', y: 3 }] },
      mark: 'bar',
      encoding: { x: { field: 'x', type: 'nominal' }, y: { field: 'y', type: 'quantitative' } },
    });
    expect(svg).to.match(/^<svg/).and.to.contain('Title here').and.to.contain('alpha');
    const png = svgToPng(svg);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).to.equal(true);
    // PNG width (bytes 16-19 of IHDR) is twice the SVG's at the default scale.
    const svgWidth = Number(/width="(\d+)"/.exec(svg)![1]);
    expect(png.readUInt32BE(16)).to.equal(2 * svgWidth);
  });

  describe('makeFigures', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ousim-fig-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('draws the figures its CSVs support, skips the others with the reason, deterministically', async () => {
      writeFileSync(
        join(dir, 'compare.csv'),
        csvDocument(
          ['network', 'crossbar_area_efficiency', 'energy_efficiency', 'speedup'],
          [{ network: 'n', crossbar_area_efficiency: 4, energy_efficiency: 2, speedup: 1.2 }],
        ),
      );
      const outcomes = await makeFigures(dir, join(dir, 'f'));
      const drawn = outcomes.filter((o) => !o.skipped).map((o) => o.name);
      expect(drawn).to.deep.equal(['paper-comparison']);
      expect(outcomes.find((o) => o.name === 'energy-breakdown')!.skipped).to.equal('no summary.csv');
      const svg = readFileSync(join(dir, 'f', 'paper-comparison.svg'), 'utf8');
      expect(svg).to.contain('4.16x-5.20x');
      expect(existsSync(join(dir, 'f', 'paper-comparison.png'))).to.equal(true);
      await makeFigures(dir, join(dir, 'g'));
      expect(readFileSync(join(dir, 'g', 'paper-comparison.png'))).to.deep.equal(
        readFileSync(join(dir, 'f', 'paper-comparison.png')),
      );
    });

    it('rejects a folder whose CSVs support no figure, writing no figure folder', async () => {
      writeFileSync(join(dir, 'sweep.csv'), 'point,trace,mapping,repriced,counts_from,energy_pj\n');
      writeFileSync(join(dir, 'compare.csv'), csvDocument(['network'], [{ network: 'n' }]));
      for (const only of [undefined, ['paper-comparison'] as const, ['crossbars-per-layer'] as const]) {
        await makeFigures(dir, join(dir, 'f'), { only, png: false }).then(
          () => expect.fail(`should refuse (only ${String(only)})`),
          (e: unknown) =>
            expect(e)
              .to.be.instanceOf(InputError)
              .and.to.match(/nothing to draw|holds none/),
        );
        expect(existsSync(join(dir, 'f'))).to.equal(false);
      }
    });

    it('exits 2 with one line from the command line when nothing was drawn', () => {
      writeFileSync(join(dir, 'sweep.csv'), '');
      const run = spawnSync(
        process.execPath,
        [join(projectRoot, 'bin', 'ousim.js'), 'figures', '--in', dir],
        {
          encoding: 'utf8',
        },
      );
      expect(run.status).to.equal(2);
      expect(run.stderr.trim().split('\n')).to.have.length(1);
      expect(run.stderr).to.contain('sweep-heatmap-energy');
    });

    it('rejects a folder with none of the CSVs', async () => {
      await makeFigures(dir, join(dir, 'f')).then(
        () => expect.fail('should refuse'),
        (e: unknown) => expect(e).to.be.instanceOf(InputError),
      );
    });
  });
});

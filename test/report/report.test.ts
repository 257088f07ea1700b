/**
 * `ousim report`: the HTML is self-contained, bad input is one line and exit 2, and, in a real
 * headless Chromium, the page loads without a console message, draws every figure (SVG marks in the
 * DOM, one per row of the CSV behind it, and coloured pixels in a screenshot) and opens the
 * per-layer drill-down and the heatmap metric a link asks for.
 *
 * Without a browser the browser part skips with the reason on a developer's machine, and fails in
 * CI (CI or OUSIM_REQUIRE_BROWSER set), so it never passes there without having run.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as api from '../../src/api/index.ts';
import { readCsvFile, num } from '../../src/output/csv-text.ts';
import { writeReport } from '../../src/report/html.ts';
import { ousim } from '../cli/cli-helpers.ts';
import { colouredPixels, elementHtml, findChromium, loadPage, markItems } from './browser.ts';

describe('ousim report', function () {
  this.timeout(180_000);
  let dir = '';
  let compareDir = '';
  let sweepDir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ousim-report-'));
    compareDir = join(dir, 'compare');
    sweepDir = join(dir, 'sweep');
    await api.compare({ traces: ['tiny', 'tiny-pruned'], out: compareDir, jobs: 1 });
    await api.sweep({
      traces: ['tiny'],
      axes: { 'adc.bits': [4, 5, 6], 'ou.rows': [4, 8] },
      out: sweepDir,
      jobs: 1,
    });
    writeReport(compareDir, join(dir, 'compare.html'));
    writeReport(sweepDir, join(dir, 'sweep.html'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is one file that loads nothing from elsewhere', () => {
    const html = readFileSync(join(dir, 'compare.html'), 'utf8');
    expect(html).to.not.match(/<script[^>]+src=/i);
    // Outside the inlined scripts, no element refers to another file or address.
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
    expect(markup).to.not.match(/\b(src|href)=/i);
    expect(markup).to.not.match(/<link\b/i);
    // The libraries are inlined, and the data with them.
    expect(html).to.include('vegaEmbed');
    expect(html).to.include('id="ousim-data"');
  });

  it('refuses a missing folder and a folder without results in one line, exit 2, writing nothing', () => {
    const out = join(dir, 'bad.html');
    const missing = ousim(['report', '--in', join(dir, 'nope'), '--out', out]);
    expect(missing.status).to.equal(2);
    expect(missing.stderr.trim().split('\n')).to.have.length(1);
    expect(missing.stderr).to.match(/--in: no such folder/);
    mkdirSync(join(dir, 'empty'));
    const empty = ousim(['report', '--in', join(dir, 'empty'), '--out', out]);
    expect(empty.status).to.equal(2);
    expect(empty.stderr.trim().split('\n')).to.have.length(1);
    expect(empty.stderr).to.match(/holds no rows in any of summary\.csv/);
    expect(existsSync(out)).to.equal(false);
  });

  describe('in headless Chromium', function () {
    let browser: string | undefined;
    before(function () {
      browser = findChromium();
      if (browser) return;
      const reason = 'no chromium on PATH (set CHROMIUM=<path>, or apt-get install chromium)';
      if (process.env.CI || process.env.OUSIM_REQUIRE_BROWSER)
        throw new Error(`report browser test: ${reason}`);
      console.log(`      skipped: ${reason}`);
      this.skip();
    });

    it('draws the figures of a compare folder and opens the layer a link names', () => {
      const url = `${pathToFileURL(join(dir, 'compare.html')).href}#network=tiny&mapping=pattern&layer=conv2`;
      const page = loadPage(browser!, url);
      expect(page.console, page.console.join('\n')).to.deep.equal([]);
      expect(page.dom).to.match(/data-ready="true"/);
      expect(page.dom).to.match(/data-errors="0"/);

      // One bar per (network, mapping, layer with crossbars), as many as layers.csv has rows for.
      const layers = readCsvFile(join(compareDir, 'layers.csv'))!.rows;
      const withCrossbars = layers.filter((r) => num(r, 'crossbars') > 0).length;
      expect(withCrossbars).to.be.above(0);
      expect(markItems(elementHtml(page.dom, 'figure-crossbars-per-layer'), 'rect')).to.equal(withCrossbars);
      // One stacked segment per (network, mapping, energy part) of summary.csv.
      const summary = readCsvFile(join(compareDir, 'summary.csv'))!;
      const parts = summary.header.filter((c) => /^energy_.+_pj$/.test(c)).length;
      expect(markItems(elementHtml(page.dom, 'figure-energy-breakdown'), 'rect')).to.equal(
        summary.rows.length * parts,
      );
      // One bar per network in each of the three panels (and the paper's band, one per panel).
      const networks = readCsvFile(join(compareDir, 'compare.csv'))!.rows.length;
      expect(markItems(elementHtml(page.dom, 'figure-paper-comparison'), 'rect')).to.equal(3 * networks + 3);

      // The drill-down the link asked for: conv2 of tiny, both mappings.
      const detail = page.dom.slice(page.dom.indexOf('id="layer-detail"'));
      expect(detail).to.include('tiny: layer conv2');
      expect(detail.slice(0, detail.indexOf('</table>')).match(/<tr>/g)).to.have.length(1 + 2);
      // and the layer table of the network and mapping it named.
      const rows = page.dom.slice(page.dom.indexOf('id="layer-rows"'), page.dom.indexOf('id="layer-detail"'));
      // (the default would be tiny / dense, whose layers never have a pattern/<packing> scheme).
      expect(rows).to.include('>pattern<');
      expect(rows).to.match(/>pattern\/merge-stack</);
    });

    it('draws a sweep heatmap, one cell per point, for the metric a link names', () => {
      const url = `${pathToFileURL(join(dir, 'sweep.html')).href}#metric=latency_ns`;
      const page = loadPage(browser!, url);
      expect(page.console, page.console.join('\n')).to.deep.equal([]);
      expect(page.dom).to.match(/data-ready="true"/);
      const heatmap = elementHtml(page.dom, 'figure-sweep-heatmap');
      const points = readCsvFile(join(sweepDir, 'sweep.csv'))!.rows.length;
      expect(points).to.equal(12);
      expect(markItems(heatmap, 'rect')).to.equal(points);
      expect(heatmap).to.include('Latency per inference');
      // The selector offers more than the two metrics `ousim figures` draws.
      const options = page.dom.slice(page.dom.indexOf('id="heatmap-metric"')).split('</select>')[0];
      expect((options.match(/<option/g) ?? []).length).to.be.above(2);
    });

    it('shows the figures in a screenshot (coloured marks, not only text)', () => {
      // Tables and text are grey; a few thousand coloured pixels are the bars and heatmap cells.
      for (const name of ['compare', 'sweep']) {
        const url = pathToFileURL(join(dir, `${name}.html`)).href;
        const coloured = colouredPixels(browser!, url, join(dir, `${name}.png`));
        expect(coloured, name).to.be.above(5000);
      }
    });
  });
});

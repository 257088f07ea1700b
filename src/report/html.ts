/**
 * `ousim report`: one self-contained HTML file of a results folder. vega, vega-lite and vega-embed
 * (their browser builds from node_modules) and the page script (client.js) are inlined with the
 * data, so the file opens offline, from disk or as an e-mail attachment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../output/atomic.ts';
import { OUSIM_VERSION } from '../util/version.ts';
import { readReportData, type ReportData } from './data.ts';

/** The folder of an installed package (its exports may hide package.json and build/). */
function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (!existsSync(join(dir, 'package.json')) || !isPackage(join(dir, 'package.json'), name)) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of the '${name}' package`);
    dir = up;
  }
  return dir;
}

function isPackage(path: string, name: string): boolean {
  return (JSON.parse(readFileSync(path, 'utf8')) as { name?: string }).name === name;
}

/** Browser bundles, in load order: vega-lite and vega-embed find vega (and vegaLite) as globals. */
const BUNDLES = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
] as const;

/** Text safe inside <script>: no `</script` or `<!--` can end or confuse the element. */
function scriptText(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON safe inside <script type="application/json">. */
function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body { font: 14px/1.4 "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 32px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; }
.scroll { overflow-x: auto; max-height: 480px; overflow-y: auto; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #ddd; padding: 2px 6px; white-space: nowrap; }
th { background: #f4f4f4; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.clickable { cursor: pointer; } tr.clickable:hover { background: #eef4fb; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
dt { font-weight: bold; } dd { margin: 0; }
pre { background: #f8f8f8; padding: 8px; max-height: 400px; overflow: auto; font-size: 12px; }
.note { color: #666; font-style: italic; }
.figure { margin: 8px 0 16px; }
label select { margin: 8px 0; }
`;

export function reportHtml(data: ReportData): string {
  const bundles = BUNDLES.map(([name, file]) => readFileSync(join(packageDir(name), file), 'utf8'));
  const client = readFileSync(new URL('./client.js', import.meta.url), 'utf8');
  const section = (id: string, title: string) =>
    `<section id="${id}-section"><h2>${title}</h2><div id="${id}"></div></section>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ousim report: ${escapeHtml(data.folder)}</title>
<style>${STYLE}</style>
${bundles.map((b) => `<script>${scriptText(b)}</script>`).join('\n')}
</head>
<body>
<h1>ousim report: ${escapeHtml(data.folder)}</h1>
<p class="note">written by ousim ${escapeHtml(OUSIM_VERSION)}; hover a mark for its values</p>
${section('config', 'Configuration')}
<section id="figures-section"><h2>Figures</h2><div id="figures"></div></section>
${section('summary', 'Summary (summary.csv)')}
${section('compare', 'Comparison (compare.csv)')}
${section('layers', 'Per layer (layers.csv)')}
${section('sweep', 'Sweep (sweep.csv)')}
<script type="application/json" id="ousim-data">${jsonText(data)}</script>
<script>${scriptText(client)}</script>
</body>
</html>
`;
}

/** Read `inDir`, write the report to `out` (atomically); returns the file written. */
export function writeReport(inDir: string, out: string): string {
  const html = reportHtml(readReportData(inDir));
  writeFileAtomic(out, html);
  return out;
}

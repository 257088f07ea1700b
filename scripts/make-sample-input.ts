/**
 * The bundled sample input of `ousim capture` (samples/receipt.png): a small receipt-like picture of
 * printed text, drawn as SVG here and rendered by resvg, so that the documented PP-OCR example runs
 * offline on an image that a text detector has something to find in. The committed PNG is the
 * reference; rendering it again depends on the installed fonts (made with DejaVu Sans / Liberation).
 *
 * Run: npx tsx scripts/make-sample-input.ts [out.png]
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const LINES = [
  ['OUSIM CAFE', 30, 'bold'],
  ['12 Crossbar Street', 18, 'normal'],
  ['Espresso          2.40', 18, 'normal'],
  ['Croissant         3.10', 18, 'normal'],
  ['Pattern tart      4.75', 18, 'normal'],
  ['TOTAL            10.25', 22, 'bold'],
  ['Thank you!', 20, 'normal'],
] as const;

export function sampleSvg(): string {
  let y = 44;
  const text = LINES.map(([line, size, weight]) => {
    const row = `<text x="24" y="${y}" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="${size}" font-weight="${weight}" fill="#1a1a1a" xml:space="preserve">${line}</text>`;
    y += size + 14;
    return row;
  }).join('\n  ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320" viewBox="0 0 320 320">
  <rect width="320" height="320" fill="#d8d2c4"/>
  <rect x="10" y="10" width="300" height="300" rx="6" fill="#fbf8f1"/>
  ${text}
</svg>`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2] ?? 'samples/receipt.png';
  const png = new Resvg(sampleSvg(), { font: { loadSystemFonts: true } }).render().asPng();
  writeFileSync(out, png);
  process.stdout.write(`wrote ${out} (${png.length} bytes)\n`);
}

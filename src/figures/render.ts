/**
 * Offline rendering: a vega-lite spec becomes SVG through vega's headless View (renderer
 * `none`, no canvas needed), and the SVG becomes PNG through resvg. resvg draws text with the
 * system's fonts; `systemFontsRender()` checks that it can, so a machine without fonts gets a
 * warning instead of PNGs with silently missing labels.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Font families the figures ask for, most likely present first; resvg falls back to any font. */
export const FIGURE_FONT = 'DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif';

/** Shared look of every figure. */
export const FIGURE_CONFIG = {
  font: FIGURE_FONT,
  background: 'white',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const },
};

export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const vegaSpec = compile(spec).spec;
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG at `scale` times the SVG's size (2 gives a crisp image on most screens). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

let fontsChecked: boolean | undefined;

/** True when resvg finds a system font to draw text with (checked once per process). */
export function systemFontsRender(): boolean {
  if (fontsChecked === undefined) fontsChecked = inkOfText('ousim 0123') > 0;
  return fontsChecked;
}

/** Dark pixels resvg draws for a line of text (0 when it has no font to draw it with). */
export function inkOfText(text: string): number {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="40">` +
    `<text x="4" y="28" font-family="${FIGURE_FONT}" font-size="20">${text}</text></svg>`;
  const pixels = new Resvg(svg, {
    font: { loadSystemFonts: true },
    background: 'white',
    logLevel: 'off',
  }).render().pixels;
  let dark = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) dark++;
  return dark;
}

/**
 * Headless Chromium for the report test, driven by its own command-line switches (no driver
 * library): --dump-dom prints the DOM after the page's scripts ran, --screenshot writes a PNG, and
 * --enable-logging=stderr prints every console message as an `INFO:CONSOLE` line.
 * --virtual-time-budget lets the page run its timers and promises to completion before either.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** The browser to use: $CHROMIUM, else `chromium` or `chromium-browser` on PATH; undefined if none. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser'].filter((c): c is string => !!c);
  return candidates.find((c) => spawnSync(c, ['--version'], { encoding: 'utf8' }).status === 0);
}

const SWITCHES = [
  '--headless',
  // CI containers run as root, where Chromium's sandbox cannot start.
  '--no-sandbox',
  '--disable-gpu',
  '--hide-scrollbars',
  '--enable-logging=stderr',
  '--v=0',
  '--virtual-time-budget=20000',
];

export interface Loaded {
  dom: string;
  /** The page's console messages (errors, warnings and logs alike). */
  console: string[];
}

function chromium(browser: string, args: string[]): { stdout: string; stderr: string } {
  const result = spawnSync(browser, [...SWITCHES, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`${browser} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

function consoleLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.includes(':CONSOLE'));
}

export function loadPage(browser: string, url: string): Loaded {
  const { stdout, stderr } = chromium(browser, ['--dump-dom', url]);
  return { dom: stdout, console: consoleLines(stderr) };
}

/** Pixels of a screenshot that are clearly coloured (not white, grey or black): drawn marks. */
export function colouredPixels(browser: string, url: string, png: string, size = '1280,3000'): number {
  chromium(browser, [`--window-size=${size}`, `--screenshot=${png}`, url]);
  const image = PNG.sync.read(readFileSync(png));
  let coloured = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
  }
  return coloured;
}

/** The part of a dumped DOM from the figure container with this id up to the next figure's. */
export function elementHtml(dom: string, id: string): string {
  const start = dom.indexOf(`id="${id}"`);
  if (start < 0) return '';
  const next = dom.indexOf('id="figure-', start + id.length);
  return dom.slice(start, next < 0 ? undefined : next);
}

/** Items drawn in vega's SVG mark groups of this type (`rect`, `text`, ...) in an HTML fragment. */
export function markItems(html: string, type: string): number {
  let items = 0;
  const re = new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>([\\s\\S]*?)</g>`, 'g');
  for (let m = re.exec(html); m; m = re.exec(html)) items += (m[1].match(/<(path|text)\b/g) ?? []).length;
  return items;
}

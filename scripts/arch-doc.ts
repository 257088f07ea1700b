/**
 * Regenerates the generated sections of docs/arch.md from the code, so the documentation cannot drift:
 * the key table (from the zod schema's descriptions), the ADC tables (from arch/adc/) and the ISAAC
 * validation figures (from fullChipReport on arch/isaac.json).
 *
 *   npx tsx scripts/arch-doc.ts          rewrite docs/arch.md
 *   npx tsx scripts/arch-doc.ts --check  exit 1 if docs/arch.md is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { ArchSchema, listAdcTables, listArchPresets, loadArch } from '../src/config/arch.ts';
import { loadAdcTable } from '../src/energy/adc.ts';
import { fullChipReport } from '../src/energy/peak.ts';
import { PRICE_RULES } from '../src/energy/price-table.ts';
import { keyRole } from '../src/config/key-roles.ts';
import { projectRoot } from '../src/util/paths.ts';

export const ARCH_DOC = join(projectRoot, 'docs', 'arch.md');

interface SchemaLike {
  description?: string;
  shape?: Record<string, SchemaLike>;
  format?: string | null;
  minValue?: number | null;
  def: { type: string; checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean } } }[] };
}

/** "integer >= 1", "number > 0", "boolean", ... from a zod leaf. */
function constraint(schema: SchemaLike): string {
  const type = schema.def.type;
  if (type !== 'number') return type;
  const lower = schema.def.checks?.map((c) => c._zod.def).find((d) => d.check === 'greater_than');
  const bound = lower ? `${lower.inclusive ? '>=' : '>'} ${lower.value}` : '';
  return `${schema.format === 'safeint' ? 'integer' : 'number'} ${bound}`.trim();
}

function keyRows(shape: Record<string, SchemaLike>, prefix: string): string[] {
  const rows: string[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (schema.def.type === 'object' && schema.shape) rows.push(...keyRows(schema.shape, path));
    else
      rows.push(
        `| \`${path}\` | ${constraint(schema)} | ${keyRole(path)} | ${(schema.description ?? '').replace(/\|/g, '\\|')} |`,
      );
  }
  return rows;
}

export function keysSection(): string {
  const shape = (ArchSchema as unknown as z.ZodObject & SchemaLike).shape as Record<string, SchemaLike>;
  return ['| key | type | role | meaning, unit |', '| --- | --- | --- | --- |', ...keyRows(shape, '')].join(
    '\n',
  );
}

/** The price table: one line per row of PRICE_RULES. */
export function pricingSection(): string {
  const lines = ['| energy part | component | action count x price |', '| --- | --- | --- |'];
  for (const rule of PRICE_RULES) {
    const counts = rule.actions.map((a) => `\`${a}\``).join(' + ');
    lines.push(
      `| \`${rule.part}\` | ${rule.component} | ${rule.actions.length > 1 ? `(${counts})` : counts} x ${rule.price} |`,
    );
  }
  lines.push(
    '| `leakage` | every powered component | static power of the powered inventory x cycles x `clockNs` (mW x ns = pJ) |',
  );
  return lines.join('\n');
}

export function adcSection(): string {
  const out: string[] = [];
  for (const model of listAdcTables()) {
    const table = loadAdcTable(model);
    out.push(`**\`${model}\`** (arch/adc/${model}.json): ${table.description}`, '');
    out.push(`| bits | ${table.entries.map((e) => e.bits).join(' | ')} |`);
    out.push(`| --- | ${table.entries.map(() => '---').join(' | ')} |`);
    out.push(`| pJ per conversion | ${table.entries.map((e) => round(e.pjPerConversion, 4)).join(' | ')} |`);
    out.push(`| area um2 | ${table.entries.map((e) => round(e.um2, 4)).join(' | ')} |`, '');
    out.push(`Source: ${table.source}. Outside the table: ${table.extrapolation.source}.`, '');
  }
  return out.join('\n').trim();
}

/**
 * ISAAC Table I (docs/references.md) at chip level, mapped onto our parts: 168 tiles, 2016 IMAs.
 * Power in W, area in mm2. These are the published figures the preset is checked against.
 */
const IMAS = 168 * 12;
const ISAAC_TABLE: { part: string; ours: string; isaacW: number; isaacMm2: number; what: string }[] = [
  { part: 'adc', ours: 'adc', isaacW: (16 * IMAS) / 1000, isaacMm2: 0.0096 * IMAS, what: 'ADCs' },
  { part: 'dac', ours: 'dac', isaacW: (4 * IMAS) / 1000, isaacMm2: 0.00017 * IMAS, what: 'DACs' },
  {
    part: 'sample_hold',
    ours: 'sample_hold',
    isaacW: (0.01 * IMAS) / 1000,
    isaacMm2: 0.00004 * IMAS,
    what: 'S&H',
  },
  {
    part: 'crossbar',
    ours: 'crossbar',
    isaacW: (2.4 * IMAS) / 1000,
    isaacMm2: 0.0002 * IMAS,
    what: 'arrays',
  },
  {
    part: 'shift_add',
    ours: 'shift_add',
    isaacW: (0.2 * IMAS) / 1000,
    isaacMm2: 0.00024 * IMAS,
    what: 'IMA S&A',
  },
  {
    part: 'register',
    ours: 'register',
    isaacW: (1.47 * IMAS) / 1000,
    isaacMm2: (0.0021 + 0.00077) * IMAS,
    what: 'IMA IR + OR',
  },
  {
    part: 'buffer',
    ours: 'buffer',
    isaacW: (27.7 * 168) / 1000,
    isaacMm2: 0.083 * 168,
    what: 'eDRAM + bus (bus area in tile_other)',
  },
  {
    part: 'noc',
    ours: 'router',
    isaacW: (10.5 * 168) / 1000,
    isaacMm2: (0.151 / 4) * 168,
    what: 'router (1/4 each)',
  },
  {
    part: 'activation',
    ours: 'activation',
    isaacW: (0.92 * 168) / 1000,
    isaacMm2: 0.00084 * 168,
    what: 'sigmoid + max-pool',
  },
  {
    part: 'tile_output',
    ours: 'tile_other',
    isaacW: (1.73 * 168) / 1000,
    isaacMm2: (0.09 + 0.00006 + 0.0032) * 168,
    what: 'tile S&A + tile OR (active, per output); + bus area',
  },
  {
    part: 'leakage',
    ours: 'chip_other',
    isaacW: 10.4,
    isaacMm2: 22.88,
    what: 'HyperTransport (static, always on)',
  },
];

export function validationSection(): string {
  const isaac = loadArch('isaac');
  const report = fullChipReport(isaac);
  const area = report.area.parts as Record<string, number>;
  const power = report.peakPowerMw as Record<string, number>;
  const lines = [
    '| part (ours) | ISAAC Table I | ISAAC W | ours W | ratio | ISAAC mm2 | ours mm2 | ratio |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  let isaacW = 0;
  let isaacMm2 = 0;
  for (const row of ISAAC_TABLE) {
    const oursW = power[row.part] / 1000;
    const oursMm2 = row.ours.split(' + ').reduce((sum, p) => sum + area[p], 0);
    isaacW += row.isaacW;
    isaacMm2 += row.isaacMm2;
    lines.push(
      `| ${row.part} / ${row.ours} | ${row.what} | ${round(row.isaacW, 3)} | ${round(oursW, 3)} | ` +
        `${ratio(oursW, row.isaacW)} | ${round(row.isaacMm2, 3)} | ${round(oursMm2, 3)} | ${ratio(oursMm2, row.isaacMm2)} |`,
    );
  }
  lines.push(
    `| **chip** | 168 tiles + HyperTransport | **${round(isaacW, 2)}** | **${round(report.peakPowerW, 2)}** | ` +
      `**${ratio(report.peakPowerW, 65.8)}** vs 65.8 | **${round(isaacMm2, 2)}** | ` +
      `**${round(report.area.chip_area_mm2, 2)}** | **${ratio(report.area.chip_area_mm2, 85.4)}** vs 85.4 |`,
  );
  return lines.join('\n');
}

export function presetsSection(): string {
  const lines = [
    '| preset | tiles | crossbars | full-chip area mm2 | peak power W | OU | ADC |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const name of listArchPresets()) {
    const arch = loadArch(name);
    const r = fullChipReport(arch);
    lines.push(
      `| ${name} | ${r.inventory.tiles} | ${r.inventory.crossbars} | ${round(r.area.chip_area_mm2, 2)} | ` +
        `${round(r.peakPowerW, 2)} | ${arch.ou.rows}x${arch.ou.cols} | ${arch.adc.bits}-bit ${arch.adc.model}, ${arch.adc.perCrossbar} per crossbar |`,
    );
  }
  return lines.join('\n');
}

function round(x: number, digits: number): string {
  return String(Number(x.toPrecision(digits + 2)).toFixed(digits)).replace(/\.?0+$/, '') || '0';
}

function ratio(ours: number, published: number): string {
  return published === 0 ? '-' : `${(ours / published).toFixed(3)}`;
}

const SECTIONS: Record<string, () => string> = {
  keys: keysSection,
  pricing: pricingSection,
  presets: presetsSection,
  adc: adcSection,
  validation: validationSection,
};

/** docs/arch.md with every generated section replaced by a fresh rendering. */
export function renderArchDoc(current: string): string {
  let text = current;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const begin = `<!-- generated:${name} (scripts/arch-doc.ts) -->`;
    const end = `<!-- end:${name} -->`;
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`docs/arch.md lacks the markers of section '${name}'`);
    text = `${text.slice(0, from + begin.length)}\n${render()}\n${text.slice(to)}`;
  }
  return text;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const current = readFileSync(ARCH_DOC, 'utf8');
  const fresh = renderArchDoc(current);
  if (process.argv.includes('--check')) {
    if (fresh !== current) {
      console.error('docs/arch.md is out of date: run npx tsx scripts/arch-doc.ts');
      process.exit(1);
    }
  } else {
    writeFileSync(ARCH_DOC, fresh);
  }
}

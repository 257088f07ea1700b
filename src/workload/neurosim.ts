/**
 * Import of DNN+NeuroSim's network file, `NetWork.csv`: one row per weight layer,
 * `IFM_H, IFM_W, Cin, K_H, K_W, Cout, pool, stride` (docs/references.md). Conv layers use 'same'
 * padding (NeuroSim's convention), a pool flag of 1 puts a 2x2 max pool after the layer, and a
 * row whose input map is 1x1 is a fully connected layer over the flattened previous output.
 * Each row's input size is checked against what the previous rows produce.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../util/errors.ts';
import { TraceBuilder } from './builder.ts';
import { windowOutput } from './shapes.ts';
import { parseTrace } from './trace.ts';
import type { Network } from './types.ts';

const COLUMNS = ['IFM_H', 'IFM_W', 'Cin', 'K_H', 'K_W', 'Cout', 'pool', 'stride'] as const;

export function importNeuroSim(text: string, name: string, source: string): Network {
  const rows = text
    .split(/\r?\n/)
    .map((line, i) => ({ line: i + 1, cells: line.split(',').map((c) => c.trim()) }))
    .filter((r) => r.cells.some((c) => c !== ''))
    // A header row (column names: no cell is a number) is allowed and skipped; a data row with a
    // typo in its first cell is not a header, it is refused below.
    .filter((r, i) => !(i === 0 && r.cells.every((c) => !/^\d+$/.test(c))));
  if (rows.length === 0) throw new InputError(source, '', 'no layer rows');

  const values = rows.map(({ line, cells }) => {
    if (cells.length < COLUMNS.length)
      throw new InputError(
        source,
        `line ${line}`,
        `expected ${COLUMNS.length} columns (${COLUMNS.join(', ')}), got ${cells.length}`,
      );
    const row: Record<(typeof COLUMNS)[number], number> = Object.create(null) as Record<
      (typeof COLUMNS)[number],
      number
    >;
    COLUMNS.forEach((column, i) => {
      const min = column === 'pool' ? 0 : 1;
      const where = `line ${line}, column ${i + 1} (${column})`;
      // Decimal digits only: Number() would read an empty cell as 0 and accept 0x10, 1e3 or Infinity.
      if (cells[i] === '')
        throw new InputError(source, where, `empty cell, expected a whole number >= ${min}`);
      const v = /^\d+$/.test(cells[i]) ? Number(cells[i]) : NaN;
      if (!Number.isSafeInteger(v) || v < min)
        throw new InputError(
          source,
          where,
          `expected a whole number >= ${min} in decimal, got '${cells[i]}'`,
        );
      row[column] = v;
    });
    if (row.pool > 1)
      throw new InputError(source, `line ${line}, column 7 (pool)`, `expected 0 or 1, got ${row.pool}`);
    return { line, ...row };
  });

  const first = values[0];
  const b = new TraceBuilder(
    name,
    [first.Cin, first.IFM_H, first.IFM_W],
    `imported from NeuroSim ${basename(source)}`,
  );
  // What the previous rows produce: channels x height x width.
  let shape: [number, number, number] = [first.Cin, first.IFM_H, first.IFM_W];
  let convs = 0;
  let fcs = 0;
  for (const row of values) {
    const where = (column: (typeof COLUMNS)[number]) =>
      `line ${row.line}, column ${COLUMNS.indexOf(column) + 1} (${column})`;
    const fc = row.IFM_H === 1 && row.IFM_W === 1;
    if (fc) {
      const flat = shape[0] * shape[1] * shape[2];
      if (row.Cin !== flat)
        throw new InputError(
          source,
          where('Cin'),
          `FC row reads ${row.Cin} features, the previous layer gives ${flat}`,
        );
      b.fc(`fc${++fcs}`, row.Cout);
      shape = [row.Cout, 1, 1];
    } else {
      if (row.IFM_H !== shape[1] || row.IFM_W !== shape[2] || row.Cin !== shape[0])
        throw new InputError(
          source,
          where('IFM_H'),
          `row reads ${row.Cin}x${row.IFM_H}x${row.IFM_W}, the previous layer gives ${shape.join('x')}`,
        );
      if (row.K_H % 2 === 0 || row.K_W % 2 === 0)
        throw new InputError(source, where('K_H'), "'same' padding needs an odd kernel");
      if (row.K_H !== row.K_W)
        throw new InputError(source, where('K_W'), 'only square kernels are supported');
      const padding = [(row.K_H - 1) / 2, (row.K_W - 1) / 2];
      b.conv(`conv${++convs}`, row.Cout, row.K_H, { stride: row.stride, padding: padding[0] });
      shape = [
        row.Cout,
        windowOutput(shape[1], row.K_H, row.stride, padding[0]),
        windowOutput(shape[2], row.K_W, row.stride, padding[1]),
      ];
    }
    if (row.pool === 1) {
      b.maxPool(`pool${convs + fcs}`, 2);
      shape = [shape[0], Math.floor(shape[1] / 2), Math.floor(shape[2] / 2)];
    }
  }
  return parseTrace(b.build(), source);
}

export function readNeuroSim(path: string, name: string): Network {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(path, '', 'cannot read the file');
  }
  return importNeuroSim(text, name, path);
}

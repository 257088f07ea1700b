/**
 * `ousim sweep`: expand the grid, keep this shard's points, skip the points already in the
 * CSV, simulate the rest on a worker pool, and append one row per point as it finishes.
 *
 * Points whose arch differs only in prices (same simulation key, same trace and mapping) share
 * one simulation: the first pending point of such a group is simulated and the others are
 * re-priced from its counts, which the `repriced` and `counts_from` columns record.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Arch } from '../config/arch.ts';
import type { Fidelity, RunResult } from '../sim/types.ts';
import { InputError } from '../util/errors.ts';
import { OUSIM_VERSION } from '../util/version.ts';
import type { CsvRow } from '../output/csv-text.ts';
import {
  archOverrides,
  buildAxes,
  expandGrid,
  MAPPING_AXIS,
  pointKey,
  TRACE_AXIS,
  type Axis,
  type Point,
} from './grid.ts';
import { RowJournal, writeFileAtomic } from './journal.ts';
import {
  describeAxes,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  manifestJson,
  readManifest,
  stableHash,
  sweepDifference,
  type SweepManifest,
} from './manifest.ts';
import { silentProgress, type Progress } from './progress.ts';
import { formatShard, inShard, WHOLE, type Shard } from './shard.ts';
import type { SimulationTask } from './experiment.ts';
import { inputErrorOf, type TaskOutcome } from './outcome.ts';

export const SWEEP_CSV = 'sweep.csv';

export interface SweepOptions {
  traces: string[];
  mappings: string[];
  /** `--set key=v1,v2,...` texts, one axis each. */
  sets: string[];
  arch: string;
  seed: number;
  fidelity: Fidelity;
  out: string;
  shard?: Shard;
}

/** What the sweep needs from the simulator; the CLI passes the real one, tests a fake. */
export interface SweepBackend {
  loadArch(arch: string, overrides: SimulationTask['overrides']): Arch;
  /** Throw an InputError when a trace name or path does not resolve. */
  checkTrace(trace: string): void;
  simulationKey(arch: Arch): string;
  /** Run one simulation (in a worker pool, or inline). */
  simulate(task: SimulationTask): Promise<TaskOutcome>;
  reprice(result: RunResult, arch: Arch): RunResult;
  summaryRow(result: RunResult): CsvRow;
  /** Worker threads in use, for the plan line. */
  threads: number;
}

export interface SweepReport {
  out: string;
  csv: string;
  gridPoints: number;
  shardPoints: number;
  alreadyDone: number;
  simulated: number;
  repriced: number;
  failed: { point: number; message: string }[];
  seconds: number;
}

interface PendingPoint {
  point: Point;
  arch: Arch;
  task: SimulationTask;
}

/** Run (or resume) a sweep. `log` receives the human lines (stderr in the CLI). */
export async function runSweep(
  options: SweepOptions,
  backend: SweepBackend,
  progress: Progress = silentProgress,
  log: (line: string) => void = () => {},
): Promise<SweepReport> {
  const started = performance.now();
  const shard = options.shard ?? WHOLE;
  const axes = buildAxes(options.traces, options.mappings, options.sets);
  for (const trace of options.traces) backend.checkTrace(trace);
  const points = expandGrid(axes);
  const manifest: SweepManifest = {
    format: MANIFEST_FORMAT,
    version: 1,
    ousimVersion: OUSIM_VERSION,
    arch: options.arch,
    archHash: stableHash(backend.loadArch(options.arch, [])),
    seed: options.seed,
    fidelity: options.fidelity,
    axes,
    points: points.length,
    shard: formatShard(shard),
  };

  // Every point's arch is checked before the folder is touched: bad input leaves nothing behind.
  const mine = points
    .filter((p) => inShard(p.index, shard))
    .map((point) => preparePoint(point, options, backend));

  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  claimFolder(out, manifest);
  const journal = new RowJournal(join(out, SWEEP_CSV));
  const done = new Set(journal.existingRows.map((row) => pointKey(axes, row)));
  const pending = mine.filter((p) => !done.has(pointKey(axes, p.point.params)));
  const groups = groupBySimulation(pending, backend);
  const toReprice = pending.length - groups.length;

  log(
    `sweep: ${points.length} points (${describeAxes(axes)})` +
      (shard.count > 1 ? `, shard ${formatShard(shard)} has ${mine.length}` : '') +
      `; ${mine.length - pending.length} already in ${SWEEP_CSV}, ${groups.length} to simulate` +
      (toReprice > 0 ? `, ${toReprice} re-priced from shared counts (only prices differ)` : '') +
      (groups.length > 0 ? ` on ${Math.min(backend.threads, groups.length)} thread(s)` : ''),
  );

  const report: SweepReport = {
    out,
    csv: journal.path,
    gridPoints: points.length,
    shardPoints: mine.length,
    alreadyDone: mine.length - pending.length,
    simulated: 0,
    repriced: 0,
    failed: [],
    seconds: 0,
  };

  progress.start(pending.length, 'sweep');
  let settled: PromiseSettledResult<void>[];
  try {
    // allSettled, not all: no row may be appended after the journal is finished.
    settled = await Promise.allSettled(
      groups.map(async (group) => {
        const [lead, ...others] = group;
        const outcome = await backend.simulate(lead.task);
        if (!outcome.ok) {
          const input = inputErrorOf(outcome);
          if (input) throw input;
          for (const p of group) {
            report.failed.push({ point: p.point.index, message: outcome.message });
            progress.tick();
          }
          return;
        }
        journal.append(sweepRow(lead.point, outcome.result, false, lead.point.index, backend));
        report.simulated++;
        progress.tick();
        for (const other of others) {
          const repriced = backend.reprice(outcome.result, other.arch);
          journal.append(sweepRow(other.point, repriced, true, lead.point.index, backend));
          report.repriced++;
          progress.tick();
        }
      }),
    );
  } finally {
    progress.stop();
    journal.finish((row) => Number(row.point));
  }
  const rejected = settled.find((s) => s.status === 'rejected');
  if (rejected) throw rejected.reason;

  report.seconds = (performance.now() - started) / 1000;
  if (report.repriced > 0)
    log(`sweep: ${report.repriced} point(s) re-priced from another point's counts (column repriced=true)`);
  for (const f of report.failed) log(`sweep: point ${f.point} failed: ${f.message}`);
  return report;
}

/** A folder holds one sweep (one shard of it): refuse to mix rows of different sweeps. */
function claimFolder(out: string, manifest: SweepManifest): void {
  const path = join(out, MANIFEST_FILE);
  const existing = readManifest(path);
  if (existing) {
    const difference = sweepDifference(existing, manifest);
    if (difference)
      throw new InputError(
        path,
        '',
        `this folder holds a different sweep (${difference}); pick another --out or delete the folder`,
      );
    if (existing.shard !== manifest.shard)
      throw new InputError(
        path,
        'shard',
        `this folder holds shard ${existing.shard}; give each shard its own --out`,
      );
    return;
  }
  writeFileAtomic(path, manifestJson(manifest));
}

function preparePoint(point: Point, options: SweepOptions, backend: SweepBackend): PendingPoint {
  const overrides = archOverrides(point.params);
  let arch: Arch;
  try {
    arch = backend.loadArch(options.arch, overrides);
  } catch (error) {
    if (error instanceof InputError)
      throw new InputError(describePoint(point), error.field, error.message.replace(/^[^:]*: /, ''));
    throw error;
  }
  const task: SimulationTask = {
    trace: String(point.params[TRACE_AXIS]),
    arch: options.arch,
    overrides,
    mapping: String(point.params[MAPPING_AXIS]),
    seed: options.seed,
    fidelity: options.fidelity,
  };
  return { point, arch, task };
}

/** Pending points grouped by what they would simulate; groups in order of their first point. */
function groupBySimulation(pending: readonly PendingPoint[], backend: SweepBackend): PendingPoint[][] {
  const groups = new Map<string, PendingPoint[]>();
  for (const p of pending) {
    const key = JSON.stringify([p.task.trace, p.task.mapping, backend.simulationKey(p.arch)]);
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.values()];
}

/** One CSV row: point index, the swept values, how it was obtained, then the summary figures. */
function sweepRow(
  point: Point,
  result: RunResult,
  repriced: boolean,
  countsFrom: number,
  backend: SweepBackend,
): CsvRow {
  const row: CsvRow = { point: point.index, ...point.params, repriced, counts_from: countsFrom };
  for (const [column, value] of Object.entries(backend.summaryRow(result)))
    if (!(column in row)) row[column] = value;
  if (!('warnings' in row)) row.warnings = result.warnings.join('; ');
  return row;
}

export function describePoint(point: Point): string {
  return `sweep point ${point.index} (${Object.entries(point.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')})`;
}

export type { Axis };

/**
 * `ousim sweep`: expand the grid, keep this shard's points, skip the points already in the
 * CSV, simulate the rest on a worker pool, and append one row per point as it finishes.
 *
 * Points whose arch differs only in prices (same simulation key, same trace and mapping) form a
 * group that shares one simulation: the group's lead (its smallest point index in the whole grid)
 * is simulated and the others are re-priced from its counts, which the `repriced` and
 * `counts_from` columns record. Groups, not points, are dealt to shards, and a resumed group
 * simulates its lead again, so every row is the same whatever the sharding or the resume point.
 */
import { join } from 'node:path';
import type { Arch } from '../config/arch.ts';
import { mapperNeedsMasks, resolvedMapperOptions } from '../mapping/registry.ts';
import type { Fidelity, RunResult } from '../sim/types.ts';
import { InputError } from '../util/errors.ts';
import { OUSIM_VERSION } from '../util/version.ts';
import type { CsvRow } from '../output/csv-text.ts';
import {
  archOverrides,
  buildAxes,
  expandGrid,
  MAPPING_AXIS,
  TRACE_AXIS,
  type Axis,
  type Point,
} from './grid.ts';
import { RowJournal } from './journal.ts';
import { writeFileAtomic } from '../output/atomic.ts';
import { checkOutFolder, makeFolder } from '../output/folder.ts';
import { lockFolder } from '../output/lock.ts';
import { resolveTracePath } from '../workload/trace.ts';
import { sha256File } from '../workload/file-ref.ts';
import {
  describeAxes,
  isWholeKey,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  manifestJson,
  pointKeyOf,
  POINT_KEY_COLUMN,
  readManifest,
  removeStaleSweepFiles,
  rowProblem,
  stableHash,
  SWEEP_CSV_FILE,
  sweepDifference,
  type SweepManifest,
} from './manifest.ts';
import { silentProgress, type Progress } from './progress.ts';
import { formatShard, inShard, WHOLE, type Shard } from './shard.ts';
import type { SimulationTask } from './experiment.ts';
import { inputErrorOf, problemOf, type TaskOutcome } from './outcome.ts';

export const SWEEP_CSV = SWEEP_CSV_FILE;

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
  /** Images streamed through the pipeline per point (default 1), fast-forwarded unless false. */
  images?: number;
  fastForward?: boolean;
  /** The mappers' own options (`--packing`, ...), the same at every point; default none. */
  mapperOptions?: Readonly<Record<string, number | boolean | string>>;
}

/** What the sweep needs from the simulator; the CLI passes the real one, tests a fake. */
export interface SweepBackend {
  loadArch(arch: string, overrides: SimulationTask['overrides']): Arch;
  /**
   * Load and validate a trace (an InputError when it does not resolve or is malformed), and say
   * whether it needs pruning (unpruned 3x3 layers), the only thing the `pattern.*` keys steer.
   */
  checkTrace(trace: string): { needsPruning: boolean; trainedWeights?: string };
  /** Throw an InputError when no mapper has this name. */
  checkMapping(name: string): void;
  simulationKey(arch: Arch, options?: { pruning: boolean }): string;
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
  /** Rows written from a simulation of their own point (group leads). */
  simulated: number;
  /** Rows written by re-pricing their group lead's counts. */
  repriced: number;
  /** Points that failed (their rows are missing); `badInput` when the failure was an InputError. */
  failed: { point: number; message: string; badInput: boolean }[];
  seconds: number;
}

interface PreparedPoint {
  point: Point;
  arch: Arch;
  task: SimulationTask;
}

/** A group of points sharing one simulation, in point order: the first is the lead. */
type Group = PreparedPoint[];

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

  // Every input is checked before the folder is touched, so bad input leaves nothing behind and
  // the corrected command is not refused as another sweep: mappers, traces, every point's arch.
  for (const mapping of options.mappings) backend.checkMapping(mapping);
  resolvedMapperOptions(options.mapperOptions ?? {});
  const traceInfo = new Map(options.traces.map((trace) => [trace, backend.checkTrace(trace)]));
  const points = expandGrid(axes);
  const groups = groupBySimulation(
    points.map((point) => preparePoint(point, options, backend)),
    traceInfo,
    backend,
  );
  warnPatternAxesWithoutEffect(axes, traceInfo, log);
  // Which weights the on-the-fly pruning uses (run and compare record it in config.resolved.json).
  for (const [trace, info] of traceInfo)
    if (info.trainedWeights)
      log(`sweep: ${trace}: pruned with the trained weights of ${info.trainedWeights}`);
  const myGroups = groups.filter((_, rank) => inShard(rank, shard));

  const manifest: SweepManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    ousimVersion: OUSIM_VERSION,
    arch: options.arch,
    archHash: stableHash(backend.loadArch(options.arch, [])),
    // The trace's bytes (which hold the hashes of the files it refers to): an edited trace is noticed.
    traces: Object.fromEntries(
      options.traces.map((trace) => [trace, sha256File(resolveTracePath(trace), trace)]),
    ),
    seed: options.seed,
    fidelity: options.fidelity,
    ...((options.images ?? 1) > 1 ? { images: options.images } : {}),
    ...(Object.keys(options.mapperOptions ?? {}).length > 0
      ? { mapperOptions: { ...options.mapperOptions } }
      : {}),
    axes,
    points: points.length,
    shard: formatShard(shard),
  };
  const out = checkOutFolder(options.out);
  makeFolder(out);
  // One writer per folder: a second sweep into it (or a commit) is refused while this one runs.
  const lock = lockFolder(out, 'sweep');
  try {
    return await sweepInFolder(
      out,
      manifest,
      myGroups,
      { points, axes, shard, groups },
      backend,
      progress,
      log,
      started,
    );
  } finally {
    lock.release();
  }
}

interface Plan {
  points: readonly Point[];
  axes: readonly Axis[];
  shard: Shard;
  groups: readonly Group[];
}

async function sweepInFolder(
  out: string,
  manifest: SweepManifest,
  myGroups: readonly Group[],
  { points, axes, shard, groups }: Plan,
  backend: SweepBackend,
  progress: Progress,
  log: (line: string) => void,
  started: number,
): Promise<SweepReport> {
  const mine = myGroups.reduce((n, group) => n + group.length, 0);
  // Staging files of a killed finish or manifest write (we hold the lock: no one else's are live).
  removeStaleSweepFiles(out);
  // Read and check everything before the first write: a refused folder is left exactly as it was.
  const existing = checkFolder(out, manifest);
  const journal = new RowJournal(join(out, SWEEP_CSV), {
    keyColumn: POINT_KEY_COLUMN,
    check: (row) => rowProblem(manifest, row),
    isWholeKey,
    mayBeTornStart: existing !== undefined,
  });
  if (!existing) writeFileAtomic(join(out, MANIFEST_FILE), manifestJson(manifest));
  // Rows are checked by key, so a point is done when any of its rows is there (duplicates of a
  // point, from an older race, are dropped when the journal is finished).
  const done = new Set(journal.existingRows.map((row) => Number(row.point)));
  const work = myGroups
    .map((group) => ({
      lead: group[0],
      pending: group.filter((p) => !done.has(p.point.index)),
    }))
    .filter((w) => w.pending.length > 0);
  const pendingPoints = work.reduce((n, w) => n + w.pending.length, 0);
  const toReprice = work.reduce((n, w) => n + w.pending.filter((p) => p !== w.lead).length, 0);

  log(
    `sweep: ${points.length} points (${describeAxes(axes)})` +
      (shard.count > 1
        ? `, shard ${formatShard(shard)} has ${mine} (${myGroups.length} of ${groups.length} simulation groups)`
        : '') +
      `; ${mine - pendingPoints} already in ${SWEEP_CSV}, ${work.length} to simulate` +
      (toReprice > 0 ? `, ${toReprice} re-priced from shared counts (only prices differ)` : '') +
      (work.length > 0 ? ` on ${Math.min(backend.threads, work.length)} thread(s)` : ''),
  );

  const report: SweepReport = {
    out,
    csv: journal.path,
    gridPoints: points.length,
    shardPoints: mine,
    alreadyDone: mine - pendingPoints,
    simulated: 0,
    repriced: 0,
    failed: [],
    seconds: 0,
  };

  progress.start(pendingPoints, 'sweep');
  let settled: PromiseSettledResult<void>[];
  try {
    // allSettled, not all: no row may be appended after the journal is finished.
    settled = await Promise.allSettled(
      work.map(async ({ lead, pending }) => {
        // The lead is simulated even when its own row is already there (a resumed group): the
        // other rows are re-priced from its counts, exactly as in an uninterrupted run.
        const outcome = await backend.simulate(lead.task);
        if (!outcome.ok) {
          // The point is named and left out; the other points' rows are kept.
          const input = inputErrorOf(outcome);
          for (const p of pending) {
            report.failed.push({
              point: p.point.index,
              message: input ? input.message : outcome.message,
              badInput: input !== undefined,
            });
            progress.tick();
          }
          return;
        }
        for (const p of pending) {
          const isLead = p === lead;
          const result = isLead ? outcome.result : backend.reprice(outcome.result, p.arch);
          const row = sweepRow(p.point, result, !isLead, lead.point.index, backend);
          row[POINT_KEY_COLUMN] = pointKeyOf(manifest, p.point.index, p.point.params);
          journal.append(row);
          if (isLead) report.simulated++;
          else report.repriced++;
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
  report.failed.sort((a, b) => a.point - b.point); // in point order, not in order of finishing
  for (const f of report.failed) log(`sweep: ${describePoint(points[f.point])} failed: ${f.message}`);
  return report;
}

/**
 * `pattern.*` keys only steer the on-the-fly pruning, so on a trace that needs none (its 3x3
 * layers already carry masks, or it has none) such axes change nothing: say so, once.
 */
function warnPatternAxesWithoutEffect(
  axes: readonly Axis[],
  traceInfo: ReadonlyMap<string, { needsPruning: boolean }>,
  log: (line: string) => void,
): void {
  const patternKeys = axes.filter((a) => a.key.startsWith('pattern.')).map((a) => a.key);
  const masked = [...traceInfo].filter(([, info]) => !info.needsPruning).map(([trace]) => trace);
  if (patternKeys.length === 0 || masked.length === 0) return;
  log(
    `sweep: warning: ${patternKeys.join(', ')} cannot change ${masked.join(', ')}: ` +
      'nothing to prune (the 3x3 layers already carry masks), and pattern keys only steer pruning',
  );
}

/**
 * A folder holds one sweep (one shard of it): refuse to mix rows of different sweeps. Returns the
 * folder's manifest, if it has one (it is written only after the rows have been checked too).
 */
function checkFolder(out: string, manifest: SweepManifest): SweepManifest | undefined {
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
  }
  return existing;
}

function preparePoint(point: Point, options: SweepOptions, backend: SweepBackend): PreparedPoint {
  const overrides = archOverrides(point.params);
  let arch: Arch;
  try {
    arch = backend.loadArch(options.arch, overrides);
  } catch (error) {
    if (error instanceof InputError)
      throw new InputError(describePoint(point), error.field, problemOf(error));
    throw error;
  }
  const task: SimulationTask = {
    trace: String(point.params[TRACE_AXIS]),
    arch: options.arch,
    overrides,
    mapping: String(point.params[MAPPING_AXIS]),
    seed: options.seed,
    fidelity: options.fidelity,
    images: options.images ?? 1,
    fastForward: options.fastForward ?? true,
    ...(options.mapperOptions ? { mapperOptions: { ...options.mapperOptions } } : {}),
  };
  return { point, arch, task };
}

/**
 * The grid's points grouped by what they would simulate; groups in order of their lead (smallest
 * point index), which makes a group's rank the same on every machine and in every shard.
 */
function groupBySimulation(
  points: readonly PreparedPoint[],
  traceInfo: ReadonlyMap<string, { needsPruning: boolean }>,
  backend: SweepBackend,
): Group[] {
  const groups = new Map<string, Group>();
  for (const p of points) {
    // A mapper that needs no masks ignores them, and a masked trace is not pruned: then pattern.* changes nothing.
    const pruning =
      mapperNeedsMasks(p.task.mapping, p.task.mapperOptions) &&
      traceInfo.get(p.task.trace)?.needsPruning !== false;
    const key = JSON.stringify([p.task.trace, p.task.mapping, backend.simulationKey(p.arch, { pruning })]);
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

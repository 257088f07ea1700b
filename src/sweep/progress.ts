/**
 * Progress of a long job on stderr: a cli-progress bar with an ETA on a terminal, and a plain
 * line every tenth of the way otherwise (batch logs such as SLURM's, where a redrawn bar is noise).
 */
import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';

/** cli-progress (CommonJS) is loaded only when a bar is shown. */
const requireCjs = createRequire(import.meta.url);
const loadCliProgress = (): typeof cliProgressModule =>
  requireCjs('cli-progress') as typeof cliProgressModule;

export interface Progress {
  start(total: number, label: string): void;
  tick(): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, stop() {} };

export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

function barProgress(stream: NodeJS.WriteStream): Progress {
  const cliProgress = loadCliProgress();
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        '{label} [{bar}] {percentage}% | {value}/{total} | elapsed {duration_formatted} | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total, label) => bar.start(total, 0, { label }),
    tick: () => bar.increment(),
    stop: () => bar.stop(),
  };
}

function lineProgress(stream: NodeJS.WriteStream): Progress {
  let total = 0;
  let done = 0;
  let nextReport = 0;
  let started = 0;
  let label = '';
  return {
    start(t, l) {
      total = t;
      label = l;
      done = 0;
      nextReport = Math.ceil(total / 10);
      started = performance.now();
    },
    tick() {
      done++;
      if (done < nextReport && done !== total) return;
      nextReport = done + Math.ceil(total / 10);
      const elapsed = (performance.now() - started) / 1000;
      const eta = done > 0 ? (elapsed / done) * (total - done) : 0;
      stream.write(
        `${label}: ${done}/${total} (${Math.round((100 * done) / total)}%), ETA ${formatSeconds(eta)}\n`,
      );
    },
    stop() {},
  };
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - 60 * m);
  return m < 60
    ? `${m}m${String(s).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

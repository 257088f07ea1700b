/**
 * A progress bar on stderr that appears only for runs longer than a second, and only on a terminal
 * (cli-progress prints nothing when stderr is not a TTY, so logs and CI stay clean).
 */
import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';

/** cli-progress (CommonJS) is loaded only when a bar is shown (runs of more than a second, on a terminal). */
const requireCjs = createRequire(import.meta.url);
const loadCliProgress = (): typeof cliProgressModule =>
  requireCjs('cli-progress') as typeof cliProgressModule;

export class LazyProgress {
  private bar: cliProgressModule.SingleBar | undefined;
  private readonly started = Date.now();

  constructor(private readonly label: string) {}

  /** Report the fraction done (0..1). */
  update(fraction: number): void {
    if (!this.bar) {
      if (Date.now() - this.started < 1000) return;
      const cliProgress = loadCliProgress();
      this.bar = new cliProgress.SingleBar(
        { format: `${this.label} [{bar}] {percentage}% | ETA {eta_formatted}`, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(100, 0);
    }
    this.bar.update(Math.round(fraction * 100));
  }

  stop(): void {
    if (this.bar) {
      this.bar.update(100);
      this.bar.stop();
    }
  }
}

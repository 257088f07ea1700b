/**
 * A progress bar on stderr that appears only for runs longer than a second, and only on a terminal
 * (cli-progress prints nothing when stderr is not a TTY, so logs and CI stay clean).
 */
import cliProgress from 'cli-progress';

export class LazyProgress {
  private bar: cliProgress.SingleBar | undefined;
  private readonly started = Date.now();

  constructor(private readonly label: string) {}

  /** Report the fraction done (0..1). */
  update(fraction: number): void {
    if (!this.bar) {
      if (Date.now() - this.started < 1000) return;
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

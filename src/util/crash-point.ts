/**
 * Named points between the steps of a commit (sweep rows, merge, output folders) at which a test
 * can have the process killed for real: `OUSIM_CRASH_AT=<name>` sends SIGKILL to this process when
 * it gets there, so a kill test lands exactly between two renames instead of hoping for the timing.
 * Unset (always, outside the kill tests), it costs one property read.
 */
export function crashPoint(name: string): void {
  if (process.env.OUSIM_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}

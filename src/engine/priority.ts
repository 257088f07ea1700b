/**
 * Named event priorities. Among events due in the same cycle, the lower priority runs first;
 * among equal (cycle, priority) the event scheduled first runs first (FIFO, unlike gem5's LIFO).
 * Priorities are integers in [0, PRIORITY_LEVELS); the named levels leave room in between for
 * components that need to run just before or after one of them.
 */
export const Priority = {
  /** Clock edges and anything that must see the cycle before ordinary work does. */
  CLOCK: 0,
  /** Ordinary component work: message delivery, retries, resource hand-offs, completions. */
  DEFAULT: 50,
  /** Statistics sampling: sees the state after all ordinary work of the cycle. */
  STATS: 90,
  /** End-of-simulation checks: the very last thing in a cycle. */
  EXIT: 100,
} as const;

/** Number of distinct priority levels: priorities are integers in [0, PRIORITY_LEVELS). */
export const PRIORITY_LEVELS = 256;

/**
 * The largest cycle an event may be scheduled at. The fast queue packs (cycle, priority) into one
 * float64 as `cycle * PRIORITY_LEVELS + priority`, which is exact only below 2^53.
 * At a 1 GHz clock this is still about 9.7 hours of simulated time.
 */
export const MAX_CYCLE = Math.floor(Number.MAX_SAFE_INTEGER / PRIORITY_LEVELS);

/** True if `priority` is a valid priority level. */
export function isValidPriority(priority: number): boolean {
  return Number.isInteger(priority) && priority >= 0 && priority < PRIORITY_LEVELS;
}

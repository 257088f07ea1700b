/**
 * The memory budget of one layer's pruning or mapping (issue 18): estimated before allocating, so
 * that a layer too large is refused in one line instead of crashing out of memory minutes later.
 */

/** What one layer's mapping (or its pruning) may take: 4 GiB, the default heap of a 64-bit Node. */
export const MAX_LAYER_BYTES = 4 * 2 ** 30;

/** Gigabytes, for messages. */
export function gigabytes(bytes: number): string {
  const gb = bytes / 2 ** 30;
  return `${gb >= 10 ? Math.round(gb) : gb.toPrecision(2)} GB`;
}

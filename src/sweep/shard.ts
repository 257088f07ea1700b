/**
 * `--shard i/N`: one deterministic slice of a sweep, for spreading it over machines (a SLURM
 * array job runs task i of N). The unit dealt out is a simulation group (points that share one
 * simulation, runner.ts), never a single point, so no group is simulated on two machines: groups
 * ranked by their lead's point index go round-robin, group r to shard r mod N. Slices interleave,
 * so each shard gets a similar mix of cheap and expensive groups, and a slice never depends on
 * timing or on which shards ran before.
 */
import { InputError } from '../util/errors.ts';

export interface Shard {
  /** 0-based: 0 <= index < count (matches `SLURM_ARRAY_TASK_ID` with `--array=0-(N-1)`). */
  index: number;
  count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

export function parseShard(text: string | undefined): Shard {
  if (text === undefined || text === '') return WHOLE;
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new InputError('--shard', '', `expected i/N (e.g. 0/4), got '${text}'`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new InputError('--shard', '', 'N must be at least 1');
  if (index >= count)
    throw new InputError(
      '--shard',
      '',
      `i is 0-based and must be below N: got ${index}/${count} (use 0..${count - 1})`,
    );
  return { index, count };
}

/** Whether the group of rank `groupRank` (0-based, in order of lead point) is in this shard. */
export function inShard(groupRank: number, shard: Shard): boolean {
  return groupRank % shard.count === shard.index;
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

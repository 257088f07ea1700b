/**
 * Prune once: a content-addressed cache of on-the-fly pruning results (docs/traces.md, "The prune
 * cache"). Pruning a network's synthetic or trained weights costs up to a second or two on ImageNet
 * networks and gives the same masks every time for the same trace, pruning keys, weights and seed, so
 * the masks are stored under the SHA-256 of exactly these (and of ousim's own code, so that an edit to
 * the pruning invalidates them) in `<cache>/pruned/<key>.bin`.
 *
 * The folder: OUSIM_CACHE_DIR, else $XDG_CACHE_HOME/ousim, else ~/.cache/ousim; OUSIM_CACHE=off
 * turns the cache off. Deleting the folder is always safe. A missing, unreadable or corrupt entry is
 * pruned again and rewritten; a folder that cannot be written is skipped silently (the cache only
 * saves time, it never changes a result: test/workload/prune-cache.test.ts compares the bytes).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceHash, STAMP_FILE } from '../../bin/compiled.js';
import type { PruneOptions } from './prune.ts';
import type { ConvPruning, Layer, Network } from './types.ts';

/** Bump when the entry format changes. */
const FORMAT = 'ousim-pruned-1';

/** The masks pruning gave one network: per pruned layer, its index and pruning. */
export interface PrunedMasks {
  key: string;
  layers: { index: number; pruning: ConvPruning }[];
}

/** The cache folder, or undefined when OUSIM_CACHE=off. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OUSIM_CACHE === 'off') return undefined;
  if (env.OUSIM_CACHE_DIR) return env.OUSIM_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ousim');
}

let codeIdentity: string | undefined;

/**
 * The hash of the code that prunes: the build stamp's hash of src/ when running dist/, else the hash
 * of src/ itself (a few milliseconds, once per process).
 */
function code(): string {
  if (codeIdentity) return codeIdentity;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const stamp = join(root, STAMP_FILE);
  codeIdentity = existsSync(stamp)
    ? (JSON.parse(readFileSync(stamp, 'utf8')) as { sourceHash: string }).sourceHash
    : sourceHash(root);
  return codeIdentity;
}

/**
 * The key of pruning `network` with `options` and `seed`; `weights` names the weights (a trained
 * model's SHA-256, or undefined for synthetic ones, which the seed determines).
 */
export function pruneKey(network: Network, options: PruneOptions, seed: number, weights?: string): string {
  const { size, count, connectivity } = options;
  const content = JSON.stringify(
    [FORMAT, code(), network.name, network.layers, [size, count, connectivity], seed, weights ?? 'synthetic'],
    // Masks a trace already carries are part of its content: hashed, not spelled out.
    (_key, value: unknown) =>
      ArrayBuffer.isView(value)
        ? createHash('sha256')
            .update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
            .digest('hex')
        : value,
  );
  return createHash('sha256').update(content).digest('hex');
}

/** The masks of `pruned` (the result of pruning `original`), to cache or hand to a worker. */
export function masksOf(key: string, original: Network, pruned: Network): PrunedMasks {
  const layers: PrunedMasks['layers'] = [];
  pruned.layers.forEach((layer, index) => {
    if (layer.type === 'conv' && layer.pruning && layer !== original.layers[index])
      layers.push({ index, pruning: layer.pruning });
  });
  return { key, layers };
}

/** `network` with the cached masks applied: what pruneNetwork returned for it. */
export function applyMasks(network: Network, masks: PrunedMasks): Network {
  const layers: Layer[] = [...network.layers];
  for (const { index, pruning } of masks.layers) {
    const layer = layers[index];
    if (layer?.type !== 'conv' || layer.pruning)
      throw new Error(`prune cache: layer ${index} cannot take masks`);
    if (pruning.kernelPattern.length !== (layer.cout * layer.cin) / layer.groups)
      throw new Error(`prune cache: layer ${index} has another kernel count`);
    layers[index] = { ...layer, pruning };
  }
  return { ...network, layers };
}

/**
 * The pruned network from the cache when it holds `key`, else from `prune()` (stored for next time).
 * Also returns the masks, for a sweep to hand to its workers.
 */
export function cachedPrune(
  network: Network,
  key: string,
  prune: () => Network,
  options: { given?: PrunedMasks; dir?: string } = {},
): { network: Network; masks: PrunedMasks } {
  // Masks handed over by a sweep's main thread, which pruned this network once for all its workers.
  if (options.given?.key === key)
    return { network: applyMasks(network, options.given), masks: options.given };
  const dir = 'dir' in options ? options.dir : cacheDir();
  const file = dir === undefined ? undefined : join(dir, 'pruned', `${key}.bin`);
  if (file) {
    const masks = readEntry(file, key);
    if (masks) {
      try {
        return { network: applyMasks(network, masks), masks };
      } catch {
        // does not fit this network (cannot happen for a true hash match): prune again
      }
    }
  }
  const pruned = prune();
  const masks = masksOf(key, network, pruned);
  if (file) writeEntry(file, masks);
  return { network: pruned, masks };
}

/** An entry: one JSON line (key, per layer its index, patterns and kernel count), then the kernels' pattern ids. */
function writeEntry(file: string, masks: PrunedMasks): void {
  const header = {
    format: FORMAT,
    key: masks.key,
    layers: masks.layers.map((l) => ({
      index: l.index,
      patterns: l.pruning.patterns,
      kernels: l.pruning.kernelPattern.length,
    })),
  };
  const parts = [
    Buffer.from(`${JSON.stringify(header)}\n`),
    ...masks.layers.map((l) => l.pruning.kernelPattern),
  ];
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(temporary, Buffer.concat(parts));
    renameSync(temporary, file); // atomic: a reader sees the whole entry or none
  } catch {
    rmSync(temporary, { force: true });
  }
}

function readEntry(file: string, key: string): PrunedMasks | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    const newline = bytes.indexOf(10);
    const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as {
      format: string;
      key: string;
      layers: { index: number; patterns: number[][]; kernels: number }[];
    };
    if (header.format !== FORMAT || header.key !== key) return undefined;
    let at = newline + 1;
    const layers = header.layers.map(({ index, patterns, kernels }) => {
      const kernelPattern = new Uint8Array(bytes.subarray(at, at + kernels));
      if (kernelPattern.length !== kernels) throw new Error('truncated');
      at += kernels;
      return { index, pruning: { patterns, kernelPattern } };
    });
    return at === bytes.length ? { key, layers } : undefined;
  } catch {
    return undefined;
  }
}

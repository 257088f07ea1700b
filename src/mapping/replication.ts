/**
 * ISAAC-style weight replication: in a layer pipeline the slowest layer sets the pace (the interval
 * between images in a stream, and most of one image's latency), and early conv layers (many output
 * positions, few weights) are the slow ones. Within a budget, repeatedly give one more copy to the
 * layer with the largest busy time per image, while the budget holds; stop when that layer cannot get
 * another copy (adding copies elsewhere would not shorten the interval).
 *
 * A layer's busy time per image is ceil(vectors / copies) x the cycles per vector of its slowest
 * crossbar when vectors come back to back (the OU pipeline's max-plus eigenvalue, src/hardware/
 * ou-pipeline.ts): copy 0 gets ceil(vectors / copies) of the image's vectors (vector u goes to copy u
 * mod copies). The budget is either crossbars (every copy's crossbars count) or chip area, counted the
 * way placement and pricing count it (each copy starts on a fresh PE; tiles, index memory, muxes).
 */
import type { Arch } from '../config/arch.ts';
import { tileAreaParts } from '../energy/price.ts';
import { OuPipeline, layerOuTiming } from '../hardware/ou-pipeline.ts';
import type { LayerMapping } from './types.ts';

/** Cycles per vector of a mapping's slowest crossbar, vectors back to back. */
export function cyclesPerVector(mapping: LayerMapping, arch: Arch): number {
  const timing = layerOuTiming(arch, mapping.crossbars);
  let max = 0;
  for (const plan of mapping.crossbars) {
    const cycles = new OuPipeline(plan.ouCols, mapping.inputSlices, timing).cyclesPerVector;
    if (cycles > max) max = cycles;
  }
  return max;
}

/** What one more copy costs and whether the budget still holds after it. */
interface Budget {
  fits(mapping: LayerMapping): boolean;
  take(mapping: LayerMapping): void;
}

function crossbarBudget(mappings: readonly LayerMapping[], crossbars: number): Budget {
  let used = mappings.reduce((sum, m) => sum + m.crossbars.length * m.replication, 0);
  return {
    fits: (m) => used + m.crossbars.length <= crossbars,
    take: (m) => (used += m.crossbars.length),
  };
}

/** Chip area as priceArea() will count it for the placement placeLayers() will make. */
function areaBudget(mappings: readonly LayerMapping[], areaMm2: number, arch: Arch): Budget {
  const tileMm2 = Object.values(tileAreaParts(arch)).reduce((sum, part) => sum + part, 0);
  const pesOf = (m: LayerMapping) => Math.max(1, Math.ceil(m.crossbars.length / arch.chip.crossbarsPerPe));
  const extraOf = (m: LayerMapping) =>
    (m.indexBits * arch.area.indexUm2PerBit + m.muxes * arch.area.muxUm2) / 1e6;
  let pes = 0;
  let extra = 0;
  for (const m of mappings) {
    pes += pesOf(m) * m.replication;
    extra += extraOf(m) * m.replication;
  }
  const area = (p: number, e: number) =>
    Math.max(1, Math.ceil(p / arch.chip.pesPerTile)) * tileMm2 + e + arch.area.chipOtherMm2;
  return {
    fits: (m) => area(pes + pesOf(m), extra + extraOf(m)) <= areaMm2,
    take: (m) => {
      pes += pesOf(m);
      extra += extraOf(m);
    },
  };
}

function balance(mappings: LayerMapping[], arch: Arch, budget: Budget): void {
  const perVector = mappings.map((m) => cyclesPerVector(m, arch));
  for (;;) {
    let slowest = -1;
    let slowestTime = 0;
    mappings.forEach((m, i) => {
      const time = Math.ceil(m.vectors / m.replication) * perVector[i];
      if (time > slowestTime) {
        slowest = i;
        slowestTime = time;
      }
    });
    if (slowest < 0) return;
    const m = mappings[slowest];
    // One more copy only helps while there are more input vectors than copies.
    if (m.replication >= m.vectors || !budget.fits(m)) return;
    m.replication++;
    budget.take(m);
  }
}

/** Sets `replication` on each mapping in place; the budget counts every copy's crossbars. */
export function replicate(mappings: LayerMapping[], budget: number, arch: Arch): void {
  balance(mappings, arch, crossbarBudget(mappings, budget));
}

/** The same within a chip area (mm2), as priced by src/energy/price.ts. */
export function replicateWithinArea(mappings: LayerMapping[], areaMm2: number, arch: Arch): void {
  balance(mappings, arch, areaBudget(mappings, areaMm2, arch));
}

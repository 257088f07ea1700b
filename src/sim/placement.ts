/**
 * Placing mapped layers on the chip: crossbars fill PEs, PEs fill tiles, tiles sit on the mesh.
 *
 * Choices (documented in the README): every copy of a layer starts on a fresh PE, so a PE's input
 * register and shift-and-add units serve one layer; layers otherwise pack tiles in network order, so
 * consecutive layers are near each other on the mesh. Tiles are numbered row by row; tile t sits at
 * (t mod meshX, floor(t / meshX)). When the mapped network needs more tiles than the preset's mesh has,
 * the mesh grows in Y (as if more chips of the same width were tiled) and the run says so.
 */
import type { Arch } from '../config/arch.ts';
import type { LayerMapping } from '../mapping/types.ts';

export interface CopyPlacement {
  /** Index of the mapping (weight layer) this copy belongs to. */
  mappingIndex: number;
  copy: number;
  /** Global index among all copies of all layers (fixed-priority arbitration order). */
  globalIndex: number;
  /** Tile of each crossbar of this copy. */
  crossbarTile: Int32Array;
  /** PE (global index) of each crossbar. */
  crossbarPe: Int32Array;
  /** Tile where partial sums meet, activation runs and outputs leave: the tile of the first crossbar. */
  homeTile: number;
  /** Distinct tiles this copy occupies, home first. */
  tiles: number[];
}

export interface ChipPlacement {
  meshX: number;
  meshY: number;
  tilesUsed: number;
  pesUsed: number;
  crossbarsUsed: number;
  /** copies[mappingIndex][copy] */
  copies: CopyPlacement[][];
  /** Set when the preset's mesh was too small and grew. */
  grownFrom?: { meshX: number; meshY: number };
}

export function placeLayers(mappings: readonly LayerMapping[], arch: Arch): ChipPlacement {
  const perPe = arch.chip.crossbarsPerPe;
  const perTile = arch.chip.pesPerTile;
  let nextPe = 0;
  let globalIndex = 0;
  let crossbarsUsed = 0;
  const copies: CopyPlacement[][] = [];
  mappings.forEach((mapping, mappingIndex) => {
    const layerCopies: CopyPlacement[] = [];
    for (let copy = 0; copy < mapping.replication; copy++) {
      const n = mapping.crossbars.length;
      const crossbarPe = new Int32Array(n);
      const crossbarTile = new Int32Array(n);
      const tiles: number[] = [];
      for (let i = 0; i < n; i++) {
        crossbarPe[i] = nextPe + Math.floor(i / perPe);
        crossbarTile[i] = Math.floor(crossbarPe[i] / perTile);
        if (tiles[tiles.length - 1] !== crossbarTile[i]) tiles.push(crossbarTile[i]);
      }
      const homeTile = n > 0 ? crossbarTile[0] : Math.floor(nextPe / perTile);
      if (tiles.length === 0) tiles.push(homeTile);
      nextPe += Math.max(1, Math.ceil(n / perPe));
      crossbarsUsed += n;
      layerCopies.push({
        mappingIndex,
        copy,
        globalIndex: globalIndex++,
        crossbarTile,
        crossbarPe,
        homeTile,
        tiles,
      });
    }
    copies.push(layerCopies);
  });
  const tilesUsed = Math.max(1, Math.ceil(nextPe / perTile));
  const meshX = arch.chip.meshX;
  let meshY = arch.chip.meshY;
  let grownFrom: ChipPlacement['grownFrom'];
  if (tilesUsed > meshX * meshY) {
    grownFrom = { meshX, meshY };
    meshY = Math.ceil(tilesUsed / meshX);
  }
  return { meshX, meshY, tilesUsed, pesUsed: nextPe, crossbarsUsed, copies, grownFrom };
}

/**
 * Hand-built SRE-style row-group plans (CrossbarPlan.rowGroups) from a layout, for tests of the
 * data-driven simulation before an `sre` mapper exists: each band's bitlines are cut into groups of
 * `ou.cols`; a group keeps the band's wordlines that `keep` accepts (by default a seeded coin, in a
 * real mapper: the rows with a non-zero cell in the group's bitlines), in wordline order. The static
 * packing (ouRows / ouCols) is every kept row, ou.rows at a time; no ouFirstRow, as from the sre
 * mapper (types.ts: the OUs of row groups are not runs of adjacent wordlines).
 */
import type { Arch } from '../../src/config/arch.ts';
import type { LayerLayout } from '../../src/mapping/layout.ts';
import type { CrossbarPlan } from '../../src/mapping/types.ts';

export type KeepRow = (crossbar: number, row: number, colStart: number, cols: number) => boolean;

export function rowGroupPlans(
  layout: LayerLayout,
  plans: readonly CrossbarPlan[],
  arch: Arch,
  random: () => number,
  keep: KeepRow = () => random() < 0.6,
): CrossbarPlan[] {
  return plans.map((plan, x) => {
    const colStart: number[] = [];
    const cols: number[] = [];
    const offsets: number[] = [0];
    const wordlines: number[] = [];
    const ouRows: number[] = [];
    const ouCols: number[] = [];
    for (const band of layout.bands.filter((b) => b.crossbar === x)) {
      for (let c = 0; c < band.columns.length; c += arch.ou.cols) {
        const start = band.colStart + c;
        const width = Math.min(arch.ou.cols, band.columns.length - c);
        const kept: number[] = [];
        for (let i = 0; i < band.inputs.length; i++)
          if (keep(x, band.rowStart + i, start, width)) kept.push(band.rowStart + i);
        colStart.push(start);
        cols.push(width);
        wordlines.push(...kept);
        offsets.push(wordlines.length);
        for (let r = 0; r < kept.length; r += arch.ou.rows) {
          ouRows.push(Math.min(arch.ou.rows, kept.length - r));
          ouCols.push(width);
        }
      }
    }
    return {
      ...plan,
      ouRows: Uint16Array.from(ouRows),
      ouCols: Uint16Array.from(ouCols),
      ouFirstRow: undefined,
      rowGroups: {
        colStart: Uint16Array.from(colStart),
        cols: Uint16Array.from(cols),
        offsets: Uint32Array.from(offsets),
        wordlines: Uint16Array.from(wordlines),
      },
    };
  });
}

import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { makeFigures } from '../../src/figures/make.ts';
import { patternHistogramCsv } from '../../src/workload/pattern-stats.ts';
import { pruneNetwork } from '../../src/workload/prune.ts';
import { loadTrace, resolveTracePath } from '../../src/workload/trace.ts';

describe('workload: pattern-histogram.csv and its figure', () => {
  const { stats } = pruneNetwork(
    loadTrace(resolveTracePath('vgg16-cifar10')),
    { size: 4, count: 8, connectivity: 2.5 },
    1,
  );
  const rows = parse<Record<string, string>>(patternHistogramCsv(stats), { columns: true });

  it('has one row per library pattern of each pruned layer, counts and shares that add up', () => {
    for (const s of stats.filter((l) => l.patterns.length)) {
      const mine = rows.filter((r) => r.layer === s.layer);
      expect(
        mine.map((r) => r.positions),
        s.layer,
      ).to.deep.equal(s.patterns.map((p) => p.join(' ')));
      expect(
        mine.reduce((a, r) => a + Number(r.kernels), 0),
        s.layer,
      ).to.equal(s.kept);
      expect(
        mine.reduce((a, r) => a + Number(r.fraction), 0),
        s.layer,
      ).to.be.closeTo(1, 1e-5);
      // Ranks order the patterns by use, most used first.
      const byRank = [...mine].sort((a, b) => Number(a.rank) - Number(b.rank)).map((r) => Number(r.kernels));
      expect(byRank, s.layer).to.deep.equal([...byRank].sort((a, b) => b - a));
      expect(new Set(mine.map((r) => r.rank)).size).to.equal(mine.length);
    }
  });

  it('is drawn by ousim figures from a prune folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ousim-hist-'));
    writeFileSync(join(dir, 'pattern-histogram.csv'), patternHistogramCsv(stats));
    const outcomes = await makeFigures(dir, join(dir, 'fig'), { png: false });
    expect(outcomes.filter((o) => !o.skipped).map((o) => o.name)).to.deep.equal(['pattern-histogram']);
    expect(readFileSync(join(dir, 'fig', 'pattern-histogram.svg'), 'utf8')).to.contain(stats[0].layer);
  });
});

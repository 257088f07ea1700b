import { expect } from 'chai';
import fc from 'fast-check';
import { inShard, parseShard, formatShard } from '../../src/sweep/shard.ts';
import { InputError } from '../../src/util/errors.ts';

describe('sweep shards', () => {
  it('partition the points: every point in exactly one shard', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 300 }), (count, points) => {
        for (let p = 0; p < points; p++) {
          const owners = [...Array(count).keys()].filter((index) => inShard(p, { index, count }));
          expect(owners).to.have.length(1);
        }
      }),
    );
  });

  it('parses i/N, 0-based, and round-trips', () => {
    expect(parseShard('2/4')).to.deep.equal({ index: 2, count: 4 });
    expect(parseShard(undefined)).to.deep.equal({ index: 0, count: 1 });
    expect(formatShard(parseShard(' 3 / 8 '))).to.equal('3/8');
  });

  it('rejects malformed and out-of-range shards', () => {
    for (const bad of ['4/4', '1', 'a/b', '0/0', '-1/3', '1/2/3'])
      expect(() => parseShard(bad), bad).to.throw(InputError);
  });
});

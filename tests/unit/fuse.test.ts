import { describe, expect, it } from 'vitest';
import { fuseRankings } from '../../src/core/search/fuse';

const fuse = (lists: string[][], limit = 10) => fuseRankings(lists, (s) => s, limit);

describe('reciprocal rank fusion', () => {
  it('puts first what both lists rank well, then what one list ranks first', () => {
    expect(
      fuse([
        ['a', 'b', 'c'],
        ['b', 'd', 'a'],
      ]),
    ).toEqual(['b', 'a', 'd', 'c']);
  });

  it('keeps one list as it is, and the first list first on ties', () => {
    expect(fuse([['a', 'b', 'c']])).toEqual(['a', 'b', 'c']);
    expect(fuse([['a'], ['b']])).toEqual(['a', 'b']);
  });

  it('stops at the limit', () => {
    expect(
      fuse(
        [
          ['a', 'b', 'c'],
          ['d', 'e'],
        ],
        3,
      ),
    ).toEqual(['a', 'd', 'b']);
  });
});

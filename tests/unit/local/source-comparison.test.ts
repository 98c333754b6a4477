import { compareVersions, describeComparison } from '../../../local/source-comparison';

const NOW = 1_796_000_010_000;

describe('compareVersions: a warehouse table against its collection, document by document', () => {
  it('finds nothing when every document has its row at its version', () => {
    const versions = new Map([['a', NOW - 5_000], ['b', NOW - 1_000]]);
    expect(compareVersions(versions, new Map(versions), NOW)).toEqual({ documents: 2, rows: 2, missing: [], extra: [], stale: [], maxStalenessMs: 0 });
  });

  it('names missing, extra and stale rows, and the worst staleness: now minus the version the table lacks', () => {
    const source = new Map([['a', NOW - 5_000], ['b', NOW - 2_000], ['c', NOW - 300]]);
    const table = new Map([['a', NOW - 5_000], ['b', NOW - 9_000], ['gone', NOW - 8_000]]);
    expect(compareVersions(source, table, NOW)).toEqual({ documents: 3, rows: 3, missing: ['c'], extra: ['gone'], stale: ['b'], maxStalenessMs: 2_000 });
  });

  it('does not count a row newer than its document (read between two changes) as stale', () => {
    expect(compareVersions(new Map([['a', NOW - 1_000]]), new Map([['a', NOW - 500]]), NOW).stale).toEqual([]);
  });

  it('describes the counts with the first ids', () => {
    const comparison = compareVersions(new Map([['a', 1], ['b', 1], ['c', 1], ['d', 1]]), new Map(), NOW);
    expect(describeComparison(comparison)).toBe('4 documents, 0 rows: 4 missing (a, b, c, …), 0 extra, 0 stale');
  });
});

import { parseSince, percentile } from '../../../migration/baseline';

describe('baseline helpers', () => {
  it('computes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
  });

  it('reads --since as a duration or an ISO time and names the flag otherwise', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-02-22T00:00:00.000Z');
    expect(parseSince('2026-02-01T00:00:00Z', now).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(() => parseSince('last week', now)).toThrow('--since must be a duration such as 7d, 12h, 30m or an ISO 8601 time such as 2026-01-31T00:00:00Z (got "last week")');
  });
});

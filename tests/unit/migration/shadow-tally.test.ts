import { DEFAULT_TOLERANCES } from '../../../migration/compare';
import { createTally, type DiscrepancySink } from '../../../migration/shadow-tally';

function recordingSink(): { sink: DiscrepancySink; recorded: unknown[][] } {
  const recorded: unknown[][] = [];
  return { sink: { record: async (...entry) => void recorded.push(entry) }, recorded };
}

describe('createTally', () => {
  it('counts matching rows, rows with differences and rows missing on each side', async () => {
    const { sink } = recordingSink();
    const tally = createTally(['status', 'total'], DEFAULT_TOLERANCES, sink);
    await tally.compare('k1', { status: 'paid', total: 10 }, { status: 'paid', total: 10.05 });
    await tally.compare('k2', { status: 'paid', total: 10 }, { status: 'refunded', total: 20 });
    await tally.missing('k3', 'missing_on_stream');
    await tally.missing('k4', 'missing_on_trigger');
    expect(tally.counts()).toEqual({ rowsExamined: 4, rowsMatching: 1, rowsWithDifferences: 1, missingOnStream: 1, missingOnTrigger: 1 });
  });

  it('hands every discrepancy to the sink: one per differing field, one per missing row', async () => {
    const { sink, recorded } = recordingSink();
    const tally = createTally(['status', 'total'], DEFAULT_TOLERANCES, sink);
    await tally.compare('k2', { status: 'paid', total: 10 }, { status: 'refunded', total: 20 });
    await tally.missing('k3', 'missing_on_stream');
    expect(recorded).toEqual([
      ['k2', 'value', 'status', 'paid', 'refunded'],
      ['k2', 'value', 'total', 10, 20],
      ['k3', 'missing_on_stream', null, null, null],
    ]);
  });

  it('groups array elements into one field and lists the most differing fields first, then by name', async () => {
    const tally = createTally(['doc', 'status'], DEFAULT_TOLERANCES, recordingSink().sink);
    await tally.compare('k1', { doc: { items: [{ sku: 'A' }, { sku: 'B' }] }, status: 'a' }, { doc: { items: [{ sku: 'X' }, { sku: 'Y' }] }, status: 'b' });
    await tally.compare('k2', { doc: { items: [1] }, status: 'a' }, { doc: { items: ['1'] }, status: 'a' });
    expect(tally.fields()).toEqual([
      { field: 'doc.items[].sku', count: 2, kinds: { value: 2 } },
      { field: 'doc.items[]', count: 1, kinds: { type: 1 } },
      { field: 'status', count: 1, kinds: { value: 1 } },
    ]);
  });
});

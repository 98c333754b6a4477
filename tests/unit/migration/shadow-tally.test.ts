import { DEFAULT_TOLERANCES } from '../../../migration/compare';
import { createTally, type DiscrepancySink, type RowDiscrepancy } from '../../../migration/shadow-tally';

function recordingSink(): { sink: DiscrepancySink; recorded: RowDiscrepancy[] } {
  const recorded: RowDiscrepancy[] = [];
  return { sink: { record: async (discrepancy) => void recorded.push(discrepancy) }, recorded };
}

describe('createTally', () => {
  it('counts matching rows, rows with differences and rows missing on each side', async () => {
    const { sink } = recordingSink();
    const tally = createTally(['status', 'total'], DEFAULT_TOLERANCES, sink);
    await tally.compare('k1', { status: 'paid', total: 10 }, { status: 'paid', total: 10.05 });
    await tally.compare('k2', { status: 'paid', total: 10 }, { status: 'refunded', total: 20 });
    await tally.missing('k3', 'missing_on_stream', { status: 'paid' });
    await tally.missing('k4', 'missing_on_trigger', { status: 'paid' });
    expect(tally.counts()).toEqual({ rowsExamined: 4, rowsMatching: 1, rowsWithDifferences: 1, missingOnStream: 1, missingOnTrigger: 1 });
  });

  it('hands every discrepancy to the sink with the rows it was found in: one per differing row with its fields, one per missing row', async () => {
    const { sink, recorded } = recordingSink();
    const tally = createTally(['status', 'total'], DEFAULT_TOLERANCES, sink);
    await tally.compare('k1', { status: 'paid', total: 10 }, { status: 'paid', total: 10 });
    await tally.compare('k2', { status: 'paid', total: 10 }, { status: 'refunded', total: 20 });
    await tally.missing('k3', 'missing_on_stream', { status: 'new' });
    await tally.missing('k4', 'missing_on_trigger', { status: 'paid' });
    expect(recorded).toEqual([
      {
        key: 'k2',
        kind: 'differences',
        triggerRow: { status: 'paid', total: 10 },
        streamRow: { status: 'refunded', total: 20 },
        differences: [
          { field: 'status', kind: 'value', trigger: 'paid', stream: 'refunded' },
          { field: 'total', kind: 'value', trigger: 10, stream: 20 },
        ],
      },
      { key: 'k3', kind: 'missing_on_stream', triggerRow: { status: 'new' }, differences: [] },
      { key: 'k4', kind: 'missing_on_trigger', streamRow: { status: 'paid' }, differences: [] },
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

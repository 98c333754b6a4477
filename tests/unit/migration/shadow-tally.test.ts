import { DEFAULT_TOLERANCES } from '../../../migration/compare';
import { createTally, FIELD_STATS_LIMIT, OTHER_FIELDS, type DiscrepancySink, type RowDiscrepancy } from '../../../migration/shadow-tally';

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

  it('counts each side\'s missing rows apart (one missing on the stream, two on the trigger)', async () => {
    const tally = createTally(['status'], DEFAULT_TOLERANCES, recordingSink().sink);
    await tally.missing('k1', 'missing_on_stream', { status: 'paid' });
    await tally.missing('k2', 'missing_on_trigger', { status: 'paid' });
    await tally.missing('k3', 'missing_on_trigger', { status: 'new' });
    expect(tally.counts()).toMatchObject({ rowsExamined: 3, missingOnStream: 1, missingOnTrigger: 2 });
  });

  it('keeps FIELD_STATS_LIMIT field patterns and no more: a new pattern beyond them counts as (other fields), a known one as itself', async () => {
    const tally = createTally(['doc'], DEFAULT_TOLERANCES, recordingSink().sink);
    // One row whose document differs in exactly the limit's number of fields, then a new field and a known one.
    const fields = Array.from({ length: FIELD_STATS_LIMIT }, (_, index) => `f${index}`);
    await tally.compare('k1', { doc: Object.fromEntries(fields.map((field) => [field, 1])) }, { doc: Object.fromEntries(fields.map((field) => [field, 2])) });
    await tally.compare('k2', { doc: { late: 1, f7: 1 } }, { doc: { late: 2, f7: 2 } });
    const counted = new Map(tally.fields().map((entry) => [entry.field, entry.count]));
    expect(counted.size).toBe(FIELD_STATS_LIMIT + 1);
    expect(counted.get(OTHER_FIELDS)).toBe(1);
    expect(counted.has('doc.late')).toBe(false);
    expect(counted.get('doc.f7')).toBe(2);
  });
});

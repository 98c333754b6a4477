import { BsonDate, relaxedJson, strictJson, type BsonDocument } from '../../../connectors/contracts/bson';
import { customerId, orderDocument, orderId } from '../../../local/sample-data';
import { DEFAULT_TOLERANCES } from '../../../migration/compare';
import { createSourceCheck, resolveSourceCheckOptions, sourceCheckProblems, sourceId, type SourceLookup } from '../../../migration/shadow-source';
import type { RowDiscrepancy } from '../../../migration/shadow-tally';
import { sourceDocument, type SourceVerdict } from '../../../migration/source-verdict';

const STARTED_AT = new Date('2026-01-05T12:00:00Z');

describe('sourceId', () => {
  it('reads the key the sink writes (Debezium\'s relaxed extended JSON of the _id) back into the _id', () => {
    expect((sourceId(relaxedJson(orderId(7))) as { toHexString(): string }).toHexString()).toBe(orderId(7).hex);
    expect(sourceId('"order-7"')).toBe('order-7');
    expect(sourceId('{"$date": "2026-01-05T12:00:00Z"}')).toEqual(STARTED_AT);
  });

  it('finds no _id in a key that is not extended JSON', () => {
    expect(sourceId('k01')).toBeUndefined();
  });
});

describe('source check options', () => {
  it('resolves its defaults in one place and reports every problem at once', () => {
    const resolved = resolveSourceCheckOptions({ url: 'mongodb://source', database: 'app_db', collection: 'orders' });
    expect(resolved).toEqual({ url: 'mongodb://source', database: 'app_db', collection: 'orders', excludeFields: [], versionField: 'updated_at', lookupBatchSize: 500 });
    expect(sourceCheckProblems(resolved)).toEqual([]);
    expect(sourceCheckProblems({ ...resolved, lookupBatchSize: 0, collection: '', versionField: '' })).toEqual([
      'source lookup batch size must be a whole number ≥ 1 (got 0)',
      'source: name its database and collection (got "app_db.")',
      'source version field must not be empty',
    ]);
  });
});

describe('createSourceCheck', () => {
  const orders = [1, 2, 3, 4, 5].map((index) => orderDocument(index, customerId(index), new Date('2026-01-05T09:00:00Z')));
  const keyOf = (document: BsonDocument) => relaxedJson(document._id!);
  const row = (document: BsonDocument) => ({ id: keyOf(document), doc: JSON.parse(strictJson(document)) as unknown });
  const shipped = (document: BsonDocument): BsonDocument => ({ ...document, status: 'shipped', updated_at: BsonDate.of(new Date('2026-01-05T10:00:00Z')) });

  /** The collection as a map: orders 1–4 are there (order 2 shipped), order 5 was deleted. */
  function collection(): { lookup: SourceLookup; asked: string[][] } {
    const held = new Map([orders[0]!, shipped(orders[1]!), orders[2]!, orders[3]!].map((document) => [keyOf(document), sourceDocument(document)]));
    const asked: string[][] = [];
    const lookup: SourceLookup = async (keys) => {
      asked.push([...keys]);
      return new Map(keys.filter((key) => sourceId(key) !== undefined).map((key) => [key, held.get(key) ?? null]));
    };
    return { lookup, asked };
  }

  it('looks the discrepancies up in batches, each key once, and hands each to the writer with its verdict', async () => {
    const { lookup, asked } = collection();
    const written: Array<[string, string, SourceVerdict | undefined]> = [];
    const check = createSourceCheck(lookup, { startedAt: STARTED_AT, versionField: 'updated_at', tolerances: DEFAULT_TOLERANCES, lookupBatchSize: 3 }, {
      record: async (discrepancy, verdict) => void written.push([discrepancy.key, discrepancy.kind, verdict]),
    });
    const [one, two, three, four, five] = orders as unknown as [BsonDocument, BsonDocument, BsonDocument, BsonDocument, BsonDocument];
    const discrepancies: RowDiscrepancy[] = [
      { key: keyOf(one), kind: 'missing_on_stream', triggerRow: row(one), differences: [] },
      { key: keyOf(two), kind: 'differences', triggerRow: row(shipped(two)), streamRow: row(two), differences: [] },
      { key: keyOf(two), kind: 'differences', triggerRow: row(shipped(two)), streamRow: row(two), differences: [] },
      { key: keyOf(three), kind: 'missing_on_trigger', streamRow: row(shipped(three)), differences: [] },
      { key: keyOf(five), kind: 'missing_on_stream', triggerRow: row(five), differences: [] },
      { key: 'k-not-an-id', kind: 'missing_on_trigger', streamRow: row(four), differences: [] },
    ];
    for (const discrepancy of discrepancies.slice(0, 4)) await check.sink.record(discrepancy);
    expect(asked).toEqual([[keyOf(one), keyOf(two)]]);
    expect(written).toHaveLength(3);
    for (const discrepancy of discrepancies.slice(4)) await check.sink.record(discrepancy);
    await check.flush();
    expect(asked).toEqual([[keyOf(one), keyOf(two)], [keyOf(three), keyOf(five), 'k-not-an-id']]);
    expect(written).toEqual([
      [keyOf(one), 'missing_on_stream', 'stream-side wrong'],
      [keyOf(two), 'differences', 'stream-side wrong'],
      [keyOf(two), 'differences', 'stream-side wrong'],
      [keyOf(three), 'missing_on_trigger', 'both wrong'],
      [keyOf(five), 'missing_on_stream', 'trigger-side wrong'],
      ['k-not-an-id', 'missing_on_trigger', 'undecided'],
    ]);
    expect(check.counts()).toEqual({ 'trigger-side wrong': 1, 'stream-side wrong': 3, 'both wrong': 1, 'source changed since': 0, undecided: 1 });
  });

  it('asks nothing when there was no discrepancy', async () => {
    const { lookup, asked } = collection();
    const check = createSourceCheck(lookup, { startedAt: STARTED_AT, versionField: 'updated_at', tolerances: DEFAULT_TOLERANCES, lookupBatchSize: 3 }, { record: async () => undefined });
    await check.flush();
    expect(asked).toEqual([]);
    expect(Object.values(check.counts())).toEqual([0, 0, 0, 0, 0]);
  });
});

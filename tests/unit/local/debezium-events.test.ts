import { changeEventRecords, Double, toExtendedJson } from '../../../local/debezium-events';
import { expectedFinalState, sampleChanges } from '../../../local/sample-data';

const context = { topicPrefix: 'cdc', database: 'app_db', collection: 'orders', timestampMs: 1_767_600_000_000 };
const doc = { _id: 'o-1', status: 'new', quantity: 2, unit_price: new Double(3), created_at: new Date('2026-01-05T09:00:00Z'), address: { city: 'Oslo' } };

describe('Debezium MongoDB event replay format', () => {
  it('writes doubles with a decimal point and dates as relaxed extended JSON', () => {
    expect(toExtendedJson(doc)).toBe('{"_id": "o-1", "status": "new", "quantity": 2, "unit_price": 3.0, "created_at": {"$date": "2026-01-05T09:00:00.000Z"}, "address": {"city": "Oslo"}}');
  });

  it('keys by the _id as extended JSON, in a struct named after the topic', () => {
    const [record] = changeEventRecords(context, { kind: 'insert', document: doc });
    expect(record?.topic).toBe('cdc.app_db.orders');
    expect(JSON.parse(record!.key)).toEqual({
      schema: { type: 'struct', name: 'cdc.app_db.orders.Key', optional: false, fields: [{ type: 'string', optional: false, field: 'id' }] },
      payload: { id: '"o-1"' },
    });
  });

  it.each([
    ['insert', 'c'],
    ['snapshot', 'r'],
    ['replace', 'u'],
  ] as const)('%s is op %s with the document as the after string', (kind, op) => {
    const [record] = changeEventRecords(context, { kind, document: doc });
    const value = JSON.parse(record!.value!);
    expect(value.payload).toMatchObject({ op, before: null, after: toExtendedJson(doc), updateDescription: null, ts_ms: context.timestampMs });
    expect(value.payload.source).toMatchObject({ connector: 'mongodb', name: 'cdc', db: 'app_db', collection: 'orders', snapshot: kind === 'snapshot' ? 'true' : 'false' });
    expect(value.schema.name).toBe('cdc.app_db.orders.Envelope');
    expect(value.schema.fields.map((field: { field: string }) => field.field)).toEqual(['before', 'after', 'updateDescription', 'source', 'op', 'ts_ms', 'transaction']);
  });

  it('an update carries the full document and the update description', () => {
    const [record] = changeEventRecords(context, { kind: 'update', document: { ...doc, status: 'paid' }, updatedFields: { status: 'paid' } });
    const payload = JSON.parse(record!.value!).payload;
    expect(payload.op).toBe('u');
    expect(payload.updateDescription).toEqual({ removedFields: null, updatedFields: '{"status": "paid"}', truncatedArrays: null });
  });

  it('a delete is an event without after, followed by a tombstone', () => {
    const records = changeEventRecords(context, { kind: 'delete', id: 'o-1' });
    expect(records).toHaveLength(2);
    expect(JSON.parse(records[0]!.value!).payload).toMatchObject({ op: 'd', before: null, after: null });
    expect(records[1]).toEqual({ topic: 'cdc.app_db.orders', key: records[0]!.key, value: null });
  });
});

describe('sample data', () => {
  it('is deterministic', () => {
    expect(JSON.stringify(sampleChanges())).toBe(JSON.stringify(sampleChanges()));
  });

  it('ends with every created document except the deleted ones', () => {
    const changes = sampleChanges({ customers: 5, orders: 30 });
    const state = expectedFinalState(changes);
    expect(state.get('customers')?.size).toBe(5);
    expect(state.get('orders')?.size).toBe(30 - 1);
    expect(state.get('customers')?.get('c-0002')?.tier).toBe('platinum');
  });
});

import { BSON } from 'mongodb';
import { canonicalJson, Int64, type BsonValue } from '../../../connectors/contracts/bson';
import { changeEventRecords, type MongoDocument } from '../../../local/debezium-events';
import { customerId, orderDocument, orderId } from '../../../local/sample-data';
import { startTriggerEmulator, triggerRow, triggerWriteParameters, triggerWriteSql } from '../../../local/trigger-emulator';

/**
 * The trigger EMULATOR's pure part: a change event as the MongoDB driver delivers it (promoteValues
 * false) → the row the emulated trigger function writes, which must be the row the JDBC sink writes
 * for the same change (the Debezium replay's key id and `after`), so that the version guard orders them.
 */
const toDriver = (value: BsonValue): BSON.Document => BSON.EJSON.parse(canonicalJson(value), { relaxed: false }) as BSON.Document;
const order = orderDocument(7, customerId(3), new Date('2026-01-05T09:00:00Z'));
const clusterTime = new BSON.Timestamp({ t: 1_767_603_600, i: 4 });
const PROCESSED_AT = 1_767_603_602_250;

function debeziumColumns(document: MongoDocument, kind: 'insert' | 'replace') {
  const [record] = changeEventRecords({ topicPrefix: 't', database: 'app_db', collection: 'orders', timestampMs: 1_767_603_600_000, ordinal: 4 }, { kind, document });
  const value = JSON.parse(record!.value!).payload;
  return { id: JSON.parse(record!.key).payload.id, docText: value.after, op: value.op, sourceTsMs: value.source.ts_ms, sourceOrd: value.source.ord };
}

describe('triggerRow: what the emulated trigger function writes for a change event', () => {
  it('an insert writes the id and doc_text the sink writes for it (relaxed key, strict document), version = clusterTime t*1000 and ordinal i', () => {
    const row = triggerRow({ operationType: 'insert', clusterTime, fullDocument: toDriver(order), documentKey: { _id: toDriver(order)._id } }, PROCESSED_AT);
    expect(row).toEqual({ ...debeziumColumns(order, 'insert'), eventTsMs: PROCESSED_AT });
    expect(row?.id).toBe(`{"$oid": "${orderId(7).hex}"}`);
  });

  it('an update and a replace write the looked-up full document as op u, keyed by its _id (not the unreliable documentKey)', () => {
    for (const operationType of ['update', 'replace']) {
      const row = triggerRow({ operationType, clusterTime, fullDocument: toDriver(order), documentKey: { _id: 'not-the-key' } }, PROCESSED_AT);
      expect(row).toEqual({ ...debeziumColumns(order, 'replace'), eventTsMs: PROCESSED_AT });
    }
  });

  it('a delete writes op d with no document, keyed by documentKey._id in relaxed JSON (a string key keeps its quotes)', () => {
    expect(triggerRow({ operationType: 'delete', clusterTime, documentKey: { _id: 'o-1' } }, PROCESSED_AT)).toEqual({
      id: '"o-1"', docText: null, op: 'd', sourceTsMs: 1_767_603_600_000, sourceOrd: 4, eventTsMs: PROCESSED_AT,
    });
  });

  it('keeps the BSON types of the driver event: Int64, Decimal128 and an Int32 apart from a double', () => {
    const document = { _id: 42, big: new Int64(9_007_199_254_740_993n), total: order.total!, whole: 3 } as MongoDocument;
    const row = triggerRow({ operationType: 'insert', clusterTime, fullDocument: toDriver(document) }, PROCESSED_AT);
    expect(row?.docText).toBe('{"_id": 42,"big": {"$numberLong": "9007199254740993"},"total": {"$numberDecimal": "' + (order.total as { text: string }).text + '"},"whole": 3}');
    expect(row?.id).toBe('42');
  });

  it('writes nothing for an update whose document is gone (null, or on the stand-in its $set fields without _id), nor for events that are not document changes', () => {
    expect(triggerRow({ operationType: 'update', clusterTime, fullDocument: null, documentKey: { _id: 'o-1' } }, PROCESSED_AT)).toBeUndefined();
    expect(triggerRow({ operationType: 'update', clusterTime, fullDocument: { status: 'paid' }, documentKey: { $set: { status: 'paid' } } as never }, PROCESSED_AT)).toBeUndefined();
    expect(triggerRow({ operationType: 'drop', clusterTime }, PROCESSED_AT)).toBeUndefined();
  });

  it('refuses a change without a clusterTime: it would have no version', () => {
    expect(() => triggerRow({ operationType: 'insert', fullDocument: toDriver(order) }, PROCESSED_AT)).toThrow('without a clusterTime');
  });
});

describe('the emulated trigger writes what the sink writes', () => {
  it('upserts the six sink columns into the qualified table, leaving the guard to the table trigger', () => {
    expect(triggerWriteSql({ schema: 'rehearsal', table: 'orders' })).toBe(
      'INSERT INTO rehearsal.orders (id, doc_text, __op, __source_ts_ms, __source_ord, __event_ts_ms) VALUES ($1, $2, $3, $4, $5, $6) ' +
        'ON CONFLICT (id) DO UPDATE SET doc_text = EXCLUDED.doc_text, __op = EXCLUDED.__op, __source_ts_ms = EXCLUDED.__source_ts_ms, ' +
        '__source_ord = EXCLUDED.__source_ord, __event_ts_ms = EXCLUDED.__event_ts_ms',
    );
    expect(triggerWriteParameters({ id: '"o-1"', docText: null, op: 'd', sourceTsMs: 1000, sourceOrd: 2, eventTsMs: 3000 })).toEqual(['"o-1"', null, 'd', 1000, 2, 3000]);
  });

  it('refuses a table name that is not a plain identifier', () => {
    expect(() => triggerWriteSql({ schema: 'public', table: 'orders; drop table x' })).toThrow('not a plain lower-case SQL identifier');
  });

  it('refuses a negative delay and a failure rate outside 0..1, naming both, before connecting', async () => {
    const options = { mongodbUrl: 'mongodb://127.0.0.1:1', database: 'app_db', collection: 'orders', warehouseUrl: 'postgres://127.0.0.1:1/x', table: { schema: 'public', table: 'orders' } };
    await expect(startTriggerEmulator({ ...options, delayMs: -1, failureRate: 1.5 })).rejects.toThrow(
      'trigger emulator of app_db.orders: delayMs must be 0 or more (got -1); failureRate must be from 0 to 1 (got 1.5)',
    );
  });
});

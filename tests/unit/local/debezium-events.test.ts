import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Binary, BsonDate, Decimal128, Double, Int64, MaxKey, MinKey, ObjectId, Regex, strictJson, Timestamp } from '../../../connectors/contracts/bson';
import { changeEventRecords } from '../../../local/debezium-events';
import { customerId, deletedIds, expectedFinalState, orderId, sampleChanges } from '../../../local/sample-data';

/**
 * The replay writes what the real Debezium MongoDB source 3.5.0.Final writes. The golden values
 * below are what that source wrote for the same documents on the stand-in (issue 12's research:
 * output/types-run2.txt); the schemas are the ones it wrote (tests/fixtures/documents/debezium-envelope.json).
 */
const captured = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/documents/debezium-envelope.json'), 'utf8'));
const context = { topicPrefix: 'r12u', database: 'r12db', collection: 'types2', timestampMs: 1_796_015_779_000, ordinal: 22, eventTsMs: 1_796_015_779_166 };

describe('the Debezium event replay writes what the real source writes', () => {
  it("renders every BSON type as the source's after (bson JsonMode.STRICT with Debezium's spacing)", () => {
    const document = {
      _id: 'types-1',
      s: 'héllo "q" ☃ 😀',
      i32: 42,
      i64_small: new Int64(42n),
      i64_big: new Int64(9007199254740993n),
      d1: new Double(1),
      dfrac: new Double(0.1),
      dbig: new Double(1e20),
      dneg0: new Double(-0),
      dec: new Decimal128('19.99'),
      dec_exp: new Decimal128('1E+3'),
      dec_big: new Decimal128('1234567890123456789012345678901234'),
      date: new BsonDate(1767603600123),
      date_pre1970: new BsonDate(-86400000),
      ts: new Timestamp(1767600000, 7),
      bin: new Binary('AQID/w==', 0),
      uuid: Binary.uuid('123e4567-e89b-12d3-a456-426614174000'),
      nul: null,
      b: true,
      re: new Regex('^a.*', 'i'),
      mink: new MinKey(),
      maxk: new MaxKey(),
    };
    expect(strictJson(document)).toBe(
      '{"_id": "types-1","s": "héllo \\"q\\" ☃ \\ud83d\\ude00","i32": 42,"i64_small": {"$numberLong": "42"},"i64_big": {"$numberLong": "9007199254740993"},"d1": 1.0,"dfrac": 0.1,"dbig": 1.0E20,"dneg0": -0.0,"dec": {"$numberDecimal": "19.99"},"dec_exp": {"$numberDecimal": "1E+3"},"dec_big": {"$numberDecimal": "1234567890123456789012345678901234"},"date": {"$date": 1767603600123},"date_pre1970": {"$date": -86400000},"ts": {"$timestamp": {"t": 1767600000,"i": 7}},"bin": {"$binary": "AQID/w==","$type": "00"},"uuid": {"$binary": "Ej5FZ+ibEtOkVkJmFBdAAA==","$type": "04"},"nul": null,"b": true,"re": {"$regex": "^a.*","$options": "i"},"mink": {"$minKey": 1},"maxk": {"$maxKey": 1}}',
    );
  });

  it('renders arrays, nesting and unicode keys as the source does', () => {
    const document = { _id: 'arrays-1', aos: [{ a: 1 }, { a: 2, b: [1, 2] }], aoa: [[1, 2], [3, [4, 5]], []], empty: [], mixed: [1, 'x', null, { k: 1 }, [2], new Double(1.5), new Decimal128('1.1')], deep: { l1: { l2: { l3: { v: 'x' } } } }, ключ: 'значение', 日本: '語', 'a.b': 1, 'sp ace': 2 };
    expect(strictJson(document)).toBe(
      '{"_id": "arrays-1","aos": [{"a": 1},{"a": 2,"b": [1,2]}],"aoa": [[1,2],[3,[4,5]],[]],"empty": [],"mixed": [1,"x",null,{"k": 1},[2],1.5,{"$numberDecimal": "1.1"}],"deep": {"l1": {"l2": {"l3": {"v": "x"}}}},"ключ": "значение","日本": "語","a.b": 1,"sp ace": 2}',
    );
    expect(strictJson({ _id: 'nan-1', d: new Double(NaN), e: new Double(-Infinity) })).toBe('{"_id": "nan-1","d": NaN,"e": -Infinity}');
    expect(strictJson({ _id: 'nul-1', s: 'a\u0000b' })).toBe('{"_id": "nul-1","s": "a\\u0000b"}');
  });

  it.each([
    ['"types-1"', 'types-1'],
    ['42', 42],
    ['9007199254740993', new Int64(9007199254740993n)],
    ['1.5', new Double(1.5)],
    ['{"$numberDecimal": "7.50"}', new Decimal128('7.50')],
    ['{"$date": "2026-01-05T09:00:00Z"}', new BsonDate(Date.parse('2026-01-05T09:00:00Z'))],
    ['{"$oid": "65f1a2b3c4d5e6f708192a3b"}', new ObjectId('65f1a2b3c4d5e6f708192a3b')],
  ] as const)('keys by the _id as bson RELAXED JSON: %s', (id, value) => {
    const [record] = changeEventRecords(context, { kind: 'insert', document: { _id: value } });
    expect(JSON.parse(record!.key).payload).toEqual({ id });
  });

  it('writes the key and value schemas the source writes, byte for byte', () => {
    const [record] = changeEventRecords(context, { kind: 'insert', document: { _id: 'x' } });
    expect(JSON.stringify(JSON.parse(record!.key).schema)).toBe(JSON.stringify(captured.key));
    expect(JSON.stringify(JSON.parse(record!.value!).schema)).toBe(JSON.stringify(captured.value));
  });

  it.each([
    ['insert', 'c'],
    ['snapshot', 'r'],
    ['replace', 'u'],
  ] as const)('%s is op %s with the document as the after string, source time and ordinal in source', (kind, op) => {
    const [record] = changeEventRecords(context, { kind, document: { _id: 'x', n: 1 } });
    const payload = JSON.parse(record!.value!).payload;
    expect(payload).toMatchObject({ op, before: null, after: '{"_id": "x","n": 1}', updateDescription: null, ts_ms: context.eventTsMs });
    expect(payload.source).toMatchObject({ connector: 'mongodb', name: 'r12u', db: 'r12db', collection: 'types2', ts_ms: context.timestampMs, ord: 22, snapshot: kind === 'snapshot' ? 'true' : 'false' });
    expect(Object.keys(payload.source)).toEqual(Object.keys(captured.source));
  });

  it.each(['first', 'true', 'last'] as const)('a snapshot read marked %s carries the marker in source.snapshot, a value the source schema allows', (marker) => {
    const [record] = changeEventRecords(context, { kind: 'snapshot', document: { _id: 'x' }, marker });
    const { payload, schema } = JSON.parse(record!.value!);
    expect(payload).toMatchObject({ op: 'r', source: { snapshot: marker, wallTime: null } });
    const snapshotField = schema.fields.find((field: { field: string }) => field.field === 'source').fields.find((field: { field: string }) => field.field === 'snapshot');
    expect(snapshotField.parameters.allowed.split(',')).toContain(marker);
  });

  it('a delete is an event without after, followed by a tombstone of the same key', () => {
    const records = changeEventRecords(context, { kind: 'delete', id: new ObjectId('65f1a2b3c4d5e6f708192a3b') });
    expect(records).toHaveLength(2);
    expect(JSON.parse(records[0]!.value!).payload).toMatchObject({ op: 'd', before: null, after: null });
    expect(records[1]).toEqual({ topic: 'r12u.r12db.types2', key: records[0]!.key, value: null });
  });
});

describe('the sample day looks like production data', () => {
  const changes = sampleChanges();

  it('is deterministic', () => {
    const text = (value: unknown) => JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? String(item) : item));
    expect(text(sampleChanges())).toBe(text(changes));
  });

  it('has orders of 1–4 KiB with line items, ObjectId keys and Decimal128 money', () => {
    const orders = changes.filter((change) => change.collection === 'orders' && change.operation.kind === 'insert').map((change) => (change.operation as { document: Record<string, unknown> }).document);
    for (const order of orders) {
      expect(order._id).toBeInstanceOf(ObjectId);
      expect(order.customer_id).toBeInstanceOf(ObjectId);
      expect(order.total).toBeInstanceOf(Decimal128);
      expect((order.items as unknown[]).length).toBeGreaterThan(0);
      const size = strictJson(order as never).length;
      expect(size).toBeGreaterThan(700);
      expect(size).toBeLessThan(4096);
    }
  });

  it('has customers with a nested address and optional fields', () => {
    const customers = changes.filter((change) => change.collection === 'customers' && change.operation.kind === 'insert').map((change) => (change.operation as { document: Record<string, unknown> }).document);
    expect(customers.every((customer) => typeof (customer.address as { city?: unknown }).city === 'string')).toBe(true);
    expect(customers.some((customer) => !('email' in customer))).toBe(true);
    expect(customers.some((customer) => customer.loyalty !== undefined && (customer.loyalty as { points: unknown }).points instanceof Int64)).toBe(true);
  });

  it('ends with every created document except the deleted ones, keyed by their _id text', () => {
    const small = sampleChanges({ customers: 5, orders: 30 });
    const state = expectedFinalState(small);
    expect(state.get('customers')?.size).toBe(5);
    expect(state.get('orders')?.size).toBe(30 - 1);
    expect(state.get('customers')?.get(customerId(2).hex)?.tier).toBe('platinum');
    expect(deletedIds(small, 'orders')).toEqual([orderId(10).hex]);
  });
});

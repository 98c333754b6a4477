import { compareRows, fieldPattern, numbersEqual } from '../../../migration/compare';

const tolerances = { timestampMs: 1000, numericRelative: 0.01 };
const compare = (trigger: Record<string, unknown>, stream: Record<string, unknown>) => compareRows(trigger, stream, [...new Set([...Object.keys(trigger), ...Object.keys(stream)])], tolerances);

describe('compareRows', () => {
  it('treats timestamps within ±1 s as equal and beyond as different', () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    expect(compare({ created_at: at }, { created_at: new Date(at.getTime() + 999) })).toEqual([]);
    expect(compare({ created_at: at }, { created_at: new Date(at.getTime() + 1001) })).toMatchObject([{ field: 'created_at', kind: 'value' }]);
  });

  it('treats numbers within ±1 % relative as equal and beyond as different', () => {
    expect(compare({ price: 100 }, { price: 100.99 })).toEqual([]);
    expect(compare({ price: 100 }, { price: 101.2 })).toMatchObject([{ field: 'price', kind: 'value', trigger: 100, stream: 101.2 }]);
    expect(numbersEqual(0, 0, 0.01)).toBe(true);
    expect(numbersEqual(0, 0.0001, 0.01)).toBe(false);
  });

  it('reports a type change, not a value difference', () => {
    expect(compare({ quantity: 5 }, { quantity: '5' })).toMatchObject([{ field: 'quantity', kind: 'type' }]);
    expect(compare({ created_at: new Date(0) }, { created_at: 0 })).toMatchObject([{ field: 'created_at', kind: 'type' }]);
  });

  it('compares nested JSON field by field, whether stored as json or as text', () => {
    const trigger = { details: { address: { city: 'Paris', zip: '75001' }, items: [{ sku: 'A' }, { sku: 'B' }], coupon: 'X' } };
    const stream = { details: JSON.stringify({ address: { city: 'Lyon', zip: '75001' }, items: [{ sku: 'A' }, { sku: 'C' }] }) };
    expect(compare(trigger, stream).map(({ field, kind }) => `${field}:${kind}`)).toEqual(['details.address.city:value', 'details.coupon:missing_field', 'details.items[1].sku:value']);
    expect(fieldPattern('details.items[1].sku')).toBe('details.items[].sku');
  });

  it('reads MongoDB Extended JSON wrappers as the values they wrap, with the same tolerances', () => {
    const trigger = { doc: { shippedAt: { $date: '2026-01-01T00:00:00.000Z' }, total: { $numberDecimal: '10.00' }, _id: { $oid: 'abc' } } };
    const stream = { doc: { shippedAt: '2026-01-01T00:00:00.400Z', total: 10.05, _id: 'abc' } };
    expect(compare(trigger, stream)).toEqual([]);
  });

  it('treats NULL on both sides as equal and NULL against a value as a difference', () => {
    expect(compare({ status: null }, { status: undefined })).toEqual([]);
    expect(compare({ status: null }, { status: 'paid' })).toMatchObject([{ field: 'status', kind: 'value' }]);
    expect(compare({ doc: { a: 1, b: null } }, { doc: { a: 1 } })).toEqual([]);
  });
});

describe('tolerance boundaries', () => {
  it('counts a timestamp exactly the tolerance apart as equal, on either side', () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    expect(compare({ created_at: at }, { created_at: new Date(at.getTime() + 1000) })).toEqual([]);
    expect(compare({ created_at: at }, { created_at: new Date(at.getTime() - 1000) })).toEqual([]);
    expect(compareRows({ created_at: at }, { created_at: new Date(at.getTime() + 1) }, ['created_at'], { timestampMs: 0, numericRelative: 0 })).toHaveLength(1);
  });

  it('measures the numeric tolerance against the larger magnitude, inclusive', () => {
    expect(numbersEqual(99, 100, 0.01)).toBe(true); // 1 ≤ 0.01 × 100: exactly on the boundary
    expect(numbersEqual(-99, -100, 0.01)).toBe(true);
    expect(numbersEqual(100, 101, 0.01)).toBe(true); // 1 ≤ 0.01 × 101
    expect(numbersEqual(100, 101.02, 0.01)).toBe(false); // 1.02 > 0.01 × 101.02
    expect(numbersEqual(100, 100.000001, 0)).toBe(false);
  });

  it('compares ISO text inside JSON with an Extended JSON date by the same tolerance', () => {
    const trigger = { doc: { at: { $date: '2026-01-01T00:00:00.000Z' } } };
    expect(compare(trigger, { doc: { at: '2026-01-01T00:00:01.000Z' } })).toEqual([]);
    expect(compare(trigger, { doc: { at: '2026-01-01T00:00:01.001Z' } })).toMatchObject([{ field: 'doc.at', kind: 'value' }]);
  });

  it('calls a top-level timestamp against a number a type difference, not a tolerance question', () => {
    expect(compare({ created_at: new Date(1000) }, { created_at: 1000 })).toMatchObject([{ field: 'created_at', kind: 'type' }]);
  });
});

describe('values as the pg driver and the two writers give them', () => {
  it('reads every Extended JSON number and date wrapper as its value', () => {
    const trigger = { doc: { n: { $numberLong: '12' }, i: { $numberInt: '3' }, f: { $numberDouble: '1.5' }, at: { $date: { $numberLong: '1767225600000' } }, epoch: { $date: 1767225600000 } } };
    const stream = { doc: { n: 12, i: 3, f: 1.5, at: '2026-01-01T00:00:00.300Z', epoch: '2026-01-01T00:00:00.300Z' } };
    expect(compare(trigger, stream)).toEqual([]);
    expect(compare({ doc: { n: { $numberLong: '12' } } }, { doc: { n: 13 } })).toMatchObject([{ field: 'doc.n', kind: 'value' }]);
  });

  it('keeps an object that only looks like a wrapper an object', () => {
    expect(compare({ doc: { o: { $oid: 'a' } } }, { doc: { o: { $oid: 'b' } } })).toMatchObject([{ field: 'doc.o', kind: 'value' }]);
    expect(compare({ doc: { o: { $oid: 1 } } }, { doc: { o: 1 } })).toMatchObject([{ field: 'doc.o', kind: 'type' }]);
    expect(compare({ doc: { n: { $numberDecimal: 'abc' } } }, { doc: { n: 'abc' } })).toMatchObject([{ field: 'doc.n', kind: 'type' }]);
    expect(compare({ doc: { d: { $date: 'not a date' } } }, { doc: { d: 'not a date' } })).toMatchObject([{ field: 'doc.d', kind: 'type' }]);
    expect(compare({ doc: { w: { $numberInt: '1', extra: 1 } } }, { doc: { w: 1 } })).toMatchObject([{ field: 'doc.w', kind: 'type' }]);
  });

  it('compares ISO timestamps held as text by the tolerance, with a space or an offset', () => {
    expect(compare({ at: '2026-01-01 00:00:00Z' }, { at: '2026-01-01T01:00:00.500+01:00' })).toEqual([]);
    expect(compare({ at: '2026-01-01 00:00:00Z' }, { at: '2026-01-01T00:00:02Z' })).toMatchObject([{ field: 'at', kind: 'value' }]);
  });

  it("compares timestamps as PostgreSQL prints a timestamptz (`+00`, `-05` offsets) by the tolerance, not as text", () => {
    expect(compare({ at: '2026-11-30 13:17:38.179+00' }, { at: '2026-11-30 13:17:38.180+00' })).toEqual([]);
    expect(compare({ at: '2026-11-30 08:17:38.179-05' }, { at: '2026-11-30T13:17:38.9Z' })).toEqual([]);
    expect(compare({ at: '2026-11-30 13:17:38.179+00' }, { at: '2026-11-30 13:17:40.179+00' })).toMatchObject([{ field: 'at', kind: 'value' }]);
  });

  it('compares bytea, bigint and booleans by value and shows them as stored', () => {
    expect(compare({ raw: Buffer.from('ab') }, { raw: Buffer.from('ab') })).toEqual([]);
    expect(compare({ raw: Buffer.from('ab') }, { raw: Buffer.from('ac') })).toEqual([{ field: 'raw', kind: 'value', trigger: '\\x6162', stream: '\\x6163' }]);
    expect(compare({ count: 10n }, { count: 10 })).toEqual([]);
    expect(compare({ count: 10n }, { count: 20 })).toEqual([{ field: 'count', kind: 'value', trigger: '10', stream: 20 }]);
    expect(compare({ paid: true }, { paid: false })).toEqual([{ field: 'paid', kind: 'value', trigger: true, stream: false }]);
    expect(compare({ paid: true }, { paid: 'true' })).toMatchObject([{ field: 'paid', kind: 'type' }]);
  });

  it('shows a timestamp difference in ISO, and an invalid date as the text it reads as', () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    expect(compare({ at }, { at: new Date(at.getTime() + 5000) })).toEqual([{ field: 'at', kind: 'value', trigger: '2026-01-01T00:00:00.000Z', stream: '2026-01-01T00:00:05.000Z' }]);
    expect(compare({ at: new Date('x') }, { at: 'Invalid Date' })).toEqual([]);
    expect(compare({ at: new Date('x') }, { at: at })).toEqual([{ field: 'at', kind: 'type', trigger: 'Invalid Date', stream: '2026-01-01T00:00:00.000Z' }]);
  });

  it('compares text that is not JSON after all as text', () => {
    expect(compare({ note: '{not json' }, { note: '{not json' })).toEqual([]);
    expect(compare({ note: '[not json' }, { note: '[not jsom' })).toMatchObject([{ field: 'note', kind: 'value' }]);
    expect(compare({ doc: '  {"a":1}' }, { doc: { a: 1 } })).toEqual([]);
  });

  it('reports the elements one array has beyond the other as missing, on either side', () => {
    expect(compare({ items: [1, 2, 3] }, { items: [1] })).toEqual([
      { field: 'items[1]', kind: 'missing_field', trigger: 2, stream: undefined },
      { field: 'items[2]', kind: 'missing_field', trigger: 3, stream: undefined },
    ]);
    expect(compare({ items: [] }, { items: ['a'] })).toEqual([{ field: 'items[0]', kind: 'missing_field', trigger: undefined, stream: 'a' }]);
  });

  it('compares past 32 levels of nesting as whole JSON, reporting the difference where it stops descending', () => {
    const nested = (leaf: unknown, depth: number): unknown => (depth === 0 ? leaf : { k: nested(leaf, depth - 1) });
    const listed = (leaf: unknown, depth: number): unknown => (depth === 0 ? leaf : [listed(leaf, depth - 1)]);
    const at32 = `doc${'.k'.repeat(32)}`;
    expect(compare({ doc: nested(1, 40) }, { doc: nested(1, 40) })).toEqual([]);
    expect(compare({ doc: nested(1, 40) }, { doc: nested(2, 40) })).toMatchObject([{ field: at32, kind: 'value' }]);
    expect(compare({ doc: listed(1, 40) }, { doc: listed(1, 40) })).toEqual([]);
    expect(compare({ doc: listed(1, 40) }, { doc: listed(2, 40) })).toMatchObject([{ field: `doc${'[0]'.repeat(32)}`, kind: 'value' }]);
  });

  it('never counts a non-finite number equal to a finite one', () => {
    expect(numbersEqual(Infinity, Infinity, 0.01)).toBe(true);
    expect(numbersEqual(Infinity, 1e308, 0.01)).toBe(false);
    expect(numbersEqual(NaN, NaN, 0.01)).toBe(false);
  });
});

describe('which side lost what', () => {
  it('reports a value the stream side lost (NULL there) as a value difference, as it does the other way round', () => {
    expect(compare({ status: 'paid' }, { status: null })).toEqual([{ field: 'status', kind: 'value', trigger: 'paid', stream: null }]);
  });

  it('calls a timestamptz column against a text column holding the same instant a type difference', () => {
    const at = new Date('2026-11-30T13:17:38.179Z');
    expect(compare({ created_at: at }, { created_at: '2026-11-30T13:17:38.179Z' })).toEqual([{ field: 'created_at', kind: 'type', trigger: '2026-11-30T13:17:38.179Z', stream: '2026-11-30T13:17:38.179Z' }]);
    expect(compare({ created_at: '2026-11-30T13:17:38.179Z' }, { created_at: at })).toMatchObject([{ field: 'created_at', kind: 'type' }]);
  });

  it('compares ISO text against text that is no timestamp as text', () => {
    expect(compare({ shipped: '2026-11-30T13:17:38Z' }, { shipped: 'pending' })).toEqual([{ field: 'shipped', kind: 'value', trigger: '2026-11-30T13:17:38Z', stream: 'pending' }]);
    expect(compare({ shipped: 'pending' }, { shipped: '2026-11-30T13:17:38Z' })).toMatchObject([{ field: 'shipped', kind: 'value' }]);
  });

  it('calls an Extended JSON date against text that is no timestamp, inside JSON, a type difference', () => {
    expect(compare({ doc: { shippedAt: { $date: '2026-11-30T13:17:38Z' } } }, { doc: { shippedAt: 'pending' } })).toMatchObject([{ field: 'doc.shippedAt', kind: 'type' }]);
    expect(compare({ doc: { shippedAt: 'pending' } }, { doc: { shippedAt: { $date: '2026-11-30T13:17:38Z' } } })).toMatchObject([{ field: 'doc.shippedAt', kind: 'type' }]);
  });

  it('compares two Extended JSON dates inside JSON by the tolerance', () => {
    expect(compare({ doc: { at: { $date: '2026-11-30T13:17:38.000Z' } } }, { doc: { at: { $date: { $numberLong: '1796044659000' } } } })).toEqual([]);
    expect(compare({ doc: { at: { $date: '2026-11-30T13:17:38.000Z' } } }, { doc: { at: { $date: { $numberLong: '1796044659001' } } } })).toMatchObject([{ field: 'doc.at', kind: 'value' }]);
  });

  it('compares ISO text against an Extended JSON date inside JSON by the tolerance, whichever side wrote which', () => {
    expect(compare({ doc: { at: '2026-11-30T13:17:39.000Z' } }, { doc: { at: { $date: '2026-11-30T13:17:38.000Z' } } })).toEqual([]);
    expect(compare({ doc: { at: '2026-11-30T13:17:39.001Z' } }, { doc: { at: { $date: '2026-11-30T13:17:38.000Z' } } })).toMatchObject([{ field: 'doc.at', kind: 'value' }]);
  });

  it('compares an array of one ISO timestamp element by element, not as a timestamp', () => {
    expect(compare({ deliveries: ['2026-11-30T13:17:38Z'] }, { deliveries: ['2026-11-30T13:17:38.500Z'] })).toEqual([]);
    expect(compare({ deliveries: ['2026-11-30T13:17:38Z'] }, { deliveries: ['2026-11-30T13:17:40Z'] })).toMatchObject([{ field: 'deliveries[0]', kind: 'value' }]);
  });

  it('reads a $date holding neither a number nor text as an object, not as the date its text would parse to', () => {
    expect(compare({ doc: { shippedAt: { $date: ['2026-11-30T13:17:38Z'] } } }, { doc: { shippedAt: '2026-11-30T13:17:38Z' } })).toMatchObject([{ field: 'doc.shippedAt', kind: 'type' }]);
  });

  it('reads a key present as undefined on one side and absent on the other as the same document', () => {
    expect(compare({ doc: { _id: 'o-1042', coupon: undefined } }, { doc: { _id: 'o-1042' } })).toEqual([]);
    expect(compare({ doc: { _id: 'o-1042' } }, { doc: { _id: 'o-1042', coupon: undefined } })).toEqual([]);
  });

  it('compares an $oid that is not text as an object, key by key', () => {
    expect(compare({ doc: { ref: { $oid: 1 } } }, { doc: { ref: { $oid: 2 } } })).toMatchObject([{ field: 'doc.ref.$oid', kind: 'value' }]);
  });

  it('reads a json array stored as text as the array', () => {
    expect(compare({ items: '[{"sku":"A-100","qty":2}]' }, { items: [{ sku: 'A-100', qty: 2 }] })).toEqual([]);
    expect(compare({ items: '[{"sku":"A-100","qty":2}]' }, { items: [{ sku: 'A-100', qty: 3 }] })).toMatchObject([{ field: 'items[0].qty', kind: 'value' }]);
  });

  it('groups array elements of any index, two digits too', () => {
    expect(fieldPattern('details.items[12].sku')).toBe('details.items[].sku');
  });
});

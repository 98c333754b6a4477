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

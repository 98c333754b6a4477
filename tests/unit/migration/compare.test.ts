import { parseSince, percentile } from '../../../migration/baseline';
import { anyOf, cursorPipelineFor, projectionToExcludedFields, triggerCondition } from '../../../migration/trigger-condition';
import { compareRows, fieldPattern, numbersEqual } from '../../../migration/compare';
import { recommend } from '../../../migration/shadow-validation';

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

describe('recommendation thresholds', () => {
  it.each([
    [100, 'ready'],
    [99.9, 'ready'],
    [99.89, 'minor-issues'],
    [95, 'minor-issues'],
    [94.99, 'major-issues'],
    [null, 'no-data'],
  ] as const)('%s %% → %s', (accuracy, expected) => {
    expect(recommend(accuracy)).toBe(expected);
  });
});

describe('trigger filters as change-stream conditions', () => {
  it('filters operation types only when the trigger did', () => {
    expect(triggerCondition({ operationTypes: ['INSERT', 'UPDATE', 'REPLACE', 'DELETE'] }).value).toBeUndefined();
    expect(triggerCondition({ operationTypes: ['INSERT'] }).value).toEqual({ operationType: { $in: ['insert'] } });
  });

  it('lists server-side JavaScript in match as not carried over', () => {
    const translated = triggerCondition({ operationTypes: ['INSERT'], match: { $where: 'this.a > 1' } });
    expect(translated.value).toEqual({ operationType: { $in: ['insert'] } });
    expect(translated.unexpressed.join()).toMatch(/\$where/);
  });

  it('captures what any trigger of a collection reacted to', () => {
    expect(anyOf([{ a: 1 }, undefined])).toBeUndefined();
    expect(anyOf([{ a: 1 }, { a: 1 }])).toEqual({ a: 1 });
    expect(anyOf([{ a: 1 }, { b: 2 }])).toEqual({ $or: [{ a: 1 }, { b: 2 }] });
  });

  it('lets unfiltered collections of the same source through', () => {
    expect(cursorPipelineFor([{ collection: 'orders' }])).toBeUndefined();
    expect(cursorPipelineFor([{ collection: 'orders' }, { collection: 'payments', condition: { x: 1 } }])).toEqual([
      { $match: { $or: [{ 'ns.coll': { $nin: ['payments'] } }, { $and: [{ 'ns.coll': 'payments' }, { x: 1 }] }] } },
    ]);
  });

  it('maps exclusion projections of top-level fields and lists the rest', () => {
    const translated = projectionToExcludedFields({ 'fullDocument.secret': 0, 'fullDocument.a.b': 0, 'fullDocument.name': 1, operationType: 1, total: { $sum: 1 } });
    expect(translated.value).toEqual(['secret']);
    expect(translated.unexpressed).toHaveLength(4);
  });
});

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

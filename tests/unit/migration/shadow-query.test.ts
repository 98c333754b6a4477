import { batchQuery, byKeysQuery, keyOf, keysOf, qualifiedName, quote, rangeQuery, type KeyedTable } from '../../../migration/shadow-query';

const orders: KeyedTable = { qualified: qualifiedName('shop', 'orders'), columns: ['id', 'status'], keyColumns: ['id'], keyTypes: ['text'] };
const lines: KeyedTable = { qualified: qualifiedName('shop', 'lines'), columns: ['order_id', 'line', 'sku'], keyColumns: ['order_id', 'line'], keyTypes: ['text', 'integer'] };

describe('identifiers', () => {
  it('quotes identifiers, doubling embedded quotes', () => {
    expect(quote('orders')).toBe('"orders"');
    expect(quote('we"ird')).toBe('"we""ird"');
    expect(qualifiedName('public', 'orders')).toBe('"public"."orders"');
  });
});

describe('batchQuery', () => {
  it('reads the first batch of a whole table in key order', () => {
    expect(batchQuery(orders, { limit: 5000 })).toEqual({
      text: 'SELECT "id"::text AS "__key0", "id", "status" FROM "shop"."orders" WHERE true ORDER BY "id" LIMIT $1',
      values: [5000],
    });
  });

  it('continues after the last key, each key value cast back to its column type', () => {
    expect(batchQuery(lines, { limit: 10, after: ['o1', '3'] })).toEqual({
      text: 'SELECT "order_id"::text AS "__key0", "line"::text AS "__key1", "order_id", "line", "sku" FROM "shop"."lines" WHERE true AND ("order_id", "line") > ($1::text, $2::integer) ORDER BY "order_id", "line" LIMIT $3',
      values: ['o1', '3', 10],
    });
  });

  it('narrows by change time, the instant first among the parameters', () => {
    const at = new Date('2026-01-15T00:00:00Z');
    const query = batchQuery(orders, { limit: 2, after: ['k9'], since: { column: 'updated_at', at } });
    expect(query.text).toContain('WHERE "updated_at" >= $1 AND ("id") > ($2::text) ORDER BY "id" LIMIT $3');
    expect(query.values).toEqual([at, 'k9', 2]);
  });

  it('samples repeatably with the percent to six places and a whole seed', () => {
    const query = batchQuery(orders, { limit: 5, sample: { percent: 12.5, seed: 7.9 } });
    expect(query.text).toContain('FROM "shop"."orders" TABLESAMPLE BERNOULLI (12.500000) REPEATABLE (7) WHERE true');
  });
});

describe('rangeQuery', () => {
  it('reads (from, to] when both bounds are given', () => {
    expect(rangeQuery(orders, { from: ['k1'], to: ['k4'], limit: 3 })).toEqual({
      text: 'SELECT "id"::text AS "__key0", "id", "status" FROM "shop"."orders" WHERE ("id") > ($1::text) AND ("id") <= ($2::text) ORDER BY "id" LIMIT $3',
      values: ['k1', 'k4', 3],
    });
  });

  it('leaves a missing bound open', () => {
    expect(rangeQuery(orders, { to: ['k4'], limit: 3 }).text).toContain('WHERE true AND ("id") <= ($1::text)');
    expect(rangeQuery(orders, { from: ['k4'], limit: 3 }).text).toContain('WHERE ("id") > ($1::text) AND true');
    expect(rangeQuery(orders, { limit: 3 })).toMatchObject({ values: [3] });
  });
});

describe('byKeysQuery', () => {
  it('joins one text array per key column, cast to the key types', () => {
    expect(byKeysQuery(lines, [['o1', '1'], ['o2', '7']])).toEqual({
      text:
        'SELECT t."order_id"::text AS "__key0", t."line"::text AS "__key1", t."order_id", t."line", t."sku" FROM "shop"."lines" t ' +
        'JOIN unnest($1::text[], $2::text[]) AS k(c0, c1) ON t."order_id" = k.c0::text AND t."line" = k.c1::integer',
      values: [
        ['o1', 'o2'],
        ['1', '7'],
      ],
    });
  });

  it('flags the rows a since pass has read', () => {
    const at = new Date('2026-01-15T00:00:00Z');
    const query = byKeysQuery(orders, [['k1']], { column: 'updated_at', at });
    expect(query.text).toContain(', (t."updated_at" >= $2) AS "__seen" FROM');
    expect(query.values).toEqual([['k1'], at]);
  });
});

describe('row keys', () => {
  it('reads a one-column key as its text and a composite key as a JSON array', () => {
    expect(keyOf({ __key0: 'k1' }, 1)).toBe('k1');
    expect(keyOf({ __key0: 'o1', __key1: '2' }, 2)).toBe('["o1","2"]');
    expect(keysOf({ __key0: 'o1', __key1: '2' }, 2)).toEqual(['o1', '2']);
  });
});

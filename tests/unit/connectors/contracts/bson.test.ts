import { ACCEPTED_BSON_TYPES, Binary, BsonDate, bsonJsonString, bsonTypeOf, canonicalJson, Decimal128, Double, idText, Int64, javaDouble, MaxKey, MinKey, ObjectId, proposedContractType, Regex, relaxedJson, Timestamp } from '../../../../connectors/contracts/bson';
import { contractProblems, isContractType, postgresType } from '../../../../connectors/contracts/types';

/** Each BSON type: what the source writes, what the stand-in writer sends, how schema infer names it, what column takes it. */
describe('the mapping of each BSON type', () => {
  it.each([
    ['string', 'x', 'string', 'text'],
    ['int32', 42, 'int32', 'integer'],
    ['int64', new Int64(9007199254740993n), 'int64', 'bigint'],
    ['double', new Double(1.5), 'double', 'double'],
    ['decimal128', new Decimal128('19.99'), 'decimal128', 'numeric'],
    ['objectid', new ObjectId('65f1a2b3c4d5e6f708192a3b'), 'objectid', 'objectid'],
    ['date', new BsonDate(0), 'date', 'timestamptz'],
    ['timestamp', new Timestamp(1, 2), 'timestamp', 'jsonb'],
    ['binary', new Binary('AQ==', 0), 'binary', 'jsonb'],
    ['uuid', Binary.uuid('123e4567-e89b-12d3-a456-426614174000'), 'uuid', 'jsonb'],
    ['regex', new Regex('a', 'i'), 'regex', 'jsonb'],
    ['minkey', new MinKey(), 'minkey', 'jsonb'],
    ['maxkey', new MaxKey(), 'maxkey', 'jsonb'],
    ['boolean', true, 'boolean', 'boolean'],
    ['null', null, 'null', 'jsonb'],
    ['array', [1], 'array', 'jsonb'],
    ['document', { a: 1 }, 'document', 'jsonb'],
  ] as const)('%s: typed as %s, proposed as %s, and a column of that type accepts it', (_name, value, type, proposed) => {
    expect(bsonTypeOf(value)).toBe(type);
    expect(proposedContractType(type)).toBe(proposed);
    if (type !== 'null') expect(ACCEPTED_BSON_TYPES[proposed as keyof typeof ACCEPTED_BSON_TYPES]).toContain(type);
  });

  it('an integral JS number beyond Int32 is an Int64 (no precision lost: the source writes it as $numberLong)', () => {
    expect(bsonTypeOf(2 ** 40)).toBe('int64');
    expect(canonicalJson(2 ** 40)).toBe('{"$numberLong":"1099511627776"}');
  });

  it('prints doubles as Java does', () => {
    expect([1, 0.1, 1e20, -0, 1.5e-7, 1e7, 123456.789, NaN, Infinity, -Infinity].map(javaDouble)).toEqual(['1.0', '0.1', '1.0E20', '-0.0', '1.5E-7', '1.0E7', '123456.789', 'NaN', 'Infinity', '-Infinity']);
  });

  it('escapes strings as bson does: controls, format characters, marks and surrogates as \\uXXXX', () => {
    expect(bsonJsonString('a"b\\c\n\u0000\u200b é ☃ 😀')).toBe('"a\\"b\\\\c\\n\\u0000\\u200b é ☃ \\ud83d\\ude00"');
  });

  it('keys: the relaxed form of the source, and the warehouse _id (cdc.id_text) of each', () => {
    expect(relaxedJson(new Int64(5n))).toBe('5');
    expect(relaxedJson(new Double(NaN))).toBe('{"$numberDouble": "NaN"}');
    expect(relaxedJson(new BsonDate(-1))).toBe('{"$date": {"$numberLong": "-1"}}');
    expect(relaxedJson(new Binary('AQ==', 4))).toBe('{"$binary": {"base64": "AQ==","subType": "04"}}');
    expect([idText('o-1'), idText(new ObjectId('65f1a2b3c4d5e6f708192a3b')), idText(42), idText(new Int64(9007199254740993n))]).toEqual(['o-1', '65f1a2b3c4d5e6f708192a3b', '42', '9007199254740993']);
  });
});

describe('contract declarations', () => {
  it('know their types and the PostgreSQL type of each', () => {
    expect(['text', 'numeric(14,2)', 'jsonb'].every(isContractType)).toBe(true);
    expect(['varchar', 'numeric(2,3)', 'numeric(0,0)'].some(isContractType)).toBe(false);
    expect([postgresType('objectid'), postgresType('double'), postgresType('numeric(14,2)')]).toEqual(['text', 'double precision', 'numeric(14,2)']);
  });

  it('report every problem at once, with its place', () => {
    expect(contractProblems('orders', { columns: { Total: { path: 'total', type: 'numeric' }, id: { path: 'x', type: 'text' }, bad: { path: 'a..b', type: 'money' as never } } })).toEqual([
      'contract orders: Total: a column name must match /^[a-z][a-z0-9_]*$/',
      'contract orders: id: is a column every pipeline table has already',
      'contract orders: bad: path must be dot-separated field names (got "a..b")',
      'contract orders: bad: unknown type "money"',
    ]);
  });
});

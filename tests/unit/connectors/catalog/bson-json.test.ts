import { bsonArrayProblem, bsonDocumentProblem, DEBEZIUM_PIPELINE, isBsonDocument, MONGODB_KAFKA_ARRAY, parseBsonDocument } from '../../../../connectors/catalog/bson-json';

/**
 * Each case was run through the plugins' own parser (org.bson.Document.parse from the jars in the
 * plugin directories, bson 4.7.2 and 5.6.2; issue 15 notes, harness/output.txt) unless marked as
 * read from the reader's source.
 */
describe("bson-json: pipelines as BSON's relaxed JSON reader parses them", () => {
  it.each([
    ['strict JSON', '[{ "$match": { "country": "Mexico" } }]'],
    ["MongoDB's quick start: an unquoted key", '[{"$match": {"operationType": "insert"}}, {$addFields : {"fullDocument.travel":"MongoDB Kafka Connector"}}]'],
    ['unquoted keys and single quotes', "[{$match: {operationType: 'insert'}}]"],
    ['a regular-expression literal', '[{"$match":{"ns.coll":{"$regex":/^(visitedlinks|bookmarks|queries|keystrokes)$/}}}]'],
    ['nested arrays', '[{"$match": { "operationType": { "$in": ["insert", "update", "replace", "delete"] }, "ns.coll": { "$in": ["page"] } }}]'],
    ['no stage', '[]'],
    ['no value at all (the plugins read it as no pipeline)', ''],
    ['shell constructors (read from JsonReader.readBsonType)', '[{$match: {_id: ObjectId("5f1d7a3e8f1b2c3d4e5f6a7b"), at: {$gte: ISODate("2024-01-01T00:00:00Z")}, n: NumberLong(5), d: new Date(0), k: MinKey, x: -Infinity}}]'],
    ['missing and trailing commas (read from JsonReader.readBsonType: the comma after a value is optional)', '[{$match: {a: 1 b: 2,},}]'],
  ])('takes %s', (_case, pipeline) => {
    expect(bsonArrayProblem(pipeline, MONGODB_KAFKA_ARRAY)).toBeUndefined();
    expect(bsonArrayProblem(pipeline, DEBEZIUM_PIPELINE)).toBeUndefined();
  });

  it.each([
    ['a truncated pipeline', '[{"$match": {"operationType": "insert"}', 'expected a value but found the end of the input'],
    ['a document instead of an array', '{"$match": {}}', 'not an array'],
    ['stages that are not documents', '[1, 2]', 'element 0 is not a document'],
    ['an unknown word', '[{$match: {a: yes}}]', 'expected a value but found yes at position 14'],
    ['a number followed by letters', '[{"a": 01.5x}]', 'invalid number at position 11'],
    ['a blank value', ' ', 'expected a value but found } at position 1'],
  ])('refuses %s, saying where', (_case, pipeline, reason) => {
    expect(bsonArrayProblem(pipeline, MONGODB_KAFKA_ARRAY)).toBe(reason);
  });

  it('retries with doubled backslashes for the MongoDB Kafka connector only (ConfigHelper.jsonArrayFromString), not for Debezium', () => {
    const pipeline = '[{"$match": {"ns.coll": {"$regex": "^orders\\.2024$"}}}]';
    expect(bsonArrayProblem(pipeline, MONGODB_KAFKA_ARRAY)).toBeUndefined();
    expect(bsonArrayProblem(pipeline, DEBEZIUM_PIPELINE)).toBe('invalid escape sequence \\. at position 43');
  });

  it('refuses a value escaped twice over (pasted from a JSON string), the retry with doubled backslashes included', () => {
    expect(bsonArrayProblem('[{\\"$match\\": {\\"operationType\\": \\"insert\\"}}]', MONGODB_KAFKA_ARRAY)).toBe('invalid JSON input "\\\\" at position 2');
    expect(bsonDocumentProblem('{\\"shop.orders\\": \\"orders\\"}')).toBe('invalid JSON input "\\\\" at position 1');
  });

  it('retries a document with doubled backslashes, as documentFromString does', () => {
    expect(bsonDocumentProblem('{"shop.orders": "^orders\\.2024$"}')).toBeUndefined();
  });

  it('reads one document, ignoring what follows it, as Document.parse does', () => {
    expect(bsonDocumentProblem('{"*": "pms.changes"}')).toBeUndefined();
    expect(bsonDocumentProblem('{"a": 1} trailing')).toBeUndefined();
    expect(bsonDocumentProblem('{"a": ')).toBe('expected a value but found the end of the input');
  });

  it('tells documents from special values, whatever their keys', () => {
    const parsed = parseBsonDocument('{a: {special: "x"}, b: /x/, c: undefined}');
    expect(parsed.ok && isBsonDocument(parsed.value)).toBe(true);
    const value = parsed.ok && isBsonDocument(parsed.value) ? parsed.value : {};
    expect([isBsonDocument(value.a!), isBsonDocument(value.b!), isBsonDocument(value.c!)]).toEqual([true, false, false]);
  });
});

describe('bson-json: the values the reader makes of an order document', () => {
  const order = [
    '{_id: ObjectId("65a1f0c2e4b0a1b2c3d4e5f6"),',
    ` customer: {'name': 'Jos\\u00e9 Mart\\u00EDnez', "note": "ring twice\\nthen wait\\t\\"front door\\" \\\\ \\/ \\b\\f\\r", 'nick': 'Pep\\'s'},`,
    ' "status": "shipped", total: 129.95, qty: -3, weight: 1.5e3, grams: 25E-1, code: 007,',
    ' lines: [{sku: "A-100", qty: 2, tags: ["gift", "fragile"]}, {sku: "B-200", qty: 1, tags: []}],',
    ' flags: [true, false, null, undefined], ratio: NaN, ceiling: Infinity, floor: -Infinity,',
    ' "ns.coll": {$regex: /^orders\\/2024/i}, any: /x/msx,',
    ' placed: ISODate("2024-03-01T10:15:00Z"), n: NumberLong(5), d: new Date(0),',
    ' lo: MinKey, hi: MaxKey(), lo2: new MinKey, hi2: new MaxKey()}',
  ].join('\n');

  it('reads strings with every escape, numbers, words, nested arrays of sub-documents and special values', () => {
    expect(parseBsonDocument(order)).toEqual({
      ok: true,
      value: {
        _id: { special: 'ObjectId(…)' },
        customer: { name: 'José Martínez', note: 'ring twice\nthen wait\t"front door" \\ / \b\f\r', nick: "Pep's" },
        status: 'shipped',
        total: 129.95,
        qty: -3,
        weight: 1500,
        grams: 2.5,
        code: 7,
        lines: [
          { sku: 'A-100', qty: 2, tags: ['gift', 'fragile'] },
          { sku: 'B-200', qty: 1, tags: [] },
        ],
        flags: [true, false, null, { special: 'undefined' }],
        ratio: NaN,
        ceiling: Infinity,
        floor: -Infinity,
        'ns.coll': { $regex: { special: '/^orders\\/2024/i' } },
        any: { special: '/x/msx' },
        placed: { special: 'ISODate(…)' },
        n: { special: 'NumberLong(…)' },
        d: { special: 'Date(…)' },
        lo: { special: 'MinKey' },
        hi: { special: 'MaxKey()' },
        lo2: { special: 'MinKey' },
        hi2: { special: 'MaxKey()' },
      },
    });
  });

  it('takes extended JSON of every type as plain documents', () => {
    const pipeline = JSON.stringify([
      {
        $match: {
          'fullDocument._id': { $oid: '65a1f0c2e4b0a1b2c3d4e5f6' },
          'fullDocument.placed': { $gte: { $date: { $numberLong: '1709288100000' } } },
          'fullDocument.qty': { $numberInt: '2' },
          'fullDocument.total': { $numberDecimal: '129.95' },
          'fullDocument.weight': { $numberDouble: '-Infinity' },
          'fullDocument.revision': { $numberLong: '9007199254740993' },
          'fullDocument.receipt': { $binary: { base64: 'UmVjZWlwdA==', subType: '00' } },
          'fullDocument.customerId': { $uuid: '3b241101-e2bb-4255-8caf-4136c566a962' },
          clusterTime: { $gt: { $timestamp: { t: 1709288100, i: 1 } } },
          'fullDocument.sku': { $regularExpression: { pattern: '^A-', options: 'i' } },
          'fullDocument.lo': { $minKey: 1 },
          'fullDocument.hi': { $maxKey: 1 },
          'fullDocument.legacy': { $undefined: true },
          'fullDocument.ref': { $dbPointer: { $ref: 'customers', $id: { $oid: '65a1f0c2e4b0a1b2c3d4e5f7' } } },
          'fullDocument.code': { $code: 'function () { return 1; }' },
          'fullDocument.symbol': { $symbol: 'sku' },
        },
      },
    ]);
    expect(bsonArrayProblem(pipeline, DEBEZIUM_PIPELINE)).toBeUndefined();
  });

  it('tells null and arrays from documents', () => {
    expect(isBsonDocument(null)).toBe(false);
    expect(isBsonDocument([])).toBe(false);
    expect(bsonArrayProblem('[{$match: {}}, null]', DEBEZIUM_PIPELINE)).toBe('element 1 is not a document');
  });
});

describe('bson-json: what the reader refuses, and where', () => {
  it.each([
    ['a character no token starts with', '[{$match: {@timestamp: {$gt: 0}}}]', 'invalid JSON input "@" at position 11'],
    ['a string never closed', '[{$match: {"ns.coll": "orders}}]', 'end of input inside the string that starts at position 22'],
    ['a \\u escape with a letter that is not hexadecimal', '[{$match: {"customer.name": "Jos\\u00g9"}}]', 'invalid \\u escape at position 32'],
    ['a \\u escape of three digits', '[{$match: {"customer.name": "Jos\\u00e"}}]', 'invalid \\u escape at position 32'],
    ['a regular expression never closed', '[{$match: {"ns.coll": /^orders}}]', 'end of input inside the regular expression that starts at position 22'],
    ['a regular-expression option the reader does not know', '[{$match: {"ns.coll": /^orders/g}}]', 'invalid regular expression at position 31'],
    ['a minus sign alone', '[{$match: {qty: -}}]', 'invalid number at position 16'],
    ['a minus sign before a word', '[{$match: {qty: -x}}]', 'invalid number at position 16'],
    ['"new" before a constructor the reader does not allow it for', '[{$match: {clusterTime: new Timestamp(1709288100, 1)}}]', 'expected a type name after "new" but found Timestamp at position 28'],
    ['"new" before a quoted type name', "[{$match: {at: new 'Date'(0)}}]", 'expected a type name after "new" but found Date at position 19'],
    ['an argument to MinKey', '[{$match: {_id: {$gt: MinKey(1)}}}]', 'expected ")" after MinKey( but found 1 at position 29'],
    ['a constructor without its arguments', '[{$match: {_id: ObjectId}}]', 'expected "(" after ObjectId but found } at position 24'],
  ])('refuses %s', (_case, pipeline, reason) => {
    expect(bsonArrayProblem(pipeline, DEBEZIUM_PIPELINE)).toBe(reason);
  });

  it.each([
    ['a name that is not a string or a word', '{{"shop.orders": "orders"}}', 'expected a name but found { at position 1'],
    ['a missing colon', '{"shop.orders" "orders"}', 'expected ":" but found orders at position 15'],
    ['an array where a document belongs', '[{"shop.orders": "orders"}]', 'expected a document but found [ at position 0'],
    ['a backslash at the end of the input', '{"shop.orders": "orders\\', 'invalid escape sequence \\ at position 23'],
  ])('refuses as a document %s', (_case, document, reason) => {
    expect(bsonDocumentProblem(document)).toBe(reason);
  });

  it.each([
    ['a regular expression', '{"ns.coll": /^orders/'],
    ['a word', '{"fullDocument.deleted": false'],
    ['a number', '{"fullDocument.qty": 5'],
  ])('reads %s at the very end of the input, then misses the closing brace', (_case, document) => {
    expect(bsonDocumentProblem(document)).toBe('expected a name but found the end of the input');
  });
});

describe('bson-json: what is not a syntax problem', () => {
  it('lets an error other than the reader\'s own reach the caller: a pipeline nested past the stack throws, it is not reported as a refusal at some position', () => {
    const nested = `[{$match: {$and: ${'['.repeat(200_000)}${']'.repeat(200_000)}}}]`;
    expect(() => bsonArrayProblem(nested, DEBEZIUM_PIPELINE)).toThrow(RangeError);
  });
});

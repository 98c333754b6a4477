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

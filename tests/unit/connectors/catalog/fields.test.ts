import type { z } from 'zod';
import { DEBEZIUM_PIPELINE, MONGODB_KAFKA_ARRAY } from '../../../../connectors/catalog/bson-json';
import {
  bsonArray,
  bsonDocument,
  boolean,
  enumValue,
  integer,
  isTrue,
  javaRegex,
  javaRegexProblem,
  jdbcUrl,
  list,
  mongoDbConnectionString,
  nonEmpty,
  normaliseConfigValues,
  oneOf,
} from '../../../../connectors/catalog/fields';

/**
 * The field types every catalog entry is built from: what a config value must look like for the
 * plugin to take it, and the message a user reads when it does not. Values are the strings Connect
 * stores, leniently parsed as the plugins parse them.
 */
const problemsOf = (schema: z.ZodType<unknown>, value: string): string[] => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

describe('integer: a whole number as ConfigDef reads it, within the bounds the plugin enforces', () => {
  const tasksMax = integer({ min: 1, max: 1024 });

  it('takes both bounds exactly, and refuses one past either, naming both bounds', () => {
    expect(problemsOf(tasksMax, '1')).toEqual([]);
    expect(problemsOf(tasksMax, '1024')).toEqual([]);
    expect(problemsOf(tasksMax, '0')).toEqual(['must be an integer ≥ 1 ≤ 1024']);
    expect(problemsOf(tasksMax, '1025')).toEqual(['must be an integer ≥ 1 ≤ 1024']);
  });

  it('names only the bound it has', () => {
    expect(problemsOf(integer({ min: -1 }), '-2')).toEqual(['must be an integer ≥ -1']);
    expect(problemsOf(integer({ max: 32767 }), '32768')).toEqual(['must be an integer ≤ 32767']);
    expect(problemsOf(integer(), 'ten')).toEqual(['must be an integer']);
  });

  it('names a bound set to the safe-integer limits themselves as no bound', () => {
    expect(problemsOf(integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), 'x')).toEqual(['must be an integer']);
    expect(problemsOf(integer({ min: Number.MIN_SAFE_INTEGER + 1, max: Number.MAX_SAFE_INTEGER - 1 }), 'x')).toEqual([
      `must be an integer ≥ ${Number.MIN_SAFE_INTEGER + 1} ≤ ${Number.MAX_SAFE_INTEGER - 1}`,
    ]);
  });

  it('takes a sign and the spaces ConfigDef trims, and nothing but digits in between', () => {
    expect(problemsOf(integer({ min: -1 }), ' -1 ')).toEqual([]);
    expect(problemsOf(integer(), '+30000')).toEqual([]);
    expect(problemsOf(integer(), '\t5000\n')).toEqual([]);
    for (const value of ['', ' ', '1.5', '1e3', '0x10', '10ms', 'ms10', '1 000', '--1', '-']) expect(problemsOf(integer(), value)).toEqual(['must be an integer']);
  });
});

describe('boolean and isTrue: "true" or "false" in any case, as ConfigDef reads a BOOLEAN', () => {
  it('takes either word in any case with surrounding spaces, and nothing else', () => {
    for (const value of ['true', 'FALSE', ' True ', '\tfalse\n']) expect(problemsOf(boolean(), value)).toEqual([]);
    for (const value of ['yes', '1', '', 'truee', 'xtrue', 'true false']) expect(problemsOf(boolean(), value)).toEqual(['must be "true" or "false"']);
  });

  it('reads a checked value as true only when it says true', () => {
    expect([isTrue('true'), isTrue(' TRUE '), isTrue('false'), isTrue(undefined), isTrue('')]).toEqual([true, true, false, false, false]);
  });

  it('compares enum values trimmed and in lower case, leaving an absent value absent', () => {
    expect(enumValue('  Copy_Existing ')).toBe('copy_existing');
    expect(enumValue(undefined)).toBeUndefined();
  });
});

describe('oneOf: an enum value, compared as the plugin compares it', () => {
  const startupMode = oneOf(['latest', 'timestamp', 'copy_existing'], { removed: { copy_all: 'copy_existing' } });

  it('takes a value trimmed and in any case by default', () => {
    expect(problemsOf(startupMode, ' COPY_EXISTING ')).toEqual([]);
    expect(problemsOf(startupMode, 'Latest')).toEqual([]);
  });

  it('lists the allowed values when it refuses one', () => {
    expect(problemsOf(startupMode, 'earliest')).toEqual(['must be one of latest, timestamp, copy_existing']);
  });

  it('names the replacement of a removed value, however it was written', () => {
    expect(problemsOf(startupMode, ' Copy_All ')).toEqual(['must be one of latest, timestamp, copy_existing ("Copy_All" was removed: use copy_existing)']);
  });

  it('compares exactly when the plugin uses ConfigDef.ValidString', () => {
    const tolerance = oneOf(['none', 'all'], { caseSensitive: true });
    expect(problemsOf(tolerance, 'all')).toEqual([]);
    expect(problemsOf(tolerance, 'ALL')).toEqual(['must be one of none, all']);
    expect(problemsOf(tolerance, ' all')).toEqual(['must be one of none, all']);
  });

  it('compares exactly the allowed values too, not only the value written', () => {
    const mixedCase = oneOf(['RecordIsTombstone'], { caseSensitive: true });
    expect(problemsOf(mixedCase, 'RecordIsTombstone')).toEqual([]);
    expect(problemsOf(mixedCase, 'recordistombstone')).toEqual(['must be one of RecordIsTombstone']);
  });
});

describe('list: a comma-separated list without empty entries', () => {
  it('takes one entry or several, with spaces around them', () => {
    expect(problemsOf(list(), 'shop.orders')).toEqual([]);
    expect(problemsOf(list(), 'shop.orders, shop.order_lines ,shop.customers')).toEqual([]);
  });

  it('refuses an empty or blank entry anywhere, and an empty list', () => {
    for (const value of ['', 'shop.orders,', ',shop.orders', 'shop.orders,,shop.customers', 'shop.orders,  ']) {
      expect(problemsOf(list(), value)).toEqual(['must be a comma-separated list without empty entries']);
    }
  });
});

describe('bsonArray and bsonDocument: values the BSON reader parses', () => {
  it('takes a pipeline and reports why the reader refuses one, naming what it should be', () => {
    const pipeline = bsonArray('pipeline stages', DEBEZIUM_PIPELINE);
    expect(problemsOf(pipeline, '[{"$match": {"operationType": {"$in": ["insert", "update"]}}}]')).toEqual([]);
    expect(problemsOf(pipeline, '[{"$match": {"ns.coll": "orders"}}, 42]')).toEqual([
      "must be an array of pipeline stages the plugin's BSON reader can parse: element 1 is not a document",
    ]);
    expect(problemsOf(bsonArray('renaming rules', MONGODB_KAFKA_ARRAY), '{"oldName": "sku"}')).toEqual([
      "must be an array of renaming rules the plugin's BSON reader can parse: not an array",
    ]);
  });

  it('takes a document and reports why the reader refuses one', () => {
    const namespaceMap = bsonDocument('a namespace-to-topic map');
    expect(problemsOf(namespaceMap, '{"shop.orders": "orders", "shop": "shop-other"}')).toEqual([]);
    expect(problemsOf(namespaceMap, '{"shop.orders": orders-topic}')).toEqual([
      "must be a namespace-to-topic map the plugin's BSON reader can parse: expected a value but found orders at position 16",
    ]);
  });
});

describe('nonEmpty', () => {
  it('refuses only the empty string', () => {
    expect(problemsOf(nonEmpty(), '')).toEqual(['must not be empty']);
    expect(problemsOf(nonEmpty(), 'x')).toEqual([]);
  });
});

describe('mongoDbConnectionString: what com.mongodb.ConnectionString parses', () => {
  const SCHEME = 'must start with mongodb:// or mongodb+srv:// (or be a config-provider placeholder): the driver refuses anything else';
  const SLASH = 'needs a "/" between the hosts and the "?" of its options: the MongoDB Kafka connector\'s driver (4.7.2) refuses it without';
  const mongoKafka = mongoDbConnectionString({ slashBeforeOptions: true });
  const debezium = mongoDbConnectionString({ slashBeforeOptions: false });

  it('takes both schemes and a config-provider placeholder', () => {
    for (const value of ['mongodb://mongo-0.mongo:27017,mongo-1.mongo:27017/?replicaSet=rs0', 'mongodb+srv://cluster0.example.net/shop?retryWrites=true', '${dir:/etc/connect-secrets:mongodb-uri}']) {
      expect(problemsOf(mongoKafka, value)).toEqual([]);
      expect(problemsOf(debezium, value)).toEqual([]);
    }
  });

  it('refuses another scheme, or the scheme anywhere but at the start', () => {
    for (const value of ['mongo-0.mongo:27017', 'http://mongo-0.mongo:27017', ' mongodb://mongo-0.mongo:27017', 'mongodb:/mongo-0.mongo', 'mongodb+srvx://cluster0.example.net']) {
      expect(problemsOf(debezium, value)).toEqual([SCHEME]);
      expect(problemsOf(mongoKafka, value)).toEqual([SCHEME]);
    }
  });

  it('refuses options right after the hosts for the MongoDB Kafka connector only', () => {
    for (const value of ['mongodb://mongo-0.mongo:27017?replicaSet=rs0', 'mongodb+srv://cluster0.example.net?retryWrites=true']) {
      expect(problemsOf(mongoKafka, value)).toEqual([SLASH]);
      expect(problemsOf(debezium, value)).toEqual([]);
    }
  });

  it('takes options after a database name or a slash, and a "?" inside a path', () => {
    expect(problemsOf(mongoKafka, 'mongodb://mongo-0.mongo:27017/shop?replicaSet=rs0')).toEqual([]);
    expect(problemsOf(mongoKafka, 'mongodb://mongo-0.mongo:27017/?replicaSet=rs0')).toEqual([]);
  });

  it('looks for options without a slash right after the hosts only, not in an option value quoting another connection string', () => {
    expect(problemsOf(mongoKafka, 'mongodb://mongo-0.mongo:27017/shop?replicaSet=rs0&appName=copied-from-mongodb://legacy-0:27017?ssl')).toEqual([]);
  });
});

describe('jdbcUrl', () => {
  const MESSAGE = 'must be a JDBC URL (jdbc:postgresql://…) or a config-provider placeholder';

  it('takes any driver name, in any case, and a placeholder', () => {
    for (const value of ['jdbc:postgresql://warehouse-db:5432/analytics', 'JDBC:MySQL://reporting:3306/shop', 'jdbc:db2:orders', '${file:/etc/connect-secrets/jdbc.properties:url}']) {
      expect(problemsOf(jdbcUrl(), value)).toEqual([]);
    }
  });

  it('refuses a URL without the jdbc: scheme, with an empty driver, or not at the start', () => {
    for (const value of ['postgresql://warehouse-db:5432/analytics', 'jdbc::postgresql', 'jdbc:postgres-ql://x', 'url=jdbc:postgresql://x', '']) {
      expect(problemsOf(jdbcUrl(), value)).toEqual([MESSAGE]);
    }
  });
});

describe('normaliseConfigValues: a hand-written JSON config as the strings Connect stores', () => {
  it('keeps strings, turns numbers and booleans into strings, and reports every other value with its key', () => {
    const { config, problems } = normaliseConfigValues({
      'connector.class': 'io.debezium.connector.mongodb.MongoDbConnector',
      'tasks.max': 1,
      'heartbeat.interval.ms': 10000,
      'capture.mode': 'change_streams_update_full',
      'tombstones.on.delete': false,
      'errors.log.enable': true,
      'collection.include.list': ['shop.orders', 'shop.customers'],
      'snapshot.delay.ms': null,
      'field.renames': { 'shop.orders.sku': 'product_sku' },
    });
    expect(config).toEqual({
      'connector.class': 'io.debezium.connector.mongodb.MongoDbConnector',
      'tasks.max': '1',
      'heartbeat.interval.ms': '10000',
      'capture.mode': 'change_streams_update_full',
      'tombstones.on.delete': 'false',
      'errors.log.enable': 'true',
    });
    expect(problems).toEqual([
      { field: 'collection.include.list', value: ['shop.orders', 'shop.customers'] },
      { field: 'snapshot.delay.ms', value: null },
      { field: 'field.renames', value: { 'shop.orders.sku': 'product_sku' } },
    ]);
  });
});

describe("javaRegexProblem: Java's regular-expression syntax, refused only where Java refuses it", () => {
  it.each([
    ['an inline case-insensitive flag', '(?i)shop\\.ORDERS'],
    ['several inline flags, some JavaScript has no equivalent for', '(?imsux)shop\\..*'],
    ['scoped flags', '(?i:shop)\\.(?-i:orders)'],
    ['an atomic group', '(?>shop|inventory)\\..*'],
    ['possessive quantifiers', 'shop\\.[a-z]*+_\\d++_v?+_x{2}+'],
    ['\\Q…\\E quoting of regex characters', '\\Qshop.orders(v2)[*]+?{}^$|/-\\E'],
    ['\\Q quoting to the end of the pattern', 'shop\\.\\Qorders(v2'],
    ["Java's character classes", '\\p{javaLowerCase}+\\.\\P{IsDigit}\\p{Alpha}\\h\\H\\v\\V\\R\\X'],
    ['boundary anchors JavaScript lacks', '\\Ashop\\.orders\\z|\\Gx\\Z'],
    ['escapes both languages read alike, left as they are (a range of printable ASCII)', 'shop\\.[\\x21-\\x7e]+'],
  ])('takes %s', (_case, pattern) => {
    expect(javaRegexProblem(pattern)).toBeUndefined();
  });

  it('drops inline flags: they change what a pattern matches, never whether it compiles', () => {
    expect(javaRegexProblem('(?i)(?i)shop')).toBeUndefined();
    expect(javaRegexProblem('(?x)(?u)shop')).toBeUndefined();
  });

  it('keeps a quoted text quoted: its characters do not change the pattern', () => {
    expect(javaRegexProblem('\\Q(\\E')).toBeUndefined();
    expect(javaRegexProblem('\\Q)\\E(')).toBe('Unterminated group');
  });

  it('quotes with \\Q…\\E across spaces, and an empty quotation quotes nothing', () => {
    expect(javaRegexProblem('shop\\.\\Qorder lines (v2\\E')).toBeUndefined();
    expect(javaRegexProblem('\\Q.\\E+orders')).toBeUndefined();
    expect(javaRegexProblem('\\Q\\E*orders')).toBe('Nothing to repeat');
  });

  it("reads Java's character classes as one character each, so a quantifier after one has something to repeat", () => {
    expect(javaRegexProblem('\\h*shop\\.orders')).toBeUndefined();
    expect(javaRegexProblem('\\p{Alpha}?\\.orders')).toBeUndefined();
  });

  it("reads a hyphen after a Java character class in brackets as Java does, as a hyphen, not the end of a range from the class's letters", () => {
    // JavaScript would read an unrewritten \p{Alnum} as the letters p{Alnum}, and "}-_" as a range out of order.
    for (const pattern of ['shop\\.[\\p{Alnum}-_]+', 'shop\\.[\\P{Alnum}-_]+', 'order[\\h-_]lines']) expect(javaRegexProblem(pattern)).toBeUndefined();
  });

  it('takes a quantified boundary anchor, as Java quantifies any atom', () => {
    expect(javaRegexProblem('\\A?shop\\.orders\\z')).toBeUndefined();
    expect(javaRegexProblem('shop\\.orders\\Z*')).toBeUndefined();
  });

  it('keeps a possessive quantifier a quantifier of what it follows: with nothing before it, it has nothing to repeat', () => {
    expect(javaRegexProblem('*+shop')).toBe('Nothing to repeat');
  });

  it('reads an inline flag as matching nothing: a quantifier right after it has nothing to repeat', () => {
    expect(javaRegexProblem('(?i)*orders')).toBe('Nothing to repeat');
  });

  it('reports what Java refuses too, without the pattern itself, whatever it holds', () => {
    expect(javaRegexProblem('order lines (v2')).toBe('Unterminated group');
    expect(javaRegexProblem('(?i)shop\\.(orders')).toBe('Unterminated group');
    expect(javaRegexProblem('shop\\.(orders')).toBe('Unterminated group');
    expect(javaRegexProblem('*shop')).toBe('Nothing to repeat');
    expect(javaRegexProblem('shop\\.[orders')).toBe('Unterminated character class');
  });

  it('reports it through the field type, prefixed for the user', () => {
    expect(problemsOf(javaRegex(), 'shop\\.(orders|order_lines')).toEqual(['is not a valid regular expression: Unterminated group']);
    expect(problemsOf(javaRegex(), 'shop\\.(orders|order_lines)')).toEqual([]);
  });
});

import { debeziumMongoDbSource } from '../../../../connectors/catalog/debezium-mongodb-source';
import { keyFindings, knownKeysOf } from '../../../../connectors/catalog/keys';
import { mongoDbSink } from '../../../../connectors/catalog/mongodb-sink';
import { mongoDbSource } from '../../../../connectors/catalog/mongodb-source';
import type { PluginSpec } from '../../../../connectors/catalog/plugin';

/**
 * The connector's own keys against its plugin, finding by finding: what a user reads about a key the
 * plugin removed, deprecates, ignores, does not know, or declares with a type the value does not parse
 * as. catalog.test.ts checks which fields validate flags; these pin each rule and its edges.
 */
const findingOf = (plugin: PluginSpec, config: Record<string, string>, field: string) => keyFindings(plugin, config).find((finding) => finding.field === field);

/**
 * A plugin the worker does not declare (no catalog/generated/ entry). knownKeysOf keeps the known keys
 * per class for the life of the process, so each plugin made here gets a class of its own: one test's
 * plugin never answers for another's.
 */
let orderExports = 0;
const undeclaredPlugin = (spec: Partial<PluginSpec>): PluginSpec => ({
  connectorClass: `com.example.shop.OrderExportConnector${++orderExports}`,
  kind: 'sink',
  title: 'Order export',
  schema: mongoDbSink.schema,
  knownKeys: ['connector.class', 'topics', 'export.bucket'],
  undeclaredKeys: { 'export.region': 'read by the export client, not declared' },
  secretKeys: [],
  removedKeys: {},
  deprecatedKeys: {},
  ignoredKeys: {},
  passThroughPrefixes: [],
  ...spec,
});

describe('knownKeysOf: the keys a plugin reads', () => {
  it('holds the typed keys and the read-but-undeclared ones of a plugin the worker does not declare', () => {
    const plugin = undeclaredPlugin({});
    expect([...knownKeysOf(plugin)].sort()).toEqual(['connector.class', 'export.bucket', 'export.region', 'topics']);
    expect(knownKeysOf(plugin)).toBe(knownKeysOf(plugin));
  });

  it('holds the keys the plugin declares to the worker besides the typed ones', () => {
    expect(mongoDbSink.knownKeys).not.toContain('rate.limiting.timeout');
    expect(knownKeysOf(mongoDbSink).has('rate.limiting.timeout')).toBe(true);
    expect(knownKeysOf(mongoDbSink).has('max.batch.size')).toBe(true);
  });

  it('leaves a plugin the worker does not declare with only its own keys, flagging the rest', () => {
    const plugin = undeclaredPlugin({});
    expect(keyFindings(plugin, { 'connector.class': plugin.connectorClass, topics: 'cdc.shop.orders', 'export.bucket': 'orders-archive', 'export.region': 'eu-west-1' })).toEqual([]);
    expect(keyFindings(plugin, { 'export.buckets': 'orders-archive' })).toEqual([
      { field: 'export.buckets', severity: 'warning', message: 'is not a key the Order export connector knows: did you mean "export.bucket"? (Kafka Connect ignores keys a plugin does not read)' },
    ]);
  });
});

describe('keyFindings: dead-letter queue keys', () => {
  it('refuses them on a source that does not declare them, naming why', () => {
    expect(keyFindings(debeziumMongoDbSource, { 'errors.deadletterqueue.topic.name': 'cdc.dlq' })).toEqual([
      { field: 'errors.deadletterqueue.topic.name', severity: 'error', message: 'a dead-letter queue applies to sink connectors only: Kafka Connect never routes source records to it' },
    ]);
  });

  it('takes them on a source that declares its own (the MongoDB Kafka source routes bad change events there)', () => {
    expect(keyFindings(mongoDbSource, { 'errors.deadletterqueue.topic.name': 'cdc.dlq' })).toEqual([]);
  });

  it('takes them on a sink, declared or not', () => {
    const plugin = undeclaredPlugin({ knownKeys: ['errors.deadletterqueue.topic.name'] });
    expect(keyFindings(plugin, { 'errors.deadletterqueue.topic.name': 'cdc.dlq' })).toEqual([]);
    expect(keyFindings(mongoDbSink, { 'errors.deadletterqueue.topic.name': 'cdc.dlq' })).toEqual([]);
  });
});

describe('keyFindings: keys the plugin ignores', () => {
  it('warns of a key under an ignored prefix, with why people write it', () => {
    expect(findingOf(debeziumMongoDbSource, { 'schema.history.internal.kafka.topic': 'cdc.schema-history' }, 'schema.history.internal.kafka.topic')).toEqual({
      field: 'schema.history.internal.kafka.topic',
      severity: 'warning',
      message: "is not read by the Debezium MongoDB source connector (a schema history setting of Debezium's relational connectors: the MongoDB connector keeps no schema history): remove it",
    });
  });

  it('warns of an ignored key named exactly, and of nothing that merely starts with it', () => {
    expect(findingOf(debeziumMongoDbSource, { 'include.schema.changes': 'false' }, 'include.schema.changes')?.message).toBe(
      "is not read by the Debezium MongoDB source connector (a setting of Debezium's relational connectors: MongoDB has no schema changes to publish): remove it",
    );
    expect(findingOf(mongoDbSink, { 'max.num.retries.count': '3' }, 'max.num.retries.count')?.message).toBe(
      'is not a key the MongoDB Kafka sink connector reads: Kafka Connect hands it over and the plugin ignores it',
    );
    expect(findingOf(mongoDbSink, { 'max.num.retries': '3' }, 'max.num.retries')?.severity).toBe('warning');
  });
});

describe('keyFindings: values of declared keys', () => {
  it('refuses a value that does not parse as the declared type, saying which', () => {
    expect(keyFindings(mongoDbSink, { 'rate.limiting.timeout': '5s' })).toEqual([
      { field: 'rate.limiting.timeout', severity: 'error', message: 'must be a whole number between -2147483648 and 2147483647 (the plugin declares it INT)' },
    ]);
  });

  it('takes a value that parses', () => {
    expect(keyFindings(mongoDbSink, { 'rate.limiting.timeout': '500', 'server.api.strict': 'TRUE' })).toEqual([]);
  });
});

describe("keyFindings: Debezium's alias lists name key prefixes", () => {
  const converter = { 'isbn.type': 'com.example.IsbnConverter', 'isbn.schema.name': 'com.example.ISBN', 'money.type': 'com.example.MoneyConverter' };

  it('takes the keys of every alias listed, with the spaces around the entries', () => {
    expect(keyFindings(debeziumMongoDbSource, { converters: ' isbn , money ', ...converter })).toEqual([]);
    expect(keyFindings(debeziumMongoDbSource, { 'post.processors': 'reselector', 'reselector.type': 'io.debezium.processors.reselect.ReselectColumnsPostProcessor' })).toEqual([]);
  });

  it('flags the keys of an alias not listed, and reads no prefix from an empty entry', () => {
    expect(keyFindings(debeziumMongoDbSource, { converters: 'isbn,', ...converter, '.type': 'com.example.Converter' }).map((finding) => finding.field)).toEqual(['money.type', '.type']);
    expect(keyFindings(debeziumMongoDbSource, converter).map((finding) => finding.field)).toEqual(['isbn.type', 'isbn.schema.name', 'money.type']);
  });
});

describe('keyFindings: per-topic overrides of the MongoDB Kafka sink', () => {
  it('takes topic.override.<topic>.<key> for a key of the sink, whatever dots the topic name holds', () => {
    expect(keyFindings(mongoDbSink, { 'topic.override.cdc.shop.orders.max.batch.size': '500', 'topic.override.orders.rate.limiting.timeout': '0' })).toEqual([]);
  });

  it('flags an override without a topic, with an empty topic, or of a key the sink does not have', () => {
    for (const key of ['topic.override.max.batch.size', 'topic.override..max.batch.size', 'topic.override.orders.max.batch.sizes']) {
      expect(findingOf(mongoDbSink, { [key]: '500' }, key)?.severity).toBe('warning');
    }
  });

  it('reads overrides under its own prefix only', () => {
    expect(findingOf(mongoDbSink, { 'tpoic.override.orders.max.batch.size': '500' }, 'tpoic.override.orders.max.batch.size')?.message).toBe(
      'is not a key the MongoDB Kafka sink connector reads: Kafka Connect hands it over and the plugin ignores it',
    );
    expect(findingOf(mongoDbSource, { 'topic.override.orders.batch.size': '500' }, 'topic.override.orders.batch.size')?.severity).toBe('warning');
  });
});

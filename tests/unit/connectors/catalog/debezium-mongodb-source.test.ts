import { debeziumMongoDbSourceConfig } from '../../../../connectors/catalog/debezium-mongodb-source';
import { validateConnectorJson } from '../../../../connectors/validate';

const CONNECTION_STRING = '${dir:/etc/connect-secrets:mongodb-uri}';

/** The app_db source as a pipeline declares it, with the config under test on top. */
const appDbSource = (config: Record<string, string> = {}) => ({
  name: 'cdc-app-db-source',
  config: {
    'connector.class': 'io.debezium.connector.mongodb.MongoDbConnector',
    'mongodb.connection.string': CONNECTION_STRING,
    'topic.prefix': 'cdc',
    ...config,
  },
});

const issuesOf = (config: Record<string, string>) => validateConnectorJson(appDbSource(config)).map((issue) => `${issue.severity} ${issue.field}: ${issue.message}`);

describe('Debezium MongoDB source: filters', () => {
  it.each([
    ['collection', 'app_db.orders,app_db.customers', 'app_db.audit_log'],
    ['database', 'app_db', 'admin'],
  ])('refuses %s include and exclude lists together, on the exclude list', (what, include, exclude) => {
    expect(issuesOf({ [`${what}.include.list`]: include, [`${what}.exclude.list`]: exclude })).toEqual([`error ${what}.exclude.list: cannot be combined with ${what}.include.list`]);
  });

  it('takes a collection include list beside a database exclude list', () => {
    expect(issuesOf({ 'collection.include.list': 'app_db.orders', 'database.exclude.list': 'admin,local' })).toEqual([]);
  });

  it('warns of each include entry that matches no namespace, quoted as written without its spaces', () => {
    expect(issuesOf({ 'collection.include.list': 'app_db.orders, orders' })).toEqual([
      'warning collection.include.list: entry "orders" matches no "<database>.<collection>" namespace (Debezium matches each entry against the whole namespace), so the connector captures nothing from it: did you mean "<database>\\.orders"?',
    ]);
  });
});

describe('Debezium MongoDB source: capture scope', () => {
  it.each(['database', 'collection'])('needs capture.target when capture.scope is %s', (scope) => {
    expect(issuesOf({ 'capture.scope': scope })).toEqual([`error capture.target: is required when capture.scope is "${scope}"`]);
  });

  it('takes a database as the target of a database scope, and needs <database>.<collection> for a collection scope', () => {
    expect(issuesOf({ 'capture.scope': 'database', 'capture.target': 'app_db' })).toEqual([]);
    expect(issuesOf({ 'capture.scope': 'collection', 'capture.target': 'app_db.orders' })).toEqual([]);
    for (const target of ['app_db', '.orders', 'app_db.', '.app_db.orders']) {
      expect([target, issuesOf({ 'capture.scope': 'collection', 'capture.target': target })]).toEqual([target, ['error capture.target: must be "<database>.<collection>" when capture.scope is "collection"']]);
    }
  });

  it('reads the scope without regard to case, as Debezium does', () => {
    expect(issuesOf({ 'capture.scope': 'Collection', 'capture.target': 'app_db' })).toEqual(['error capture.target: must be "<database>.<collection>" when capture.scope is "collection"']);
  });
});

describe('Debezium MongoDB source: queue and batch', () => {
  it('needs the queue larger than the batch: one more is enough, the same is not', () => {
    expect(issuesOf({ 'max.batch.size': '4096', 'max.queue.size': '4097' })).toEqual([]);
    expect(issuesOf({ 'max.batch.size': '4096', 'max.queue.size': '4096' })).toEqual(['error max.queue.size: must be larger than max.batch.size (4096)']);
  });

  it("compares with Debezium's defaults, a batch of 2048 and a queue of 8192, for the key left out", () => {
    expect(issuesOf({ 'max.queue.size': '2048' })).toEqual(['error max.queue.size: must be larger than max.batch.size (2048)']);
    expect(issuesOf({ 'max.queue.size': '2049' })).toEqual([]);
    expect(issuesOf({ 'max.batch.size': '8192' })).toEqual(['error max.queue.size: must be larger than max.batch.size (8192)']);
    expect(issuesOf({ 'max.batch.size': '8191' })).toEqual([]);
  });
});

describe('Debezium MongoDB source: removed connection mode', () => {
  const IGNORED = 'warning mongodb.connection.mode: is not read by the Debezium MongoDB source connector (removed in Debezium 2.6 (DBZ-7260): the connector reads a sharded cluster in sharded mode by itself): remove it';

  it.each(['replica_set', 'Replica_Set'])('refuses mongodb.connection.mode=%s, saying to remove the key', (mode) => {
    expect(issuesOf({ 'mongodb.connection.mode': mode })).toEqual(['error mongodb.connection.mode: replica_set was removed in Debezium 2.6 (DBZ-7260) and the plugin refuses it: remove the key', IGNORED]);
  });

  it('only warns of mongodb.connection.mode=sharded, which the plugin ignores', () => {
    expect(issuesOf({ 'mongodb.connection.mode': 'sharded' })).toEqual([IGNORED]);
  });
});

describe('Debezium MongoDB source: debeziumMongoDbSourceConfig', () => {
  const minimal = { connectionString: CONNECTION_STRING, topicPrefix: 'cdc', collections: ['app_db.orders', 'app_db.customers'] };

  it("writes the house defaults: full documents on update, an initial snapshot, exactly-once, Kafka's JSON and failing fast", () => {
    expect(debeziumMongoDbSourceConfig(minimal)).toEqual({
      'connector.class': 'io.debezium.connector.mongodb.MongoDbConnector',
      'tasks.max': '1',
      'mongodb.connection.string': CONNECTION_STRING,
      'topic.prefix': 'cdc',
      'collection.include.list': 'app_db.orders,app_db.customers',
      'capture.mode': 'change_streams_update_full',
      'snapshot.mode': 'initial',
      'poll.interval.ms': '100',
      'max.batch.size': '2048',
      'max.queue.size': '8192',
      'heartbeat.interval.ms': '10000',
      'skipped.operations': 't',
      'tombstones.on.delete': 'true',
      'exactly.once.support': 'required',
      'transaction.boundary': 'poll',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'true',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'true',
      'errors.tolerance': 'none',
      'errors.retry.timeout': '300000',
      'errors.retry.delay.max.ms': '60000',
      'errors.log.enable': 'true',
    });
  });

  it('leaves exactly-once out while the workers are at preparing', () => {
    const config = debeziumMongoDbSourceConfig({ ...minimal, exactlyOnce: false });
    expect(config).not.toHaveProperty('exactly.once.support');
    expect(config).not.toHaveProperty('transaction.boundary');
  });

  it('writes the optional settings it is given, and a config the gate accepts', () => {
    const config = debeziumMongoDbSourceConfig({
      ...minimal,
      captureMode: 'change_streams_update_full_with_pre_image',
      snapshotMode: 'no_data',
      pollIntervalMs: 250,
      maxBatchSize: 1024,
      maxQueueSize: 4096,
      heartbeatIntervalMs: 5_000,
      maxQueueSizeInBytes: 268_435_456,
      topicMaxMessageBytes: 8_388_608,
      skippedOperations: 'none',
      cursorPipeline: [{ $match: { 'fullDocument.lines': { $elemMatch: { sku: { $in: ['SKU-1042', 'SKU-2210'] }, 'discounts.0': { $exists: true } } } } }],
      metricTags: { connector: 'cdc-app-db-source', team: 'orders' },
    });
    expect(config).toMatchObject({
      'capture.mode': 'change_streams_update_full_with_pre_image',
      'snapshot.mode': 'no_data',
      'poll.interval.ms': '250',
      'max.batch.size': '1024',
      'max.queue.size': '4096',
      'heartbeat.interval.ms': '5000',
      'skipped.operations': 'none',
      'max.queue.size.in.bytes': '268435456',
      'topic.creation.default.replication.factor': '-1',
      'topic.creation.default.partitions': '-1',
      'topic.creation.default.max.message.bytes': '8388608',
      'cursor.pipeline': '[{"$match":{"fullDocument.lines":{"$elemMatch":{"sku":{"$in":["SKU-1042","SKU-2210"]},"discounts.0":{"$exists":true}}}}}]',
      'custom.metric.tags': 'connector=cdc-app-db-source,team=orders',
    });
    expect(validateConnectorJson({ name: 'cdc-app-db-source', config })).toEqual([]);
  });

  it('writes no metric tags for an empty set, and no byte limits for 0', () => {
    const config = debeziumMongoDbSourceConfig({ ...minimal, metricTags: {}, maxQueueSizeInBytes: 0, topicMaxMessageBytes: 0 });
    expect(Object.keys(config).filter((key) => key.startsWith('custom.') || key.startsWith('topic.creation.') || key === 'max.queue.size.in.bytes')).toEqual([]);
  });
});

import { debeziumJdbcSinkConfig } from '../../../../connectors/catalog/debezium-jdbc-sink';
import { rawChangeEventChain } from '../../../../connectors/catalog/transforms';
import { validateConnectorJson } from '../../../../connectors/validate';

const PASSWORD = '${file:/etc/connect-secrets/warehouse.properties:password}';

/** The orders warehouse sink with only the keys the plugin cannot do without, and the config under test. */
const warehouseSink = (config: Record<string, string>) => ({
  name: 'cdc-app-db-orders-warehouse-sink',
  config: {
    'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
    topics: 'cdc.app_db.orders',
    'connection.url': 'jdbc:postgresql://warehouse:5432/bi',
    'connection.username': 'cdc_writer',
    'connection.password': PASSWORD,
    ...config,
  },
});

const issuesOf = (config: Record<string, string>) => validateConnectorJson(warehouseSink(config)).map((issue) => `${issue.severity} ${issue.field}: ${issue.message}`);

describe('Debezium JDBC sink: keys and deletes', () => {
  const NO_KEY = 'error primary.key.mode: insert.mode "upsert" needs a primary key mode other than "none"';

  it('refuses upsert with no primary.key.mode, which the sink defaults to none', () => {
    expect(issuesOf({ 'insert.mode': 'upsert' })).toEqual([NO_KEY]);
    expect(issuesOf({ 'insert.mode': 'upsert', 'primary.key.mode': 'none' })).toEqual([NO_KEY]);
  });

  it('takes upsert with any key, and insert or update without one', () => {
    expect(issuesOf({ 'insert.mode': 'upsert', 'primary.key.mode': 'record_value', 'primary.key.fields': '_id' })).toEqual([]);
    expect(issuesOf({ 'insert.mode': 'update' })).toEqual([]);
    expect(issuesOf({})).toEqual([]);
  });

  it('refuses deletes without record_key, naming the key mode it got, the default included', () => {
    expect(issuesOf({ 'delete.enabled': 'true' })).toEqual(['error delete.enabled: deletes need primary.key.mode "record_key" (got primary.key.mode "none")']);
    expect(issuesOf({ 'delete.enabled': 'true', 'primary.key.mode': 'Kafka' })).toEqual(['error delete.enabled: deletes need primary.key.mode "record_key" (got primary.key.mode "kafka")']);
    expect(issuesOf({ 'delete.enabled': 'true', 'primary.key.mode': 'record_key' })).toEqual([]);
    expect(issuesOf({ 'delete.enabled': 'false', 'primary.key.mode': 'kafka' })).toEqual([]);
  });
});

describe('Debezium JDBC sink: batched UNNEST inserts', () => {
  const UPSERT = { 'insert.mode': 'upsert', 'primary.key.mode': 'record_key', 'dialect.postgres.unnest.insert.enabled': 'true' };

  it('needs the reduction buffer for an upsert, where two changes of one key in a batch fail the task', () => {
    const refusal = 'error dialect.postgres.unnest.insert.enabled: with insert.mode "upsert" needs use.reduction.buffer "true": two changes of one key in a batch fail the task otherwise';
    expect(issuesOf(UPSERT)).toEqual([refusal]);
    expect(issuesOf({ ...UPSERT, 'use.reduction.buffer': 'false' })).toEqual([refusal]);
    expect(issuesOf({ ...UPSERT, 'use.reduction.buffer': 'true' })).toEqual([]);
  });

  it('takes UNNEST inserts without the buffer when rows are only inserted', () => {
    expect(issuesOf({ 'insert.mode': 'insert', 'dialect.postgres.unnest.insert.enabled': 'true' })).toEqual([]);
  });
});

describe('Debezium JDBC sink: field lists', () => {
  it('refuses an include and an exclude list together, on the exclude list', () => {
    expect(issuesOf({ 'field.include.list': 'cdc.app_db.orders:doc_text,cdc.app_db.orders:__op', 'field.exclude.list': 'cdc.app_db.orders:__event_ts_ms' })).toEqual([
      'error field.exclude.list: cannot be combined with field.include.list',
    ]);
  });

  it('takes either list alone', () => {
    expect(issuesOf({ 'field.include.list': 'cdc.app_db.orders:doc_text' })).toEqual([]);
    expect(issuesOf({ 'field.exclude.list': 'cdc.app_db.orders:__event_ts_ms' })).toEqual([]);
  });
});

describe('Debezium JDBC sink: debeziumJdbcSinkConfig', () => {
  const orders = {
    topics: ['cdc.app_db.orders', 'cdc.app_db.order_lines'],
    jdbcUrl: 'jdbc:postgresql://warehouse:5432/bi',
    username: 'cdc_writer',
    password: PASSWORD,
    table: 'cdc.orders_raw',
    deadLetterTopic: 'dlq.cdc-app-db-orders-warehouse-sink',
  };

  it('upserts by record key into a table it never alters, reducing each batch into one UNNEST statement', () => {
    expect(debeziumJdbcSinkConfig(orders)).toEqual({
      'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
      'tasks.max': '1',
      topics: 'cdc.app_db.orders,cdc.app_db.order_lines',
      'connection.url': 'jdbc:postgresql://warehouse:5432/bi',
      'connection.username': 'cdc_writer',
      'connection.password': PASSWORD,
      'insert.mode': 'upsert',
      'primary.key.mode': 'record_key',
      'delete.enabled': 'true',
      'schema.evolution': 'none',
      'collection.name.format': 'cdc.orders_raw',
      'batch.size': '1000',
      'use.reduction.buffer': 'true',
      'dialect.postgres.unnest.insert.enabled': 'true',
      'use.time.zone': 'UTC',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'true',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'true',
      'errors.tolerance': 'all',
      'errors.retry.timeout': '300000',
      'errors.retry.delay.max.ms': '60000',
      'errors.log.enable': 'true',
      'errors.log.include.messages': 'false',
      'errors.deadletterqueue.topic.name': 'dlq.cdc-app-db-orders-warehouse-sink',
      'errors.deadletterqueue.topic.replication.factor': '3',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
  });

  it('writes the batch, tasks, replication factor and transforms it is given, and a config the gate accepts', () => {
    const config = debeziumJdbcSinkConfig({ ...orders, batchSize: 500, tasksMax: 3, deadLetterReplicationFactor: 1, reduceAndUnnest: false, transforms: rawChangeEventChain() });
    expect(config).toMatchObject({ 'batch.size': '500', 'tasks.max': '3', 'errors.deadletterqueue.topic.replication.factor': '1', 'use.reduction.buffer': 'false', 'dialect.postgres.unnest.insert.enabled': 'false', transforms: 'tombstones,envelope,keep,flatten,pick,text' });
    expect(validateConnectorJson({ name: 'cdc-app-db-orders-warehouse-sink', config })).toEqual([]);
  });
});

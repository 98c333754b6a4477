import { validateConnectorJson } from '../../../../connectors/validate';

/** A Debezium MongoDB sink replicating the orders topic into a replica database, with the config under test. */
const replicaSink = (config: Record<string, string>) => ({
  name: 'cdc-app-db-orders-replica-sink',
  config: {
    'connector.class': 'io.debezium.connector.mongodb.MongoDbSinkConnector',
    topics: 'cdc.app_db.orders',
    'mongodb.connection.string': '${dir:/etc/connect-secrets:replica-mongodb-uri}',
    'sink.database': 'app_db_replica',
    ...config,
  },
});

const issuesOf = (config: Record<string, string>) => validateConnectorJson(replicaSink(config)).map((issue) => `${issue.severity} ${issue.field}: ${issue.message}`);

describe('Debezium MongoDB sink', () => {
  it('accepts a sink that keeps only some fields, or drops some', () => {
    expect(issuesOf({ 'field.include.list': 'status,total,customer_id' })).toEqual([]);
    expect(issuesOf({ 'field.exclude.list': 'notes' })).toEqual([]);
  });

  it('refuses include and exclude lists together, on the exclude list', () => {
    expect(issuesOf({ 'field.include.list': 'status,total', 'field.exclude.list': 'notes' })).toEqual(['error field.exclude.list: cannot be combined with field.include.list (the sink refuses both)']);
  });

  it('checks its topics like every sink', () => {
    expect(issuesOf({ 'topics.regex': 'cdc[.]app_db[.].*' })).toEqual(['error topics.regex: set either topics or topics.regex, not both']);
  });
});

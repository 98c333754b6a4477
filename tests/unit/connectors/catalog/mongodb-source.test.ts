import { validateConnectorJson } from '../../../../connectors/validate';

const source = (config: Record<string, string>) => ({
  name: 'cdc-app-db-mongo-source',
  config: { 'connector.class': 'com.mongodb.kafka.connect.MongoSourceConnector', 'connection.uri': '${dir:/etc/connect-secrets:mongodb-uri}', ...config },
});

const issuesOf = (config: Record<string, string>) => validateConnectorJson(source(config)).map((issue) => `${issue.severity} ${issue.field}: ${issue.message}`);

describe('MongoDB Kafka source', () => {
  it('watches a database, or one collection of it', () => {
    expect(issuesOf({ database: 'app_db' })).toEqual([]);
    expect(issuesOf({ database: 'app_db', collection: 'orders' })).toEqual([]);
  });

  it('refuses a collection without its database, on database', () => {
    expect(issuesOf({ collection: 'orders' })).toEqual(['error database: is required when collection is set']);
  });
});

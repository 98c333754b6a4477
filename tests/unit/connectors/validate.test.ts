import { connectorNameProblem, formatIssue, validateConnectorJson, type ValidationIssue } from '../../../connectors/validate';
import { generatedSecret } from '../../support/generated-secret';

const sink = (name: string, config: Record<string, string> = {}) => ({
  name,
  config: {
    'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
    topics: 'cdc.app_db.orders',
    'connection.url': 'jdbc:postgresql://db:5432/bi',
    'connection.username': 'cdc',
    'connection.password': '${file:/etc/secrets.properties:password}',
    ...config,
  },
});

const fieldsOf = (issues: readonly ValidationIssue[]) => issues.map((issue) => `${issue.severity} ${issue.field}`);

describe('validate: connector names that break the REST API', () => {
  it.each([
    ['issue15/slash', '"/"'],
    ['orders?x', '"?"'],
    ['orders#1', '"#"'],
    ['100%', '"%"'],
    [' orders', 'start or end with a space'],
    ['orders ', 'start or end with a space'],
    ['orders\u0007', 'control characters'],
    ['   ', 'must not be empty'],
  ])('refuses %j (%s)', (name, reason) => {
    const issues = validateConnectorJson(sink(name));
    expect(fieldsOf(issues)).toEqual(['error name']);
    expect(issues[0]?.message).toContain(reason);
  });

  it('accepts the names Connect and its REST paths handle', () => {
    for (const name of ['cdc-app-db-source', 'cdc.orders_sink', 'Orders Sink 2']) expect([name, connectorNameProblem(name)]).toEqual([name, undefined]);
  });

  it('an empty name is a missing name', () => {
    expect(fieldsOf(validateConnectorJson(sink('')))).toEqual(['error name']);
  });

  it('prints a name with control characters escaped', () => {
    const [issue] = validateConnectorJson(sink('orders\u001b[2J'));
    expect(formatIssue(issue!)).toContain('orders\\u001b[2J: name:');
  });
});

describe('validate: connector classes', () => {
  it('names the class the worker has under the same name', () => {
    const [issue] = validateConnectorJson({ name: 'm', config: { 'connector.class': 'com.mongodb.kafka.connect.sink.MongoSinkConnector', topics: 't' } });
    expect(issue?.field).toBe('connector.class');
    expect(issue?.message).toContain('did you mean com.mongodb.kafka.connect.MongoSinkConnector?');
    expect(issue?.message).not.toContain('another plugin');
  });

  it('with --allow-unknown-class, still checks the chain, the converters and the credentials of an unknown connector', () => {
    const json = {
      name: 'x',
      config: {
        'connector.class': 'com.example.Custom',
        'value.converter': 'io.confluent.connect.avro.AvroConverter',
        transforms: 'u',
        'transforms.u.type': 'io.debezium.transforms.ExtractNewRecordState',
        'transforms.u.drop.tombstones': 'true',
      },
    };
    expect(fieldsOf(validateConnectorJson(json, { allowUnknownClass: true }))).toEqual(['error transforms.u.drop.tombstones']);
    expect(fieldsOf(validateConnectorJson(json))).toEqual(['error connector.class', 'error transforms.u.drop.tombstones', 'error value.converter']);
  });
});

describe('validate: formatIssue', () => {
  it('masks a credential inside a message, such as a worker answer quoting a URL', () => {
    const secret = generatedSecret('password');
    const issue: ValidationIssue = { connector: 'c', field: 'connection.url', message: `worker: Invalid value jdbc:postgresql://db/bi?password=${secret} for configuration connection.url`, severity: 'error' };
    expect(formatIssue(issue)).toBe('c: connection.url: worker: Invalid value jdbc:postgresql://db/bi?password=**** for configuration connection.url');
  });
});

describe("validate: what the workers refuse at KIP-618's 'preparing' step", () => {
  const source = (config: Record<string, string> = {}) => ({
    name: 'cdc-app-db-source',
    config: {
      'connector.class': 'io.debezium.connector.mongodb.MongoDbConnector',
      'mongodb.connection.string': '${dir:/etc/connect-secrets:mongodb-uri}',
      'topic.prefix': 'cdc',
      ...config,
    },
  });

  it.each(['required', ' Required '])('refuses exactly.once.support=%j while the workers are at preparing, saying why and what to do', (value) => {
    const issues = validateConnectorJson(source({ 'exactly.once.support': value }), { workerExactlyOnceSource: 'preparing' });
    expect(fieldsOf(issues)).toEqual(['error exactly.once.support']);
    expect(formatIssue(issues[0]!)).toMatch(/^cdc-app-db-source: exactly\.once\.support: requires exactly-once source support, .*connect\.exactlyOnceSource is 'preparing'.*until every worker runs 'enabled'/);
  });

  it('accepts it once the workers are enabled, and where the workers are not known (no --env)', () => {
    expect(validateConnectorJson(source({ 'exactly.once.support': 'required' }), { workerExactlyOnceSource: 'enabled' })).toEqual([]);
    expect(validateConnectorJson(source({ 'exactly.once.support': 'required' }))).toEqual([]);
  });

  it("accepts a source that only requests it (Connect's default) at preparing", () => {
    expect(validateConnectorJson(source({ 'exactly.once.support': 'requested' }), { workerExactlyOnceSource: 'preparing' })).toEqual([]);
    expect(validateConnectorJson(source(), { workerExactlyOnceSource: 'preparing' })).toEqual([]);
  });
});

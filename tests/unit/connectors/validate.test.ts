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

describe('validate: the shapes of a connector definition', () => {
  const orders = sink('cdc-orders-sink').config;

  it.each([
    ['an array', [orders]],
    ['null', null],
    ['a string', 'cdc-orders-sink'],
    ['a number', 42],
  ])('refuses %s at the root, naming the input it came from', (_what, json) => {
    const refusal = { field: '(root)', message: 'must be a JSON object {"name": …, "config": {…}}', severity: 'error' };
    expect(validateConnectorJson(json, {}, 'connectors/orders-sink.json')).toEqual([{ connector: 'connectors/orders-sink.json', ...refusal }]);
    expect(validateConnectorJson(json)).toEqual([{ connector: '(input)', ...refusal }]);
  });

  it('takes a flat config carrying its name, as `connectors config get` prints it', () => {
    expect(validateConnectorJson({ name: 'cdc-orders-sink', ...orders })).toEqual([]);
    expect(validateConnectorJson({ config: { name: 'cdc-orders-sink', ...orders } })).toEqual([]);
  });

  it('reads the name from the config when the top-level name is not a string', () => {
    expect(validateConnectorJson({ name: 7, config: { name: 'cdc-orders-sink', ...orders } })).toEqual([]);
  });

  it('says a name is required under the input it came from, and checks the rest of the config all the same', () => {
    expect(validateConnectorJson({ config: { ...orders, 'batch.size': 'lots' } }, {}, 'orders.json')).toEqual([
      { connector: 'orders.json', field: 'name', message: 'is required', severity: 'error' },
      { connector: 'orders.json', field: 'batch.size', message: 'must be an integer ≥ 1', value: 'lots', severity: 'error' },
    ]);
  });

  it('says a name is required when neither the definition nor its config names the connector by a string', () => {
    const required = { connector: '(input)', field: 'name', message: 'is required', severity: 'error' };
    expect(validateConnectorJson({ config: null })).toEqual([required, { ...required, field: 'config', message: 'must be an object of string values' }]);
    expect(validateConnectorJson({ config: { ...orders, name: 12 } })).toEqual([required]);
  });

  it('does not compare config.name with an empty top-level name (the empty name is reported once)', () => {
    expect(validateConnectorJson({ name: '', config: { ...orders, name: 'cdc-orders-sink' } })).toEqual([{ connector: '(input)', field: 'name', message: 'is required', severity: 'error' }]);
  });

  it.each([
    ['a string', 'connection.url=jdbc:postgresql://db:5432/bi'],
    ['an array', [orders]],
    ['null', null],
    ['a number', 1],
  ])('refuses config as %s and stops there', (_what, config) => {
    expect(validateConnectorJson({ name: 'cdc-orders-sink', config })).toEqual([{ connector: 'cdc-orders-sink', field: 'config', message: 'must be an object of string values', severity: 'error' }]);
    expect(validateConnectorJson({ name: 'orders/sink', config }).map((issue) => issue.field)).toEqual(['name', 'config']);
  });

  it('names the connector in a config.name that differs', () => {
    expect(validateConnectorJson({ name: 'cdc-orders-sink', config: { ...orders, name: 'cdc-order-sink' } })).toEqual([
      { connector: 'cdc-orders-sink', field: 'config.name', message: 'must equal the connector name "cdc-orders-sink"', value: 'cdc-order-sink', severity: 'error' },
    ]);
  });

  it('shows a nested value as the JSON it was', () => {
    const unwrap = { transforms: 'unwrap', 'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState', 'transforms.unwrap.add.fields': ['op', 'source.ts_ms'] as unknown as string };
    expect(validateConnectorJson(sink('cdc-orders-sink', unwrap))).toEqual([
      { connector: 'cdc-orders-sink', field: 'transforms.unwrap.add.fields', message: 'must be a string, number or boolean', value: '["op","source.ts_ms"]', severity: 'error' },
    ]);
  });

  it('reads a connector.class with spaces around it, as Connect trims a CLASS value', () => {
    expect(validateConnectorJson(sink('cdc-orders-sink', { 'connector.class': ' io.debezium.connector.jdbc.JdbcSinkConnector ' }))).toEqual([]);
  });

  it('without a connector.class, says only that it is required (the chain and converters are checked only under a class)', () => {
    const { 'connector.class': _class, ...config } = orders;
    const json = { name: 'cdc-orders-sink', config: { ...config, transforms: 'unwrap', 'value.converter': 'io.confluent.connect.avro.AvroConverter' } };
    expect(validateConnectorJson(json)).toEqual([{ connector: 'cdc-orders-sink', field: 'connector.class', message: 'is required', severity: 'error' }]);
    expect(validateConnectorJson({ name: 'cdc-orders-sink', config: { ...config, 'connector.class': '  ' } })).toEqual([
      { connector: 'cdc-orders-sink', field: 'connector.class', message: 'is required', value: '  ', severity: 'error' },
    ]);
  });
});

describe('validate: what the plugin schema says', () => {
  it('says "is required" for a key the plugin cannot do without', () => {
    const { 'connection.url': _url, ...config } = sink('cdc-orders-sink').config;
    expect(validateConnectorJson({ name: 'cdc-orders-sink', config })).toEqual([{ connector: 'cdc-orders-sink', field: 'connection.url', message: 'is required', severity: 'error' }]);
  });

  it("keeps a rule's own message for a missing key it needs only with another key", () => {
    const source = { 'connector.class': 'io.debezium.connector.mongodb.MongoDbConnector', 'mongodb.connection.string': '${dir:/etc/connect-secrets:mongodb-uri}', 'topic.prefix': 'cdc', 'capture.scope': 'database' };
    expect(validateConnectorJson({ name: 'cdc-app-db-source', config: source })).toEqual([
      { connector: 'cdc-app-db-source', field: 'capture.target', message: 'is required when capture.scope is "database"', severity: 'error' },
    ]);
  });
});

describe('validate: a connector class the worker does not have', () => {
  const classIssue = (connectorClass: string) => validateConnectorJson({ name: 'cdc-orders', config: { 'connector.class': connectorClass, topics: 'cdc.app_db.orders' } });
  const TAIL = '(pass --allow-unknown-class to check only the generic rules)';

  it('names the class of another vendor with the same name, warning that its keys differ', () => {
    expect(classIssue('io.confluent.connect.jdbc.JdbcSinkConnector')).toEqual([
      {
        connector: 'cdc-orders',
        field: 'connector.class',
        message: `is not a connector the pinned plugins ship, so the worker refuses the config: did you mean io.debezium.connector.jdbc.JdbcSinkConnector? (another plugin: its keys differ) ${TAIL}`,
        value: 'io.confluent.connect.jdbc.JdbcSinkConnector',
        severity: 'error',
      },
    ]);
  });

  it('names a source connector of the same name in the same vendor, without the warning', () => {
    expect(classIssue('com.mongodb.kafka.connect.source.MongoSourceConnector')[0]?.message).toBe(
      `is not a connector the pinned plugins ship, so the worker refuses the config: did you mean com.mongodb.kafka.connect.MongoSourceConnector? ${TAIL}`,
    );
  });

  it('does not offer a transform or a converter of the same name as a connector', () => {
    expect(classIssue('com.example.ExtractNewRecordState')[0]?.message).toBe(`is not a connector the pinned plugins ship, so the worker refuses the config ${TAIL}`);
    expect(classIssue('com.example.JsonConverter')[0]?.message).toBe(`is not a connector the pinned plugins ship, so the worker refuses the config ${TAIL}`);
  });
});

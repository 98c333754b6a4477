import { findLiteralCredential, maskCredentials } from '../../../config/secrets';
import { displayValue, isSecretKey, maskConfig } from '../../../connectors/secrets';
import { formatIssue, validateConnectorJson } from '../../../connectors/validate';
import { generatedSecret } from '../../support/generated-secret';

const LEAKED = generatedSecret('password');
const PLACEHOLDER = '${file:/etc/connect-secrets/app.properties:password}';

describe('credentials by value: a URI or JDBC URL carrying a password is a credential wherever it appears', () => {
  it.each([
    ["a URI's user info", `mongodb+srv://cdc:${LEAKED}@cluster0.example.net/`, `mongodb+srv://cdc:****@cluster0.example.net/`],
    ['a PostgreSQL or MySQL password parameter', `jdbc:postgresql://db:5432/bi?user=cdc&password=${LEAKED}`, 'jdbc:postgresql://db:5432/bi?user=cdc&password=****'],
    ['a SQL Server password property', `jdbc:sqlserver://db:1433;databaseName=bi;password=${LEAKED};user=cdc`, 'jdbc:sqlserver://db:1433;databaseName=bi;password=****;user=cdc'],
    ['a pwd parameter', `jdbc:mysql://db/bi?pwd=${LEAKED}`, 'jdbc:mysql://db/bi?pwd=****'],
    ["Oracle's user/password@", `jdbc:oracle:thin:cdc/${LEAKED}@db:1521/BI`, 'jdbc:oracle:thin:cdc/****@db:1521/BI'],
    ['a JAAS password', `org.apache.kafka.common.security.scram.ScramLoginModule required username="cdc" password="${LEAKED}";`, 'org.apache.kafka.common.security.scram.ScramLoginModule required username="cdc" password="****";'],
    ['an AWS session token', `mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:${LEAKED}`, 'mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:****'],
  ])('finds and masks %s', (_form, value, masked) => {
    expect(findLiteralCredential(value)).toBeDefined();
    expect(maskCredentials(value)).toBe(masked);
  });

  it.each([
    ['no password', 'mongodb://mongodb:27017/?replicaSet=rs0'],
    ['a user without a password', 'mongodb://cdc@mongodb:27017/?authMechanism=MONGODB-X509'],
    ['a placeholder in the password', `mongodb+srv://cdc:${PLACEHOLDER}@cluster0.example.net/`],
    ['placeholders for both', `mongodb://\${file:/etc/s.properties:user}:${PLACEHOLDER}@h/`],
    ['an Oracle URL without a user', 'jdbc:oracle:thin:@oracle:1521/FREEPDB1'],
    ['a JAAS line with a placeholder', `ScramLoginModule required username="cdc" password="${PLACEHOLDER}";`],
    ['password= outside a URL', 'a note about password=rotation'],
  ])('finds none with %s, and masks nothing', (_case, value) => {
    expect(findLiteralCredential(value)).toBeUndefined();
    expect(maskCredentials(value)).toBe(value);
  });
});

describe('credential keys: only a config-provider placeholder may stand there', () => {
  it.each([
    ['io.debezium.connector.mongodb.MongoDbConnector', 'mongodb.password'],
    ['io.debezium.connector.jdbc.JdbcSinkConnector', 'connection.password'],
    ['com.mongodb.kafka.connect.MongoSinkConnector', 'connection.ssl.truststorePassword'],
    [undefined, 'value.converter.basic.auth.user.info'],
    [undefined, 'value.converter.schema.registry.basic.auth.user.info'],
    [undefined, 'consumer.override.ssl.keystore.password'],
    [undefined, 'producer.override.ssl.key.password'],
    [undefined, 'consumer.override.ssl.keystore.key'],
  ])('%s: %s', (connectorClass, key) => {
    expect(isSecretKey(connectorClass, key)).toBe(true);
    expect(displayValue(connectorClass, key, LEAKED)).toBe('****');
    expect(displayValue(connectorClass, key, PLACEHOLDER)).toBe(PLACEHOLDER);
  });

  it('connection strings are judged by their value, even when the plugin declares them PASSWORD (connection.uri)', () => {
    for (const key of ['connection.uri', 'connection.url', 'mongodb.connection.string']) expect([key, isSecretKey('com.mongodb.kafka.connect.MongoSinkConnector', key)]).toEqual([key, false]);
    expect(displayValue('com.mongodb.kafka.connect.MongoSinkConnector', 'connection.uri', 'mongodb://mongo1:27017/?replicaSet=rs0')).toBe('mongodb://mongo1:27017/?replicaSet=rs0');
  });

  it('maskConfig leaves no literal credential in a config, in whatever key or form', () => {
    const masked = maskConfig({
      'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
      'connection.url': `jdbc:postgresql://db/bi?password=${LEAKED}`,
      'connection.password': LEAKED,
      'value.converter.basic.auth.user.info': `cdc:${LEAKED}`,
      'transforms.x.note': `see mongodb://u:${LEAKED}@h`,
    });
    expect(JSON.stringify(masked)).not.toContain(LEAKED);
    expect(masked['connection.url']).toBe('jdbc:postgresql://db/bi?password=****');
  });
});

describe('the gate: credentials in any key, masked in every message', () => {
  const source = (config: Record<string, string>) => ({
    name: 'src',
    config: { 'connector.class': 'io.debezium.connector.mongodb.MongoDbConnector', 'mongodb.connection.string': 'mongodb://mongo:27017/?replicaSet=rs0', 'topic.prefix': 'cdc', ...config },
  });

  it('accepts a literal connection string without a password: the issue\'s first false positive', () => {
    expect(validateConnectorJson(source({}))).toEqual([]);
    expect(validateConnectorJson({ name: 'm', config: { 'connector.class': 'com.mongodb.kafka.connect.MongoSourceConnector', 'connection.uri': 'mongodb://mongo1:27017/?replicaSet=rs0', database: 'shop' } })).toEqual([]);
  });

  it('rejects a literal password wherever it stands, and never prints it', () => {
    const issues = validateConnectorJson(
      source({
        'mongodb.password': LEAKED,
        'mongodb.connection.string': `mongodb://cdc:${LEAKED}@mongo:27017/?replicaSet=rs0`,
        'value.converter.basic.auth.user.info': `cdc:${LEAKED}`,
        'signal.kafka.consumer.sasl.jaas.config': `ScramLoginModule required username="cdc" password="${LEAKED}";`,
      }),
    );
    expect(issues.filter((issue) => issue.severity === 'error').map((issue) => issue.field).sort()).toEqual([
      'mongodb.connection.string',
      'mongodb.password',
      'signal.kafka.consumer.sasl.jaas.config',
      'value.converter.basic.auth.user.info',
    ]);
    for (const issue of issues) expect(formatIssue(issue)).not.toContain(LEAKED);
  });
});

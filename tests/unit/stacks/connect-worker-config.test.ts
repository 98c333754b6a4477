import {
  configProviderReferences,
  imageEnvironmentVariables,
  jvmEnvironmentVariables,
  mountedSecretFiles,
  restAuthSecretFiles,
  restJaasConfig,
  restKeystorePasswordVariables,
  workerConfigProviders,
  workerProperties,
} from '../../../stacks/connect-worker-config';
import type { Environment } from '../../../config';
import { environment } from './fixtures';

function propertiesOf(env: Environment): Record<string, string> {
  return workerProperties(env, env.infrastructure.connect!, env.infrastructure.kafka!);
}

describe('configProviderReferences', () => {
  it('finds every placeholder with the setting it sits in, and none in the infrastructure block', () => {
    expect(configProviderReferences(environment())).toEqual([
      { provider: 'dir', path: '/etc/connect-secrets', key: 'mongodb-uri', setting: 'mongodb.connectionString' },
      { provider: 'dir', path: '/etc/connect-secrets', key: 'warehouse-password', setting: 'warehouse.password' },
    ]);
  });
});

describe('workerProperties', () => {
  const properties = propertiesOf(environment());

  it("carries MongoDB's largest documents for every producer it makes for a connector (sources and dead-letter queues)", () => {
    expect(properties).toMatchObject({
      'producer.max.request.size': String(64 * 1024 * 1024),
      'producer.buffer.memory': String(128 * 1024 * 1024),
      'producer.compression.type': 'zstd',
    });
  });

  it('names the group and its internal topics after the environment', () => {
    expect(properties).toMatchObject({
      'group.id': 'cdc-connect-test',
      'config.storage.topic': 'cdc-connect-test-configs',
      'offset.storage.topic': 'cdc-connect-test-offsets',
      'status.storage.topic': 'cdc-connect-test-status',
    });
  });

  it('replicates the internal topics as the cluster replicates topics (3)', () => {
    expect(properties).toMatchObject({
      'config.storage.replication.factor': '3',
      'offset.storage.replication.factor': '3',
      'status.storage.replication.factor': '3',
    });
  });

  it('converts with JSON and schemas, as the JDBC sink needs', () => {
    expect(properties).toMatchObject({
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'true',
      'value.converter.schemas.enable': 'true',
    });
  });

  it('enables only the dir provider, limited to /etc/connect-secrets, when only dir is referenced', () => {
    expect(properties['config.providers']).toBe('dir');
    expect(properties['config.providers.dir.class']).toBe('org.apache.kafka.common.config.provider.DirectoryConfigProvider');
    expect(properties['config.providers.dir.param.allowed.paths']).toBe('/etc/connect-secrets');
    expect(properties['config.providers.env.class']).toBeUndefined();
  });

  it('adds the env provider with an allow-list of exactly the referenced variables', () => {
    const env = environment((input) => {
      input.warehouse.username = '${env:WAREHOUSE_USER}';
      input.warehouse.jdbcUrl = '${env:WAREHOUSE_URL}';
    });
    expect(workerConfigProviders(env)).toEqual(['dir', 'env']);
    expect(propertiesOf(env)['config.providers.env.param.allowlist.pattern']).toBe('^(WAREHOUSE_URL|WAREHOUSE_USER)$');
  });

  it('adds the file provider limited to the referenced files', () => {
    const env = environment((input) => (input.warehouse.password = '${file:/etc/warehouse.properties:password}'));
    expect(propertiesOf(env)).toMatchObject({
      'config.providers': 'dir,file',
      'config.providers.file.param.allowed.paths': '/etc/warehouse.properties',
    });
  });

  it('talks to MSK over SASL_SSL with IAM, for the worker and its tasks\' clients alike', () => {
    for (const prefix of ['', 'producer.', 'consumer.', 'admin.']) {
      expect(properties[`${prefix}security.protocol`]).toBe('SASL_SSL');
      expect(properties[`${prefix}sasl.mechanism`]).toBe('AWS_MSK_IAM');
      expect(properties[`${prefix}sasl.jaas.config`]).toBe('software.amazon.msk.auth.iam.IAMLoginModule required;');
    }
  });

  it('with SCRAM, reads the password from the mounted secret, never a literal', () => {
    const env = environment((input) => {
      input.infrastructure.kafka = { authentication: { iam: false, scram: true } };
      input.infrastructure.connect.kafkaAuthentication = 'scram';
    });
    const scram = propertiesOf(env);
    expect(scram['consumer.sasl.mechanism']).toBe('SCRAM-SHA-512');
    expect(scram['sasl.jaas.config']).toBe(
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="kafka-connect" password="${dir:/etc/connect-secrets:kafka-scram-password}";',
    );
  });
});

describe('imageEnvironmentVariables', () => {
  it('uses the image\'s own names where its entrypoint has them, CONNECT_<NAME> elsewhere', () => {
    expect(imageEnvironmentVariables({ 'group.id': 'g', 'bootstrap.servers': 'b:9098', 'config.providers.dir.class': 'C' })).toEqual({
      GROUP_ID: 'g',
      BOOTSTRAP_SERVERS: 'b:9098',
      CONNECT_CONFIG_PROVIDERS_DIR_CLASS: 'C',
    });
  });

  it('refuses a property the entrypoint cannot spell, naming it', () => {
    expect(() => imageEnvironmentVariables({ 'ssl.endpoint_identification': 'x' })).toThrow(
      'ssl.endpoint_identification: the image can only set properties of lower-case letters, digits and dots (got "ssl.endpoint_identification")',
    );
  });

  it('refuses a value its sed would corrupt, naming the property and the value', () => {
    expect(() => imageEnvironmentVariables({ 'client.id': 'a@b' })).toThrow('client.id: the image\'s entrypoint cannot carry @, &, \\ or a newline in a value (got "a@b")');
  });

  it('reports every refused property at once', () => {
    expect(() => imageEnvironmentVariables({ 'a_b': 'x', 'c.d': 'x&y' })).toThrow(/a_b: .*\nc\.d: /);
  });

  it('maps every worker property of a real environment', () => {
    const env = environment();
    expect(Object.keys(imageEnvironmentVariables(propertiesOf(env)))).toHaveLength(Object.keys(propertiesOf(env)).length);
  });
});

describe('mountedSecretFiles', () => {
  it('mounts the MongoDB URI of the atlas stack and the configured secrets', () => {
    expect(mountedSecretFiles(environment())).toEqual([
      { file: 'mongodb-uri', secretName: 'cdc-platform/test/atlas-cdc-user', jsonKey: 'uri' },
      { file: 'warehouse-password', secretName: 'test/warehouse', jsonKey: 'password' },
    ]);
  });

  it('adds the SCRAM password when the workers use SCRAM', () => {
    const env = environment((input) => {
      input.infrastructure.kafka = { authentication: { iam: true, scram: true } };
      input.infrastructure.connect.kafkaAuthentication = 'scram';
    });
    expect(mountedSecretFiles(env)).toContainEqual({ file: 'kafka-scram-password', secretName: 'AmazonMSK_cdc-test-kafka-connect', jsonKey: 'password' });
  });

  it('has no MongoDB URI without an atlas stack', () => {
    const env = environment((input) => delete input.infrastructure.atlas);
    expect(mountedSecretFiles(env).map((file) => file.file)).toEqual(['warehouse-password']);
  });
});

describe('jvmEnvironmentVariables', () => {
  it('loads the JMX exporter agent on 9404 with the mounted configuration', () => {
    expect(jvmEnvironmentVariables(environment().infrastructure.connect!).KAFKA_OPTS).toMatch(
      /^-javaagent:\/kafka\/libs\/jmx_prometheus_javaagent-1\.0\.1\.jar=9404:\/etc\/jmx-exporter\/config\.yaml /,
    );
  });

  it('points the REST extension at its JAAS file', () => {
    expect(jvmEnvironmentVariables(environment().infrastructure.connect!).KAFKA_OPTS).toMatch(/ -Djava\.security\.auth\.login\.config=\/etc\/connect-rest-jaas\/jaas\.conf$/);
  });
});

describe('the REST API of the workers', () => {
  const properties = propertiesOf(environment());

  it('serves https only, no plain http listener beside it', () => {
    expect(properties.listeners).toBe('https://0.0.0.0:8083');
    expect(properties['rest.advertised.listener']).toBe('https');
  });

  it('authenticates with Basic credentials checked by the worker itself', () => {
    expect(properties['rest.extension.classes']).toBe('org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension');
    expect(restJaasConfig()).toContain('PropertyFileLoginModule required\n  file="/etc/connect-rest-auth/users.properties";');
  });

  it('checks the forwarding worker\'s peer against its truststore (the workers\' CA alone), not against a host name no certificate carries', () => {
    expect(properties).toMatchObject({
      'listeners.https.ssl.truststore.location': '/etc/connect-rest-tls/truststore.p12',
      'listeners.https.ssl.endpoint.identification.algorithm': '',
    });
  });

  it('keeps the stores\' password out of the properties and out of every config provider', () => {
    expect(Object.keys(properties).filter((key) => key.endsWith('password'))).toEqual([]);
    expect(restKeystorePasswordVariables('pw', 'password').map((variable) => variable.name)).toEqual([
      'CONNECT_LISTENERS_HTTPS_SSL_KEYSTORE_PASSWORD',
      'CONNECT_LISTENERS_HTTPS_SSL_TRUSTSTORE_PASSWORD',
    ]);
    expect(properties['config.providers.dir.param.allowed.paths']).toBe('/etc/connect-secrets');
  });

  it('admits no client override from a connector config, and sets the sinks\' poll size itself', () => {
    expect(properties['connector.client.config.override.policy']).toBe('None');
    expect(properties['consumer.max.poll.records']).toBe(String(environment().sink.maxPollRecords));
  });

  it('acknowledges a record only once every in-sync replica holds it', () => {
    expect(properties['producer.acks']).toBe('all');
  });

  it('writes a retried batch once, keeping order with at most 5 batches in flight', () => {
    expect(properties['producer.enable.idempotence']).toBe('true');
    expect(Number(properties['producer.max.in.flight.requests.per.connection'])).toBeLessThanOrEqual(5);
    expect(properties['producer.max.in.flight.requests.per.connection']).toBe('5');
  });

  it('retries a send until the brokers take it: the default retries, bounded by Connect\'s own delivery timeout', () => {
    expect(properties['producer.delivery.timeout.ms']).toBe('2147483647');
    expect(properties).not.toHaveProperty('producer.retries');
  });

  it('lets the sinks read only committed records', () => {
    expect(properties['consumer.isolation.level']).toBe('read_committed');
  });

  it('runs source connectors exactly-once (KIP-618)', () => {
    expect(properties['exactly.once.source.support']).toBe('enabled');
    expect(imageEnvironmentVariables(properties).CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT).toBe('enabled');
  });

  it("prepares for exactly-once, the first of KIP-618's two rolling steps, when connect.exactlyOnceSource says so", () => {
    const preparing = propertiesOf(environment((input) => (input.connect = { ...input.connect, exactlyOnceSource: 'preparing' })));
    expect(preparing['exactly.once.source.support']).toBe('preparing');
    expect(imageEnvironmentVariables(preparing).CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT).toBe('preparing');
  });

  it('mounts the REST credentials apart from the secrets connectors may name', () => {
    expect(restAuthSecretFiles(environment())).toEqual([
      { file: 'users.properties', secretName: 'cdc-platform/test/connect-rest', jsonKey: 'users' },
      { file: 'client-credentials', secretName: 'cdc-platform/test/connect-rest', jsonKey: 'client' },
      // Synced into the supervisor's Secret (stacks/connect-supervisor.ts).
      { file: 'username', secretName: 'cdc-platform/test/connect-rest', jsonKey: 'username' },
      { file: 'password', secretName: 'cdc-platform/test/connect-rest', jsonKey: 'password' },
    ]);
    expect(mountedSecretFiles(environment()).map((file) => file.secretName)).not.toContain('cdc-platform/test/connect-rest');
  });
});

import { messageSizeSettings, workerDeliveryProperties, type Environment } from '../config';
import type { ConnectSettings, KafkaSettings } from '../config/infrastructure';
import { CERTIFICATE_FILES } from './constructs/workload-certificate';
import { CONNECT_SECRETS_DIRECTORY, SCRAM_USERNAME, atlasCredentialsSecretName, connectGroupId, connectInternalTopics, connectRestCredentialsSecretName, scramSecretName } from './names';

/**
 * The Connect workers' configuration as pure functions of the environment: the worker properties,
 * the environment variables the Debezium image turns them into, and the secret files mounted for
 * the `dir` config provider. The connect stack ships what these return; the tests read them directly.
 */

export const CONNECT_REST_PORT = 8083;
/** The JMX exporter agent's HTTP port (Debezium's and Strimzi's images use the same). */
export const CONNECT_METRICS_PORT = 9404;
export const JMX_EXPORTER_CONFIG_FILE = '/etc/jmx-exporter/config.yaml';

/** Where the workers read their REST certificate: cert-manager's PKCS12 keystore and truststore, and the CA alone. */
export const CONNECT_REST_TLS_DIRECTORY = '/etc/connect-rest-tls';
/**
 * Where the workers read the REST API's users, and the probe its credentials: beside, not under,
 * the directory the `dir` config provider may read, so that no connector config can name them.
 */
export const CONNECT_REST_AUTH_DIRECTORY = '/etc/connect-rest-auth';
/** The JAAS file that points the REST extension at the users file; no secret in it. */
export const CONNECT_REST_JAAS_FILE = '/etc/connect-rest-jaas/jaas.conf';
/**
 * The files of the REST credentials' secret: the users (`user=password`, PropertyFileLoginModule),
 * `user:password` for the probe, and the user and password apart, which the CSI driver syncs into the
 * supervisor's Secret (stacks/connect-supervisor.ts).
 */
export const CONNECT_REST_AUTH_FILES = { users: 'users.properties', client: 'client-credentials', username: 'username', password: 'password' } as const;
/** The one REST user: the GitOps apply (CONNECT_USERNAME); the probe logs in as it too. */
export const CONNECT_REST_USERNAME = 'cdc-gitops';
/** Kafka's Basic authentication for the REST API (connect-basic-auth-extension, in the Kafka distribution the image carries). */
export const BASIC_AUTH_REST_EXTENSION = 'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension';
/**
 * The stores' password reaches the worker as these properties, set from the password's Secret
 * through the image's `CONNECT_*` variables: never a config provider, which any connector could name.
 */
export const REST_KEYSTORE_PASSWORD_PROPERTIES = ['listeners.https.ssl.keystore.password', 'listeners.https.ssl.truststore.password'] as const;

const CONFIG_PROVIDER_CLASSES = {
  dir: 'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
  env: 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
  file: 'org.apache.kafka.common.config.provider.FileConfigProvider',
} as const;
export type WorkerConfigProvider = keyof typeof CONFIG_PROVIDER_CLASSES;

/** Kafka's own syntax (ConfigTransformer): `${provider:[path:]key}`, the path up to the last colon. */
const PLACEHOLDER = /\$\{([A-Za-z0-9_.-]+?):(?:([^}]*):)?([^}:]+)\}/g;

/** The placeholder as written. */
export function placeholderOf(reference: ConfigProviderReference): string {
  return `\${${reference.provider}:${reference.path ? `${reference.path}:` : ''}${reference.key}}`;
}

export interface ConfigProviderReference {
  readonly provider: string;
  /** '' when the placeholder has none (`${env:NAME}`). */
  readonly path: string;
  readonly key: string;
  /** Where in the environment, e.g. `warehouse.password`. */
  readonly setting: string;
}

/** Every `${provider:path:key}` in the environment's settings (the infrastructure block aside). */
export function configProviderReferences(environment: Environment): ConfigProviderReference[] {
  const references: ConfigProviderReference[] = [];
  const visit = (value: unknown, setting: string): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(PLACEHOLDER)) {
        references.push({ provider: match[1]!, path: match[2] ?? '', key: match[3]!, setting });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${setting}.${index}`));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) visit(item, setting ? `${setting}.${key}` : key);
    }
  };
  const { infrastructure: _infrastructure, ...settings } = environment;
  visit(settings, '');
  return references;
}

/** A file under /etc/connect-secrets and the Secrets Manager secret (or JSON key of it) it holds. */
export interface MountedSecretFile {
  readonly file: string;
  readonly secretName: string;
  readonly jsonKey?: string;
}

export const SCRAM_PASSWORD_FILE = 'kafka-scram-password';
export const MONGODB_URI_FILE = 'mongodb-uri';

/** Files the stacks themselves provide: the SCRAM password (kafka stack) and the MongoDB URI (atlas stack). */
export function stackProvidedSecretFiles(environment: Environment): MountedSecretFile[] {
  const { connect, atlas } = environment.infrastructure;
  return [
    ...(connect?.kafkaAuthentication === 'scram' ? [{ file: SCRAM_PASSWORD_FILE, secretName: scramSecretName(environment), jsonKey: 'password' }] : []),
    ...(atlas ? [{ file: MONGODB_URI_FILE, secretName: atlasCredentialsSecretName(environment), jsonKey: 'uri' }] : []),
  ];
}

/** The REST API's credential files, mounted apart under CONNECT_REST_AUTH_DIRECTORY: the connect stack's generated secret. */
export function restAuthSecretFiles(environment: Environment): MountedSecretFile[] {
  const secretName = connectRestCredentialsSecretName(environment);
  return [
    { file: CONNECT_REST_AUTH_FILES.users, secretName, jsonKey: 'users' },
    { file: CONNECT_REST_AUTH_FILES.client, secretName, jsonKey: 'client' },
    { file: CONNECT_REST_AUTH_FILES.username, secretName, jsonKey: 'username' },
    { file: CONNECT_REST_AUTH_FILES.password, secretName, jsonKey: 'password' },
  ];
}

/** Every file mounted under /etc/connect-secrets. */
export function mountedSecretFiles(environment: Environment): MountedSecretFile[] {
  return [...stackProvidedSecretFiles(environment), ...(environment.infrastructure.connect?.secrets ?? [])];
}

/** The config providers the workers enable: `dir` for the mounted secrets, others only when referenced. */
export function workerConfigProviders(environment: Environment): WorkerConfigProvider[] {
  const used = new Set(configProviderReferences(environment).map((reference) => reference.provider));
  return (Object.keys(CONFIG_PROVIDER_CLASSES) as WorkerConfigProvider[]).filter((provider) => provider === 'dir' || used.has(provider));
}

function configProviderProperties(environment: Environment): Record<string, string> {
  const references = configProviderReferences(environment);
  const providers = workerConfigProviders(environment);
  const properties: Record<string, string> = { 'config.providers': providers.join(',') };
  for (const provider of providers) {
    properties[`config.providers.${provider}.class`] = CONFIG_PROVIDER_CLASSES[provider];
  }
  // KIP-993 / KIP-887: a provider reads only what it is meant to, not any file or variable a connector names.
  properties['config.providers.dir.param.allowed.paths'] = CONNECT_SECRETS_DIRECTORY;
  if (providers.includes('file')) {
    const paths = [...new Set(references.filter((reference) => reference.provider === 'file').map((reference) => reference.path))];
    properties['config.providers.file.param.allowed.paths'] = paths.join(',');
  }
  if (providers.includes('env')) {
    const names = [...new Set(references.filter((reference) => reference.provider === 'env').map((reference) => reference.key))];
    properties['config.providers.env.param.allowlist.pattern'] = `^(${names.join('|')})$`;
  }
  return properties;
}

function clientSecurityProperties(connect: ConnectSettings): Record<string, string> {
  const security =
    connect.kafkaAuthentication === 'iam'
      ? {
          'security.protocol': 'SASL_SSL',
          'sasl.mechanism': 'AWS_MSK_IAM',
          'sasl.jaas.config': 'software.amazon.msk.auth.iam.IAMLoginModule required;',
          'sasl.client.callback.handler.class': 'software.amazon.msk.auth.iam.IAMClientCallbackHandler',
        }
      : {
          'security.protocol': 'SASL_SSL',
          'sasl.mechanism': 'SCRAM-SHA-512',
          'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${SCRAM_USERNAME}" password="\${dir:${CONNECT_SECRETS_DIRECTORY}:${SCRAM_PASSWORD_FILE}}";`,
        };
  // The worker's own clients read the bare keys; the tasks' producers, consumers and admin clients the prefixed ones.
  const properties: Record<string, string> = {};
  for (const prefix of ['', 'producer.', 'consumer.', 'admin.']) {
    for (const [key, value] of Object.entries(security)) properties[`${prefix}${key}`] = value;
  }
  return properties;
}

/**
 * The REST API: HTTPS only (the certificate of the connect stack's WorkloadCertificate), and every request
 * but the workers' signed internal ones authenticated by Kafka's BasicAuthSecurityRestExtension
 * against the mounted users file. A follower forwards requests to the leader at the pod address the
 * leader advertises, which no certificate can name: that client checks the chain against the
 * truststore, which holds the workers' own CA and nothing else, and not the host name.
 */
function restProperties(): Record<string, string> {
  const tls = (file: string) => `${CONNECT_REST_TLS_DIRECTORY}/${file}`;
  return {
    // `listeners` replaces the deprecated `rest.host.name`/`rest.port` (which the image still sets).
    listeners: `https://0.0.0.0:${CONNECT_REST_PORT}`,
    'rest.advertised.listener': 'https',
    'rest.advertised.port': String(CONNECT_REST_PORT),
    'listeners.https.ssl.keystore.type': 'PKCS12',
    'listeners.https.ssl.keystore.location': tls(CERTIFICATE_FILES.keystore),
    'listeners.https.ssl.truststore.type': 'PKCS12',
    'listeners.https.ssl.truststore.location': tls(CERTIFICATE_FILES.truststore),
    'listeners.https.ssl.endpoint.identification.algorithm': '',
    'rest.extension.classes': BASIC_AUTH_REST_EXTENSION,
  };
}

/** The JAAS file BasicAuthSecurityRestExtension reads (`-Djava.security.auth.login.config`): the users file, nothing secret. */
export function restJaasConfig(): string {
  return [
    'KafkaConnect {',
    '  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required',
    `  file="${CONNECT_REST_AUTH_DIRECTORY}/${CONNECT_REST_AUTH_FILES.users}";`,
    '};',
    '',
  ].join('\n');
}

/** The image's variables for the stores' password, each read from the password's Secret. */
export function restKeystorePasswordVariables(secretName: string, key: string) {
  return REST_KEYSTORE_PASSWORD_PROPERTIES.map((property) => ({
    name: `CONNECT_${property.toUpperCase().replace(/\./g, '_')}`,
    valueFrom: { secretKeyRef: { name: secretName, key } },
  }));
}

/** The distributed worker's properties (bootstrap servers aside: they come from the MSK cluster). */
export function workerProperties(environment: Environment, connect: ConnectSettings, kafka: KafkaSettings): Record<string, string> {
  const topics = connectInternalTopics(environment);
  const replicationFactor = String(kafka.replicationFactor);
  return {
    'group.id': connectGroupId(environment),
    'config.storage.topic': topics.configs,
    'offset.storage.topic': topics.offsets,
    'status.storage.topic': topics.status,
    'config.storage.replication.factor': replicationFactor,
    'offset.storage.replication.factor': replicationFactor,
    'status.storage.replication.factor': replicationFactor,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    // The JDBC sink needs the schemas Debezium writes beside each record.
    'key.converter.schemas.enable': 'true',
    'value.converter.schemas.enable': 'true',
    ...restProperties(),
    // Source connectors create their topics (the brokers' auto-creation is off).
    'topic.creation.enable': 'true',
    // A connector config may not change its clients' settings: with All, one could point its
    // producer at another principal or cluster, or turn TLS off. Client sizes are the worker's.
    // (Kafka 4.1 has None, Principal and All; a key allowlist arrives with KIP-1188.)
    'connector.client.config.override.policy': 'None',
    // The sinks' poll size (environment.sink.maxPollRecords), for every sink of the worker.
    'consumer.max.poll.records': String(environment.sink.maxPollRecords),
    // Acks, idempotence, delivery timeout, read_committed sinks and exactly-once sources, each with its
    // reason there; `preparing` for the first of KIP-618's two rolling steps (connect.exactlyOnceSource).
    ...workerDeliveryProperties(environment.connect.exactlyOnceSource),
    ...largeMessageProducerProperties(environment),
    ...configProviderProperties(environment),
    ...clientSecurityProperties(connect),
  };
}

/**
 * MongoDB's largest documents, for every producer the worker makes for a connector: the sources' and
 * the sinks' dead-letter producers (Worker.baseProducerConfigs takes the worker's `producer.*`, then
 * the connector's overrides), so no connector needs a `producer.override.*` for them.
 */
export function largeMessageProducerProperties(environment: Environment): Record<string, string> {
  const sizes = messageSizeSettings(environment.kafka);
  return {
    'producer.max.request.size': String(sizes.producerMaxRequestSize),
    'producer.buffer.memory': String(sizes.producerBufferMemory),
    'producer.compression.type': sizes.producerCompressionType,
  };
}

/**
 * The Debezium image's entrypoint takes a few settings under its own variable names (and would
 * overwrite a `CONNECT_` variable for them with its defaults); it turns every other `CONNECT_<NAME>`
 * into the property `<name>` lower-cased with `_` read as `.`.
 */
const IMAGE_VARIABLES: Readonly<Record<string, string>> = {
  'bootstrap.servers': 'BOOTSTRAP_SERVERS',
  'group.id': 'GROUP_ID',
  'config.storage.topic': 'CONFIG_STORAGE_TOPIC',
  'offset.storage.topic': 'OFFSET_STORAGE_TOPIC',
  'status.storage.topic': 'STATUS_STORAGE_TOPIC',
  'key.converter': 'KEY_CONVERTER',
  'value.converter': 'VALUE_CONVERTER',
  'rest.advertised.port': 'ADVERTISED_PORT',
};

/** Worker properties as the Debezium image's environment variables; refuses what its entrypoint would mangle. */
export function imageEnvironmentVariables(properties: Readonly<Record<string, string>>): Record<string, string> {
  const problems: string[] = [];
  const variables: Record<string, string> = {};
  for (const [property, value] of Object.entries(properties)) {
    if (!/^[a-z0-9]+(\.[a-z0-9]+)*$/.test(property)) {
      problems.push(`${property}: the image can only set properties of lower-case letters, digits and dots (got ${JSON.stringify(property)})`);
      continue;
    }
    // The entrypoint edits its properties file with `sed s@…@…@`: these characters would corrupt the value.
    if (/[@&\\\n]/.test(value)) {
      problems.push(`${property}: the image's entrypoint cannot carry @, &, \\ or a newline in a value (got ${JSON.stringify(value)})`);
      continue;
    }
    variables[IMAGE_VARIABLES[property] ?? `CONNECT_${property.toUpperCase().replace(/\./g, '_')}`] = value;
  }
  if (problems.length > 0) throw new Error(`worker configuration:\n${problems.join('\n')}`);
  return variables;
}

/** JVM options: the JMX exporter agent, the REST extension's JAAS file, and a heap sized from the container's memory limit. */
export function jvmEnvironmentVariables(connect: ConnectSettings): Record<string, string> {
  return {
    KAFKA_OPTS: `-javaagent:${connect.jmxExporterAgentPath}=${CONNECT_METRICS_PORT}:${JMX_EXPORTER_CONFIG_FILE} -Djava.security.auth.login.config=${CONNECT_REST_JAAS_FILE}`,
    HEAP_OPTS: '-XX:MaxRAMPercentage=75.0 -XX:InitialRAMPercentage=50.0',
  };
}

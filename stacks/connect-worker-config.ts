import { messageSizeSettings, type Environment } from '../config';
import type { ConnectSettings, KafkaSettings } from '../config/infrastructure';
import { CONNECT_SECRETS_DIRECTORY, SCRAM_USERNAME, atlasCredentialsSecretName, connectGroupId, connectInternalTopics, scramSecretName } from './names';

/**
 * The Connect workers' configuration as pure functions of the environment: the worker properties,
 * the environment variables the Debezium image turns them into, and the secret files mounted for
 * the `dir` config provider. The connect stack ships what these return; the tests read them directly.
 */

export const CONNECT_REST_PORT = 8083;
/** The JMX exporter agent's HTTP port (Debezium's and Strimzi's images use the same). */
export const CONNECT_METRICS_PORT = 9404;
export const JMX_EXPORTER_CONFIG_FILE = '/etc/jmx-exporter/config.yaml';

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
    // `listeners` replaces the deprecated `rest.host.name`/`rest.port` (which the image still sets).
    listeners: `http://0.0.0.0:${CONNECT_REST_PORT}`,
    'rest.advertised.port': String(CONNECT_REST_PORT),
    // Source connectors create their topics (the brokers' auto-creation is off).
    'topic.creation.enable': 'true',
    // The sinks tune their consumers through `consumer.override.*`.
    'connector.client.config.override.policy': 'All',
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

/** JVM options: the JMX exporter agent, and a heap sized from the container's memory limit. */
export function jvmEnvironmentVariables(connect: ConnectSettings): Record<string, string> {
  return {
    KAFKA_OPTS: `-javaagent:${connect.jmxExporterAgentPath}=${CONNECT_METRICS_PORT}:${JMX_EXPORTER_CONFIG_FILE}`,
    HEAP_OPTS: '-XX:MaxRAMPercentage=75.0 -XX:InitialRAMPercentage=50.0',
  };
}

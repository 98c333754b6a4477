import { z } from 'zod';
import { MONGODB_KAFKA_ARRAY } from './bson-json';
import { checkSinkTopics, sinkConnectorFields } from './common';
import { boolean, bsonArray, enumValue, integer, mongoDbConnectionString, nonEmpty } from './fields';
import type { Finding, PluginSpec } from './plugin';

export const MONGODB_SINK_CLASS = 'com.mongodb.kafka.connect.MongoSinkConnector';

/** The CDC handlers the MongoDB sink ships: which change-event format it replays. */
export const MONGODB_SINK_CDC_HANDLERS = [
  'com.mongodb.kafka.connect.sink.cdc.debezium.mongodb.ChangeStreamHandler',
  'com.mongodb.kafka.connect.sink.cdc.debezium.mongodb.MongoDbHandler',
  'com.mongodb.kafka.connect.sink.cdc.debezium.rdbms.RdbmsHandler',
  'com.mongodb.kafka.connect.sink.cdc.debezium.rdbms.mysql.MysqlHandler',
  'com.mongodb.kafka.connect.sink.cdc.debezium.rdbms.postgres.PostgresHandler',
  'com.mongodb.kafka.connect.sink.cdc.mongodb.ChangeStreamHandler',
  'com.mongodb.kafka.connect.sink.cdc.qlik.rdbms.RdbmsHandler',
] as const;

const fields = {
  ...sinkConnectorFields,
  // PASSWORD-typed, with a default (mongodb://localhost:27017): a literal without a password is legitimate.
  'connection.uri': mongoDbConnectionString({ slashBeforeOptions: true }).optional(),
  database: nonEmpty(),
  collection: z.string().optional(),
  'delete.on.null.values': boolean().optional(),
  'max.batch.size': integer({ min: 0 }).optional(),
  'bulk.write.ordered': boolean().optional(),
  'change.data.capture.handler': z
    .string()
    .refine((value) => value === '' || (MONGODB_SINK_CDC_HANDLERS as readonly string[]).includes(value), {
      message: `must be one of the handlers the MongoDB sink ships (${MONGODB_SINK_CDC_HANDLERS.length} known)`,
    })
    .optional(),
  // Renamings as BSON's relaxed reader parses them (MongoSinkTopicConfig.java:948-965; see bson-json.ts).
  'field.renamer.mapping': bsonArray('renaming documents', MONGODB_KAFKA_ARRAY).optional(),
  'field.renamer.regexp': bsonArray('renaming documents', MONGODB_KAFKA_ARRAY).optional(),
  'connection.ssl.truststorePassword': z.string().optional(),
  'connection.ssl.keystorePassword': z.string().optional(),
} as const;

const schema = z.looseObject(fields).superRefine((config, ctx) => checkSinkTopics(config, ctx));

/**
 * Keys a CDC handler makes the sink ignore, with the value that counts as unset (`undefined`: any
 * value is ignored). mongodb/mongo-kafka r2.0.1 SinkConfigSoftValidator.java INCOMPATIBLE_PROPERTIES:
 * the sink only logs "Configuration property … is incompatible with … The latter is ignored."
 */
const IGNORED_WITH_CDC_HANDLER: Readonly<Record<string, string | undefined>> = {
  'post.processor.chain': undefined,
  'field.renamer.mapping': '[]',
  'field.renamer.regexp': '[]',
  'key.projection.list': '',
  'key.projection.type': 'none',
  'value.projection.list': '',
  'value.projection.type': 'none',
  'writemodel.strategy': undefined,
  'document.id.strategy': undefined,
  'document.id.strategy.overwrite.existing': 'false',
  'document.id.strategy.uuid.format': undefined,
  'delete.on.null.values': 'false',
};

/** Projection types and processors the sink still takes under their old names (MongoSinkTopicConfig.java:67-73). */
const LEGACY_PROJECTION_TYPES: ReadonlyMap<string, string> = new Map([
  ['blacklist', 'blocklist'],
  ['whitelist', 'allowlist'],
]);
const LEGACY_PROCESSOR = /\b(Blacklist|Whitelist)(Key|Value)Projector\b/g;

function cdcHandlerWarnings(config: Readonly<Record<string, string>>): Finding[] {
  const handler = config['change.data.capture.handler'];
  if (!handler) return [];
  return Object.entries(IGNORED_WITH_CDC_HANDLER)
    .filter(([key, unset]) => key in config && config[key] !== unset)
    .map(([key]) => ({ field: key, severity: 'warning' as const, message: `is ignored while change.data.capture.handler is set (the handler builds the writes itself): remove it` }));
}

function legacyNameWarnings(config: Readonly<Record<string, string>>): Finding[] {
  const findings: Finding[] = [];
  for (const key of ['key.projection.type', 'value.projection.type', 'document.id.strategy.partial.key.projection.type', 'document.id.strategy.partial.value.projection.type']) {
    const replacement = LEGACY_PROJECTION_TYPES.get(enumValue(config[key]) ?? '');
    if (replacement) findings.push({ field: key, severity: 'warning', message: `"${config[key]}" is deprecated: use ${replacement}` });
  }
  const legacy = [...(config['post.processor.chain'] ?? '').matchAll(LEGACY_PROCESSOR)].map((match) => match[0]);
  if (legacy.length) {
    const renamed = legacy.map((name) => `${name} → ${name.replace('Blacklist', 'BlockList').replace('Whitelist', 'AllowList')}`);
    findings.push({ field: 'post.processor.chain', severity: 'warning', message: `names deprecated processors: ${renamed.join(', ')}` });
  }
  return findings;
}

const UNUSED_RETRIES = "unused since the sink relies on the MongoDB driver's retries (remove it, and retryWrites=false from connection.uri if retries are wanted)";

export const mongoDbSink: PluginSpec = {
  connectorClass: MONGODB_SINK_CLASS,
  kind: 'sink',
  title: 'MongoDB Kafka sink',
  schema,
  knownKeys: Object.keys(fields),
  undeclaredKeys: {},
  secretKeys: ['connection.ssl.truststorePassword', 'connection.ssl.keystorePassword'],
  removedKeys: {},
  deprecatedKeys: {},
  // SinkConfigSoftValidator.java OBSOLETE_PROPERTIES: logged as unused, otherwise ignored.
  ignoredKeys: { 'max.num.retries': UNUSED_RETRIES, 'retries.defer.timeout': UNUSED_RETRIES },
  passThroughPrefixes: [],
  topicOverridePrefix: 'topic.override.',
  warnings: (config) => [...cdcHandlerWarnings(config), ...legacyNameWarnings(config)],
};

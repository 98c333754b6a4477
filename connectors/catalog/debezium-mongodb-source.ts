import { z } from 'zod';
import { DEBEZIUM_PIPELINE } from './bson-json';
import { jsonConverters, sourceConnectorFields, sourceErrorHandling } from './common';
import { bsonArray, boolean, enumValue, integer, list, mongoDbConnectionString, nonEmpty, oneOf } from './fields';
import { canMatchNamespace, suggestNamespacePattern } from './namespace-pattern';
import type { Finding, PluginSpec } from './plugin';

export const DEBEZIUM_MONGODB_SOURCE_CLASS = 'io.debezium.connector.mongodb.MongoDbConnector';

export const CAPTURE_MODES = [
  'change_streams',
  'change_streams_update_full',
  'change_streams_with_pre_image',
  'change_streams_update_full_with_pre_image',
] as const;
export const CAPTURE_SCOPES = ['deployment', 'database', 'collection'] as const;
export const SNAPSHOT_MODES = ['initial', 'initial_only', 'no_data', 'when_needed', 'always', 'configuration_based', 'custom'] as const;

const fields = {
  ...sourceConnectorFields,
  // Required: validate() reports "Missing connection string" (SharedMongoDbConnectorConfig.java:19-44).
  'mongodb.connection.string': mongoDbConnectionString({ slashBeforeOptions: false }),
  // Required and checked by validateTopicName (CommonConnectorConfig.java:650-661).
  'topic.prefix': z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: 'may contain only letters, digits, ".", "_" and "-"' }),
  'capture.mode': oneOf(CAPTURE_MODES, { removed: { oplog: 'change_streams (the oplog capture mode was removed in Debezium 2.0, DBZ-4951)' } }).optional(),
  'capture.scope': oneOf(CAPTURE_SCOPES).optional(),
  'capture.target': nonEmpty().optional(),
  'snapshot.mode': oneOf(SNAPSHOT_MODES, { removed: { never: 'no_data (snapshot.mode never was removed in Debezium 3.3, DBZ-8171)' } }).optional(),
  'database.include.list': list().optional(),
  'database.exclude.list': list().optional(),
  'collection.include.list': list().optional(),
  'collection.exclude.list': list().optional(),
  'field.exclude.list': list().optional(),
  'heartbeat.interval.ms': integer({ min: 0 }).optional(),
  'poll.interval.ms': integer({ min: 1 }).optional(),
  'max.batch.size': integer({ min: 1 }).optional(),
  'max.queue.size': integer({ min: 2 }).optional(),
  'max.queue.size.in.bytes': integer({ min: 0 }).optional(),
  'skipped.operations': z
    .string()
    .refine((value) => value.trim() === 'none' || value.split(',').every((op) => ['c', 'u', 'd', 't'].includes(op.trim())), {
      message: 'must be "none" or a comma-separated list of c, u, d, t',
    })
    .optional(),
  // Read at task start only (not declared, so the worker's validate never parses it): ChangeStreamPipeline.parse.
  'cursor.pipeline': bsonArray('aggregation stages', DEBEZIUM_PIPELINE).optional(),
  'cursor.pipeline.order': oneOf(['internal_first', 'user_first', 'user_only']).optional(),
  'tombstones.on.delete': boolean().optional(),
  'mongodb.ssl.enabled': boolean().optional(),
  'mongodb.password': z.string().optional(),
  'event.processing.failure.handling.mode': oneOf(['fail', 'warn', 'skip', 'ignore']).optional(),
  'schema.name.adjustment.mode': oneOf(['none', 'avro', 'avro_unicode']).optional(),
  'custom.metric.tags': z
    .string()
    .regex(/^[A-Za-z0-9_]+=[^,=]+(,[A-Za-z0-9_]+=[^,=]+)*$/, { message: 'must be "key=value" pairs separated by ",", for example connector=cdc-app-db-source' })
    .optional(),
  'tasks.max': z.string().refine((value) => value.trim() === '1', { message: 'must be "1": the Debezium MongoDB connector streams with a single task per connector' }).optional(),
} as const;

type SourceConfig = Partial<Record<keyof typeof fields | 'mongodb.connection.mode', string>>;

function checkFilters(config: SourceConfig, ctx: z.RefinementCtx): void {
  const pairs: Array<[keyof typeof fields, keyof typeof fields]> = [
    ['collection.include.list', 'collection.exclude.list'],
    ['database.include.list', 'database.exclude.list'],
  ];
  for (const [include, exclude] of pairs) {
    if (config[include] && config[exclude]) ctx.addIssue({ code: 'custom', path: [exclude], message: `cannot be combined with ${include}` });
  }
}

function checkCaptureScope(config: SourceConfig, ctx: z.RefinementCtx): void {
  const scope = enumValue(config['capture.scope']) ?? 'deployment';
  const target = config['capture.target'];
  if (scope !== 'deployment' && !target) {
    ctx.addIssue({ code: 'custom', path: ['capture.target'], message: `is required when capture.scope is "${scope}"` });
  }
  if (scope === 'collection' && target && !/^[^.]+\.[^.]+/.test(target)) {
    ctx.addIssue({ code: 'custom', path: ['capture.target'], message: 'must be "<database>.<collection>" when capture.scope is "collection"' });
  }
}

const schema = z.looseObject(fields).superRefine((config: SourceConfig, ctx) => {
  checkFilters(config, ctx);
  checkCaptureScope(config, ctx);
  const batch = Number(config['max.batch.size'] ?? 2048);
  const queue = Number(config['max.queue.size'] ?? 8192);
  if (queue <= batch) {
    ctx.addIssue({ code: 'custom', path: ['max.queue.size'], message: `must be larger than max.batch.size (${batch})` });
  }
  if (enumValue(config['mongodb.connection.mode']) === 'replica_set') {
    // MongoDbConnector.validateConnection: "Deprecated field 'mongodb.connection.mode' is used set to removed 'replica_set' value".
    ctx.addIssue({ code: 'custom', path: ['mongodb.connection.mode'], message: 'replica_set was removed in Debezium 2.6 (DBZ-7260) and the plugin refuses it: remove the key' });
  }
});

/** Entries of collection.include.list that can match no namespace: the connector captures nothing from them. */
function namespaceWarnings(config: Readonly<Record<string, string>>): Finding[] {
  return (config['collection.include.list'] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry && !canMatchNamespace(entry))
    .map((entry) => ({
      field: 'collection.include.list',
      severity: 'warning' as const,
      message: `entry "${entry}" matches no "<database>.<collection>" namespace (Debezium matches each entry against the whole namespace), so the connector captures nothing from it: did you mean "${suggestNamespacePattern(entry)}"?`,
    }));
}

const MONGODB_CONNECTOR_CONFIG = 'debezium-connector-mongodb MongoDbConnectorConfig.java defines it as a Field outside CONFIG_DEFINITION (:1019-1054)';
const COMMON_CONNECTOR_CONFIG = 'read by the CommonConnectorConfig constructor (debezium-connector-common) for every Debezium source, not declared by the MongoDB connector';
const TOPIC_NAMING = 'read by the default topic naming strategy (debezium-connector-common AbstractTopicNamingStrategy), not declared';
const RELATIONAL_SCHEMA_HISTORY = "a schema history setting of Debezium's relational connectors: the MongoDB connector keeps no schema history";

export const debeziumMongoDbSource: PluginSpec = {
  connectorClass: DEBEZIUM_MONGODB_SOURCE_CLASS,
  kind: 'source',
  title: 'Debezium MongoDB source',
  schema,
  knownKeys: Object.keys(fields),
  undeclaredKeys: {
    ...Object.fromEntries(
      [
        'capture.mode.full.update.type',
        'capture.scope',
        'capture.start.op.time',
        'capture.target',
        'cursor.oversize.handling.mode',
        'cursor.oversize.skip.threshold',
        'cursor.pipeline',
        'cursor.pipeline.order',
        'filters.match.mode',
        'mongodb.authentication.class',
        'mongodb.ssl.keystore',
        'mongodb.ssl.keystore.password',
        'mongodb.ssl.keystore.type',
        'mongodb.ssl.truststore',
        'mongodb.ssl.truststore.password',
        'mongodb.ssl.truststore.type',
      ].map((key) => [key, MONGODB_CONNECTOR_CONFIG]),
    ),
    ...Object.fromEntries(
      [
        'binary.handling.mode',
        'event.converting.failure.handling.mode',
        'field.name.adjustment.mode',
        'incremental.snapshot.allow.schema.changes',
        'incremental.snapshot.chunk.size',
        'skip.messages.without.change',
        'snapshot.locking.mode.custom.name',
        'snapshot.query.mode',
        'snapshot.query.mode.custom.name',
      ].map((key) => [key, COMMON_CONNECTOR_CONFIG]),
    ),
    ...Object.fromEntries(['topic.delimiter', 'topic.cache.size', 'topic.heartbeat.prefix', 'topic.transaction'].map((key) => [key, TOPIC_NAMING])),
  },
  secretKeys: ['mongodb.password', 'mongodb.ssl.keystore.password', 'mongodb.ssl.truststore.password'],
  removedKeys: {
    'mongodb.hosts': 'mongodb.connection.string (mongodb.hosts was removed in Debezium 2.4, DBZ-6892: the connector has no address to connect to)',
    'mongodb.members.auto.discover': 'mongodb.connection.string (removed in Debezium 2.4, DBZ-6892: discovery follows the connection string)',
    'mongodb.name': 'topic.prefix (mongodb.name was removed in Debezium 2.0)',
    'mongodb.connection.string.shard.params': 'mongodb.connection.string (removed in Debezium 2.6: the plugin refuses the key; put the parameters in the connection string)',
    'collection.whitelist': 'collection.include.list (renamed in Debezium 1.x: the old key filters nothing)',
    'collection.blacklist': 'collection.exclude.list (renamed in Debezium 1.x: the old key filters nothing)',
    'database.whitelist': 'database.include.list (renamed in Debezium 1.x: the old key filters nothing)',
    'database.blacklist': 'database.exclude.list (renamed in Debezium 1.x: the old key filters nothing)',
    'field.blacklist': 'field.exclude.list (renamed in Debezium 1.x: the old key excludes nothing)',
  },
  deprecatedKeys: {},
  ignoredKeys: {
    'database.history.': RELATIONAL_SCHEMA_HISTORY,
    'schema.history.internal.': RELATIONAL_SCHEMA_HISTORY,
    'include.schema.changes': "a setting of Debezium's relational connectors: MongoDB has no schema changes to publish",
    'mongodb.connection.mode': 'removed in Debezium 2.6 (DBZ-7260): the connector reads a sharded cluster in sharded mode by itself',
  },
  passThroughPrefixes: ['signal.', 'notification.'],
  aliasListKeys: ['converters', 'post.processors'],
  warnings: namespaceWarnings,
};

export interface DebeziumMongoDbSourceOptions {
  /** Config-provider placeholder of the MongoDB connection string (it carries credentials). */
  readonly connectionString: string;
  /** Topics become `<topicPrefix>.<database>.<collection>`. */
  readonly topicPrefix: string;
  /** Captured namespaces, `<database>.<collection>`. */
  readonly collections: readonly string[];
  /** @default 'change_streams_update_full' (updates carry the full document, so the sink can upsert) */
  readonly captureMode?: (typeof CAPTURE_MODES)[number];
  /** @default 'initial' */
  readonly snapshotMode?: (typeof SNAPSHOT_MODES)[number];
  /** @default 100 */
  readonly pollIntervalMs?: number;
  /** @default 2048 */
  readonly maxBatchSize?: number;
  /** @default 8192 */
  readonly maxQueueSize?: number;
  /** @default 10000 */
  readonly heartbeatIntervalMs?: number;
  /** Debezium `max.queue.size.in.bytes` (config/schema.ts messageSizeSettings). @default 0: unbounded in bytes */
  readonly maxQueueSizeInBytes?: number;
  /**
   * `max.message.bytes` of the topics the source creates when they do not exist (Connect's topic
   * creation, with the brokers' partitions and replication factor). @default the brokers' setting
   */
  readonly topicMaxMessageBytes?: number;
  /** Operations not captured. @default 't' (truncates, Debezium's default) */
  readonly skippedOperations?: string;
  /**
   * The workers run exactly-once sources (`exactly.once.source.support=enabled`): the source then
   * requires it. False while they are at `preparing` (environment connect.exactlyOnceSource), where
   * a worker refuses `required`: the source keeps Connect's defaults, as before exactly-once.
   * @default true
   */
  readonly exactlyOnce?: boolean;
  /** Extra aggregation stages appended to the change stream (JSON array). */
  readonly cursorPipeline?: readonly unknown[];
  /**
   * Keys appended to the names of Debezium's MBeans (`custom.metric.tags`). Their `server` key is the
   * `topic.prefix`, shared by every source of an environment: a `connector` tag keeps two sources'
   * metrics apart (without it, the second to start on a worker registers none).
   */
  readonly metricTags?: Readonly<Record<string, string>>;
}

/**
 * Kafka Connect's exactly-once source mode (KIP-618), which every worker of the platform enables
 * (config/delivery.ts `exactly.once.source.support`). Debezium 3.5's MongoDbConnector declares it:
 * `exactlyOnceSupport(Map)` returns SUPPORTED whatever the config (DBZ-9177, Debezium 3.3), and it does
 * not override `canDefineTransactionBoundaries`, so the boundary is Connect's: one transaction per
 * poll, the mode Debezium's "Exactly once delivery" page names for all its sources.
 */
function exactlyOnceDelivery(): Record<string, string> {
  return {
    // A preflight check on create and validate: a worker without exactly-once source support, or a
    // plugin that cannot promise it, refuses the connector instead of running it at-least-once unannounced.
    'exactly.once.support': 'required',
    // The default, written down: each poll's records and the offset after them commit together.
    'transaction.boundary': 'poll',
  };
}

export function debeziumMongoDbSourceConfig(options: DebeziumMongoDbSourceOptions): Record<string, string> {
  const {
    captureMode = 'change_streams_update_full',
    snapshotMode = 'initial',
    pollIntervalMs = 100,
    maxBatchSize = 2048,
    maxQueueSize = 8192,
    heartbeatIntervalMs = 10_000,
    skippedOperations = 't',
    exactlyOnce = true,
  } = options;
  return {
    'connector.class': DEBEZIUM_MONGODB_SOURCE_CLASS,
    'tasks.max': '1',
    'mongodb.connection.string': options.connectionString,
    'topic.prefix': options.topicPrefix,
    'collection.include.list': options.collections.join(','),
    'capture.mode': captureMode,
    'snapshot.mode': snapshotMode,
    'poll.interval.ms': String(pollIntervalMs),
    'max.batch.size': String(maxBatchSize),
    'max.queue.size': String(maxQueueSize),
    'heartbeat.interval.ms': String(heartbeatIntervalMs),
    'skipped.operations': skippedOperations,
    'tombstones.on.delete': 'true',
    ...(exactlyOnce ? exactlyOnceDelivery() : {}),
    ...(options.maxQueueSizeInBytes ? { 'max.queue.size.in.bytes': String(options.maxQueueSizeInBytes) } : {}),
    ...(options.topicMaxMessageBytes
      ? {
          'topic.creation.default.replication.factor': '-1',
          'topic.creation.default.partitions': '-1',
          'topic.creation.default.max.message.bytes': String(options.topicMaxMessageBytes),
        }
      : {}),
    ...(options.cursorPipeline ? { 'cursor.pipeline': JSON.stringify(options.cursorPipeline) } : {}),
    ...(options.metricTags && Object.keys(options.metricTags).length
      ? { 'custom.metric.tags': Object.entries(options.metricTags).map(([key, value]) => `${key}=${value}`).join(',') }
      : {}),
    ...jsonConverters(),
    ...sourceErrorHandling(),
  };
}

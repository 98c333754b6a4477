import { z } from 'zod';
import { CONNECT_PASS_THROUGH_PREFIXES, jsonConverters, sourceConnectorFields, sourceErrorHandling } from './common';
import { boolean, integer, jsonArray, list, nonEmpty, oneOf, secret } from './fields';
import type { PluginSpec } from './plugin';

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
  'mongodb.connection.string': secret(),
  'topic.prefix': z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: 'may contain only letters, digits, ".", "_" and "-"' }),
  'capture.mode': oneOf(CAPTURE_MODES).optional(),
  'capture.scope': oneOf(CAPTURE_SCOPES).optional(),
  'capture.target': nonEmpty().optional(),
  'snapshot.mode': oneOf(SNAPSHOT_MODES).optional(),
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
    .refine((value) => value === 'none' || value.split(',').every((op) => ['c', 'u', 'd', 't'].includes(op.trim())), {
      message: 'must be "none" or a comma-separated list of c, u, d, t',
    })
    .optional(),
  'cursor.pipeline': jsonArray('aggregation stages').optional(),
  'cursor.pipeline.order': oneOf(['internal_first', 'user_first', 'user_only']).optional(),
  'tombstones.on.delete': boolean().optional(),
  'mongodb.ssl.enabled': boolean().optional(),
  'mongodb.password': secret().optional(),
  'event.processing.failure.handling.mode': oneOf(['fail', 'warn', 'skip', 'ignore']).optional(),
  'schema.name.adjustment.mode': oneOf(['none', 'avro', 'avro_unicode']).optional(),
  'custom.metric.tags': z
    .string()
    .regex(/^[A-Za-z0-9_]+=[^,=]+(,[A-Za-z0-9_]+=[^,=]+)*$/, { message: 'must be "key=value" pairs separated by ",", for example connector=cdc-app-db-source' })
    .optional(),
  'tasks.max': z.literal('1', { message: 'must be "1": the Debezium MongoDB connector streams with a single task per connector' }).optional(),
} as const;

const schema = z.looseObject(fields).superRefine((config, ctx) => {
  const pairs: Array<[string, string]> = [
    ['collection.include.list', 'collection.exclude.list'],
    ['database.include.list', 'database.exclude.list'],
  ];
  for (const [include, exclude] of pairs) {
    if (config[include] && config[exclude]) {
      ctx.addIssue({ code: 'custom', path: [exclude], message: `cannot be combined with ${include}` });
    }
  }
  const scope = config['capture.scope'] ?? 'deployment';
  const target = config['capture.target'];
  if (scope !== 'deployment' && !target) {
    ctx.addIssue({ code: 'custom', path: ['capture.target'], message: `is required when capture.scope is "${scope}"` });
  }
  if (scope === 'collection' && target && !/^[^.]+\.[^.]+/.test(target)) {
    ctx.addIssue({ code: 'custom', path: ['capture.target'], message: 'must be "<database>.<collection>" when capture.scope is "collection"' });
  }
  const batch = Number(config['max.batch.size'] ?? 2048);
  const queue = Number(config['max.queue.size'] ?? 8192);
  if (queue <= batch) {
    ctx.addIssue({ code: 'custom', path: ['max.queue.size'], message: `must be larger than max.batch.size (${batch})` });
  }
  for (const entry of (config['collection.include.list'] ?? '').split(',').filter(Boolean)) {
    if (!entry.includes('.')) {
      ctx.addIssue({ code: 'custom', path: ['collection.include.list'], message: `entry "${entry}" must be "<database>.<collection>" (a regular expression is allowed)` });
    }
  }
});

const READ_BUT_UNDECLARED =
  "read by the connector (the MongoDB stand-in's sources depend on it in tests/integration/standin.test.ts) but absent from GET /connector-plugins/{class}/config";

export const debeziumMongoDbSource: PluginSpec = {
  connectorClass: DEBEZIUM_MONGODB_SOURCE_CLASS,
  kind: 'source',
  title: 'Debezium MongoDB source',
  schema,
  knownKeys: Object.keys(fields),
  undeclaredKeys: {
    'capture.scope': READ_BUT_UNDECLARED,
    'capture.target': READ_BUT_UNDECLARED,
    'cursor.pipeline': READ_BUT_UNDECLARED,
    'cursor.pipeline.order': READ_BUT_UNDECLARED,
  },
  secretKeys: ['mongodb.connection.string', 'mongodb.password', 'mongodb.ssl.keystore.password', 'mongodb.ssl.truststore.password'],
  removedKeys: {
    'mongodb.hosts': 'mongodb.connection.string (Debezium 2.x replaced host lists with a connection string)',
    'mongodb.name': 'topic.prefix',
    'mongodb.members.auto.discover': 'mongodb.connection.string (discovery follows the connection string)',
    'collection.whitelist': 'collection.include.list',
    'collection.blacklist': 'collection.exclude.list',
    'database.whitelist': 'database.include.list',
    'database.blacklist': 'database.exclude.list',
    'field.blacklist': 'field.exclude.list',
    'database.history.kafka.topic': 'nothing: the MongoDB connector keeps no schema history',
  },
  passThroughPrefixes: [...CONNECT_PASS_THROUGH_PREFIXES, 'signal.', 'notification.', 'snapshot.', 'internal.', 'mongodb.', 'cursor.'],
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
  /** Operations not captured. @default 't' (truncates, Debezium's default) */
  readonly skippedOperations?: string;
  /** Extra aggregation stages appended to the change stream (JSON array). */
  readonly cursorPipeline?: readonly unknown[];
  /**
   * Keys appended to the names of Debezium's MBeans (`custom.metric.tags`). Their `server` key is the
   * `topic.prefix`, shared by every source of an environment: a `connector` tag keeps two sources'
   * metrics apart (without it, the second to start on a worker registers none).
   */
  readonly metricTags?: Readonly<Record<string, string>>;
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
    ...(options.cursorPipeline ? { 'cursor.pipeline': JSON.stringify(options.cursorPipeline) } : {}),
    ...(options.metricTags && Object.keys(options.metricTags).length
      ? { 'custom.metric.tags': Object.entries(options.metricTags).map(([key, value]) => `${key}=${value}`).join(',') }
      : {}),
    ...jsonConverters(),
    ...sourceErrorHandling(),
  };
}

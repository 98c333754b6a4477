import { z } from 'zod';
import { CONNECT_PASS_THROUGH_PREFIXES, checkSinkTopics, jsonConverters, sinkConnectorFields, sinkErrorHandling } from './common';
import { boolean, integer, list, nonEmpty, oneOf, secret } from './fields';
import type { PluginSpec } from './plugin';

export const DEBEZIUM_JDBC_SINK_CLASS = 'io.debezium.connector.jdbc.JdbcSinkConnector';

const fields = {
  ...sinkConnectorFields,
  'connection.url': z
    .string()
    .refine((value) => /^jdbc:[a-z0-9]+:/.test(value) || /^\$\{[a-z]+:[^}]+\}$/.test(value), {
      message: 'must be a JDBC URL (jdbc:postgresql://…) or a config-provider placeholder',
    })
    .refine((value) => !/password=/i.test(value), { message: 'must not embed a password: use connection.password with a placeholder' }),
  'connection.username': nonEmpty(),
  'connection.password': secret(),
  'connection.pool.min_size': integer({ min: 0 }).optional(),
  'connection.pool.max_size': integer({ min: 1 }).optional(),
  'insert.mode': oneOf(['insert', 'upsert', 'update']).optional(),
  'delete.enabled': boolean().optional(),
  'truncate.enabled': boolean().optional(),
  'primary.key.mode': oneOf(['none', 'kafka', 'record_key', 'record_value', 'record_header']).optional(),
  'primary.key.fields': list().optional(),
  'schema.evolution': oneOf(['none', 'basic']).optional(),
  'collection.name.format': nonEmpty().optional(),
  'quote.identifiers': boolean().optional(),
  'batch.size': integer({ min: 1 }).optional(),
  'use.time.zone': nonEmpty().optional(),
  'field.include.list': list().optional(),
  'field.exclude.list': list().optional(),
  'flush.max.retries': integer({ min: 0 }).optional(),
  'flush.retry.delay.ms': integer({ min: 0 }).optional(),
  'connection.restart.on.errors': boolean().optional(),
} as const;

const schema = z.looseObject(fields).superRefine((config, ctx) => {
  checkSinkTopics(config, ctx);
  const mode = config['insert.mode'] ?? 'insert';
  const keyMode = config['primary.key.mode'] ?? 'none';
  if (mode === 'upsert' && keyMode === 'none') {
    ctx.addIssue({ code: 'custom', path: ['primary.key.mode'], message: 'insert.mode "upsert" needs a primary key mode other than "none"' });
  }
  if (config['delete.enabled'] === 'true' && keyMode !== 'record_key') {
    ctx.addIssue({ code: 'custom', path: ['delete.enabled'], message: `deletes need primary.key.mode "record_key" (got primary.key.mode "${keyMode}")` });
  }
  if (config['field.include.list'] && config['field.exclude.list']) {
    ctx.addIssue({ code: 'custom', path: ['field.exclude.list'], message: 'cannot be combined with field.include.list' });
  }
});

export const debeziumJdbcSink: PluginSpec = {
  connectorClass: DEBEZIUM_JDBC_SINK_CLASS,
  kind: 'sink',
  title: 'Debezium JDBC sink',
  schema,
  knownKeys: Object.keys(fields),
  undeclaredKeys: {},
  secretKeys: ['connection.password'],
  removedKeys: {
    'table.name.format': 'collection.name.format (renamed in Debezium 3.0)',
    'connection.user': 'connection.username',
    'auto.create': 'schema.evolution=basic',
    'auto.evolve': 'schema.evolution=basic',
    'pk.mode': 'primary.key.mode',
    'pk.fields': 'primary.key.fields',
  },
  passThroughPrefixes: [...CONNECT_PASS_THROUGH_PREFIXES, 'hibernate.', 'dialect.'],
};

export interface DebeziumJdbcSinkOptions {
  readonly topics: readonly string[];
  readonly jdbcUrl: string;
  readonly username: string;
  /** Config-provider placeholder. */
  readonly password: string;
  /** Target table (`collection.name.format`). */
  readonly table: string;
  readonly deadLetterTopic: string;
  /** @default 3 */
  readonly deadLetterReplicationFactor?: number;
  /** @default 1000 */
  readonly batchSize?: number;
  /** @default 1 */
  readonly tasksMax?: number;
  /** Consumer `max.poll.records`: bigger polls, bigger batches. @default 1000 */
  readonly maxPollRecords?: number;
  /** Transforms (aliases in order) and their keys, from transforms.ts builders. */
  readonly transforms?: Readonly<Record<string, string>>;
}

/** Upsert by record key, hard deletes from tombstones, tables created and evolved by the sink. */
export function debeziumJdbcSinkConfig(options: DebeziumJdbcSinkOptions): Record<string, string> {
  const { batchSize = 1000, tasksMax = 1, maxPollRecords = 1000, deadLetterReplicationFactor = 3 } = options;
  return {
    'connector.class': DEBEZIUM_JDBC_SINK_CLASS,
    'tasks.max': String(tasksMax),
    topics: options.topics.join(','),
    'connection.url': options.jdbcUrl,
    'connection.username': options.username,
    'connection.password': options.password,
    'insert.mode': 'upsert',
    'primary.key.mode': 'record_key',
    'delete.enabled': 'true',
    'schema.evolution': 'basic',
    'collection.name.format': options.table,
    'batch.size': String(batchSize),
    'use.time.zone': 'UTC',
    'consumer.override.max.poll.records': String(maxPollRecords),
    ...jsonConverters(),
    ...sinkErrorHandling({ deadLetterTopic: options.deadLetterTopic, replicationFactor: deadLetterReplicationFactor }),
    ...options.transforms,
  };
}

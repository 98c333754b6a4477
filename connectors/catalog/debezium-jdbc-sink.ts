import { z } from 'zod';
import { checkSinkTopics, DEBEZIUM_OPENLINEAGE_KEYS, jsonConverters, sinkConnectorFields, sinkErrorHandling } from './common';
import { boolean, enumValue, integer, isTrue, jdbcUrl, list, nonEmpty, oneOf } from './fields';
import type { PluginSpec } from './plugin';

export const DEBEZIUM_JDBC_SINK_CLASS = 'io.debezium.connector.jdbc.JdbcSinkConnector';

/**
 * The enums and rules here are checked by the plugin when its task starts
 * (JdbcSinkConnectorConfig.validate → validateAndRecord(ALL_FIELDS)), not by the worker's validate,
 * which sees only the ConfigDef types (issue 15 probes: insert.mode=bogus passes validate).
 */
const fields = {
  ...sinkConnectorFields,
  // Field.required() in JdbcSinkConnectorConfig, enforced at task start.
  'connection.url': jdbcUrl(),
  'connection.username': nonEmpty(),
  'connection.password': z.string().optional(),
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
  'use.reduction.buffer': boolean().optional(),
  'dialect.postgres.unnest.insert.enabled': boolean().optional(),
} as const;

const schema = z.looseObject(fields).superRefine((config: Partial<Record<keyof typeof fields, string>>, ctx) => {
  checkSinkTopics(config, ctx);
  const mode = enumValue(config['insert.mode']) ?? 'insert';
  const keyMode = enumValue(config['primary.key.mode']) ?? 'none';
  if (mode === 'upsert' && keyMode === 'none') {
    ctx.addIssue({ code: 'custom', path: ['primary.key.mode'], message: 'insert.mode "upsert" needs a primary key mode other than "none"' });
  }
  if (isTrue(config['delete.enabled']) && keyMode !== 'record_key') {
    ctx.addIssue({ code: 'custom', path: ['delete.enabled'], message: `deletes need primary.key.mode "record_key" (got primary.key.mode "${keyMode}")` });
  }
  if (isTrue(config['dialect.postgres.unnest.insert.enabled']) && mode === 'upsert' && !isTrue(config['use.reduction.buffer'])) {
    // Two changes of a key in one UNNEST statement: "ON CONFLICT DO UPDATE command cannot affect row a second time" fails the task.
    ctx.addIssue({ code: 'custom', path: ['dialect.postgres.unnest.insert.enabled'], message: 'with insert.mode "upsert" needs use.reduction.buffer "true": two changes of one key in a batch fail the task otherwise' });
  }
  if (config['field.include.list'] && config['field.exclude.list']) {
    ctx.addIssue({ code: 'custom', path: ['field.exclude.list'], message: 'cannot be combined with field.include.list' });
  }
});

const CONFLUENT_KEY = "a key of Confluent's JDBC sink, which the Debezium JDBC sink never reads";

export const debeziumJdbcSink: PluginSpec = {
  connectorClass: DEBEZIUM_JDBC_SINK_CLASS,
  kind: 'sink',
  title: 'Debezium JDBC sink',
  schema,
  knownKeys: Object.keys(fields),
  undeclaredKeys: {
    ...Object.fromEntries(DEBEZIUM_OPENLINEAGE_KEYS.map((key) => [key, "Debezium's OpenLineage integration, read by every Debezium connector (CommonConnectorConfig.java), not declared by the JDBC sink"])),
    'use.reduction.buffer': 'JdbcSinkConnectorConfig.USE_REDUCTION_BUFFER_FIELD: read by its constructor, absent from CONFIG_DEFINITION (debezium-connector-jdbc 3.5.0.Final)',
  },
  secretKeys: ['connection.password'],
  removedKeys: {
    'connection.user': `connection.username (${CONFLUENT_KEY})`,
    'auto.create': `schema.evolution=basic (${CONFLUENT_KEY})`,
    'auto.evolve': `schema.evolution=basic (${CONFLUENT_KEY})`,
    'pk.mode': `primary.key.mode (${CONFLUENT_KEY})`,
    'pk.fields': `primary.key.fields (${CONFLUENT_KEY})`,
  },
  // Still read through Field.withDeprecatedAliases, with a logged warning (debezium/debezium
  // v3.5.0.Final debezium-sink/…/SinkConnectorConfig.java:81-90, 93-102, 157-165).
  deprecatedKeys: {
    'table.name.format': 'collection.name.format',
    'table.naming.strategy': 'collection.naming.strategy',
    'database.time_zone': 'use.time.zone',
  },
  ignoredKeys: {},
  // Hibernate settings pass through to the session factory (JdbcSinkConnectorConfig: hibernate.*).
  passThroughPrefixes: ['hibernate.'],
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
  /** Transforms and predicates (aliases in order) and their keys, from transforms.ts builders. */
  readonly transforms?: Readonly<Record<string, string>>;
  /**
   * Keep only the last change of each key in a batch (`use.reduction.buffer`), and write a batch as
   * one `INSERT … SELECT FROM UNNEST(…)` statement (`dialect.postgres.unnest.insert.enabled`, which
   * needs the reduction). Measured in bench/sink-path.ts. @default true
   */
  readonly reduceAndUnnest?: boolean;
}

/**
 * Upsert by record key into a table the warehouse migrations made (`schema.evolution=none`: the sink
 * never creates or alters it). `delete.enabled`: a tombstone that reaches the sink deletes by key, and
 * the table's guard deletes only a row its delete event marked.
 */
export function debeziumJdbcSinkConfig(options: DebeziumJdbcSinkOptions): Record<string, string> {
  const { batchSize = 1000, tasksMax = 1, deadLetterReplicationFactor = 3, reduceAndUnnest = true } = options;
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
    'schema.evolution': 'none',
    'collection.name.format': options.table,
    'batch.size': String(batchSize),
    'use.reduction.buffer': String(reduceAndUnnest),
    'dialect.postgres.unnest.insert.enabled': String(reduceAndUnnest),
    'use.time.zone': 'UTC',
    ...jsonConverters(),
    ...sinkErrorHandling({ deadLetterTopic: options.deadLetterTopic, replicationFactor: deadLetterReplicationFactor }),
    ...options.transforms,
  };
}

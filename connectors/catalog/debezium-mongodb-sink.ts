import { z } from 'zod';
import { checkSinkTopics, DEBEZIUM_OPENLINEAGE_KEYS, sinkConnectorFields } from './common';
import { boolean, integer, list, mongoDbConnectionString, nonEmpty } from './fields';
import type { PluginSpec } from './plugin';

/**
 * Debezium's MongoDB sink. Its class is `io.debezium.connector.mongodb.MongoDbSinkConnector`; the
 * `io.debezium.connector.mongodb.sink.MongoDbSinkConnector` of Debezium's own 3.5 documentation
 * (mongodb-sink.adoc) does not exist, and the worker refuses it.
 */
export const DEBEZIUM_MONGODB_SINK_CLASS = 'io.debezium.connector.mongodb.MongoDbSinkConnector';

/**
 * Checked when the task starts (MongoDbSinkConnectorConfig.validate → validateAndRecord(ALL_FIELDS)
 * and its field-list rule, debezium/debezium v3.5.0.Final
 * debezium-connector-mongodb/…/sink/MongoDbSinkConnectorConfig.java:40-47, 113-131); the worker's
 * validate passes a config without `sink.database` (issue 15 probes).
 */
const fields = {
  ...sinkConnectorFields,
  // SharedMongoDbConnectorConfig.CONNECTION_STRING: required, parsed by the driver 5.6.2.
  'mongodb.connection.string': mongoDbConnectionString({ slashBeforeOptions: false }),
  'sink.database': nonEmpty(),
  'collection.name.format': nonEmpty().optional(),
  'batch.size': integer({ min: 1 }).optional(),
  'delete.enabled': boolean().optional(),
  'truncate.enabled': boolean().optional(),
  'field.include.list': list().optional(),
  'field.exclude.list': list().optional(),
} as const;

const schema = z.looseObject(fields).superRefine((config: Partial<Record<keyof typeof fields, string>>, ctx) => {
  checkSinkTopics(config, ctx);
  if (config['field.include.list'] && config['field.exclude.list']) {
    ctx.addIssue({ code: 'custom', path: ['field.exclude.list'], message: 'cannot be combined with field.include.list (the sink refuses both)' });
  }
});

const READ_BY_SINK_CONFIG = 'read by MongoDbSinkConnectorConfig (debezium-sink SinkConnectorConfig fields) but outside its CONFIG_DEFINITION';

export const debeziumMongoDbSink: PluginSpec = {
  connectorClass: DEBEZIUM_MONGODB_SINK_CLASS,
  kind: 'sink',
  title: 'Debezium MongoDB sink',
  schema,
  knownKeys: Object.keys(fields),
  undeclaredKeys: {
    ...Object.fromEntries(['delete.enabled', 'truncate.enabled', 'field.include.list', 'field.exclude.list', 'cloud.events.schema.name.pattern'].map((key) => [key, READ_BY_SINK_CONFIG])),
    ...Object.fromEntries(DEBEZIUM_OPENLINEAGE_KEYS.map((key) => [key, "Debezium's OpenLineage integration (MongoDbSinkConnectorTask), not declared by the sink"])),
  },
  secretKeys: [],
  removedKeys: {},
  // The same deprecated aliases as the JDBC sink (debezium-sink SinkConnectorConfig.java:81-102).
  deprecatedKeys: {
    'table.name.format': 'collection.name.format',
    'table.naming.strategy': 'collection.naming.strategy',
  },
  ignoredKeys: {},
  passThroughPrefixes: [],
};

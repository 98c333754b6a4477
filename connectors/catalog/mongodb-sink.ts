import { z } from 'zod';
import { CONNECT_PASS_THROUGH_PREFIXES, checkSinkTopics, sinkConnectorFields } from './common';
import { boolean, integer, nonEmpty, secret } from './fields';
import type { PluginSpec } from './plugin';

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
  'connection.uri': secret(),
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
  'connection.ssl.truststorePassword': secret().optional(),
  'connection.ssl.keystorePassword': secret().optional(),
} as const;

const schema = z.looseObject(fields).superRefine((config, ctx) => checkSinkTopics(config, ctx));

export const mongoDbSink: PluginSpec = {
  connectorClass: MONGODB_SINK_CLASS,
  kind: 'sink',
  title: 'MongoDB Kafka sink',
  schema,
  knownKeys: Object.keys(fields),
  undeclaredKeys: {},
  secretKeys: ['connection.uri', 'connection.ssl.truststorePassword', 'connection.ssl.keystorePassword'],
  removedKeys: {},
  passThroughPrefixes: [
    ...CONNECT_PASS_THROUGH_PREFIXES,
    'topic.override.',
    'namespace.mapper.',
    'document.id.strategy',
    'writemodel.strategy',
    'delete.writemodel.strategy',
    'post.processor.chain',
    'key.projection.',
    'value.projection.',
    'field.renamer.',
    'mongo.errors.',
    'timeseries.',
    'rate.limiting.',
    'server.api.',
  ],
};

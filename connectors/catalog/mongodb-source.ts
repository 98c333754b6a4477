import { z } from 'zod';
import { MONGODB_KAFKA_ARRAY } from './bson-json';
import { sourceConnectorFields } from './common';
import { boolean, bsonArray, bsonDocument, integer, mongoDbConnectionString, nonEmpty, oneOf } from './fields';
import type { PluginSpec } from './plugin';

export const MONGODB_SOURCE_CLASS = 'com.mongodb.kafka.connect.MongoSourceConnector';

const fields = {
  ...sourceConnectorFields,
  // PASSWORD-typed, with a default (mongodb://localhost:27017,…): a literal without a password is legitimate.
  'connection.uri': mongoDbConnectionString({ slashBeforeOptions: true }).optional(),
  database: z.string().optional(),
  collection: z.string().optional(),
  // Pipelines and documents as BSON's relaxed reader parses them (MongoSourceConfig validators; see bson-json.ts).
  pipeline: bsonArray('aggregation stages', MONGODB_KAFKA_ARRAY).optional(),
  'startup.mode.copy.existing.pipeline': bsonArray('aggregation stages', MONGODB_KAFKA_ARRAY).optional(),
  'copy.existing.pipeline': bsonArray('aggregation stages', MONGODB_KAFKA_ARRAY).optional(),
  'topic.namespace.map': bsonDocument('a JSON document mapping namespaces to topics').optional(),
  collation: bsonDocument('a JSON document describing a collation').optional(),
  'publish.full.document.only': boolean().optional(),
  'publish.full.document.only.tombstone.on.delete': boolean().optional(),
  'change.stream.full.document': oneOf(['default', 'updateLookup', 'whenAvailable', 'required']).optional(),
  'change.stream.full.document.before.change': oneOf(['default', 'off', 'whenAvailable', 'required']).optional(),
  'poll.max.batch.size': integer({ min: 1 }).optional(),
  'poll.await.time.ms': integer({ min: 1 }).optional(),
  'topic.prefix': z.string().optional(),
  'topic.suffix': z.string().optional(),
  'output.format.key': oneOf(['json', 'bson', 'schema']).optional(),
  'output.format.value': oneOf(['json', 'bson', 'schema']).optional(),
  'output.schema.infer.value': boolean().optional(),
  'startup.mode': oneOf(['latest', 'timestamp', 'copy_existing']).optional(),
  'heartbeat.interval.ms': integer({ min: 0 }).optional(),
  'heartbeat.topic.name': nonEmpty().optional(),
  'connection.ssl.truststorePassword': z.string().optional(),
  'connection.ssl.keystorePassword': z.string().optional(),
} as const;

const schema = z.looseObject(fields).superRefine((config: Partial<Record<keyof typeof fields, string>>, ctx) => {
  if (config.collection && !config.database) {
    ctx.addIssue({ code: 'custom', path: ['database'], message: 'is required when collection is set' });
  }
});

const STARTUP_MODE_OVERRIDE = 'startup.mode.copy.existing';

export const mongoDbSource: PluginSpec = {
  connectorClass: MONGODB_SOURCE_CLASS,
  kind: 'source',
  title: 'MongoDB Kafka source',
  schema,
  knownKeys: Object.keys(fields),
  undeclaredKeys: {},
  secretKeys: ['connection.ssl.truststorePassword', 'connection.ssl.keystorePassword'],
  removedKeys: {},
  // Still read when the new key is unset, with a logged warning (mongodb/mongo-kafka r2.0.1
  // MongoSourceConfig.java:476-538, :830-834 and ConfigHelper.getOverrideOrFallback).
  deprecatedKeys: {
    'copy.existing': 'startup.mode=copy_existing (for copy.existing=false: startup.mode=latest)',
    'copy.existing.max.threads': `${STARTUP_MODE_OVERRIDE}.max.threads`,
    'copy.existing.queue.size': `${STARTUP_MODE_OVERRIDE}.queue.size`,
    'copy.existing.pipeline': `${STARTUP_MODE_OVERRIDE}.pipeline`,
    'copy.existing.namespace.regex': `${STARTUP_MODE_OVERRIDE}.namespace.regex`,
    'copy.existing.allow.disk.use': `${STARTUP_MODE_OVERRIDE}.allow.disk.use`,
  },
  ignoredKeys: {},
  passThroughPrefixes: [],
};

import { z } from 'zod';
import { CONNECT_PASS_THROUGH_PREFIXES, sourceConnectorFields } from './common';
import { boolean, integer, jsonArray, nonEmpty, oneOf, secret } from './fields';
import type { PluginSpec } from './plugin';

export const MONGODB_SOURCE_CLASS = 'com.mongodb.kafka.connect.MongoSourceConnector';

const fields = {
  ...sourceConnectorFields,
  'connection.uri': secret(),
  database: z.string().optional(),
  collection: z.string().optional(),
  pipeline: jsonArray('aggregation stages').optional(),
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
  'connection.ssl.truststorePassword': secret().optional(),
  'connection.ssl.keystorePassword': secret().optional(),
} as const;

const schema = z.looseObject(fields).superRefine((config, ctx) => {
  if (config.collection && !config.database) {
    ctx.addIssue({ code: 'custom', path: ['database'], message: 'is required when collection is set' });
  }
  if (config['copy.existing'] !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['copy.existing'], message: 'deprecated: use startup.mode=copy_existing' });
  }
});

export const mongoDbSource: PluginSpec = {
  connectorClass: MONGODB_SOURCE_CLASS,
  kind: 'source',
  title: 'MongoDB Kafka source',
  schema,
  knownKeys: Object.keys(fields),
  undeclaredKeys: {},
  secretKeys: ['connection.uri', 'connection.ssl.truststorePassword', 'connection.ssl.keystorePassword'],
  removedKeys: {},
  passThroughPrefixes: [...CONNECT_PASS_THROUGH_PREFIXES, 'startup.mode.', 'output.', 'mongo.errors.', 'server.api.', 'copy.existing.', 'offset.partition.', 'topic.'],
};

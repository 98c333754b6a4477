import { messageSizeSettings, type CollectionSettings, type Environment } from '../config';
import { debeziumJdbcSinkConfig } from './catalog/debezium-jdbc-sink';
import { debeziumMongoDbSourceConfig } from './catalog/debezium-mongodb-source';
import { cursorPipelineFor } from './change-filter';
import { rawChangeEventChain } from './catalog/transforms';
import { deadLetterTopic, qualifiedTable, sinkConnectorName, sinkTable, sourceConnectorName, sourceTopic, standInSourceConnectorName } from './naming';
import { pipelines as allPipelines, type PipelineDefinition } from './pipelines';

export type ConnectorState = 'RUNNING' | 'PAUSED' | 'STOPPED';

/** A connector as this repository wants it on a worker. */
export interface RenderedConnector {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  readonly state: ConnectorState;
  readonly role: 'source' | 'sink';
  /** The pipelines it serves (a source serves every captured collection of its database). */
  readonly pipelines: readonly string[];
}

const DEFAULT_SETTINGS: CollectionSettings = { phase: 'stream', state: 'RUNNING', sink: {} };

export function collectionSettings(environment: Environment, pipeline: PipelineDefinition): CollectionSettings {
  return environment.collections[pipeline.name] ?? DEFAULT_SETTINGS;
}

/** In the `trigger` phase only the Atlas trigger feeds the warehouse: the stream path does not exist yet. */
export function streamsInPhase(settings: CollectionSettings): boolean {
  return settings.phase !== 'trigger';
}

/**
 * Definition + environment → the connectors Connect should run. Pure: no I/O, no clock, no
 * environment reads; the output is sorted by name so that renders are byte-for-byte stable.
 */
export function renderEnvironment(environment: Environment, pipelines: readonly PipelineDefinition[] = allPipelines): RenderedConnector[] {
  const streaming = pipelines.filter((pipeline) => streamsInPhase(collectionSettings(environment, pipeline)));
  const connectors = [...renderSources(environment, streaming), ...streaming.map((pipeline) => renderSink(environment, pipeline))];
  return connectors.sort((a, b) => a.name.localeCompare(b.name));
}

function renderSources(environment: Environment, pipelines: readonly PipelineDefinition[]): RenderedConnector[] {
  const { mongodb } = environment;
  if (mongodb.kind === 'stand-in') return pipelines.map((pipeline) => renderStandInSource(environment, mongodb.connectionString, pipeline));
  if (mongodb.kind !== 'atlas') return [];
  const byDatabase = new Map<string, PipelineDefinition[]>();
  for (const pipeline of pipelines) byDatabase.set(pipeline.database, [...(byDatabase.get(pipeline.database) ?? []), pipeline]);
  return [...byDatabase.values()].map((members) => {
    const name = sourceConnectorName(environment, members[0]!);
    return {
      name,
      role: 'source' as const,
      pipelines: members.map((pipeline) => pipeline.name).sort(),
      state: combinedState(members.map((pipeline) => collectionSettings(environment, pipeline).state)),
      config: debeziumMongoDbSourceConfig(sourceOptions(environment, name, mongodb.connectionString, members)),
    };
  });
}

/** Every source of an environment shares its `topic.prefix`; the `connector` metric tag tells their metrics apart. */
function sourceOptions(environment: Environment, name: string, connectionString: string, members: readonly PipelineDefinition[]) {
  return {
    connectionString,
    metricTags: { connector: name },
    topicPrefix: environment.topicPrefix,
    collections: members.map((pipeline) => `${pipeline.database}.${pipeline.collection}`).sort(),
    pollIntervalMs: environment.source.pollIntervalMs,
    maxBatchSize: environment.source.maxBatchSize,
    maxQueueSize: environment.source.maxQueueSize,
    heartbeatIntervalMs: environment.source.heartbeatIntervalMs,
    // Workers at KIP-618's `preparing` step refuse a source that requires exactly-once.
    exactlyOnce: environment.connect.exactlyOnceSource === 'enabled',
    // Large documents (up to MongoDB's 16 MiB): a queue bounded in bytes, topics made for the largest record.
    maxQueueSizeInBytes: messageSizeSettings(environment.kafka).debeziumQueueBytes,
    topicMaxMessageBytes: messageSizeSettings(environment.kafka).topicMaxMessageBytes,
    cursorPipeline: cursorPipelineFor(members.map((pipeline) => ({ collection: pipeline.collection, condition: pipeline.changeCondition }))),
  };
}

// ─── The MongoDB stand-in (mongo-java-server, not MongoDB) ──────────────────────────────────────────
// Every difference between a stand-in source and the production source is made here, and listed in
// the README. Nothing else in the repository knows the stand-in exists except the local runtime.

/** One Debezium source per pipeline: the production source's config with `standInSourceDifferences` on top. */
function renderStandInSource(environment: Environment, connectionString: string, pipeline: PipelineDefinition): RenderedConnector {
  const name = standInSourceConnectorName(environment, pipeline);
  const production = debeziumMongoDbSourceConfig(sourceOptions(environment, name, connectionString, [pipeline]));
  return {
    name,
    role: 'source',
    pipelines: [pipeline.name],
    state: collectionSettings(environment, pipeline).state,
    config: { ...production, ...standInSourceDifferences(environment, pipeline) },
  };
}

/**
 * What the stand-in needs that MongoDB does not, and why:
 * - `capture.scope=collection` + `capture.target`: its change streams exist on single collections
 *   only (no database- or deployment-wide `watch`), hence one source per pipeline;
 * - `snapshot.mode=no_data`: it is a standalone server without the replica-set metadata
 *   (`operationTime`, `$clusterTime`) the snapshot's start position needs;
 * - `cursor.pipeline` with `cursor.pipeline.order=user_first`: its events lack `ns`, which breaks
 *   Debezium's own stages (and mongo-java-server's own oplog made an update's `documentKey` the update
 *   spec, `{$set: …}`; the stand-in's IndexedOplog gives `{_id}`); the repair stages
 *   (`standInEventRepair`) run first, then the pipeline's change condition, then Debezium's.
 * The topic prefix, topics and metric tags are the production source's.
 */
export function standInSourceDifferences(environment: Environment, pipeline: PipelineDefinition): Record<string, string> {
  const namespace = `${pipeline.database}.${pipeline.collection}`;
  const condition = cursorPipelineFor([{ collection: pipeline.collection, condition: pipeline.changeCondition }]) ?? [];
  return {
    'capture.scope': 'collection',
    'capture.target': namespace,
    'snapshot.mode': 'no_data',
    'cursor.pipeline': JSON.stringify([...standInEventRepair(pipeline), ...condition]),
    'cursor.pipeline.order': 'user_first',
  };
}

/**
 * Aggregation stages that turn mongo-java-server's change events into the shape Debezium reads:
 * `ns` added, `documentKey` rebuilt as `{_id}` (from the looked-up document of an update, else the
 * key of an insert or delete). An update whose document is already gone has no `_id` left to key it
 * (MongoDB would still know it): it is dropped, and the delete that removed the document follows.
 */
export function standInEventRepair(pipeline: Pick<PipelineDefinition, 'database' | 'collection'>): unknown[] {
  return [
    { $match: { $or: [{ operationType: { $ne: 'update' } }, { 'fullDocument._id': { $exists: true } }] } },
    { $addFields: { standInDocumentId: { $ifNull: ['$fullDocument._id', '$documentKey._id'] } } },
    // Removed first: $addFields on an existing sub-document would merge into the update spec.
    { $unset: 'documentKey' },
    { $addFields: { ns: { db: pipeline.database, coll: pipeline.collection }, documentKey: { _id: '$standInDocumentId' } } },
    { $unset: 'standInDocumentId' },
  ];
}

/** A shared source runs while any of its collections wants it running. */
function combinedState(states: readonly ConnectorState[]): ConnectorState {
  if (states.includes('RUNNING')) return 'RUNNING';
  return states.includes('PAUSED') ? 'PAUSED' : 'STOPPED';
}

function renderSink(environment: Environment, pipeline: PipelineDefinition): RenderedConnector {
  const settings = collectionSettings(environment, pipeline);
  const sink = { ...environment.sink, ...settings.sink };
  return {
    name: sinkConnectorName(environment, pipeline),
    role: 'sink',
    pipelines: [pipeline.name],
    state: settings.state,
    config: debeziumJdbcSinkConfig({
      topics: [sourceTopic(environment, pipeline)],
      jdbcUrl: environment.warehouse.jdbcUrl,
      username: environment.warehouse.username,
      password: environment.warehouse.password,
      table: qualifiedTable(environment, sinkTable(environment, pipeline)),
      deadLetterTopic: deadLetterTopic(environment, pipeline),
      deadLetterReplicationFactor: environment.kafka.replicationFactor,
      batchSize: sink.batchSize,
      tasksMax: sink.tasksMax,
      reduceAndUnnest: sink.reduceAndUnnest,
      // The change event as it came; the warehouse trigger types it from the pipeline's contract (and drops excludeFields).
      transforms: rawChangeEventChain(),
    }),
  };
}

/** The exact body `POST /connectors` takes. */
export function toConnectBody(connector: RenderedConnector): { name: string; config: Record<string, string> } {
  return { name: connector.name, config: { ...connector.config } };
}

/** Stable JSON for files: keys sorted, two-space indent, trailing newline. */
export function toConnectJson(connector: RenderedConnector): string {
  const body = toConnectBody(connector);
  const config = Object.fromEntries(Object.entries(body.config).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify({ name: body.name, config }, null, 2)}\n`;
}

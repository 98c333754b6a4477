import { Client } from 'pg';
import { loadEnvironment, type Environment } from '../config';
import { createConnectClient } from '../connectors/connect/client';
import { deployEnvironment, renderValidated } from '../connectors/connect/deploy';
import { qualifiedTable, sinkTable } from '../connectors/naming';
import { pipelines as allPipelines, type PipelineDefinition } from '../connectors/pipelines';
import { applyWarehouseMigrations } from '../warehouse/migrate';
import { LocalRuntimeError, resolveRuntimeOptions, runtimeLayout, type RuntimeLayout, type RuntimeOptions } from './options';
import { waitUntil } from '../connectors/connect/poll';
import { ensureTopics, kafkaClient, pipelineTopics } from './replay';
import { throwOnFailedConnector } from './reset';
import { idText, type BsonValue } from '../connectors/contracts/bson';
import type { ConnectClient } from '../connectors/connect/client';
import { status, type RuntimeStatus } from './runtime';
import { describeLag, finalStateLag, isFinalState } from './final-state';
import { expectedFinalState, sampleChanges } from './sample-data';
import { readState } from './state';
import { openStandInWriter, standInOperations, type StandInWriter } from './standin-writer';

/**
 * `cdcctl local seed-standin`: the `local-standin` environment's connectors applied (a Debezium source
 * per collection of the MongoDB STAND-IN, the usual sinks), the sample business day written to the
 * stand-in as real inserts, updates, replaces and deletes, and the rows it became counted in the
 * warehouse. End to end through the real connectors — but the source is mongo-java-server, not MongoDB.
 */

export interface StandInSeedSummary {
  readonly status: RuntimeStatus;
  readonly connectors: readonly string[];
  readonly writes: number;
  /** Rows per warehouse table once the writes arrived. */
  readonly rows: Readonly<Record<string, number>>;
  /** From the first write to the last row visible. */
  readonly secondsToRows: number;
}

/** Renders, validates (all problems at once), creates the topics, and applies; waits until all run. */
export async function applyStandInConnectors(environment: Environment, connectUrl: string, bootstrapServers: string, pipelines: readonly PipelineDefinition[], onProgress: (message: string) => void): Promise<string[]> {
  if (environment.mongodb.kind !== 'stand-in') throw new LocalRuntimeError(`environment ${environment.name}: mongodb.kind must be "stand-in" (got "${environment.mongodb.kind}")`);
  const { connectors } = renderValidated(environment, pipelines);
  // The sinks subscribe before the sources first write: the topics exist from the start, and take large records.
  await ensureTopics(kafkaClient(bootstrapServers), pipelineTopics(environment, pipelines));
  const result = await deployEnvironment(environment, { client: createConnectClient({ url: connectUrl }), pipelines, onProgress });
  if (result.error) throw result.error;
  return connectors.map((connector) => connector.name);
}

const PROBE_PREFIX = '__standin_probe_';

/**
 * A source reports RUNNING before its change stream is open, and the stand-in gives a new stream no
 * start position from before it opened: writes in between would be lost. So probe each collection
 * (insert a marker document until one reaches the warehouse, then delete the markers) before the
 * real writes. The markers leave no row behind.
 */
export async function waitUntilStreaming(writer: StandInWriter, warehouse: Client, environment: Environment, pipelines: readonly PipelineDefinition[], client: ConnectClient, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const pipeline of pipelines) {
    const table = qualifiedTable(environment, sinkTable(environment, pipeline));
    const target = { database: pipeline.database, collection: pipeline.collection };
    const probes: string[] = [];
    for (let attempt = 1; ; attempt++) {
      const id = `${PROBE_PREFIX}${attempt}_${Date.now()}`;
      probes.push(id);
      await writer.write({ op: 'insert', ...target, document: { _id: id } });
      const seen = await waitUntil(async () => (await warehouse.query(`SELECT 1 FROM ${table} WHERE _id = ANY($1)`, [probes])).rowCount! > 0, Math.min(5_000, deadline - Date.now()), 100);
      if (seen) break;
      await throwOnFailedConnector(client, environment);
      if (Date.now() > deadline) throw new LocalRuntimeError(`no probe document written to the stand-in's ${target.database}.${target.collection} reached ${table} within ${timeoutMs / 1000} s`, 'cdcctl connectors status --env local-standin; cdcctl local logs connect');
    }
    for (const id of probes) await writer.write({ op: 'delete', ...target, id });
    await waitUntil(async () => (await warehouse.query(`SELECT 1 FROM ${table} WHERE _id = ANY($1)`, [probes])).rowCount === 0, Math.max(1, deadline - Date.now()), 100);
  }
}

/** The layout of a running runtime: its jars are where `up` installed them (the state says), whatever the flags say now. */
export function runningRuntimeLayout(options: RuntimeOptions): RuntimeLayout {
  const resolved = resolveRuntimeOptions(options);
  const state = readState(runtimeLayout(resolved).stateFile);
  return runtimeLayout({ stateDir: resolved.stateDir, runtimeDir: state?.runtimeDir ?? resolved.runtimeDir });
}

export async function seedStandIn(options: RuntimeOptions & { onProgress: (message: string) => void }): Promise<StandInSeedSummary> {
  const current = status(options);
  const { kafka, mongodb, connect, warehouse } = current.services;
  const down = Object.entries({ kafka, mongodb, connect, warehouse }).filter(([, service]) => service.state !== 'running' && service.state !== 'external');
  if (down.length) throw new LocalRuntimeError(`the local runtime is not running: ${down.map(([name, service]) => `${name} is ${service.state}`).join(', ')}`, 'cdcctl local up');
  const migrated = await applyWarehouseMigrations(warehouse.url as string);
  if (migrated.length) options.onProgress(`warehouse migrations applied: ${migrated.join(', ')}`);

  // The sources are rendered for the level the worker runs at (cdcctl local up --exactly-once-source).
  const environment = loadEnvironment('local-standin', { connectUrl: connect.url, exactlyOnceSource: current.exactlyOnceSource });
  const connectors = await applyStandInConnectors(environment, connect.url as string, kafka.url as string, allPipelines, options.onProgress);
  const layout = runningRuntimeLayout(options);
  const changes = sampleChanges();
  const databaseOf = (collection: string) => allPipelines.find((pipeline) => pipeline.collection === collection)!.database;
  const writer = openStandInWriter(layout, mongodb.url as string);
  const database = new Client({ connectionString: warehouse.url });
  const client = createConnectClient({ url: connect.url as string });
  await database.connect();
  try {
    options.onProgress('waiting until each stand-in source streams (a probe document per collection)');
    await waitUntilStreaming(writer, database, environment, allPipelines, client);
    const expected = expectedFinalState(changes);
    // A second seed starts from the same state: the sample documents of a first one are deleted first.
    const sampleIds = new Map<string, Map<string, BsonValue>>();
    for (const { collection, operation } of changes) {
      const id = operation.kind === 'delete' ? operation.id : operation.document._id;
      sampleIds.set(collection, (sampleIds.get(collection) ?? new Map()).set(idText(id), id));
    }
    for (const [collection, ids] of sampleIds) for (const id of ids.values()) await writer.write({ op: 'delete', database: databaseOf(collection), collection, id });
    const started = Date.now();
    for (const operation of standInOperations(changes, databaseOf)) await writer.write(operation);
    options.onProgress(`wrote ${changes.length} changes to the MongoDB stand-in (${mongodb.url}, mongo-java-server, not MongoDB)`);
    const rows: Record<string, number> = {};
    for (const pipeline of allPipelines) {
      const table = qualifiedTable(environment, sinkTable(environment, pipeline));
      const final = expected.get(pipeline.collection) ?? new Map();
      const deleted = [...(sampleIds.get(pipeline.collection)?.keys() ?? [])].filter((id) => !final.has(id));
      let lag = await finalStateLag(database, table, final, deleted, started);
      const arrived = await waitUntil(async () => {
        if (isFinalState((lag = await finalStateLag(database, table, final, deleted, started)))) return true;
        await throwOnFailedConnector(client, environment);
        return false;
      }, 120_000, 250);
      rows[table] = final.size - lag.behind.length;
      if (!arrived) throw new LocalRuntimeError(`${table}: the seed did not arrive within 120 s: ${describeLag(lag, final.size)}`, 'cdcctl connectors status --env local-standin; cdcctl local logs connect');
    }
    return { status: current, connectors, writes: changes.length, rows, secondsToRows: (Date.now() - started) / 1000 };
  } finally {
    await writer.close();
    await database.end();
  }
}

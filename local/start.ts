import { Client } from 'pg';
import { loadEnvironment } from '../config';
import type { Environment } from '../config';
import { createConnectClient, type ConnectClient } from '../connectors/connect/client';
import { deployEnvironment } from '../connectors/connect/deploy';
import { qualifiedTable, sinkTable } from '../connectors/naming';
import { pipelines } from '../connectors/pipelines';
import { REPORTING_VIEWS } from '../warehouse/views';
import { applyWarehouseMigrations } from '../warehouse/migrate';
import type { RuntimeOptions } from './options';
import { kafkaClient, replayChanges } from './replay';
import { resetLocalPipelines, throwOnFailedConnector } from './reset';
import { up, type RuntimeStatus } from './runtime';
import { describeLag, finalStateLag, isFinalState, type FinalStateLag } from './final-state';
import type { MongoDocument } from './debezium-events';
import { waitUntil } from '../connectors/connect/poll';
import { deletedIds, expectedFinalState, sampleChanges, type SampleChange } from './sample-data';

export interface StartSummary {
  readonly status: RuntimeStatus;
  readonly connectors: ReadonlyArray<{ name: string; state: string; tasks: string[] }>;
  /** Rows per warehouse table once the sample changes arrived. */
  readonly rows: Readonly<Record<string, number>>;
  readonly eventsReplayed: number;
  readonly secondsToRows: number;
}

/**
 * `npm start`: the runtime up, the warehouse migrated, what an earlier run left reset (local data is
 * disposable: local/reset.ts), the `local` environment's connectors applied, sample change events (a
 * replay of Debezium's MongoDB format) pushed through, and the rows they became in the warehouse
 * counted. A connector or task that fails meanwhile ends the wait at once, named with its root cause.
 */
export async function startLocalPipeline(options: RuntimeOptions & { onProgress: (message: string) => void }): Promise<StartSummary> {
  const { status } = await up(options);
  const { kafka, connect, warehouse } = status.services;
  if (!kafka.url || !connect.url || !warehouse.url) throw new Error('the local runtime did not report Kafka, Connect and the warehouse as running: see cdcctl local status');
  const migrated = await applyWarehouseMigrations(warehouse.url);
  if (migrated.length) options.onProgress(`warehouse migrations applied: ${migrated.join(', ')}`);

  // The sources are rendered for the level the worker runs at (cdcctl local up --exactly-once-source).
  const loadOptions = { connectUrl: connect.url, exactlyOnceSource: status.exactlyOnceSource };
  const environment = loadEnvironment('local', loadOptions);
  const client = createConnectClient({ url: connect.url });
  const database = new Client({ connectionString: warehouse.url });
  await database.connect();
  try {
    const environments = [environment, loadEnvironment('local-standin', loadOptions)];
    await resetLocalPipelines({ client, kafka: kafkaClient(kafka.url), warehouse: database, environments, pipelines, onProgress: options.onProgress });
    const result = await deployEnvironment(environment, { client, onProgress: options.onProgress });
    if (result.error) throw result.error;

    const changes = sampleChanges();
    const started = Date.now();
    const perTopic = await replayChanges(changes, { bootstrapServers: kafka.url, topicPrefix: environment.topicPrefix });
    const eventsReplayed = [...perTopic.values()].reduce((sum, count) => sum + count, 0);
    options.onProgress(`replayed ${eventsReplayed} Debezium-format change events (${[...perTopic].map(([topic, count]) => `${topic}: ${count}`).join(', ')})`);

    const rows = await waitForFinalState(database, client, environment, changes);
    const secondsToRows = (Date.now() - started) / 1000;
    for (const view of REPORTING_VIEWS) rows[view] = Number((await database.query(`SELECT count(*) AS n FROM ${view}`)).rows[0].n);
    const live = await client.listConnectors();
    const connectors = live
      .filter((connector) => connector.name.startsWith(environment.managedConnectorPrefix))
      .map((connector) => ({ name: connector.name, state: connector.status?.connector.state ?? 'UNKNOWN', tasks: connector.status?.tasks.map((task) => task.state) ?? [] }));
    return { status, connectors, rows, eventsReplayed, secondsToRows };
  } finally {
    await database.end();
  }
}

/**
 * Waits until every pipeline's table holds the final state of the sample changes (each document's
 * last version, deleted ones gone), and returns the rows per table; a timeout names what is behind,
 * a failed connector ends the wait at once.
 */
async function waitForFinalState(database: Client, client: ConnectClient, environment: Environment, changes: readonly SampleChange[]): Promise<Record<string, number>> {
  const expected = expectedFinalState(changes);
  const tables = pipelines.map((pipeline) => ({
    name: pipeline.table,
    table: qualifiedTable(environment, sinkTable(environment, pipeline)),
    final: expected.get(pipeline.collection) ?? new Map<string, MongoDocument>(),
    deleted: deletedIds(changes, pipeline.collection as SampleChange['collection']),
  }));
  let lags: FinalStateLag[] = [];
  const arrived = await waitUntil(async () => {
    lags = await Promise.all(tables.map(({ table, final, deleted }) => finalStateLag(database, table, final, deleted)));
    if (!lags.every(isFinalState)) await throwOnFailedConnector(client, environment);
    return lags.every(isFinalState);
  }, 120_000, 250);
  if (!arrived) {
    const detail = tables.map(({ name, final }, i) => `${name}: ${describeLag(lags[i]!, final.size)}`).join('; ');
    throw new Error(`the sample changes did not reach the warehouse in time (${detail}); see cdcctl connectors status --env local`);
  }
  return Object.fromEntries(tables.map(({ name, final }, i) => [name, final.size - lags[i]!.behind.length]));
}

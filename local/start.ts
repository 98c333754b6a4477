import { Client } from 'pg';
import { loadEnvironment } from '../config';
import { apply } from '../connectors/connect/apply';
import { createConnectClient } from '../connectors/connect/client';
import { renderEnvironment } from '../connectors/render';
import { validateConnectorConfig, formatIssue } from '../connectors/validate';
import { applyWarehouseMigrations } from '../warehouse/migrate';
import type { RuntimeOptions } from './options';
import { replayChanges } from './replay';
import { up, type RuntimeStatus } from './runtime';
import { describeLag, finalStateLag, isFinalState, type FinalStateLag } from './final-state';
import { waitUntil } from '../connectors/connect/poll';
import { expectedFinalState, sampleChanges } from './sample-data';

export interface StartSummary {
  readonly status: RuntimeStatus;
  readonly connectors: ReadonlyArray<{ name: string; state: string; tasks: string[] }>;
  /** Rows per warehouse table once the sample changes arrived. */
  readonly rows: Readonly<Record<string, number>>;
  readonly eventsReplayed: number;
  readonly secondsToRows: number;
}

/**
 * `npm start`: the runtime up, the warehouse migrated, the `local` environment's connectors applied,
 * sample change events (a replay of Debezium's MongoDB format) pushed through, and the rows they
 * became in the warehouse counted.
 */
export async function startLocalPipeline(options: RuntimeOptions & { onProgress: (message: string) => void }): Promise<StartSummary> {
  const { status } = await up(options);
  const { kafka, connect, warehouse } = status.services;
  if (!kafka.url || !connect.url || !warehouse.url) throw new Error('the local runtime did not report Kafka, Connect and the warehouse as running: see cdcctl local status');
  const migrated = await applyWarehouseMigrations(warehouse.url);
  if (migrated.length) options.onProgress(`warehouse migrations applied: ${migrated.join(', ')}`);

  const environment = loadEnvironment('local', { connectUrl: connect.url });
  const desired = renderEnvironment(environment);
  const issues = desired.flatMap((connector) => validateConnectorConfig(connector.name, connector.config)).filter((issue) => issue.severity === 'error');
  if (issues.length) throw new Error(`invalid connector definitions:\n${issues.map(formatIssue).join('\n')}`);
  const client = createConnectClient({ url: connect.url });
  const result = await apply(client, desired, { managedPrefix: environment.managedConnectorPrefix, concurrency: environment.connect.concurrency, waitTimeoutMs: environment.connect.waitTimeoutMs, onProgress: options.onProgress });
  if (result.error) throw result.error;

  const changes = sampleChanges();
  const started = Date.now();
  const perTopic = await replayChanges(changes, { bootstrapServers: kafka.url, topicPrefix: environment.topicPrefix });
  const eventsReplayed = [...perTopic.values()].reduce((sum, count) => sum + count, 0);
  options.onProgress(`replayed ${eventsReplayed} Debezium-format change events (${[...perTopic].map(([topic, count]) => `${topic}: ${count}`).join(', ')})`);

  const expected = expectedFinalState(changes);
  const database = new Client({ connectionString: warehouse.url });
  await database.connect();
  try {
    const tables = ['customers', 'orders'] as const;
    const deletedFrom = (table: string) => changes.flatMap(({ collection, operation }) => (collection === table && operation.kind === 'delete' ? [operation.id] : []));
    const lagOf = (table: (typeof tables)[number]) => finalStateLag(database, table, expected.get(table)!, deletedFrom(table));
    const rows: Record<string, number> = {};
    let lags: FinalStateLag[] = [];
    const arrived = await waitUntil(async () => {
      lags = await Promise.all(tables.map(lagOf));
      tables.forEach((table, i) => (rows[table] = expected.get(table)!.size - lags[i]!.behind.length));
      return lags.every(isFinalState);
    }, 120_000, 250);
    if (!arrived) {
      const detail = tables.map((table, i) => `${table}: ${describeLag(lags[i]!, expected.get(table)!.size)}`).join('; ');
      throw new Error(`the sample changes did not reach the warehouse in time (${detail}); see cdcctl connectors status --env local`);
    }
    const secondsToRows = (Date.now() - started) / 1000;
    for (const view of ['fact_orders', 'orders_per_minute']) rows[view] = Number((await database.query(`SELECT count(*) AS n FROM ${view}`)).rows[0].n);
    const live = await client.listConnectors();
    const connectors = live
      .filter((connector) => connector.name.startsWith(environment.managedConnectorPrefix))
      .map((connector) => ({ name: connector.name, state: connector.status?.connector.state ?? 'UNKNOWN', tasks: connector.status?.tasks.map((task) => task.state) ?? [] }));
    return { status, connectors, rows, eventsReplayed, secondsToRows };
  } finally {
    await database.end();
  }
}

import type { Client } from 'pg';
import type { Kafka } from 'kafkajs';
import type { Environment } from '../config';
import type { ConnectClient } from '../connectors/connect/client';
import { failures } from '../connectors/connect/desired-state';
import { waitUntil } from '../connectors/connect/poll';
import { qualifiedTable, shadowTable, sinkConsumerGroup } from '../connectors/naming';
import type { PipelineDefinition } from '../connectors/pipelines';
import { ensureTopics, pipelineTopics } from './replay';

/**
 * `npm start` after any earlier run. The local environments' data is disposable, so a start begins
 * from nothing an earlier run left, and nothing it left can poison it (an event that once failed a
 * task, a stand-in resume token from a stand-in that has restarted since, rows of older versions):
 * - the managed connectors are deleted, a source's offsets reset first (stop, then every offset null);
 * - the pipelines' topics (source and dead-letter) deleted and created again, and the sinks' consumer
 *   groups deleted, so a sink starts at the beginning of an empty topic;
 * - the pipelines' tables emptied, with their deletions and violations.
 */
export interface LocalResetTarget {
  readonly client: ConnectClient;
  readonly kafka: Kafka;
  readonly warehouse: Client;
  /** The environments sharing these connectors, topics and tables (local and local-standin). */
  readonly environments: readonly Environment[];
  readonly pipelines: readonly PipelineDefinition[];
  readonly onProgress: (message: string) => void;
}

const STOP_TIMEOUT_MS = 30_000;

export async function resetSourceOffsets(client: ConnectClient, name: string): Promise<void> {
  await client.stop(name);
  await waitUntil(async () => (await client.status(name)).connector.state === 'STOPPED', STOP_TIMEOUT_MS, 200);
  const { offsets } = await client.getOffsets(name);
  if (offsets.length) await client.patchOffsets(name, { offsets: offsets.map((entry) => ({ partition: entry.partition, offset: null })) });
}

async function deleteConnectors(target: LocalResetTarget): Promise<string[]> {
  const prefixes = [...new Set(target.environments.map((environment) => environment.managedConnectorPrefix))];
  const managed = (await target.client.listConnectors()).filter((connector) => prefixes.some((prefix) => connector.name.startsWith(prefix)));
  for (const connector of managed) {
    if (connector.status?.type === 'source') await resetSourceOffsets(target.client, connector.name);
    await target.client.deleteConnector(connector.name);
  }
  return managed.map((connector) => connector.name);
}

async function recreateTopics(target: LocalResetTarget): Promise<void> {
  const topics = [...new Set(target.environments.flatMap((environment) => pipelineTopics(environment, target.pipelines)))];
  const groups = [...new Set(target.environments.flatMap((environment) => target.pipelines.map((pipeline) => sinkConsumerGroup(environment, pipeline))))];
  const admin = target.kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length) await admin.deleteTopics({ topics: present, timeout: 30_000 });
    const knownGroups = new Set((await admin.listGroups()).groups.map((group) => group.groupId));
    const stale = groups.filter((group) => knownGroups.has(group));
    if (stale.length) await admin.deleteGroups(stale);
    // A deleted topic lingers for a moment ("marked for deletion"): create until the broker takes it.
    await waitUntil(async () => (await admin.listTopics()).every((topic) => !present.includes(topic)), 30_000, 200);
  } finally {
    await admin.disconnect();
  }
  let lastError: Error | undefined;
  const created = await waitUntil(async () => {
    try {
      await ensureTopics(target.kafka, topics);
      return true;
    } catch (error) {
      lastError = error as Error;
      return false;
    }
  }, 30_000, 500);
  if (!created) throw new Error(`the local topics could not be created again: ${lastError?.message}`);
}

async function emptyTables(target: LocalResetTarget): Promise<void> {
  const tables = [...new Set(target.environments.flatMap((environment) => target.pipelines.flatMap((pipeline) => [pipeline.table, shadowTable(pipeline)].map((table) => qualifiedTable(environment, table)))))];
  const qualified = tables.map((table) => (table.includes('.') ? table : `public.${table}`));
  await target.warehouse.query(`TRUNCATE ${qualified.join(', ')} CASCADE`);
  await target.warehouse.query('DELETE FROM cdc.deleted_rows WHERE table_name = ANY($1)', [qualified]);
  await target.warehouse.query('DELETE FROM cdc.contract_violations WHERE table_name = ANY($1)', [qualified]);
  await target.warehouse.query('DELETE FROM cdc.change_history WHERE table_name = ANY($1)', [qualified]);
}

export async function resetLocalPipelines(target: LocalResetTarget): Promise<void> {
  const deleted = await deleteConnectors(target);
  await recreateTopics(target);
  await emptyTables(target);
  target.onProgress(`local data reset: ${deleted.length ? `connectors ${deleted.join(', ')} deleted (source offsets reset), ` : ''}topics created anew, tables emptied`);
}

/**
 * Every FAILED connector or task among those starting with `prefix`, one line each with its root
 * cause (`<name>: task 0 FAILED: <last Caused by>`): checked while waiting for rows, so that a failure
 * is named at once instead of after a timeout.
 */
export async function failedConnectorLines(client: ConnectClient, prefix: string): Promise<string[]> {
  const statuses = await client.listStatuses();
  return [...statuses].filter(([name]) => name.startsWith(prefix)).flatMap(([name, status]) => failures(name, status));
}

/** Throws, naming each failed connector or task with its root cause, when one of the environment's connectors FAILED. */
export async function throwOnFailedConnector(client: ConnectClient, environment: Environment): Promise<void> {
  const failed = await failedConnectorLines(client, environment.managedConnectorPrefix);
  if (failed.length) throw new Error(`${failed.join('; ')} (cdcctl connectors status --env ${environment.name})`);
}

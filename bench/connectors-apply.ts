/**
 * Reconciler cost against a real Kafka Connect worker (the local runtime's), for N cheap connectors
 * (Debezium JDBC sinks on idle topics): a no-op plan's requests and wall time; apply creating all N and
 * changing all N, each beside a bare loop issuing the same REST calls one by one and waiting for
 * RUNNING, in the same run; and the rebalances the worker reported meanwhile (JMX
 * connect-worker-rebalance-metrics via the exporter). Prints figures, asserts nothing.
 *
 *   node bin/run-ts bench/connectors-apply.ts [--connect-url URL] [--metrics-url URL] [--sizes 10,50,100]
 *     [--concurrency 8] [--jdbc-url URL --jdbc-user USER]  (defaults: the local runtime's placeholders)
 */
import { parseArgs } from 'node:util';
import { apply } from '../connectors/connect/apply';
import { createConnectClient, type ConnectClient } from '../connectors/connect/client';
import { diff } from '../connectors/connect/plan';
import type { RenderedConnector } from '../connectors/render';

const { values } = parseArgs({
  options: {
    'connect-url': { type: 'string', default: 'http://127.0.0.1:8083' },
    'metrics-url': { type: 'string', default: 'http://127.0.0.1:9404/metrics' },
    sizes: { type: 'string', default: '10,50,100' },
    concurrency: { type: 'string', default: '8' },
    'jdbc-url': { type: 'string', default: '${env:CDC_WAREHOUSE_JDBC_URL}' },
    'jdbc-user': { type: 'string', default: '${env:CDC_WAREHOUSE_USER}' },
  },
});

const PREFIX = 'bench-';
const concurrency = Number(values.concurrency);

function connectors(n: number, batchSize: string, prefix: string): RenderedConnector[] {
  return Array.from({ length: n }, (_, index) => ({
    name: `${PREFIX}${prefix}-${String(index).padStart(3, '0')}`,
    role: 'sink' as const,
    pipelines: [],
    state: 'RUNNING' as const,
    // One pooled connection per task: N idle sinks hold N warehouse connections, so the warehouse
    // needs max_connections above the largest N (the local runtime's PostgreSQL allows 300).
    config: {
      'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
      'tasks.max': '1',
      topics: `bench.idle.${prefix}.${index}`,
      'connection.url': values['jdbc-url']!,
      'connection.username': values['jdbc-user']!,
      'connection.password': '${env:CDC_WAREHOUSE_PASSWORD}',
      'connection.pool.min_size': '1',
      'connection.pool.max_size': '1',
      'connection.pool.acquire_increment': '1',
      'insert.mode': 'upsert',
      'primary.key.mode': 'record_key',
      'batch.size': batchSize,
    },
  }));
}

async function rebalances(): Promise<number> {
  const text = await fetch(values['metrics-url']!).then((response) => response.text()).catch(() => '');
  // connect-worker-rebalance-metrics completed-rebalances, whatever suffix the exporter rules give it.
  const line = text.split('\n').find((candidate) => !candidate.startsWith('#') && /worker_rebalance(_metrics)?_completed_rebalances(_total)?(\{| )/.test(candidate));
  return line ? Number(line.trim().split(/\s+/).pop()) : Number.NaN;
}

async function waitRunning(client: ConnectClient, names: readonly string[]): Promise<void> {
  for (;;) {
    const statuses = await client.listStatuses();
    if (names.every((name) => statuses.get(name)?.connector.state === 'RUNNING' && statuses.get(name)?.tasks.every((task) => task.state === 'RUNNING') && (statuses.get(name)?.tasks.length ?? 0) > 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function cleanup(client: ConnectClient): Promise<void> {
  for (const connector of await client.listConnectors()) if (connector.name.startsWith(PREFIX)) await client.deleteConnector(connector.name);
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; rebalances: number; value: T }> {
  const before = await rebalances();
  const start = performance.now();
  const value = await work();
  const ms = performance.now() - start;
  return { ms, rebalances: (await rebalances()) - before, value };
}

async function main(): Promise<void> {
  let reads = 0;
  let writes = 0;
  const client = createConnectClient({ url: values['connect-url']!, onRequest: (method) => (method === 'GET' ? reads++ : writes++) });
  await cleanup(client);
  console.log(`worker ${client.url}, apply concurrency ${concurrency}`);
  console.log('N    | no-op plan: reads writes ms | create: apply ms  bare ms  ratio  rebal(apply/bare) | change: apply ms  bare ms  ratio  rebal(apply/bare)');
  for (const n of values.sizes!.split(',').map(Number)) {
    // Baseline first: the bare loop creates its own set, sequentially, then waits for RUNNING.
    const bare = connectors(n, '500', `bare${n}`);
    const bareCreate = await timed(async () => {
      for (const connector of bare) await client.createConnector(connector.name, { ...connector.config });
      await waitRunning(client, bare.map((connector) => connector.name));
    });
    const bareChange = await timed(async () => {
      for (const connector of bare) await client.putConfig(connector.name, { ...connector.config, 'batch.size': '501' });
      await waitRunning(client, bare.map((connector) => connector.name));
    });
    await cleanup(client);

    const desired = connectors(n, '500', `apply${n}`);
    const options = { managedPrefix: `${PREFIX}apply${n}`, concurrency, waitTimeoutMs: 600_000 };
    const create = await timed(() => apply(client, desired, options));
    reads = 0;
    writes = 0;
    const noop = await timed(async () => diff(desired, await client.listConnectors(), options));
    const noopReads = reads;
    const noopWrites = writes;
    const changed = desired.map((connector) => ({ ...connector, config: { ...connector.config, 'batch.size': '501' } }));
    const change = await timed(() => apply(client, changed, options));
    await cleanup(client);
    if (create.value.error || change.value.error) throw create.value.error ?? change.value.error;
    const row = [
      String(n).padEnd(4),
      `${noopReads} ${noopWrites} ${noop.ms.toFixed(0)}`,
      `${create.ms.toFixed(0)} ${bareCreate.ms.toFixed(0)} ${(create.ms / bareCreate.ms).toFixed(2)}x ${create.rebalances}/${bareCreate.rebalances}`,
      `${change.ms.toFixed(0)} ${bareChange.ms.toFixed(0)} ${(change.ms / bareChange.ms).toFixed(2)}x ${change.rebalances}/${bareChange.rebalances}`,
    ];
    console.log(row.join(' | '));
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

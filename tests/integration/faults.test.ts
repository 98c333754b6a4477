import { Client } from 'pg';
import { parseEnvironment } from '../../config';
import { local } from '../../config/environments/local';
import { apply } from '../../connectors/connect/apply';
import { createConnectClient, type ConnectClient } from '../../connectors/connect/client';
import { failures } from '../../connectors/connect/desired-state';
import { supervise, type SupervisionEvent } from '../../connectors/connect/supervise';
import { deadLetterTopic, sinkConnectorName, sinkConsumerGroup, sourceTopic } from '../../connectors/naming';
import { definePipeline } from '../../connectors/pipelines/define';
import { orders } from '../../connectors/pipelines/orders';
import { renderEnvironment } from '../../connectors/render';
import { restart } from '../../local/runtime';
import { customerId, orderDocument, type SampleChange } from '../../local/sample-data';
import { kafkaClient, replayChanges } from '../../local/replay';
import { dropPipelineTableSql, pipelineTableIn } from '../../warehouse/tables';
import { getTestRuntime, testRuntimeOptions } from './support/runtime';
import { waitFor } from './support/wait';

/**
 * Faults survived with no person: the warehouse taken away mid-stream. The Debezium JDBC sink
 * retries a few times and then fails its task (a failure inside put() is not a record error: the
 * dead-letter queue never sees it), and Kafka Connect never restarts a failed task by itself. The
 * supervisor (cdcctl connectors supervise, run here in-process with the local environment's policy)
 * restarts it with backoff; the task resumes from its committed offsets and every change lands.
 */
jest.setTimeout(300_000);

const runtime = getTestRuntime();
const faultOrders = definePipeline({ ...orders, table: 'faults_orders' });
const PIPELINES = [faultOrders];
const environment = parseEnvironment({
  ...local,
  connect: { ...local.connect, url: runtime.connect.url },
  managedConnectorPrefix: 'cdc-faults-',
  topicPrefix: 'cdc-faults',
  collections: { orders: { phase: 'stream' } },
});
const SINK = sinkConnectorName(environment, faultOrders);
const OUTAGE_MS = 20_000;
let client: ConnectClient;

async function withWarehouse<T>(work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: runtime.warehouse.url, connectionTimeoutMillis: 5_000 });
  db.on('error', () => undefined);
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end().catch(() => undefined);
  }
}

async function removeEverything(): Promise<void> {
  for (const connector of await client.listConnectors()) if (connector.name.startsWith(environment.managedConnectorPrefix)) await client.deleteConnector(connector.name);
  await withWarehouse((db) => db.query(dropPipelineTableSql('public', faultOrders.table)));
  const admin = kafkaClient(runtime.kafka.bootstrapServers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic === sourceTopic(environment, faultOrders) || topic === deadLetterTopic(environment, faultOrders));
    if (topics.length) await admin.deleteTopics({ topics });
    const group = sinkConsumerGroup(environment, faultOrders);
    if ((await admin.listGroups()).groups.some((entry) => entry.groupId === group)) {
      await waitFor(`consumer group ${group} to be deleted`, () => admin.deleteGroups([group]).then(() => true), 30_000, 500);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Realistic orders (line items, ObjectId customers, Decimal128 money) under ids of this test's own. */
function ordersNumbered(from: number, count: number): SampleChange[] {
  return Array.from({ length: count }, (_, index) => {
    const number = from + index;
    return {
      collection: 'orders',
      operation: { kind: 'insert', document: { ...orderDocument(number, customerId(number % 50), new Date('2026-01-07T09:00:00Z')), _id: `fault-${number}`, status: `status-${number}` } },
    };
  });
}

/** The rows of this test, _id → status (a typed column the contract fills from the document). */
const landed = () => withWarehouse(async (db) => new Map((await db.query(`SELECT _id, status FROM ${faultOrders.table} WHERE _id LIKE 'fault-%'`)).rows.map((row) => [row._id as string, row.status as string])));

const replayOptions = () => ({ bootstrapServers: runtime.kafka.bootstrapServers, topicPrefix: environment.topicPrefix, partitions: 2 });

/** Waits until orders 1…count are all in the warehouse; returns the seconds it took from `since`, and the orders missing or wrong. */
async function allLanded(count: number, since: number): Promise<{ recoveredS: number; wrong: number[] }> {
  const rows = await waitFor(`all ${count} orders`, async () => {
    const current = await landed();
    return current.size >= count ? current : undefined;
  }, 180_000, 500);
  const wrong = Array.from({ length: count }, (_, index) => index + 1).filter((number) => rows.get(`fault-${number}`) !== `status-${number}`);
  return { recoveredS: (Date.now() - since) / 1000, wrong };
}

beforeAll(async () => {
  client = createConnectClient({ url: runtime.connect.url });
  await removeEverything();
  await withWarehouse((db) => db.query(pipelineTableIn('public', faultOrders)));
});

afterAll(async () => {
  if (client) await removeEverything();
});

describe('warehouse-outage: PostgreSQL stopped mid-stream, then started', () => {
  it('every change lands once the warehouse is back, with no person: the supervisor restarts the failed sink task', async () => {
    const { supervisor } = environment.connect;
    const events: SupervisionEvent[] = [];
    const stop = new AbortController();
    // Every managed connector of the worker ('cdc-'): the outage fails the other tests' sinks too.
    const supervising = supervise(client, {
      policy: { unitMs: supervisor.restartUnitMs, maxDelayMs: supervisor.maxRestartDelayMs, maxRestarts: supervisor.maxRestarts, healthyResetMs: supervisor.healthyResetMs },
      managedPrefix: 'cdc-',
      intervalMs: 1_000,
      signal: stop.signal,
      onEvent: (event) => events.push(event),
      onError: () => undefined,
    });
    try {
      const applied = await apply(client, renderEnvironment(environment, PIPELINES), { managedPrefix: environment.managedConnectorPrefix, waitTimeoutMs: 90_000 });
      expect(applied.error).toBeUndefined();
      const replay = replayOptions();

      await replayChanges(ordersNumbered(1, 200), replay);
      await waitFor('the 200 orders written before the outage', async () => ((await landed()).size === 200 ? true : undefined), 90_000, 500);

      const outage = restart(testRuntimeOptions(), 'warehouse', { downForMs: OUTAGE_MS });
      await waitFor('the warehouse to be down', () => withWarehouse(() => Promise.resolve(undefined)).catch(() => true), 30_000, 200);
      await replayChanges(ordersNumbered(201, 300), replay);
      await outage;
      const back = Date.now();

      const { recoveredS, wrong } = await allLanded(500, back);
      expect(wrong).toEqual([]);

      const sinkEvents = events.filter((event) => event.connector === SINK);
      expect(sinkEvents.filter((event) => event.decision === 'give-up')).toEqual([]);
      const status = await client.status(SINK);
      expect(failures(SINK, status)).toEqual([]);
      // What the run saw, for the figures: the restarts are the supervisor's, the recovery from the warehouse's return.
      process.stderr.write(`warehouse-outage (${OUTAGE_MS / 1000} s): 500 events, 500 rows, 0 lost; supervisor restarts of ${SINK}: ${sinkEvents.filter((event) => event.decision === 'restart').length}; warehouse current ${recoveredS.toFixed(1)} s after it returned; manual steps 0\n`);
    } finally {
      stop.abort();
      await supervising;
    }
    // Nothing of the worker is left FAILED for the tests after this one.
    await waitFor('every connector of the worker running again', async () => {
      const statuses = await client.listStatuses();
      const failed = [...statuses].flatMap(([name, connectorStatus]) => failures(name, connectorStatus));
      for (const [name] of [...statuses].filter(([name, connectorStatus]) => failures(name, connectorStatus).length > 0)) await client.restart(name, { includeTasks: true, onlyFailed: true });
      return failed.length === 0 ? true : undefined;
    }, 120_000, 2_000);
  });
});

describe('warehouse-slow: the sink\'s table locked for 20 s mid-stream', () => {
  it('every change lands once the lock is released, and the sink never fails', async () => {
    const locker = new Client({ connectionString: runtime.warehouse.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${faultOrders.table} IN ACCESS EXCLUSIVE MODE`);
      await replayChanges(ordersNumbered(501, 300), replayOptions());
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      // Held up, not failed: the sink's statement waits on the lock.
      expect(failures(SINK, await client.status(SINK))).toEqual([]);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    const released = Date.now();
    const { recoveredS, wrong } = await allLanded(800, released);
    expect(wrong).toEqual([]);
    expect(failures(SINK, await client.status(SINK))).toEqual([]);
    process.stderr.write(`warehouse-slow (20 s lock): 300 events, 0 lost; warehouse current ${recoveredS.toFixed(1)} s after the lock was released; manual steps 0\n`);
  });
});

describe('worker-kill: the Connect worker killed (SIGKILL) mid-stream, then started', () => {
  it('every change lands after the worker returns: offsets not committed are read again, the upsert makes that harmless', async () => {
    const streaming = replayChanges(ordersNumbered(801, 1200), replayOptions());
    await waitFor('some of the burst to land', async () => ((await landed()).size > 800 ? true : undefined), 60_000, 100);
    await restart(testRuntimeOptions(), 'connect', { kill: true });
    const back = Date.now();
    await streaming;
    const { recoveredS, wrong } = await allLanded(2000, back);
    expect(wrong).toEqual([]);
    process.stderr.write(`worker-kill (SIGKILL mid-stream): 1200 events, 0 lost; warehouse current ${recoveredS.toFixed(1)} s after the worker was ready again; manual steps 0\n`);
  });
});

describe('rebalance-storm: connectors added and removed while the sink streams', () => {
  it('every change lands while six other connectors come and go, each start and stop a rebalance of the worker group', async () => {
    const template = renderEnvironment(environment, PIPELINES).find((connector) => connector.name === SINK)!;
    const storm = (round: number) => `cdc-faults-storm-${round}`;
    const streaming = replayChanges(ordersNumbered(2001, 1000), replayOptions());
    const started = Date.now();
    for (let round = 0; round < 6; round++) {
      // A sink of its own on a topic of its own (nothing to read): what matters is the rebalance its arrival and departure make.
      await client.createConnector(storm(round), { ...template.config, topics: `cdc-faults.storm.${round}` });
      if (round >= 2) await client.deleteConnector(storm(round - 2));
    }
    for (const round of [4, 5]) await client.deleteConnector(storm(round));
    await streaming;
    const { recoveredS, wrong } = await allLanded(3000, started);
    expect(wrong).toEqual([]);
    expect(failures(SINK, await client.status(SINK))).toEqual([]);
    process.stderr.write(`rebalance-storm (6 connectors added, 6 removed): 1000 events, 0 lost; all in ${recoveredS.toFixed(1)} s from the storm's start; manual steps 0\n`);
  });
});

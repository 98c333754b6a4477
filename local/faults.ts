import { Client } from 'pg';
import { loadEnvironment, parseEnvironment, type Environment } from '../config';
import { local } from '../config/environments/local';
import { apply } from '../connectors/connect/apply';
import { createConnectClient, type ConnectClient } from '../connectors/connect/client';
import { failures } from '../connectors/connect/desired-state';
import { waitUntil } from '../connectors/connect/poll';
import { supervise, type SupervisionEvent } from '../connectors/connect/supervise';
import { deadLetterTopic, sinkConnectorName, sinkConsumerGroup, sourceTopic } from '../connectors/naming';
import { definePipeline } from '../connectors/pipelines/define';
import { orders } from '../connectors/pipelines/orders';
import { renderEnvironment } from '../connectors/render';
import { DUPLICATE_CHANGES_SQL, changeHistoryTriggerSql, dropPipelineTableSql, pipelineTableIn } from '../warehouse/tables';
import type { RuntimeOptions } from './options';
import { kafkaClient, replayChanges } from './replay';
import { restart, status } from './runtime';
import { customerId, orderDocument, type SampleChange } from './sample-data';

/**
 * Faults injected into the running local runtime while realistic orders stream through the real
 * sink path (Kafka → the Debezium JDBC sink in Connect → PostgreSQL), each followed by a row-by-row
 * comparison of the warehouse with what was written. The supervisor (`cdcctl connectors supervise`,
 * in-process, the local environment's policy) restarts what fails, as it would in production.
 * Everything runs under names of its own (`cdc-faults-*`, table `faults_orders`), removed afterwards.
 */
export const FAULT_SCENARIOS = ['warehouse-outage', 'warehouse-slow', 'worker-kill', 'rebalance-storm'] as const;
export type FaultScenario = (typeof FAULT_SCENARIOS)[number];

export interface FaultResult {
  readonly name: FaultScenario;
  /** Changes written while the fault happened. */
  readonly events: number;
  /** Of those, rows in the warehouse with the values written. */
  readonly rows: number;
  readonly lost: number;
  /**
   * Of those, deliveries to the warehouse beyond the first (the scenario table's change history): the
   * upsert by key absorbs them, so they cost nothing but show what a fault redelivers.
   */
  readonly duplicates: number;
  /** Restarts the supervisor made of the scenario's sink. */
  readonly restarts: number;
  /** From the fault's end to the warehouse holding every change. */
  readonly recovery_s: number;
  /** Steps a person had to take: none of these scenarios waits for one. */
  readonly manual_steps: number;
}

export interface FaultOptions {
  /** Changes written during each fault. @default 500 */
  readonly events?: number;
  /** How long an outage or a lock lasts. @default 20000 */
  readonly faultMs?: number;
  readonly onProgress?: (message: string) => void;
}

const TABLE = 'faults_orders';
const pipeline = definePipeline({ ...orders, table: TABLE });

interface Context {
  readonly runtime: RuntimeOptions;
  readonly environment: Environment;
  readonly client: ConnectClient;
  readonly bootstrapServers: string;
  readonly warehouseUrl: string;
  readonly sink: string;
  /** The runtime's supervisor service's metrics, when it runs; else the supervisor runs in-process. */
  readonly supervisorMetricsUrl?: string;
  readonly supervisorEvents: SupervisionEvent[];
  readonly faultMs: number;
  /** The next order number: each scenario writes orders of its own. */
  next: number;
  readonly progress: (message: string) => void;
}

function contextFor(runtime: RuntimeOptions, options: FaultOptions): Context {
  const { services } = status(runtime);
  const notRunning = (['kafka', 'connect', 'warehouse'] as const).filter((name) => services[name].state !== 'running' && services[name].state !== 'external');
  if (notRunning.length) throw new Error(`the local runtime is not running (${notRunning.join(', ')}): cdcctl local up first`);
  const connectUrl = services.connect.url!;
  const environment = parseEnvironment({ ...local, connect: { ...local.connect, url: connectUrl }, managedConnectorPrefix: 'cdc-faults-', topicPrefix: 'cdc-faults', collections: { orders: { phase: 'stream' } } });
  return {
    runtime,
    environment,
    client: createConnectClient({ url: connectUrl }),
    bootstrapServers: services.kafka.url!,
    warehouseUrl: services.warehouse.url!,
    sink: sinkConnectorName(environment, pipeline),
    supervisorMetricsUrl: services.supervisor.state === 'running' ? services.supervisor.url : undefined,
    supervisorEvents: [],
    faultMs: options.faultMs ?? 20_000,
    next: 1,
    progress: options.onProgress ?? (() => undefined),
  };
}

async function withWarehouse<T>(context: Context, work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: context.warehouseUrl, connectionTimeoutMillis: 5_000 });
  db.on('error', () => undefined);
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end().catch(() => undefined);
  }
}

/** Removes the scenarios' connectors, table, topics and consumer group. */
async function removeEverything(context: Context): Promise<void> {
  const { client, environment } = context;
  for (const connector of await client.listConnectors()) if (connector.name.startsWith(environment.managedConnectorPrefix)) await client.deleteConnector(connector.name);
  await withWarehouse(context, (db) => db.query(dropPipelineTableSql('public', TABLE)));
  const admin = kafkaClient(context.bootstrapServers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic === sourceTopic(environment, pipeline) || topic === deadLetterTopic(environment, pipeline) || topic.startsWith('cdc-faults.storm.'));
    if (topics.length) await admin.deleteTopics({ topics });
    const group = sinkConsumerGroup(environment, pipeline);
    if ((await admin.listGroups()).groups.some((entry) => entry.groupId === group)) {
      await waitUntil(() => admin.deleteGroups([group]).then(() => true, () => false), 30_000, 500);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Realistic orders (line items, ObjectId customers, Decimal128 money) numbered from the context's next. */
function nextOrders(context: Context, count: number): { changes: SampleChange[]; numbers: number[] } {
  const numbers = Array.from({ length: count }, (_, index) => context.next + index);
  context.next += count;
  const changes = numbers.map((number): SampleChange => ({
    collection: 'orders',
    operation: { kind: 'insert', document: { ...orderDocument(number, customerId(number % 50), new Date('2026-01-07T09:00:00Z')), _id: `fault-${number}`, status: `status-${number}` } },
  }));
  return { changes, numbers };
}

const stream = (context: Context, changes: readonly SampleChange[]) => replayChanges(changes, { bootstrapServers: context.bootstrapServers, topicPrefix: context.environment.topicPrefix, partitions: 2 });

/** Waits (up to 3 minutes) until every order of `numbers` is a row with the value written; the seconds from `since` and how many are missing or wrong. */
async function landed(context: Context, numbers: readonly number[], since: number): Promise<{ recoveredS: number; rows: number }> {
  const count = async () =>
    withWarehouse(context, async (db) => {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${TABLE} WHERE _id = ANY($1::text[]) AND status = 'status-' || substr(_id, 7)`, [numbers.map((number) => `fault-${number}`)]);
      return rows[0].n as number;
    }).catch(() => 0);
  let rows = 0;
  await waitUntil(async () => (rows = await count()) === numbers.length, 180_000, 500);
  return { recoveredS: (Date.now() - since) / 1000, rows };
}

/** Restarts of the scenario's sink so far: the supervisor service's counter, or the in-process supervisor's events. */
async function sinkRestarts(context: Context): Promise<number> {
  if (!context.supervisorMetricsUrl) return context.supervisorEvents.filter((event) => event.connector === context.sink && event.decision === 'restart').length;
  const text = await (await fetch(context.supervisorMetricsUrl)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`cdc_supervisor_restarts_total{connector="${context.sink}"} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** Changes of these orders the sink delivered more than once, from the scenario table's change history. */
async function duplicates(context: Context, numbers: readonly number[]): Promise<number> {
  return withWarehouse(context, async (db) => (await db.query(DUPLICATE_CHANGES_SQL, [`public.${TABLE}`, numbers.map((number) => `fault-${number}`)])).rows[0].duplicates as number);
}

interface Outcome {
  readonly recoveredS: number;
  readonly rows: number;
  readonly duplicates: number;
}

function result(name: FaultScenario, numbers: readonly number[], outcome: Outcome, restarts: number): FaultResult {
  const { rows } = outcome;
  return { name, events: numbers.length, rows, lost: numbers.length - rows, duplicates: outcome.duplicates, restarts, recovery_s: Math.round(outcome.recoveredS * 10) / 10, manual_steps: 0 };
}

const SCENARIOS: Readonly<Record<FaultScenario, (context: Context, events: number) => Promise<{ numbers: number[]; since: number }>>> = {
  async 'warehouse-outage'(context, events) {
    const outage = restart(context.runtime, 'warehouse', { downForMs: context.faultMs });
    await waitUntil(() => withWarehouse(context, async () => false).catch(() => true), 30_000, 200);
    const { changes, numbers } = nextOrders(context, events);
    await stream(context, changes);
    await outage;
    return { numbers, since: Date.now() };
  },
  async 'warehouse-slow'(context, events) {
    const locker = new Client({ connectionString: context.warehouseUrl });
    await locker.connect();
    const { changes, numbers } = nextOrders(context, events);
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${TABLE} IN ACCESS EXCLUSIVE MODE`);
      await stream(context, changes);
      await new Promise((resolve) => setTimeout(resolve, context.faultMs));
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    return { numbers, since: Date.now() };
  },
  async 'worker-kill'(context, events) {
    // Half before the kill; the other half written while the worker is dead and starting again.
    const { changes, numbers } = nextOrders(context, events);
    const half = Math.ceil(changes.length / 2);
    await stream(context, changes.slice(0, half));
    await landed(context, numbers.slice(0, 1), Date.now());
    const restarting = restart(context.runtime, 'connect', { kill: true });
    await stream(context, changes.slice(half));
    await restarting;
    return { numbers, since: Date.now() };
  },
  async 'rebalance-storm'(context, events) {
    const template = renderEnvironment(context.environment, [pipeline]).find((connector) => connector.name === context.sink)!;
    const storm = (round: number) => `cdc-faults-storm-${round}`;
    const { changes, numbers } = nextOrders(context, events);
    const streaming = stream(context, changes);
    for (let round = 0; round < 6; round++) {
      // A sink on a topic of its own with nothing to read: its arrival and departure are what rebalance the group.
      await context.client.createConnector(storm(round), { ...template.config, topics: `cdc-faults.storm.${round}` });
      if (round >= 2) await context.client.deleteConnector(storm(round - 2));
    }
    for (const round of [4, 5]) await context.client.deleteConnector(storm(round));
    await streaming;
    return { numbers, since: Date.now() };
  },
};

/** Runs the scenarios in order against the running local runtime; what each cost, row by row. */
export async function runFaultScenarios(runtime: RuntimeOptions, names: readonly FaultScenario[], options: FaultOptions = {}): Promise<FaultResult[]> {
  const context = contextFor(runtime, options);
  const events = options.events ?? 500;
  const { supervisor } = loadEnvironment('local').connect;
  const stop = new AbortController();
  // Every managed connector of the worker ('cdc-'): an outage fails the others' sinks too. In-process
  // only when the runtime's own supervisor service does not run (two would restart the same task).
  if (context.supervisorMetricsUrl) stop.abort();
  const supervising = supervise(context.client, {
    policy: { unitMs: supervisor.restartUnitMs, maxDelayMs: supervisor.maxRestartDelayMs, maxRestarts: supervisor.maxRestarts, healthyResetMs: supervisor.healthyResetMs },
    managedPrefix: 'cdc-',
    intervalMs: 1_000,
    signal: stop.signal,
    onEvent: (event) => context.supervisorEvents.push(event),
    onError: () => undefined,
  });
  const results: FaultResult[] = [];
  try {
    await removeEverything(context);
    await withWarehouse(context, async (db) => {
      await db.query(pipelineTableIn('public', pipeline));
      await db.query(changeHistoryTriggerSql('public', TABLE));
    });
    const applied = await apply(context.client, renderEnvironment(context.environment, [pipeline]), { managedPrefix: context.environment.managedConnectorPrefix, waitTimeoutMs: 90_000 });
    if (applied.error) throw applied.error;
    for (const name of names) {
      context.progress(`${name}: ${events} orders while the fault lasts`);
      const restartsBefore = await sinkRestarts(context);
      const { numbers, since } = await SCENARIOS[name](context, events);
      const outcome = { ...(await landed(context, numbers, since)), duplicates: await duplicates(context, numbers) };
      results.push(result(name, numbers, outcome, (await sinkRestarts(context)) - restartsBefore));
      context.progress(`${name}: ${JSON.stringify(results.at(-1))}`);
    }
    // Nothing of the worker left FAILED by the faults.
    await waitUntil(async () => {
      const statuses = await context.client.listStatuses();
      const failed = [...statuses].filter(([name, connectorStatus]) => failures(name, connectorStatus).length > 0);
      for (const [name] of failed) await context.client.restart(name, { includeTasks: true, onlyFailed: true });
      return failed.length === 0;
    }, 120_000, 2_000);
  } finally {
    stop.abort();
    await supervising;
    await removeEverything(context).catch(() => undefined);
  }
  return results;
}

import { Client } from 'pg';
import { loadEnvironment, parseEnvironment, type Environment } from '../config';
import type { ExactlyOnceSourceLevel } from '../config/delivery';
import { local } from '../config/environments/local';
import { localStandIn } from '../config/environments/local-standin';
import { apply } from '../connectors/connect/apply';
import { createConnectClient, type ConnectClient } from '../connectors/connect/client';
import { failures } from '../connectors/connect/desired-state';
import { waitUntil } from '../connectors/connect/poll';
import { supervise, type SupervisionEvent } from '../connectors/connect/supervise';
import { deadLetterTopic, sinkConnectorName, sinkConsumerGroup, sourceTopic, standInSourceConnectorName } from '../connectors/naming';
import { definePipeline } from '../connectors/pipelines/define';
import { orders } from '../connectors/pipelines/orders';
import { renderEnvironment } from '../connectors/render';
import { applyWarehouseMigrations } from '../warehouse/migrate';
import { DUPLICATE_CHANGES_SQL, changeHistoryTriggerSql, dropPipelineTableSql, pipelineTableIn } from '../warehouse/tables';
import { BROKER_SERVICES, LocalRuntimeError, replicationFor, type BrokerService, type RuntimeOptions } from './options';
import { kafkaClient, replayChanges, replayPaced } from './replay';
import { kafkaProxyControlUrl, restart, status, type RuntimeStatus } from './runtime';
import { customerId, orderDocument, type SampleChange } from './sample-data';
import { delayProxyStats, setDelayProxyDelay } from './delay-proxy';
import { kafkaRoundTripMs } from './kafka-round-trip';
import { resetSourceOffsets } from './reset';
import { countCreateEvents, writePaced } from './source-events';
import { applyStandInConnectors, runningRuntimeLayout, waitUntilStreaming } from './standin-seed';
import { openStandInWriter, standInOperations } from './standin-writer';

/**
 * Faults injected into the running local runtime while realistic orders stream through the real
 * sink path (Kafka → the Debezium JDBC sink in Connect → PostgreSQL), each followed by a row-by-row
 * comparison of the warehouse with what was written. The supervisor (`cdcctl connectors supervise`,
 * in-process, the local environment's policy) restarts what fails, as it would in production.
 * Everything runs under names of its own (`cdc-faults-*`, table `faults_orders`), removed afterwards.
 */
export const FAULT_SCENARIOS = ['no-fault', 'warehouse-outage', 'warehouse-slow', 'worker-kill', 'rebalance-storm', 'network-delay', 'initial-load-kill', 'source-worker-kill', 'broker-kill'] as const;
export type FaultScenario = (typeof FAULT_SCENARIOS)[number];

/** The brokers a scenario needs, when more than one: broker-kill kills one of three (`cdcctl local up --brokers 3`). */
export const SCENARIO_BROKERS: Readonly<Partial<Record<FaultScenario, number>>> = { 'broker-kill': 3 };

/** The scenarios that write to the MongoDB stand-in, which a runtime may run without (`services`). */
export const STAND_IN_SCENARIOS: readonly FaultScenario[] = ['source-worker-kill'];

/**
 * The scenarios a runtime of `brokers` nodes, with or without the MongoDB stand-in, can run (what
 * `all` means), and the others with the reason.
 */
export function scenariosFor(brokers: number, standIn = true): { readonly runnable: FaultScenario[]; readonly skipped: { readonly name: FaultScenario; readonly reason: string }[] } {
  const reason = (name: FaultScenario): string | undefined => {
    const needs = SCENARIO_BROKERS[name] ?? 1;
    if (needs > brokers) return `needs a runtime of ${needs} brokers (cdcctl local up --brokers ${needs}); this one has ${brokers}`;
    if (!standIn && STAND_IN_SCENARIOS.includes(name)) return 'needs the MongoDB stand-in, which this runtime does not run (cdcctl local up starts it)';
    return undefined;
  };
  return {
    runnable: FAULT_SCENARIOS.filter((name) => reason(name) === undefined),
    skipped: FAULT_SCENARIOS.flatMap((name) => (reason(name) === undefined ? [] : [{ name, reason: reason(name)! }])),
  };
}

/** The broker broker-kill killed, and that it came back. */
export interface KilledBroker {
  /** `kafka`, `kafka-2` or `kafka-3`: the leader of the scenario topic's first partition. */
  readonly service: BrokerService;
  readonly pid_before: number;
  /** Its process after the restart: another pid, so it really died. */
  readonly pid_after: number;
  /** Back in the in-sync replicas of every partition of the scenario topic. */
  readonly back_in_isr: boolean;
}

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
  /** Restarts the supervisor made of the scenario's connectors (its sink; source-worker-kill: its source and sink). */
  readonly restarts: number;
  /** From the fault's end to the warehouse holding every change. */
  readonly recovery_s: number;
  /** Steps a person had to take: none of these scenarios waits for one. */
  readonly manual_steps: number;
  /**
   * What the scenario measured of its own fault, so that the fault is observed rather than assumed.
   * network-delay: `delay_each_way_ms` (set), `round_trip_direct_ms` and `round_trip_through_proxy_ms`
   * (a Kafka request's median round trip on the broker's Connect listener and through the proxy, during
   * the fault), `added_round_trip_ms` (their difference), `rows_during_fault`.
   * initial-load-kill: `rows_at_kill` (rows in, counted while the killed worker was down), `batch_size`.
   * source-worker-kill: `written_at_kill` (orders the stand-in had acknowledged), `source_events` (create
   * events of the orders in the source topic, read_committed), `source_duplicates` (of those, beyond one
   * per order: what the source delivered again).
   */
  readonly observed?: Readonly<Record<string, number>>;
  /** With a rate asked for: the rate achieved, the orders over the seconds spent writing them. */
  readonly write_rate_per_s?: number;
  /** source-worker-kill: the worker's `exactly.once.source.support` (`cdcctl local up --exactly-once-source`). */
  readonly exactly_once_source?: ExactlyOnceSourceLevel;
  /** broker-kill: which broker died and how it came back. */
  readonly broker?: KilledBroker;
}

export interface FaultOptions {
  /** Changes written during each fault. @default 500 */
  readonly events?: number;
  /** How long an outage, a lock, a delay or a killed broker lasts. @default 20000 */
  readonly faultMs?: number;
  /**
   * Orders written per second, as an application writes (a steady 1,000/s for 2 minutes: 120,000
   * events). @default as fast as Kafka takes them; source-worker-kill, whose writes go through the
   * MongoDB stand-in: 100. initial-load-kill writes its snapshot at once whatever the rate.
   */
  readonly ratePerSecond?: number;
  readonly onProgress?: (message: string) => void;
}

const TABLE = 'faults_orders';
const pipeline = definePipeline({ ...orders, table: TABLE });

/**
 * source-worker-kill's pipeline: orders written to the MongoDB stand-in's database `cdc_faults` and
 * captured by the real Debezium MongoDB source. Its connectors have a prefix of their own, so that
 * applying them leaves the other scenarios' sink alone.
 */
const CAPTURED_TABLE = 'faults_captured_orders';
const capturedPipeline = definePipeline({ ...orders, name: 'captured_orders', database: 'cdc_faults', table: CAPTURED_TABLE });
const CAPTURED_PREFIX = 'cdc-faults-src-';

interface Context {
  readonly runtime: RuntimeOptions;
  readonly environment: Environment;
  readonly client: ConnectClient;
  readonly bootstrapServers: string;
  readonly warehouseUrl: string;
  readonly sink: string;
  /** The runtime's supervisor service's metrics, when it runs; else the supervisor runs in-process. */
  readonly supervisorMetricsUrl?: string;
  /** The delay proxy between the Connect worker and Kafka, when the runtime runs it. */
  readonly kafkaProxy?: { readonly controlUrl: string; readonly port: number; readonly listenerPort: number };
  readonly supervisorEvents: SupervisionEvent[];
  readonly faultMs: number;
  /** The MongoDB stand-in, when it runs (source-worker-kill writes to it). */
  readonly mongodbUrl?: string;
  /** The Connect worker's exactly.once.source.support. */
  readonly exactlyOnceSource: ExactlyOnceSourceLevel;
  readonly ratePerSecond?: number;
  /** The orders source-worker-kill wrote to the stand-in, deleted with its connectors. */
  readonly standInOrders: number[];
  /** The scenario's writes so far: how many, over how many seconds (the rate achieved). */
  written: { changes: number; seconds: number };
  /** The next order number: each scenario writes orders of its own. */
  next: number;
  readonly progress: (message: string) => void;
}

function contextFor(runtime: RuntimeOptions, options: FaultOptions): Context {
  const { services, ports, exactlyOnceSource } = status(runtime);
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
    kafkaProxy: services['kafka-proxy'].state === 'running' ? { controlUrl: kafkaProxyControlUrl(ports), port: ports.kafkaProxy, listenerPort: ports.kafkaConnectListener } : undefined,
    supervisorEvents: [],
    faultMs: options.faultMs ?? 20_000,
    mongodbUrl: services.mongodb.state === 'running' ? services.mongodb.url : undefined,
    exactlyOnceSource,
    ratePerSecond: options.ratePerSecond,
    written: { changes: 0, seconds: 0 },
    standInOrders: [],
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

/** The environment of source-worker-kill's stand-in source and its sink, at the worker's exactly-once level. */
function capturedEnvironment(context: Context): Environment {
  const { connect } = context.environment;
  return parseEnvironment({
    ...localStandIn,
    connect: { ...localStandIn.connect, url: connect.url, exactlyOnceSource: context.exactlyOnceSource },
    managedConnectorPrefix: CAPTURED_PREFIX,
    topicPrefix: context.environment.topicPrefix,
    collections: { orders: { phase: 'stream' } },
  });
}

/** Removes the scenarios' connectors (a source's offsets reset first), tables, topics, consumer groups and stand-in orders. */
async function removeEverything(context: Context): Promise<void> {
  const { client, environment } = context;
  for (const connector of await client.listConnectors()) {
    if (!connector.name.startsWith(environment.managedConnectorPrefix)) continue;
    // The next run's source must not resume from a position of this one.
    if (connector.status?.type === 'source') await resetSourceOffsets(client, connector.name);
    await client.deleteConnector(connector.name);
  }
  await withWarehouse(context, async (db) => {
    await db.query(dropPipelineTableSql('public', TABLE));
    await db.query(dropPipelineTableSql('public', CAPTURED_TABLE));
  });
  if (context.mongodbUrl) await deleteStandInOrders(context, context.mongodbUrl);
  const admin = kafkaClient(context.bootstrapServers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter(
      (topic) =>
        [pipeline, capturedPipeline].some((each) => topic === sourceTopic(environment, each) || topic === deadLetterTopic(environment, each)) ||
        topic.startsWith('cdc-faults.storm.') ||
        topic.startsWith(`${INITIAL_LOAD_TOPIC_PREFIX}.`),
    );
    if (topics.length) await admin.deleteTopics({ topics });
    // The scenario sink's group and those of the sinks the scenarios add: Connect names a sink's group connect-<connector>.
    const groups = (await admin.listGroups()).groups.map((entry) => entry.groupId).filter((group) => group === sinkConsumerGroup(environment, pipeline) || group.startsWith(`connect-${environment.managedConnectorPrefix}`));
    if (groups.length) await waitUntil(() => admin.deleteGroups(groups).then(() => true, () => false), 30_000, 500);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes source-worker-kill's orders from the stand-in (it holds everything in its heap), once its
 * source is gone. Deleted one by one rather than the database dropped: a drop is a `drop` event to a
 * source that resumes before it, and mongo-java-server's own oplog answered any later resume with an
 * invalidate event (which Debezium fails on: it has no namespace). The stand-in's IndexedOplog no
 * longer does; deleting keeps the scenario's source clear of both.
 */
async function deleteStandInOrders(context: Context, mongodbUrl: string): Promise<void> {
  const numbers = context.standInOrders.splice(0);
  if (numbers.length === 0) return;
  const writer = openStandInWriter(runningRuntimeLayout(context.runtime), mongodbUrl);
  try {
    const target = { database: capturedPipeline.database, collection: capturedPipeline.collection };
    await Promise.all(numbers.map((number) => writer.write({ op: 'delete', ...target, id: `fault-${number}` })));
  } finally {
    await writer.close();
  }
}

/**
 * Realistic orders (line items, ObjectId customers, Decimal128 money) numbered from the context's
 * next: inserts, or the documents an initial snapshot reads (op "r", marked first … last).
 */
function nextOrders(context: Context, count: number, kind: 'insert' | 'snapshot' = 'insert'): { changes: SampleChange[]; numbers: number[] } {
  const numbers = Array.from({ length: count }, (_, index) => context.next + index);
  context.next += count;
  const marker = (index: number) => (index === 0 ? 'first' : index === count - 1 ? 'last' : 'true');
  const changes = numbers.map((number, index): SampleChange => {
    const document = { ...orderDocument(number, customerId(number % 50), new Date('2026-01-07T09:00:00Z')), _id: `fault-${number}`, status: `status-${number}` };
    return { collection: 'orders', operation: kind === 'insert' ? { kind, document } : { kind, document, marker: marker(index) } };
  });
  return { changes, numbers };
}

/** Writes the orders into the scenario topic: all at once, or at the rate asked, a refused chunk sent again. */
async function stream(context: Context, changes: readonly SampleChange[]): Promise<void> {
  const options = { bootstrapServers: context.bootstrapServers, topicPrefix: context.environment.topicPrefix, partitions: 2 };
  const started = Date.now();
  if (context.ratePerSecond === undefined) await replayChanges(changes, options);
  else await replayPaced(changes, { ...options, perSecond: context.ratePerSecond, retryForMs: context.faultMs + 60_000, onRetry: (error) => context.progress(`writing failed (${error.message}); again in 1 s`) });
  context.written.changes += changes.length;
  context.written.seconds += (Date.now() - started) / 1000;
}

/** How many orders of `numbers` are rows of `table` with the value written (0 while the warehouse does not answer). */
async function rowsIn(context: Context, numbers: readonly number[], table = TABLE): Promise<number> {
  return withWarehouse(context, async (db) => {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE _id = ANY($1::text[]) AND status = 'status-' || substr(_id, 7)`, [numbers.map((number) => `fault-${number}`)]);
    return rows[0].n as number;
  }).catch(() => 0);
}

/** Waits (up to 3 minutes) until every order of `numbers` is a row with the value written; the seconds from `since` and how many are missing or wrong. */
async function landed(context: Context, numbers: readonly number[], since: number, table = TABLE): Promise<{ recoveredS: number; rows: number }> {
  let rows = 0;
  await waitUntil(async () => (rows = await rowsIn(context, numbers, table)) === numbers.length, 180_000, 500);
  return { recoveredS: (Date.now() - since) / 1000, rows };
}

/** The connectors whose restarts a scenario counts: the scenarios' sink, and source-worker-kill's own source and sink. */
function scenarioConnectors(context: Context, name: FaultScenario): string[] {
  if (name !== 'source-worker-kill') return [context.sink];
  const environment = capturedEnvironment(context);
  return [standInSourceConnectorName(environment, capturedPipeline), sinkConnectorName(environment, capturedPipeline)];
}

/** Restarts of `connectors` so far: the supervisor service's counter, or the in-process supervisor's events. */
async function restartsOf(context: Context, connectors: readonly string[]): Promise<number> {
  if (!context.supervisorMetricsUrl) return context.supervisorEvents.filter((event) => connectors.includes(event.connector) && event.decision === 'restart').length;
  const text = await (await fetch(context.supervisorMetricsUrl)).text();
  const counter = (connector: string) => text.split('\n').find((candidate) => candidate.startsWith(`cdc_supervisor_restarts_total{connector="${connector}"} `));
  return connectors.reduce((sum, connector) => sum + Number(counter(connector)?.split(' ')[1] ?? 0), 0);
}

/** Changes of these orders the sink delivered more than once, from the scenario table's change history. */
async function duplicates(context: Context, numbers: readonly number[], table = TABLE): Promise<number> {
  return withWarehouse(context, async (db) => (await db.query(DUPLICATE_CHANGES_SQL, [`public.${table}`, numbers.map((number) => `fault-${number}`)])).rows[0].duplicates as number);
}

interface Outcome {
  readonly recoveredS: number;
  readonly rows: number;
  readonly duplicates: number;
}

/** To a tenth (of a second, of a millisecond). */
const tenths = (value: number) => Math.round(value * 10) / 10;

function result(name: FaultScenario, fault: FaultRun, outcome: Outcome & { observed?: Readonly<Record<string, number>>; writeRate?: number }, restarts: number): FaultResult {
  const { rows, observed } = outcome;
  const { numbers, broker, exactlyOnceSource } = fault;
  return {
    name,
    events: numbers.length,
    rows,
    lost: numbers.length - rows,
    duplicates: outcome.duplicates,
    restarts,
    recovery_s: tenths(outcome.recoveredS),
    manual_steps: 0,
    ...(observed ? { observed } : {}),
    ...(outcome.writeRate !== undefined ? { write_rate_per_s: Math.round(outcome.writeRate) } : {}),
    ...(exactlyOnceSource ? { exactly_once_source: exactlyOnceSource } : {}),
    ...(broker ? { broker } : {}),
  };
}

/** A scenario's run: the orders it wrote, when its fault ended, what it measured of the fault, and for broker-kill the broker it killed. */
interface FaultRun {
  readonly numbers: number[];
  readonly since: number;
  readonly observed?: Readonly<Record<string, number>>;
  readonly broker?: KilledBroker;
  /** Where the orders land. @default TABLE */
  readonly table?: string;
  /** What the scenario measures once every order landed (source-worker-kill: the source topic's duplicates). */
  readonly afterLanding?: () => Promise<Readonly<Record<string, number>>>;
  readonly exactlyOnceSource?: ExactlyOnceSourceLevel;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The delay network-delay adds to every chunk between the Connect worker and Kafka, each way. */
export const NETWORK_DELAY_MS = 200;

/**
 * 200 ms each way between the Connect worker and Kafka for the fault's duration, through the runtime's
 * delay proxy (the only path the worker's clients take, local/config-files.ts), while the orders
 * stream; the round trip of a Kafka request on the broker's Connect listener and through the proxy
 * is measured meanwhile, and the proxy must have carried the worker's bytes.
 */
async function networkDelay(context: Context, events: number): Promise<FaultRun> {
  const proxy = context.kafkaProxy;
  if (!proxy) throw new Error('network-delay: the runtime runs no kafka-proxy (the delay proxy between Connect and Kafka): cdcctl local down, then cdcctl local up');
  const bytesBefore = (await delayProxyStats(proxy.controlUrl)).bytes_forwarded;
  const started = Date.now();
  let streaming: Promise<void> = Promise.resolve();
  await setDelayProxyDelay(proxy.controlUrl, NETWORK_DELAY_MS);
  try {
    const roundTripDirectMs = await kafkaRoundTripMs(proxy.listenerPort);
    const roundTripProxiedMs = await kafkaRoundTripMs(proxy.port);
    const { changes, numbers } = nextOrders(context, events);
    // At a rate, the writes go on after the delay ends.
    streaming = stream(context, changes);
    streaming.catch(() => undefined);
    await sleep(context.faultMs - (Date.now() - started));
    const rowsDuringFault = await rowsIn(context, numbers);
    const bytesCarried = (await delayProxyStats(proxy.controlUrl)).bytes_forwarded - bytesBefore;
    if (bytesCarried === 0) throw new Error('network-delay: the Connect worker sent nothing through the kafka-proxy during the fault, so it was not delayed (a worker started before the proxy existed?): cdcctl local down, then cdcctl local up');
    const observed = {
      delay_each_way_ms: NETWORK_DELAY_MS,
      round_trip_direct_ms: tenths(roundTripDirectMs),
      round_trip_through_proxy_ms: tenths(roundTripProxiedMs),
      added_round_trip_ms: tenths(roundTripProxiedMs - roundTripDirectMs),
      rows_during_fault: rowsDuringFault,
    };
    await setDelayProxyDelay(proxy.controlUrl, 0);
    await streaming;
    return { numbers, since: Date.now(), observed };
  } finally {
    await setDelayProxyDelay(proxy.controlUrl, 0);
  }
}

/** The scenario topic's replicas and min ISR must be MSK's (3 and 2): anything less would make the kill a different fault. */
async function checkTopicReplication(context: Context, topic: string): Promise<void> {
  const admin = kafkaClient(context.bootstrapServers).admin();
  await admin.connect();
  try {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const configs = await admin.describeConfigs({ resources: [{ type: 2 /* TOPIC */, name: topic, configNames: ['min.insync.replicas'] }], includeSynonyms: false });
    const minIsr = Number(configs.resources[0]?.configEntries.find((entry) => entry.configName === 'min.insync.replicas')?.configValue);
    const factors = [...new Set(metadata!.partitions.map((partition) => partition.replicas.length))];
    const wanted = replicationFor(3);
    if (factors.join() !== String(wanted.replicationFactor) || minIsr !== wanted.minInsyncReplicas) {
      throw new LocalRuntimeError(`broker-kill: topic ${topic} has replication factor ${factors.join('/')} and min.insync.replicas ${minIsr}, not ${wanted.replicationFactor} and ${wanted.minInsyncReplicas}`);
    }
  } finally {
    await admin.disconnect();
  }
}

/** The broker leading the topic's first partition, and whether `nodeId` is in every partition's ISR. */
async function topicLeadership(context: Context, topic: string, nodeId?: number): Promise<{ leader: BrokerService; inEveryIsr: boolean }> {
  const admin = kafkaClient(context.bootstrapServers).admin();
  await admin.connect();
  try {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const partitions = [...metadata!.partitions].sort((a, b) => a.partitionId - b.partitionId);
    return { leader: BROKER_SERVICES[partitions[0]!.leader - 1]!, inEveryIsr: partitions.every((partition) => partition.isr.includes(nodeId ?? -1)) };
  } finally {
    await admin.disconnect();
  }
}

/**
 * The topic prefix of initial-load-kill's events: a STAND-IN for a Debezium initial snapshot, whose
 * source (mongo-java-server) cannot serve one (README, "What these machines cannot run").
 */
const INITIAL_LOAD_TOPIC_PREFIX = 'cdc-faults-initial-load';

/** The snapshot's events are written this many orders at a time. */
const SNAPSHOT_SLICE = 5_000;

/**
 * initial-load-kill, a STAND-IN for a worker killed during Debezium's initial snapshot: a topic already
 * holds the orders as the snapshot writes them (op "r", source.snapshot first … true … last); a fresh
 * sink (a consumer group of its own) starts loading them, and the worker is SIGKILLed as soon as the
 * first rows are in, then started again. It proves the sink's resume in the middle of an initial
 * load; Debezium's own snapshot resume needs MongoDB and belongs to a staging run against Atlas.
 * The sink's batch size is scaled so that the load spans about 20 commits whatever the count, as an
 * initial load of millions of documents spans thousands.
 */
async function initialLoadKill(context: Context, events: number): Promise<FaultRun> {
  const { changes, numbers } = nextOrders(context, events, 'snapshot');
  const topicPrefix = INITIAL_LOAD_TOPIC_PREFIX;
  // In slices: 120,000 orders' events at once (about 5 KB each) would be most of a gigabyte of strings.
  for (let start = 0; start < changes.length; start += SNAPSHOT_SLICE) {
    await replayChanges(changes.slice(start, start + SNAPSHOT_SLICE), { bootstrapServers: context.bootstrapServers, topicPrefix, database: pipeline.database, partitions: 2 });
  }
  const template = renderEnvironment(context.environment, [pipeline]).find((connector) => connector.name === context.sink)!;
  const batchSize = Math.max(1, Math.ceil(events / 20));
  const topic = sourceTopic({ ...context.environment, topicPrefix }, pipeline);
  await context.client.createConnector(`${context.environment.managedConnectorPrefix}initial-load-sink`, { ...template.config, topics: topic, 'batch.size': String(batchSize) });
  await waitUntil(async () => (await rowsIn(context, numbers)) > 0, 120_000, 20);
  let rowsAtKill = 0;
  await restart(context.runtime, 'connect', { kill: true, whileDown: async () => (rowsAtKill = await rowsIn(context, numbers)) });
  return { numbers, since: Date.now(), observed: { rows_at_kill: rowsAtKill, batch_size: batchSize } };
}

/**
 * Writes `changes` while a broker is down, again from the first when a write fails: kafkajs asks one
 * broker picked at random, without retrying, for the topic list and the producer id, and a broker
 * killed a moment ago is still listed until the controller fences it (9 s). A producer
 * application retries the same way; what it wrote twice the sink delivers twice, and `duplicates`
 * counts it. Up to a minute after the fault ends.
 * @returns how many attempts it took
 */
async function streamWhileABrokerIsDown(context: Context, changes: readonly SampleChange[]): Promise<number> {
  const deadline = Date.now() + context.faultMs + 60_000;
  for (let attempt = 1; ; attempt++) {
    try {
      await stream(context, changes);
      return attempt;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      context.progress(`broker-kill: writing failed (${(error as Error).message}); again in 1 s`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/**
 * SIGKILL for the leader of the scenario topic's first partition, half the orders written before and
 * half while it is down (`faultMs`), then its start again and its return to every partition's ISR.
 */
async function killLeadingBroker(context: Context, events: number): Promise<FaultRun> {
  const topic = sourceTopic(context.environment, pipeline);
  const { changes, numbers } = nextOrders(context, events);
  const half = Math.ceil(changes.length / 2);
  await stream(context, changes.slice(0, half));
  await checkTopicReplication(context, topic);
  const { leader } = await topicLeadership(context, topic);
  const before = status(context.runtime).services[leader]!;
  context.progress(`broker-kill: ${leader} (pid ${before.pid}) leads ${topic}'s partition 0: SIGKILL, down for ${Math.round(context.faultMs / 1000)} s`);
  const restarting = restart(context.runtime, leader, { kill: true, downForMs: context.faultMs });
  try {
    // The restart records the node as stopped once the kill took: the rest is written to a cluster without it.
    await waitUntil(() => status(context.runtime).services[leader]?.state !== 'running', 30_000, 100);
    const attempts = await streamWhileABrokerIsDown(context, changes.slice(half));
    context.progress(`broker-kill: ${changes.length - half} orders written while ${leader} is down (${attempts} attempt(s)); waiting for it to start again`);
  } finally {
    // Never a restart left running (holding the runtime's lock) behind a failed write.
    await restarting;
  }
  // The fault ends when the broker is back; its return to the ISR is checked, not waited for in recovery_s.
  const since = Date.now();
  const nodeId = BROKER_SERVICES.indexOf(leader) + 1;
  // A client may still meet a broker that is catching up: an error is "not yet".
  const backInIsr = await waitUntil(() => topicLeadership(context, topic, nodeId).then((leadership) => leadership.inEveryIsr, () => false), 120_000, 1_000);
  context.progress(`broker-kill: ${leader} is ${backInIsr ? '' : 'NOT '}back in every ISR of ${topic}`);
  const broker: KilledBroker = { service: leader, pid_before: before.pid!, pid_after: status(context.runtime).services[leader]!.pid!, back_in_isr: backInIsr };
  return { numbers, since, broker };
}

/**
 * How long source-worker-kill keeps the killed worker down, as a crashed pod is down before it is
 * back: past the dead member's group session (Connect's `session.timeout.ms`, 10 s) and its open
 * transaction's timeout (`producer.transaction.timeout.ms`, 10 s, config/delivery.ts), so that what
 * the count measures is the source's resume. Before that timeout was set, a restarted worker read the
 * offsets topic for up to 61 s behind such a transaction, longer than the stand-in's oplog then (60 s).
 */
const SOURCE_KILL_DOWN_MS = 12_000;

/**
 * The Connect worker SIGKILLed while the real Debezium MongoDB source captures orders written to the
 * MongoDB STAND-IN (mongo-java-server) at a steady rate: half before the kill, the rest while the
 * worker is down and starting again. The source resumes from its last committed offset; at
 * `preparing` (at least once) the changes it had produced since are produced again, at `enabled` its
 * records and offsets were committed together. Afterwards the source topic is read as the sink reads
 * it (read_committed) and each order's create events are counted.
 */
async function sourceWorkerKill(context: Context, events: number): Promise<FaultRun> {
  const mongodbUrl = context.mongodbUrl;
  if (!mongodbUrl) throw new LocalRuntimeError('source-worker-kill: the MongoDB stand-in does not run', 'cdcctl local up');
  const environment = capturedEnvironment(context);
  await withWarehouse(context, async (db) => {
    await db.query(pipelineTableIn('public', capturedPipeline));
    await db.query(changeHistoryTriggerSql('public', CAPTURED_TABLE));
  });
  await applyStandInConnectors(environment, environment.connect.url, context.bootstrapServers, [capturedPipeline], context.progress);
  const writer = openStandInWriter(runningRuntimeLayout(context.runtime), mongodbUrl);
  try {
    await withWarehouse(context, (db) => waitUntilStreaming(writer, db, environment, [capturedPipeline], context.client));
    const { changes, numbers } = nextOrders(context, events);
    context.standInOrders.push(...numbers);
    const started = Date.now();
    const writing = writePaced(writer, standInOperations(changes, () => capturedPipeline.database), context.ratePerSecond ?? 100);
    // The rate achieved: until the last write, not until the worker is back.
    const finished = writing.done.then(() => Date.now());
    finished.catch(() => undefined);
    await waitUntil(() => writing.acknowledged() >= Math.ceil(events / 2), 600_000, 5);
    const writtenAtKill = writing.acknowledged();
    await restart(context.runtime, 'connect', { kill: true, downForMs: SOURCE_KILL_DOWN_MS });
    context.written.changes += events;
    context.written.seconds += ((await finished) - started) / 1000;
    const topic = sourceTopic(environment, capturedPipeline);
    const afterLanding = async () => {
      const counted = await countCreateEvents(context.bootstrapServers, topic, new Set(numbers.map((number) => `fault-${number}`)));
      return { written_at_kill: writtenAtKill, source_events: counted.events, source_duplicates: counted.events - counted.documents };
    };
    return { numbers, since: Date.now(), table: CAPTURED_TABLE, afterLanding, exactlyOnceSource: context.exactlyOnceSource };
  } finally {
    await writer.close();
  }
}

const SCENARIOS: Readonly<Record<FaultScenario, (context: Context, events: number) => Promise<FaultRun>>> = {
  /** The baseline: the same writes and no fault, so that each fault's recovery compares with the pipeline's own catch-up. */
  async 'no-fault'(context, events) {
    const { changes, numbers } = nextOrders(context, events);
    await stream(context, changes);
    return { numbers, since: Date.now() };
  },
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
    let streaming: Promise<void> = Promise.resolve();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${TABLE} IN ACCESS EXCLUSIVE MODE`);
      // At a rate, the writes go on after the lock is released.
      streaming = stream(context, changes);
      streaming.catch(() => undefined);
      await sleep(context.faultMs);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    await streaming;
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
  'network-delay': networkDelay,
  'initial-load-kill': initialLoadKill,
  'source-worker-kill': sourceWorkerKill,
  'broker-kill': killLeadingBroker,
};

/** Every scenario asked for must run on this runtime: one that needs more brokers is an error naming --brokers. */
function checkRunnable(runtime: RuntimeStatus, names: readonly FaultScenario[]): void {
  const { skipped } = scenariosFor(runtime.brokers, runtime.services.mongodb.state === 'running');
  const unrunnable = skipped.filter((entry) => names.includes(entry.name));
  if (unrunnable.length) {
    const needsBrokers = unrunnable.some((entry) => (SCENARIO_BROKERS[entry.name] ?? 1) > runtime.brokers);
    throw new LocalRuntimeError(unrunnable.map((entry) => `${entry.name}: ${entry.reason}`).join('\n'), needsBrokers ? 'cdcctl local down --purge, then cdcctl local up --brokers 3' : 'cdcctl local up');
  }
}

/** Runs the scenarios in order against the running local runtime; what each cost, row by row. */
export async function runFaultScenarios(runtime: RuntimeOptions, names: readonly FaultScenario[], options: FaultOptions = {}): Promise<FaultResult[]> {
  checkRunnable(status(runtime), names);
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
    // A runtime just brought up (cdcctl local up, no npm start yet) has no cdc schema for the change history.
    const migrated = await applyWarehouseMigrations(context.warehouseUrl);
    if (migrated.length) context.progress(`warehouse migrations applied: ${migrated.join(', ')}`);
    await removeEverything(context);
    await withWarehouse(context, async (db) => {
      await db.query(pipelineTableIn('public', pipeline));
      await db.query(changeHistoryTriggerSql('public', TABLE));
    });
    const applied = await apply(context.client, renderEnvironment(context.environment, [pipeline]), { managedPrefix: context.environment.managedConnectorPrefix, waitTimeoutMs: 90_000 });
    if (applied.error) throw applied.error;
    for (const name of names) {
      context.progress(`${name}: ${events} orders while the fault lasts`);
      const connectors = scenarioConnectors(context, name);
      context.written = { changes: 0, seconds: 0 };
      const restartsBefore = await restartsOf(context, connectors);
      const fault = await SCENARIOS[name](context, events);
      const arrived = await landed(context, fault.numbers, fault.since, fault.table);
      const observed = fault.afterLanding ? { ...fault.observed, ...(await fault.afterLanding()) } : fault.observed;
      const writeRate = context.ratePerSecond === undefined || context.written.seconds === 0 ? undefined : context.written.changes / context.written.seconds;
      const outcome = { ...arrived, duplicates: await duplicates(context, fault.numbers, fault.table), observed, writeRate };
      results.push(result(name, fault, outcome, (await restartsOf(context, connectors)) - restartsBefore));
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

/**
 * Source write → warehouse row visible, through the MongoDB STAND-IN (mongo-java-server, not MongoDB):
 * writes acknowledged by the stand-in → real Debezium MongoDB source → Kafka → real JDBC sink →
 * PostgreSQL, beside the replay path of the local runtime (Debezium-format events produced straight
 * into Kafka → the same sink) in the same run, at the same rates. Prints figures and ratios; asserts
 * nothing. Latency is measured from the write's acknowledgement (stand-in) or the produce's
 * acknowledgement (replay) to the row seen by a poller (every 10 ms, so ±10 ms).
 *
 *  1. 100 and 1,000 writes/s for --seconds each: p50/p95/p99;
 *  2. the highest sustained rate: rising steps (--steps) until a step is not sustained (the writer
 *     falls below 95% of the target, or p99 exceeds 1 s, or rows are still missing 10 s after it).
 *
 *   node bin/run-ts bench/source-latency.ts [--state-dir .local/test] [--seconds 15] [--steps 2000,4000,8000]
 *     [--poll-interval-ms N] [--max-batch-size N] [--sink-batch-size N]
 * (tuning flags default to the local-standin environment's settings)
 * (a running local runtime, with its `mongodb` stand-in: `cdcctl local up`)
 */
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { parseEnvironment, type Environment } from '../config';
import { localStandIn } from '../config/environments/local-standin';
import { createConnectClient } from '../connectors/connect/client';
import { qualifiedTable, sinkTable } from '../connectors/naming';
import { pipelines } from '../connectors/pipelines';
import { renderEnvironment } from '../connectors/render';
import { idText } from '../connectors/contracts/bson';
import { changeEventRecords, type MongoDocument } from '../local/debezium-events';
import { customerId, orderDocument } from '../local/sample-data';
import { dropSchemaSql, pipelineTableIn } from '../warehouse/tables';
import { ensureTopics, kafkaClient } from '../local/replay';
import { status } from '../local/runtime';
import { applyStandInConnectors, runningRuntimeLayout, waitUntilStreaming } from '../local/standin-seed';
import { openStandInWriter, type StandInWriter } from '../local/standin-writer';

const { values } = parseArgs({
  options: {
    'state-dir': { type: 'string' },
    seconds: { type: 'string', default: '15' },
    steps: { type: 'string', default: '2000,4000,8000' },
    'poll-interval-ms': { type: 'string' },
    'max-batch-size': { type: 'string' },
    'sink-batch-size': { type: 'string' },
  },
});

const RUN = Date.now().toString(36);
const SCHEMA = `bench_${RUN}`;
const POLL_MS = 10;
const TICK_MS = 10;
const orders = { ...pipelines.find((pipeline) => pipeline.name === 'orders')!, database: `bench_${RUN}` };

/** A realistic order (line items, ObjectId keys, Decimal128 money; 1–4 KiB). */
function order(index: number, at: number): MongoDocument {
  return orderDocument(index, customerId(index % 500), new Date(at));
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface Window {
  readonly target: number;
  readonly achieved: number;
  readonly sent: number;
  readonly seen: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** One path: how to write a document, and which table its row appears in. */
interface Path {
  readonly name: string;
  readonly table: string;
  /** Resolves with the time the write was acknowledged (ms since epoch). */
  write(document: MongoDocument): Promise<number>;
}

/** Writes at `rate`/s for `seconds`, polls for the rows, returns the latency distribution. */
async function runWindow(path: Path, database: Client, rate: number, seconds: number, firstIndex: number): Promise<Window> {
  const acknowledged = new Map<string, number>();
  const latencies: number[] = [];
  const pending = new Set<string>();
  let writing = true;
  const poller = (async () => {
    let quietSince = 0;
    for (;;) {
      const ids = [...pending].filter((id) => acknowledged.has(id));
      if (ids.length) {
        const rows = (await database.query(`SELECT _id FROM ${path.table} WHERE _id = ANY($1)`, [ids])).rows as Array<{ _id: string }>;
        const observed = Date.now();
        for (const { _id } of rows) {
          latencies.push(observed - acknowledged.get(_id)!);
          pending.delete(_id);
        }
      }
      if (!writing) {
        if (pending.size === 0) return;
        quietSince ||= Date.now();
        if (Date.now() - quietSince > 10_000) return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  const writes: Promise<void>[] = [];
  const started = Date.now();
  const deadline = started + seconds * 1000;
  let issued = 0;
  while (Date.now() < deadline) {
    // Paced by the clock, not by ticks: a late timer is caught up at the next tick.
    const due = Math.floor((rate * (Date.now() - started)) / 1000) - issued;
    for (let n = 0; n < due; n++) {
      const document = order(firstIndex + issued++, Date.now());
      pending.add(idText(document._id));
      writes.push(path.write(document).then((at) => void acknowledged.set(idText(document._id), at)));
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await Promise.all(writes);
  const writeSeconds = (Date.now() - started) / 1000;
  writing = false;
  await poller;
  const sorted = latencies.sort((a, b) => a - b);
  return { target: rate, achieved: acknowledged.size / writeSeconds, sent: acknowledged.size, seen: latencies.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

const sustained = (window: Window) => window.achieved >= 0.95 * window.target && window.seen === window.sent && window.p99 <= 1_000;

function line(path: string, window: Window): string {
  return `  ${path.padEnd(9)} ${String(window.target).padStart(5)}/s  achieved ${window.achieved.toFixed(0).padStart(5)}/s  seen ${window.seen}/${window.sent}  p50 ${window.p50} ms  p95 ${window.p95} ms  p99 ${window.p99} ms`;
}

async function replayPath(environment: Environment, database: Client, bootstrap: string, connectUrl: string): Promise<{ path: Path; close: () => Promise<void> }> {
  const topic = `bench-${RUN}.replay.orders`;
  const table = `${SCHEMA}.orders_replay`;
  await database.query(pipelineTableIn(SCHEMA, orders, 'orders_replay'));
  const kafka = kafkaClient(bootstrap);
  await ensureTopics(kafka, [topic], 3);
  const template = renderEnvironment(environment, [orders]).find((connector) => connector.role === 'sink')!;
  await createConnectClient({ url: connectUrl }).createConnector(`bench-${RUN}-replay-sink`, { ...template.config, topics: topic, 'collection.name.format': table, 'errors.deadletterqueue.topic.name': `bench-${RUN}.dlq.replay` });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const context = { topicPrefix: `bench-${RUN}`, database: 'replay', collection: 'orders' };
  return {
    path: {
      name: 'replay',
      table,
      async write(document) {
        const [record] = changeEventRecords({ ...context, timestampMs: Date.now() }, { kind: 'insert', document });
        await producer.send({ topic, acks: -1, messages: [{ key: record!.key, value: record!.value }] });
        return Date.now();
      },
    },
    close: () => producer.disconnect(),
  };
}

/** The settings the bench measures under: the local-standin environment's unless a flag overrides them. */
interface Tuning {
  readonly pollIntervalMs: number;
  readonly maxBatchSize: number;
  readonly sinkBatchSize: number;
}

function tuningFromFlags(): Tuning {
  const defaults = parseEnvironment(localStandIn);
  return {
    pollIntervalMs: Number(values['poll-interval-ms'] ?? defaults.source.pollIntervalMs),
    maxBatchSize: Number(values['max-batch-size'] ?? defaults.source.maxBatchSize),
    sinkBatchSize: Number(values['sink-batch-size'] ?? defaults.sink.batchSize),
  };
}

/** Where the running local runtime's services listen. */
interface RunningServices {
  readonly stateDir: string;
  readonly kafkaUrl: string;
  readonly mongodbUrl: string;
  readonly connectUrl: string;
  readonly warehouseUrl?: string;
}

/** The services the bench needs, each running (or the warehouse external); otherwise an error naming the state dir. */
function runningServices(options: { readonly stateDir?: string }): RunningServices {
  const runtime = status(options);
  const { kafka, mongodb, connect, warehouse } = runtime.services;
  if ([kafka, mongodb, connect, warehouse].some((service) => service.state !== 'running' && service.state !== 'external')) throw new Error(`the local runtime in ${runtime.stateDir} is not running (cdcctl local up)`);
  return { stateDir: runtime.stateDir, kafkaUrl: kafka.url as string, mongodbUrl: mongodb.url as string, connectUrl: connect.url as string, warehouseUrl: warehouse.url };
}

/** The local-standin environment under this run's own names (topics, connectors, schema), with the tuning applied. */
function benchEnvironment(tuning: Tuning, kafkaUrl: string, connectUrl: string): Environment {
  return parseEnvironment({
    ...localStandIn,
    name: 'bench',
    connect: { ...localStandIn.connect, url: connectUrl },
    kafka: { bootstrapServers: kafkaUrl, replicationFactor: 1 },
    topicPrefix: `bench-${RUN}`,
    managedConnectorPrefix: `bench-${RUN}-`,
    warehouse: { ...localStandIn.warehouse, schema: SCHEMA },
    source: { pollIntervalMs: tuning.pollIntervalMs, maxBatchSize: tuning.maxBatchSize, maxQueueSize: 4 * tuning.maxBatchSize },
    sink: { batchSize: tuning.sinkBatchSize, tasksMax: 1 },
  });
}

function standInPath(writer: StandInWriter, environment: Environment): Path {
  return {
    name: 'stand-in',
    table: qualifiedTable(environment, sinkTable(environment, orders)),
    write: async (document) => (await writer.write({ op: 'insert', database: orders.database, collection: orders.collection, document })).acknowledgedAtMs,
  };
}

/** A few hundred writes on each path, not counted (connections, JIT, the sink's first batches); returns the next free document index. */
async function warmUp(paths: readonly Path[], database: Client): Promise<number> {
  let index = 0;
  for (const path of paths) {
    await runWindow(path, database, 200, 3, index);
    index += 1_000;
  }
  return index;
}

/** The first document index of each measured window, from where the warm-up stopped: no window reuses an _id. */
function windowIndexes(after: number): () => number {
  let index = after;
  return () => (index += 100_000);
}

/** 100 and 1,000 writes/s on each path, with the stand-in/replay ratios; returns each window by `<path>@<rate>`. */
async function measureFixedRates(paths: readonly Path[], database: Client, seconds: number, nextIndex: () => number): Promise<Map<string, Window>> {
  const results = new Map<string, Window>();
  for (const rate of [100, 1000]) {
    for (const path of paths) {
      const window = await runWindow(path, database, rate, seconds, nextIndex());
      results.set(`${path.name}@${rate}`, window);
      console.log(line(path.name, window));
    }
    const a = results.get(`stand-in@${rate}`)!;
    const b = results.get(`replay@${rate}`)!;
    console.log(`  ratio stand-in/replay at ${rate}/s: p50 ${(a.p50 / b.p50).toFixed(2)} · p99 ${(a.p99 / b.p99).toFixed(2)}`);
  }
  return results;
}

/** Rising steps from 1,000/s until one is not sustained; prints the highest sustained rate of each path. */
async function findHighestSustained(paths: readonly Path[], database: Client, results: ReadonlyMap<string, Window>, nextIndex: () => number): Promise<void> {
  console.log('highest sustained rate (achieved ≥ 95% of target, every row seen, p99 ≤ 1 s), steps of 10 s:');
  for (const path of paths) {
    let best = results.get(`${path.name}@1000`)!;
    if (!sustained(best)) {
      console.log(`  ${path.name}: not sustained at 1,000/s`);
      continue;
    }
    for (const rate of values.steps!.split(',').map(Number)) {
      const window = await runWindow(path, database, rate, 10, nextIndex());
      console.log(line(path.name, window));
      if (!sustained(window)) break;
      best = window;
    }
    console.log(`  ${path.name}: highest sustained ${best.target}/s (achieved ${best.achieved.toFixed(0)}/s, p99 ${best.p99} ms)`);
  }
}

/** Removes what this run made: its connectors, the stand-in's documents, its schema. */
async function cleanUp(connectUrl: string, database: Client, writer: StandInWriter | undefined, replay: { close: () => Promise<void> } | undefined): Promise<void> {
  await replay?.close();
  const client = createConnectClient({ url: connectUrl });
  for (const connector of await client.listConnectors()) if (connector.name.startsWith(`bench-${RUN}-`)) await client.deleteConnector(connector.name);
  // The stand-in keeps everything in its heap: the bench's documents go with its connectors.
  await writer?.write({ op: 'dropDatabase', database: orders.database }).catch(() => undefined);
  await writer?.close();
  await database.query(dropSchemaSql(SCHEMA));
  await database.end();
}

async function main(): Promise<void> {
  const options = { stateDir: values['state-dir'] };
  const runtime = runningServices(options);
  const tuning = tuningFromFlags();
  const environment = benchEnvironment(tuning, runtime.kafkaUrl, runtime.connectUrl);
  const database = new Client({ connectionString: runtime.warehouseUrl });
  await database.connect();
  let writer: StandInWriter | undefined;
  let replay: Awaited<ReturnType<typeof replayPath>> | undefined;
  try {
    await database.query(`CREATE SCHEMA ${SCHEMA}`);
    await database.query(pipelineTableIn(SCHEMA, orders));
    await applyStandInConnectors(environment, runtime.connectUrl, runtime.kafkaUrl, [orders], () => undefined);
    writer = openStandInWriter(runningRuntimeLayout(options), runtime.mongodbUrl);
    await waitUntilStreaming(writer, database, environment, [orders], createConnectClient({ url: runtime.connectUrl }));
    const standIn = standInPath(writer, environment);
    replay = await replayPath(environment, database, runtime.kafkaUrl, runtime.connectUrl);
    const paths = [standIn, replay.path];
    const nextIndex = windowIndexes(await warmUp(paths, database));
    const seconds = Number(values.seconds);
    console.log(`source latency bench, run ${RUN} (${runtime.stateDir}); tuning: poll.interval.ms=${tuning.pollIntervalMs} max.batch.size=${tuning.maxBatchSize} sink batch.size=${tuning.sinkBatchSize} (max.poll.records is the worker's); stand-in oplog retention 60 s`);
    console.log(`latency, source write acknowledged → warehouse row visible (${seconds} s per rate, poll every ${POLL_MS} ms):`);
    const results = await measureFixedRates(paths, database, seconds, nextIndex);
    await findHighestSustained(paths, database, results, nextIndex);
  } finally {
    await cleanUp(runtime.connectUrl, database, writer, replay);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

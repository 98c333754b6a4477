/**
 * The sink path on this machine, with realistic orders (line items, ObjectId keys, Decimal128 money;
 * 1–4 KiB): Debezium-format change events in Kafka → the raw transform chain → Debezium JDBC sink →
 * PostgreSQL, whose trigger types them from the orders contract; beside the ceiling of the same rows
 * upserted straight into the same table by a batching client, in the same run. Prints figures and
 * ratios; asserts nothing.
 *
 *  1. throughput: N changes already in the topic (inserts, then updates of a fifth of the orders, a
 *     few deletes); a fresh sink drains them; events/s from the first row visible to the last change
 *     applied, vs 1,000-row `INSERT … ON CONFLICT` statements of the same rows into the same table;
 *  2. latency at a fixed rate (--rate, 1,000 events/s by default): produce → row visible, every row timed (a poller reads from
 *     the oldest row not yet seen, so rows that become visible out of order are seen too; rows never
 *     seen are counted), p50/p95/p99/max;
 *  3. bytes per event on the topic (key + value as produced, and as the broker stores them).
 *
 *   node bin/run-ts bench/sink-path.ts --bootstrap 127.0.0.1:29092 --connect-url http://127.0.0.1:28083 \
 *     --database-url postgres://… [--events 20000] [--seconds 30] [--rate 1000] [--lines view|table] [--reduce true|false] [--state-dir .local/test]
 * (the URLs of a running local runtime: `cdcctl local status --output json`)
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { parseEnvironment } from '../config';
import { local } from '../config/environments/local';
import { strictJson, type ObjectId } from '../connectors/contracts/bson';
import { createConnectClient } from '../connectors/connect/client';
import { pipelines } from '../connectors/pipelines';
import { definePipeline } from '../connectors/pipelines/define';
import { renderEnvironment } from '../connectors/render';
import { changeEventRecords, keyOf, type ChangeOperation, type KafkaRecord } from '../local/debezium-events';
import { ensureTopics, kafkaClient, sendRecords } from '../local/replay';
import { customerId, orderDocument, orderId } from '../local/sample-data';
import { dropSchemaSql, pipelineTableIn } from '../warehouse/tables';

const { values } = parseArgs({
  options: {
    bootstrap: { type: 'string', default: '127.0.0.1:9092' },
    'connect-url': { type: 'string', default: 'http://127.0.0.1:8083' },
    'database-url': { type: 'string' },
    events: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '30' },
    rate: { type: 'string', default: '1000' },
    lines: { type: 'string', default: 'view' },
    reduce: { type: 'string', default: 'true' },
    'state-dir': { type: 'string' },
  },
});
if (!values['database-url']) throw new Error('--database-url is required (the warehouse of the running local runtime)');

const RUN = Date.now().toString(36);
const RATE = Number(values.rate);
const SCHEMA = `bench_${RUN}`;
const ordersPipeline = pipelines.find((pipeline) => pipeline.name === 'orders')!;
const orders = definePipeline({ ...ordersPipeline, contract: { ...ordersPipeline.contract!, lines: { ...ordersPipeline.contract!.lines!, storage: values.lines === 'table' ? 'table' : 'view' } } });
const TOPIC_PREFIX = `bench-${RUN}`;
const SINK_COLUMNS = ['id', 'doc_text', '__op', '__source_ts_ms', '__source_ord', '__event_ts_ms'] as const;

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Change {
  readonly id: ObjectId;
  readonly operation: ChangeOperation;
  readonly timestampMs: number;
  readonly ordinal: number;
}

/** N changes: inserts of realistic orders, then a fifth of them paid, then one in a hundred deleted. */
function workload(events: number, now: number): Change[] {
  const inserts = Math.floor(events / 1.21);
  const changes: Change[] = [];
  const documents = Array.from({ length: inserts }, (_, index) => orderDocument(index + 1, customerId(index % 500), new Date(now)));
  documents.forEach((document, index) => changes.push({ id: orderId(index + 1), operation: { kind: 'insert', document }, timestampMs: now, ordinal: index + 1 }));
  for (let index = 0; index < inserts && changes.length < events; index += 5) {
    const document = { ...documents[index]!, status: 'paid' };
    changes.push({ id: orderId(index + 1), operation: { kind: 'update', document, updatedFields: { status: 'paid' } }, timestampMs: now + 1, ordinal: changes.length });
  }
  for (let index = 3; index < inserts && changes.length < events; index += 100) changes.push({ id: orderId(index + 1), operation: { kind: 'delete', id: orderId(index + 1) }, timestampMs: now + 2, ordinal: changes.length });
  return changes;
}

function recordsOf(topic: string, changes: readonly Change[]): KafkaRecord[] {
  const [prefix, database, collection] = topic.split('.') as [string, string, string];
  return changes.flatMap((change) => changeEventRecords({ topicPrefix: prefix, database, collection, timestampMs: change.timestampMs, ordinal: change.ordinal }, change.operation));
}

async function createSink(name: string, topic: string, table: string): Promise<void> {
  const environment = parseEnvironment({ ...local, connect: { ...local.connect, url: values['connect-url']! }, sink: { ...local.sink, reduceAndUnnest: values.reduce !== 'false' } });
  const template = renderEnvironment(environment, [orders]).find((connector) => connector.role === 'sink')!;
  await createConnectClient({ url: values['connect-url']! }).createConnector(name, { ...template.config, topics: topic, 'collection.name.format': table, 'errors.deadletterqueue.topic.name': `${TOPIC_PREFIX}.dlq` });
}

async function scalar(db: Client, sql: string, params: unknown[] = []): Promise<number> {
  return Number(Object.values((await db.query(sql, params)).rows[0] as Record<string, unknown>)[0]);
}

/**
 * The ceiling: the sink's rows, the last change of each key per 1,000-row statement, into an
 * identical table, as the sink writes them (one INSERT … SELECT FROM unnest(…) ON CONFLICT statement).
 */
async function directUpserts(db: Client, table: string, changes: readonly Change[]): Promise<number> {
  const started = performance.now();
  for (let offset = 0; offset < changes.length; offset += 1000) {
    const batch = new Map<string, unknown[]>();
    for (const change of changes.slice(offset, offset + 1000)) {
      const after = change.operation.kind === 'delete' ? null : strictJson(change.operation.document);
      const op = { insert: 'c', snapshot: 'r', update: 'u', replace: 'u', delete: 'd' }[change.operation.kind];
      const key = JSON.parse(keyOf('t', change.id)).payload.id as string;
      batch.delete(key);
      batch.set(key, [key, after, op, change.timestampMs, change.ordinal, change.timestampMs]);
    }
    const rows = [...batch.values()];
    const columns = SINK_COLUMNS.map((_, column) => rows.map((row) => row[column]));
    await db.query(
      `INSERT INTO ${table} (${SINK_COLUMNS.join(', ')}) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::bigint[])
       ON CONFLICT (id) DO UPDATE SET ${SINK_COLUMNS.slice(1).map((column) => `${column} = EXCLUDED.${column}`).join(', ')}`,
      columns,
    );
  }
  return changes.length / ((performance.now() - started) / 1000);
}

async function throughput(db: Client, events: number) {
  const kafka = kafkaClient(values.bootstrap!);
  const topic = `${TOPIC_PREFIX}.run.throughput`;
  await ensureTopics(kafka, [topic, `${TOPIC_PREFIX}.dlq`], 3);
  const changes = workload(events, Date.now());
  const records = recordsOf(topic, changes);
  const producer = kafka.producer();
  await producer.connect();
  await sendRecords(producer, records);
  await producer.disconnect();
  // The ceiling before and after the sink's run: on a shared machine the load moves, and the pair shows by how much.
  await db.query(pipelineTableIn(SCHEMA, orders, 'orders_direct_before'));
  const ceilingBefore = await directUpserts(db, `${SCHEMA}.orders_direct_before`, changes);
  const table = `${SCHEMA}.orders`;
  await db.query(pipelineTableIn(SCHEMA, orders));
  const paid = changes.filter((change) => change.operation.kind === 'update').length;
  const deleted = changes.filter((change) => change.operation.kind === 'delete').length;
  const finalRows = changes.length - paid - 2 * deleted;
  await createSink(`bench-${RUN}-throughput`, topic, table);
  let first = 0;
  for (;;) {
    const [rows, paidRows] = [await scalar(db, `SELECT count(*) FROM ${table}`), await scalar(db, `SELECT count(*) FROM ${table} WHERE status = 'paid'`)];
    if (rows > 0 && !first) first = performance.now();
    if (rows === finalRows && paidRows === paid) break;
    await sleep(25);
  }
  const sinkRate = changes.length / ((performance.now() - first) / 1000);
  await db.query(pipelineTableIn(SCHEMA, orders, 'orders_direct_after'));
  const ceilingAfter = await directUpserts(db, `${SCHEMA}.orders_direct_after`, changes);
  const ceilingRate = (ceilingBefore + ceilingAfter) / 2;
  const recordBytes = records.reduce((sum, record) => sum + Buffer.byteLength(record.key) + (record.value ? Buffer.byteLength(record.value) : 0), 0);
  return { changes: changes.length, sinkRate, ceilingRate, ceilingBefore, ceilingAfter, recordBytes, records: records.length, topic };
}

/** Produce → row visible for every row: the poller reads from the oldest row not yet seen, so none is skipped. */
async function latency(db: Client, seconds: number) {
  const kafka = kafkaClient(values.bootstrap!);
  const topic = `${TOPIC_PREFIX}.run.latency`;
  await ensureTopics(kafka, [topic], 3);
  const table = `${SCHEMA}.orders_latency`;
  await db.query(pipelineTableIn(SCHEMA, orders, 'orders_latency'));
  await createSink(`bench-${RUN}-latency`, topic, table);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const [prefix, database, collection] = topic.split('.') as [string, string, string];
  const send = async (index: number, now: number): Promise<number> => {
    const records = changeEventRecords({ topicPrefix: prefix, database, collection, timestampMs: now, ordinal: index }, { kind: 'insert', document: orderDocument(index, customerId(index % 500), new Date(now)) });
    await producer.send({ topic, messages: records.map((record) => ({ key: record.key, value: record.value })) });
    return now;
  };
  // Warm-up, not counted: the task's assignment, its connection pool, the JIT.
  for (let index = 1; index <= 300; index++) await send(1_000_000 + index, Date.now());
  while ((await scalar(db, `SELECT count(*) FROM ${table}`)) < 300) await sleep(100);

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let writing = true;
  const poller = (async () => {
    const watcher = new Client({ connectionString: values['database-url'], connectionTimeoutMillis: 60_000 });
    watcher.on('error', (error) => console.error(`poller: ${error.message}`));
    await watcher.connect();
    let quietSince = 0;
    for (;;) {
      const unseen = [...sentAt.values()];
      const oldest = unseen.length ? Math.min(...unseen) : Date.now();
      const rows = (await watcher.query(`SELECT _id FROM ${table} WHERE __source_ts_ms >= $1`, [oldest])).rows as Array<{ _id: string }>;
      const observed = Date.now();
      for (const { _id } of rows) {
        const sent = sentAt.get(_id);
        if (sent === undefined) continue;
        latencies.push(observed - sent);
        sentAt.delete(_id);
      }
      if (!writing && sentAt.size === 0) break;
      if (!writing && (quietSince ||= observed) && observed - quietSince > 30_000) break;
      await sleep(20);
    }
    await watcher.end();
  })();
  let index = 0;
  const started = Date.now();
  const sends: Promise<void>[] = [];
  while (Date.now() - started < seconds * 1000) {
    // --rate a second (1,000 by default), paced by the clock: the records due since the last tick go in one produce request.
    const due = Math.floor(((Date.now() - started) * RATE) / 1000) - index;
    const now = Date.now();
    const records = Array.from({ length: due }, () => {
      const number = ++index;
      sentAt.set(orderId(number).hex, now);
      return changeEventRecords({ topicPrefix: prefix, database, collection, timestampMs: now, ordinal: number }, { kind: 'insert', document: orderDocument(number, customerId(number % 500), new Date(now)) })[0]!;
    });
    if (records.length) sends.push(producer.send({ topic, messages: records.map((record) => ({ key: record.key, value: record.value })) }).then(() => undefined));
    await sleep(10);
  }
  await Promise.all(sends);
  writing = false;
  await poller;
  await producer.disconnect();
  const sorted = latencies.sort((a, b) => a - b);
  return { sent: index, seen: latencies.length, neverSeen: sentAt.size, achievedRate: index / seconds, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

/** The bytes the broker stores for a topic (its partitions' log segments under the runtime's data dir), or undefined. */
function storedBytes(topic: string): number | undefined {
  const dataDir = path.join(values['state-dir'] ?? path.join(__dirname, '..', '.local'), 'data', 'kafka');
  try {
    return readdirSync(dataDir)
      .filter((entry) => entry.startsWith(`${topic}-`))
      .flatMap((entry) => readdirSync(path.join(dataDir, entry)).filter((file) => file.endsWith('.log')).map((file) => statSync(path.join(dataDir, entry, file)).size))
      .reduce((sum, size) => sum + size, 0);
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const db = new Client({ connectionString: values['database-url'], connectionTimeoutMillis: 60_000 });
  db.on('error', (error) => console.error(`warehouse: ${error.message}`));
  await db.connect();
  const client = createConnectClient({ url: values['connect-url']! });
  try {
    await db.query(`CREATE SCHEMA ${SCHEMA}`);
    const events = Number(values.events);
    console.log(`sink path bench, run ${RUN}: ${events} changes for throughput, ${values.seconds} s at ${RATE} events/s for latency; line items as a ${values.lines === 'table' ? 'child table' : 'view'}, reduction + UNNEST ${values.reduce !== 'false' ? 'on' : 'off'}`);
    const t = await throughput(db, events);
    console.log(`throughput: sink ${t.sinkRate.toFixed(0)} events/s · direct batched upserts into the same table ${t.ceilingRate.toFixed(0)} rows/s (before ${t.ceilingBefore.toFixed(0)}, after ${t.ceilingAfter.toFixed(0)}) · ratio ${(t.sinkRate / t.ceilingRate).toFixed(2)}`);
    const stored = storedBytes(t.topic);
    console.log(`bytes per event on the topic: ${(t.recordBytes / t.records).toFixed(0)} as produced (key + value, JSON with schemas, uncompressed)${stored ? `, ${(stored / t.records).toFixed(0)} as stored by the broker` : ''}`);
    const l = await latency(db, Number(values.seconds));
    console.log(`latency at ${RATE} events/s (achieved ${l.achievedRate.toFixed(0)}/s): ${l.seen}/${l.sent} seen, ${l.neverSeen} never seen within 30 s; p50 ${l.p50} ms · p95 ${l.p95} ms · p99 ${l.p99} ms · max ${l.max} ms (poll every 20 ms)`);
  } finally {
    for (const name of [`bench-${RUN}-throughput`, `bench-${RUN}-latency`]) await client.deleteConnector(name).catch(() => undefined);
    await db.query(dropSchemaSql(SCHEMA)).catch(() => undefined);
    await db.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

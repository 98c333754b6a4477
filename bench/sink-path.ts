/**
 * The sink path on this machine: Debezium-format change events in Kafka → ExtractNewDocumentState →
 * Debezium JDBC sink → PostgreSQL, beside the ceiling of the same rows upserted straight into
 * PostgreSQL by a batching client, in the same run. Prints figures and ratios; asserts nothing.
 *
 *  1. throughput: N events already in the topic, a fresh sink drains them; events/s from the first row
 *     visible to the last (steady state), vs batched upserts (1,000 rows a statement) of the same rows;
 *  2. latency at a fixed 1,000 events/s: produce time → row visible (polled every 20 ms), p50/p99.
 *
 *   node bin/run-ts bench/sink-path.ts --bootstrap 127.0.0.1:29092 --connect-url http://127.0.0.1:28083 \
 *     --database-url postgres://… [--events 50000] [--seconds 20]
 * (the URLs of a running local runtime: `cdcctl local status --output json`)
 */
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { parseEnvironment } from '../config';
import { local } from '../config/environments/local';
import { createConnectClient } from '../connectors/connect/client';
import { renderEnvironment } from '../connectors/render';
import { changeEventRecords, Double, type MongoDocument } from '../local/debezium-events';
import { ensureTopics, kafkaClient, sendRecords } from '../local/replay';

const { values } = parseArgs({
  options: {
    bootstrap: { type: 'string', default: '127.0.0.1:9092' },
    'connect-url': { type: 'string', default: 'http://127.0.0.1:8083' },
    'database-url': { type: 'string' },
    events: { type: 'string', default: '50000' },
    seconds: { type: 'string', default: '20' },
  },
});
if (!values['database-url']) throw new Error('--database-url is required (the warehouse of the running local runtime)');

const RUN = Date.now().toString(36);
const TABLE = `bench_orders_${RUN}`;
const CEILING_TABLE = `bench_ceiling_${RUN}`;
const context = (suffix: string, ms: number) => ({ topicPrefix: 'bench', database: `run_${RUN}`, collection: suffix, timestampMs: ms });

function order(index: number, at: number): MongoDocument {
  return { _id: `o-${index}`, customer_id: `c-${index % 500}`, status: 'new', sku: 'SKU-CABLE', quantity: (index % 5) + 1, unit_price: new Double(7.25), currency: 'EUR', created_at: new Date(at), updated_at: new Date(at) };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function createTable(db: Client, table: string): Promise<void> {
  await db.query(`CREATE TABLE ${table} (LIKE orders INCLUDING ALL)`);
}

async function createSink(connectUrl: string, name: string, topic: string, table: string): Promise<void> {
  const environment = parseEnvironment({ ...local, connect: { ...local.connect, url: connectUrl } });
  const template = renderEnvironment(environment).find((connector) => connector.name.endsWith('orders-sink'))!;
  const client = createConnectClient({ url: connectUrl });
  await client.createConnector(name, { ...template.config, topics: topic, 'collection.name.format': table, 'errors.deadletterqueue.topic.name': `bench.dlq.${RUN}` });
}

async function countRows(db: Client, table: string): Promise<number> {
  return Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
}

async function throughput(db: Client, events: number) {
  const kafka = kafkaClient(values.bootstrap!);
  const topic = `bench.run_${RUN}.throughput`;
  await ensureTopics(kafka, [topic], 3);
  const producer = kafka.producer();
  await producer.connect();
  const now = Date.now();
  await sendRecords(producer, Array.from({ length: events }, (_, index) => changeEventRecords(context('throughput', now), { kind: 'insert', document: order(index, now) })[0]!));
  await producer.disconnect();
  await createTable(db, TABLE);
  await createSink(values['connect-url']!, `bench-sink-${RUN}`, topic, TABLE);
  let first = 0;
  for (;;) {
    const rows = await countRows(db, TABLE);
    if (rows > 0 && !first) first = performance.now();
    if (rows >= events) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const sinkSeconds = (performance.now() - first) / 1000;

  await createTable(db, CEILING_TABLE);
  const columns = ['id', '_id', 'customer_id', 'status', 'sku', 'quantity', 'unit_price', 'currency', 'created_at', 'updated_at', '__op', '__source_ts_ms'];
  const start = performance.now();
  for (let offset = 0; offset < events; offset += 1000) {
    const batch = Array.from({ length: Math.min(1000, events - offset) }, (_, index) => order(offset + index, now));
    const params: unknown[] = [];
    const tuples = batch.map((doc) => {
      const row = [doc._id, doc._id, doc.customer_id, doc.status, doc.sku, doc.quantity, (doc.unit_price as Double).value, doc.currency, doc.created_at, doc.updated_at, 'c', now];
      params.push(...row);
      return `(${row.map((_, column) => `$${params.length - row.length + column + 1}`).join(', ')})`;
    });
    await db.query(`INSERT INTO ${CEILING_TABLE} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO UPDATE SET ${columns.slice(1).map((column) => `${column} = EXCLUDED.${column}`).join(', ')}`, params);
  }
  const ceilingSeconds = (performance.now() - start) / 1000;
  return { sinkRate: events / sinkSeconds, ceilingRate: events / ceilingSeconds };
}

async function latency(db: Client, seconds: number) {
  const rate = 1000;
  const kafka = kafkaClient(values.bootstrap!);
  const topic = `bench.run_${RUN}.latency`;
  await ensureTopics(kafka, [topic], 3);
  const table = `${TABLE}_latency`;
  await createTable(db, table);
  await createSink(values['connect-url']!, `bench-latency-${RUN}`, topic, table);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  // warm-up so that the task has its assignment and its connection pool before timing
  await sendRecords(producer, [changeEventRecords(context('latency', Date.now()), { kind: 'insert', document: order(-1, Date.now()) })[0]!]);
  while ((await countRows(db, table)) < 1) await new Promise((resolve) => setTimeout(resolve, 50));

  const sentAt = new Map<string, number>();
  const seen: number[] = [];
  const seenIds = new Set<string>();
  let stop = false;
  const deadline = Date.now() + seconds * 1000;
  const poller = (async () => {
    const watcher = new Client({ connectionString: values['database-url'] });
    await watcher.connect();
    let lastTs = 0;
    while (!stop || seen.length < sentAt.size) {
      // >= and a set of seen ids: rows of the same millisecond may become visible in different polls.
      const rows = (await watcher.query(`SELECT id, __source_ts_ms FROM ${table} WHERE __source_ts_ms >= $1 ORDER BY __source_ts_ms`, [lastTs])).rows;
      const observed = Date.now();
      for (const row of rows) {
        const sent = sentAt.get(row.id);
        if (sent !== undefined && !seenIds.has(row.id)) {
          seenIds.add(row.id);
          seen.push(observed - sent);
        }
        lastTs = Math.max(lastTs, Number(row.__source_ts_ms));
      }
      if (stop && Date.now() - deadline > 30_000) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await watcher.end();
  })();
  let index = 0;
  const tick = 10; // ms: 10 events every 10 ms = 1,000/s
  while (Date.now() < deadline) {
    const batchStart = Date.now();
    const records = Array.from({ length: (rate * tick) / 1000 }, () => {
      const now = Date.now();
      const doc = order(index++, now);
      sentAt.set(doc._id, now);
      return changeEventRecords(context('latency', now), { kind: 'insert', document: doc })[0]!;
    });
    await producer.send({ topic, messages: records.map((record) => ({ key: record.key, value: record.value })) });
    const wait = tick - (Date.now() - batchStart);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  stop = true;
  await poller;
  await producer.disconnect();
  const sorted = [...seen].sort((a, b) => a - b);
  return { sent: sentAt.size, seen: seen.length, achievedRate: sentAt.size / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function main(): Promise<void> {
  const db = new Client({ connectionString: values['database-url'] });
  await db.connect();
  const client = createConnectClient({ url: values['connect-url']! });
  try {
    const events = Number(values.events);
    console.log(`sink path bench, run ${RUN}: ${events} events for throughput, ${values.seconds} s at 1,000 events/s for latency`);
    const t = await throughput(db, events);
    console.log(`throughput: sink ${t.sinkRate.toFixed(0)} events/s · direct batched upserts ${t.ceilingRate.toFixed(0)} rows/s · ratio ${(t.sinkRate / t.ceilingRate).toFixed(2)}`);
    const l = await latency(db, Number(values.seconds));
    console.log(`latency at 1,000 events/s (achieved ${l.achievedRate.toFixed(0)}/s, ${l.seen}/${l.sent} seen): p50 ${l.p50} ms · p99 ${l.p99} ms (poll resolution 20 ms)`);
  } finally {
    for (const name of [`bench-sink-${RUN}`, `bench-latency-${RUN}`]) await client.deleteConnector(name).catch(() => undefined);
    for (const table of [TABLE, CEILING_TABLE, `${TABLE}_latency`]) await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

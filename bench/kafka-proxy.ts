/**
 * What the always-on `kafka-proxy` (local/delay-proxy.ts) costs the Connect worker's Kafka traffic at
 * delay 0: N realistic Debezium-format order events (line items, ObjectId keys, Decimal128 money;
 * several KiB each) produced (acks=all, as replay sends them) and then consumed by a fresh consumer
 * group, once through the brokers' PLAINTEXT listener (direct, the baseline) and once through the
 * proxy's port (the `CONNECT` listener advertises the proxy, so the client's every connection goes
 * through it), alternately over several rounds in the same process; which path goes first alternates
 * too, so that warm-up favours neither. Each run writes a topic of its own, all removed at the end.
 * Prints records/s and MB/s of each path, produce and consume separately, and the ratio proxy/direct
 * per round and its median; asserts nothing. Refuses to run unless the proxy's delay is 0 (a fault
 * scenario may have left it set).
 *
 * Consume time runs from the first fetched batch to the last record, so the consumer group's join is
 * left out of both paths alike. The proxy's own byte counter (its control endpoint) is printed per
 * path, to show the direct runs bypass it and the proxy runs do not.
 *
 *   node bin/run-ts bench/kafka-proxy.ts [--state-dir .local] [--records 20000] [--rounds 3]
 * (a running local runtime: `cdcctl local up`; ports are read from its state)
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { delayProxyStats } from '../local/delay-proxy';
import { changeEventRecords, type KafkaRecord } from '../local/debezium-events';
import { ensureTopics, kafkaClient, sendRecords } from '../local/replay';
import { kafkaProxyControlUrl, status } from '../local/runtime';
import { customerId, orderDocument } from '../local/sample-data';

const { values } = parseArgs({
  options: {
    'state-dir': { type: 'string' },
    records: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
  },
});

/** kafkajs stays behind local/replay.ts (DESIGN.md layers): its client's type comes from there. */
type Kafka = ReturnType<typeof kafkaClient>;

const TOPIC_PREFIX = `bench-kafka-proxy-${process.pid}`;
const PARTITIONS = 3;
/** A stalled consumer fails the run rather than hanging it. */
const CONSUME_TIMEOUT_MS = 300_000;

type PathName = 'direct' | 'proxy';

interface Paths {
  readonly bootstrap: Readonly<Record<PathName, string>>;
  readonly controlUrl: string;
}

interface Throughput {
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
}

interface Run {
  readonly produce: Throughput;
  readonly consume: Throughput;
  /** Bytes the proxy forwarded during the run (both directions, every client of it, the worker's too). */
  readonly proxiedBytes: number;
}

/** The runtime's two ways into Kafka, and a refusal if the runtime is down or the proxy delays. */
async function runningPaths(stateDir: string | undefined): Promise<Paths> {
  const runtime = status({ stateDir });
  const { kafka, 'kafka-proxy': proxy } = runtime.services;
  if (kafka.state !== 'running' || proxy.state !== 'running') throw new Error(`the local runtime in ${runtime.stateDir} is not running: kafka is ${kafka.state}, kafka-proxy is ${proxy.state} (cdcctl local up)`);
  const controlUrl = kafkaProxyControlUrl(runtime.ports);
  const { delay_ms } = await delayProxyStats(controlUrl);
  if (delay_ms !== 0) throw new Error(`the kafka-proxy delays every chunk by ${delay_ms} ms (${controlUrl}); this measures it at 0: PUT {"delay_ms": 0} there, or end the fault scenario, first`);
  return { bootstrap: { direct: kafka.url as string, proxy: proxy.url as string }, controlUrl };
}

/** N order inserts as the Debezium MongoDB source writes them, for any topic. */
function orderEvents(count: number): KafkaRecord[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, index) => {
    const [record] = changeEventRecords({ topicPrefix: 'bench', database: 'app_db', collection: 'orders', timestampMs: now, ordinal: index + 1 }, { kind: 'insert', document: orderDocument(index + 1, customerId(index % 500), new Date(now)) });
    return record!;
  });
}

const recordBytes = (records: readonly KafkaRecord[]): number => records.reduce((sum, record) => sum + Buffer.byteLength(record.key) + Buffer.byteLength(record.value ?? ''), 0);

const throughput = (records: number, bytes: number, seconds: number): Throughput => ({ recordsPerSecond: records / seconds, megabytesPerSecond: bytes / 1e6 / seconds });

async function produce(kafka: Kafka, topic: string, records: readonly KafkaRecord[], bytes: number): Promise<Throughput> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const started = performance.now();
    await sendRecords(producer, records.map((record) => ({ ...record, topic })));
    return throughput(records.length, bytes, (performance.now() - started) / 1000);
  } finally {
    await producer.disconnect();
  }
}

/** Reads the topic from the start with a fresh group until `count` records came. */
async function consume(kafka: Kafka, topic: string, count: number, bytes: number): Promise<Throughput> {
  const consumer = kafka.consumer({ groupId: `${topic}-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let received = 0;
    let firstBatchAt: number | undefined;
    const seconds = await new Promise<number>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`${topic}: ${received} of ${count} records consumed within ${CONSUME_TIMEOUT_MS / 1000} s`)), CONSUME_TIMEOUT_MS);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            firstBatchAt ??= performance.now();
            received += batch.messages.length;
            if (received >= count) {
              clearTimeout(timeout);
              resolve((performance.now() - firstBatchAt) / 1000);
            }
          },
        })
        .catch(reject);
    });
    return throughput(count, bytes, seconds);
  } finally {
    await consumer.disconnect();
  }
}

async function measure(paths: Paths, path: PathName, topic: string, records: readonly KafkaRecord[], bytes: number): Promise<Run> {
  const kafka = kafkaClient(paths.bootstrap[path]);
  await ensureTopics(kafka, [topic], PARTITIONS);
  const before = (await delayProxyStats(paths.controlUrl)).bytes_forwarded;
  const produced = await produce(kafka, topic, records, bytes);
  const consumed = await consume(kafka, topic, records.length, bytes);
  const after = (await delayProxyStats(paths.controlUrl)).bytes_forwarded;
  return { produce: produced, consume: consumed, proxiedBytes: after - before };
}

async function deleteTopics(bootstrap: string, topics: readonly string[]): Promise<void> {
  const admin = kafkaClient(bootstrap).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...topics] });
  } finally {
    await admin.disconnect();
  }
}

const median = (numbers: readonly number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const formatted = (value: Throughput): string => `${Math.round(value.recordsPerSecond).toLocaleString('en')} records/s, ${value.megabytesPerSecond.toFixed(1)} MB/s`;

function printRound(round: number, runs: Readonly<Record<PathName, Run>>): void {
  for (const step of ['produce', 'consume'] as const) {
    const ratio = runs.proxy[step].recordsPerSecond / runs.direct[step].recordsPerSecond;
    console.log(`round ${round} ${step.padEnd(7)}  direct ${formatted(runs.direct[step])}  proxy ${formatted(runs.proxy[step])}  proxy/direct ${ratio.toFixed(2)}`);
  }
  console.log(`round ${round} bytes through the proxy  direct ${(runs.direct.proxiedBytes / 1e6).toFixed(1)} MB  proxy ${(runs.proxy.proxiedBytes / 1e6).toFixed(1)} MB`);
}

function printMedians(rounds: readonly Readonly<Record<PathName, Run>>[]): void {
  for (const step of ['produce', 'consume'] as const) {
    const of = (path: PathName) => median(rounds.map((runs) => runs[path][step].recordsPerSecond));
    const ratios = rounds.map((runs) => runs.proxy[step].recordsPerSecond / runs.direct[step].recordsPerSecond);
    console.log(`median ${step.padEnd(7)}  direct ${Math.round(of('direct')).toLocaleString('en')} records/s  proxy ${Math.round(of('proxy')).toLocaleString('en')} records/s  proxy/direct ${median(ratios).toFixed(2)} (rounds: ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')})`);
  }
}

async function main(): Promise<void> {
  const count = Number(values.records);
  const roundCount = Number(values.rounds);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--records: a whole number above 0 (got ${values.records})`);
  if (!Number.isInteger(roundCount) || roundCount < 1) throw new Error(`--rounds: a whole number above 0 (got ${values.rounds})`);
  const paths = await runningPaths(values['state-dir']);
  const records = orderEvents(count);
  const bytes = recordBytes(records);
  console.log(`${count.toLocaleString('en')} order events of ${(bytes / count / 1024).toFixed(1)} KiB on average (key + value), ${PARTITIONS} partitions, acks=all; direct ${paths.bootstrap.direct}, proxy ${paths.bootstrap.proxy} (delay 0)`);
  const topics: string[] = [];
  const rounds: Record<PathName, Run>[] = [];
  try {
    for (let round = 1; round <= roundCount; round++) {
      const order: PathName[] = round % 2 ? ['direct', 'proxy'] : ['proxy', 'direct'];
      const runs: Partial<Record<PathName, Run>> = {};
      for (const path of order) {
        const topic = `${TOPIC_PREFIX}-${round}-${path}`;
        topics.push(topic);
        runs[path] = await measure(paths, path, topic, records, bytes);
      }
      rounds.push(runs as Record<PathName, Run>);
      printRound(round, runs as Record<PathName, Run>);
    }
    printMedians(rounds);
  } finally {
    if (topics.length) await deleteTopics(paths.bootstrap.direct, topics);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

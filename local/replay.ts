import { decompress } from 'fzstd';
import { CompressionCodecs, CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import type { Environment } from '../config';
import { sleep } from '../connectors/connect/poll';
import { deadLetterTopic, sourceTopic } from '../connectors/naming';
import type { PipelineDefinition } from '../connectors/pipelines';
import { LOCAL_MESSAGE_SIZES } from './config-files';
import { changeEventRecords, topicOf, type KafkaRecord } from './debezium-events';
import type { SampleChange } from './sample-data';

/**
 * Writes change events in Debezium's MongoDB format into the source topics: the stand-in for a
 * MongoDB deployment where none can run. It exercises the real sink path (unwrap transform →
 * Debezium JDBC sink → PostgreSQL) exactly as production events do.
 */
export interface ReplayOptions {
  readonly bootstrapServers: string;
  readonly topicPrefix: string;
  /** @default 'app_db' */
  readonly database?: string;
  /** Partitions of topics created here. @default 3 */
  readonly partitions?: number;
  /** Source timestamp of the first change; later ones follow by 1 ms. @default now */
  readonly startMs?: number;
}

/**
 * The workers compress with zstd (config/schema.ts messageSizeSettings), which kafkajs cannot read by
 * itself: reading is what these tools do (tests, `schema infer --from-topic`), so the codec
 * decompresses (fzstd, pure JavaScript) and refuses to compress.
 */
CompressionCodecs[CompressionTypes.ZSTD] = () => ({
  async compress(): Promise<Buffer> {
    throw new Error('this tool writes uncompressed batches: zstd is for reading what the workers wrote');
  },
  async decompress(buffer: Buffer): Promise<Buffer> {
    return Buffer.from(decompress(buffer));
  },
});

export function kafkaClient(bootstrapServers: string): Kafka {
  return new Kafka({ clientId: 'cdcctl', brokers: bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 8 } });
}

/**
 * Creates the topics that do not exist yet, each taking the largest record (`max.message.bytes`):
 * a source topic must hold MongoDB's largest documents, and a dead-letter topic must too, or a large
 * record parked there is dropped with an ERROR log while the task runs on. Replicas and min ISR are
 * the brokers' defaults: one on one node, 3 and 2 on three (local/config-files.ts).
 */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], partitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
    const configEntries = [{ name: 'max.message.bytes', value: String(LOCAL_MESSAGE_SIZES.topicMaxMessageBytes) }];
    if (missing.length) await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: partitions, configEntries })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** A pipeline's source topic and its sink's dead-letter topic: created before the connectors, so both take large records. */
export function pipelineTopics(environment: Environment, pipelines: readonly PipelineDefinition[]): string[] {
  return pipelines.flatMap((pipeline) => [sourceTopic(environment, pipeline), deadLetterTopic(environment, pipeline)]);
}

export function recordsFor(changes: readonly SampleChange[], options: ReplayOptions): KafkaRecord[] {
  const start = options.startMs ?? Date.now();
  return changes.flatMap((change, index) =>
    changeEventRecords(
      { topicPrefix: options.topicPrefix, database: options.database ?? 'app_db', collection: change.collection, timestampMs: start + index, ordinal: 1 + (index % 1000) },
      change.operation,
    ),
  );
}

/** Keeps each produce request small (a large record goes alone). */
const MAX_BATCH_BYTES = 512 * 1024;

function* batchesUnder(records: readonly KafkaRecord[], maxBytes: number): Generator<KafkaRecord[]> {
  let batch: KafkaRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = record.key.length + (record.value?.length ?? 0);
    if (batch.length && bytes + size > maxBytes) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(record);
    bytes += size;
  }
  if (batch.length) yield batch;
}

/** Sends records in order (per topic, per key) and returns how many were written to each topic. */
export async function sendRecords(producer: Producer, records: readonly KafkaRecord[]): Promise<Map<string, number>> {
  const byTopic = new Map<string, KafkaRecord[]>();
  for (const record of records) byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
  for (const [topic, topicRecords] of byTopic) {
    for (const batch of batchesUnder(topicRecords, MAX_BATCH_BYTES)) {
      await producer.send({ topic, acks: -1, messages: batch.map((record) => ({ key: record.key, value: record.value })) });
    }
  }
  return new Map([...byTopic].map(([topic, topicRecords]) => [topic, topicRecords.length]));
}

export async function replayChanges(changes: readonly SampleChange[], options: ReplayOptions): Promise<Map<string, number>> {
  const kafka = kafkaClient(options.bootstrapServers);
  const records = recordsFor(changes, options);
  await ensureTopics(kafka, [...new Set(records.map((record) => record.topic))], options.partitions ?? 3);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    return await sendRecords(producer, records);
  } finally {
    await producer.disconnect();
  }
}

export interface PacedReplayOptions extends ReplayOptions {
  /** Changes per second: sent in tenths of a second's worth, each on its tick. */
  readonly perSecond: number;
  /** How long a chunk Kafka refuses (a broker down) is tried again, once a second, before the replay fails. @default 60000 */
  readonly retryForMs?: number;
  readonly onRetry?: (error: Error) => void;
}

/** What a paced replay did: how long it took, and how many sends were tried again. */
export interface PacedReplay {
  readonly seconds: number;
  readonly retries: number;
}

/**
 * Writes `changes` at a steady rate, as an application writes, through one idempotent producer: a
 * tenth of a second's changes every 100 ms (late ticks are sent at once, so a slow Kafka shows as a
 * longer replay). A chunk that fails is sent again, that chunk alone, as a producer application retries.
 */
export async function replayPaced(changes: readonly SampleChange[], options: PacedReplayOptions): Promise<PacedReplay> {
  if (!(options.perSecond > 0)) throw new Error(`paced replay: perSecond must be above 0 (got ${options.perSecond})`);
  const kafka = kafkaClient(options.bootstrapServers);
  const perTick = Math.max(1, Math.round(options.perSecond / 10));
  const tickMs = (perTick * 1000) / options.perSecond;
  const topics = [...new Set(changes.map((change) => topicOf({ topicPrefix: options.topicPrefix, database: options.database ?? 'app_db', collection: change.collection })))];
  await ensureTopics(kafka, topics, options.partitions ?? 3);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = Date.now();
  let retries = 0;
  try {
    for (let tick = 0; tick * perTick < changes.length; tick++) {
      await sleep(started + tick * tickMs - Date.now());
      const records = recordsFor(changes.slice(tick * perTick, (tick + 1) * perTick), { ...options, startMs: undefined });
      for (const deadline = Date.now() + (options.retryForMs ?? 60_000); ; retries++) {
        const sent = await sendRecords(producer, records).then(() => undefined, (error: Error) => error);
        if (!sent) break;
        if (Date.now() > deadline) throw sent;
        options.onRetry?.(sent);
        await sleep(1_000);
      }
    }
  } finally {
    await producer.disconnect();
  }
  return { seconds: (Date.now() - started) / 1000, retries };
}

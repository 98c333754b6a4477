import { MongoClient } from 'mongodb';
import type { BsonDocument } from '../connectors/contracts/bson';
import { fromDriver, RAW_DRIVER_VALUES } from '../connectors/contracts/driver-values';
import { parseStrictJson } from '../connectors/contracts/strict-json';
import { kafkaClient } from './replay';

/** Kept here too for the callers that have always imported it from here. */
export { fromDriver } from '../connectors/contracts/driver-values';

/**
 * Documents for `cdcctl schema infer`: the `after` of the last change events in a source topic
 * (Debezium's STRICT JSON, read back into BSON types), or documents of a MongoDB collection (the
 * driver's BSON values, never promoted to JavaScript numbers, so Int32, Int64 and doubles stay apart).
 */
export async function documentsFromTopic(bootstrapServers: string, topic: string, sample: number, timeoutMs = 30_000): Promise<BsonDocument[]> {
  const kafka = kafkaClient(bootstrapServers);
  const admin = kafka.admin();
  await admin.connect();
  const partitions = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const end = new Map(partitions.map((partition) => [partition.partition, BigInt(partition.high)]));
  const total = partitions.reduce((sum, partition) => sum + Number(BigInt(partition.high) - BigInt(partition.low)), 0);
  const documents: BsonDocument[] = [];
  if (total === 0) return documents;
  const consumer = kafka.consumer({ groupId: `cdcctl-schema-infer-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const reached = new Set<number>();
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const after = message.value ? (JSON.parse(message.value.toString()) as { payload?: { after?: string | null } }).payload?.after : undefined;
      if (after) documents.push(parseStrictJson(after) as BsonDocument);
      if (BigInt(message.offset) + 1n >= (end.get(partition) ?? 0n)) reached.add(partition);
      if (reached.size >= [...end.values()].filter((high) => high > 0n).length) finished();
    },
  });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  await consumer.disconnect();
  return documents.slice(-sample);
}

/** `sample` documents of `<database>.<collection>`: `$sample` where the server has it, else the first ones. */
export async function documentsFromMongoDb(uri: string, namespace: string, sample: number): Promise<BsonDocument[]> {
  const [database, ...rest] = namespace.split('.');
  const collection = rest.join('.');
  if (!database || !collection) throw new Error(`--collection: "<database>.<collection>" or a pipeline's name (got ${JSON.stringify(namespace)})`);
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    const target = client.db(database).collection(collection);
    const options = RAW_DRIVER_VALUES;
    const found = await target
      .aggregate([{ $sample: { size: sample } }], options)
      .toArray()
      .catch(() => target.find({}, options).limit(sample).toArray());
    return found.map((document) => fromDriver(document) as BsonDocument);
  } finally {
    await client.close();
  }
}

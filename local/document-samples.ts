import { MongoClient } from 'mongodb';
import { Binary, BsonDate, Decimal128, Double, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp, type BsonDocument, type BsonValue } from '../connectors/contracts/bson';
import { parseStrictJson } from '../connectors/contracts/strict-json';
import { kafkaClient } from './replay';

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

/** A driver value (promoteValues: false) → this repository's BSON value. */
export function fromDriver(value: unknown): BsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return new Double(value);
  if (value instanceof Date) return BsonDate.of(value);
  if (Array.isArray(value)) return value.map(fromDriver);
  const bson = value as { _bsontype?: string; toString(): string; toHexString?(): string; value?: number; buffer?: Uint8Array; sub_type?: number; pattern?: string; options?: string; high?: number; low?: number };
  switch (bson._bsontype) {
    case 'ObjectId':
      return new ObjectId(bson.toHexString!());
    case 'Int32':
      return Number(bson.value);
    case 'Double':
      return new Double(Number(bson.value));
    case 'Long':
      return new Int64(BigInt(bson.toString()));
    case 'Decimal128':
      return new Decimal128(bson.toString());
    case 'Binary':
      return new Binary(Buffer.from(bson.buffer!).toString('base64'), bson.sub_type ?? 0);
    case 'Timestamp':
      return new Timestamp(Number(bson.high), Number(bson.low));
    case 'BSONRegExp':
      return new Regex(bson.pattern!, bson.options!);
    case 'MinKey':
      return new MinKey();
    case 'MaxKey':
      return new MaxKey();
    default:
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, fromDriver(item)]));
  }
}

/** `sample` documents of `<database>.<collection>`: `$sample` where the server has it, else the first ones. */
export async function documentsFromMongoDb(uri: string, namespace: string, sample: number): Promise<BsonDocument[]> {
  const [database, ...rest] = namespace.split('.');
  const collection = rest.join('.');
  if (!database || !collection) throw new Error(`--collection: "<database>.<collection>" or a pipeline's name (got ${JSON.stringify(namespace)})`);
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    const target = client.db(database).collection(collection);
    const options = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;
    const found = await target
      .aggregate([{ $sample: { size: sample } }], options)
      .toArray()
      .catch(() => target.find({}, options).limit(sample).toArray());
    return found.map((document) => fromDriver(document) as BsonDocument);
  } finally {
    await client.close();
  }
}

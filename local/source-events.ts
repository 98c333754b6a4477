import { sleep } from '../connectors/connect/poll';
import { idText, type BsonDocument } from '../connectors/contracts/bson';
import { parseStrictJson } from '../connectors/contracts/strict-json';
import { kafkaClient } from './replay';
import type { StandInOperation, StandInWriter } from './standin-writer';

/**
 * What a fault did to a Debezium source's topic, read as a sink reads it (read_committed: an
 * exactly-once source's aborted transactions are not seen), and the paced writes that feed it.
 */

export interface CreateEventCount {
  /** Create events (op "c") of the documents asked about. */
  readonly events: number;
  /** Of those documents, how many have at least one. */
  readonly documents: number;
}

/** How long a topic must be quiet before a count ends without every document asked about. */
const MISSING_QUIET_MS = 10_000;

/**
 * The create events in `topic` of the documents whose `_id` (as text) is in `ids`: every record
 * from the beginning, until the topic has been quiet for `quietMs` once all of them were seen, or
 * for 10 s (at least `quietMs`) while some are missing, or `timeoutMs` passed. Each document was inserted once, so `events - documents` is what the source
 * delivered again.
 */
export async function countCreateEvents(bootstrapServers: string, topic: string, ids: ReadonlySet<string>, timeoutMs = 60_000, quietMs = 3_000): Promise<CreateEventCount> {
  const kafka = kafkaClient(bootstrapServers);
  // kafkajs reads read_committed unless told otherwise (readUncommitted: false), as the sinks do.
  const consumer = kafka.consumer({ groupId: `cdcctl-faults-count-${process.pid}-${Date.now()}`, readUncommitted: false });
  const seen = new Map<string, number>();
  let lastMessageAt = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        lastMessageAt = Date.now();
        const id = createdId(message.value?.toString());
        if (id !== undefined && ids.has(id)) seen.set(id, (seen.get(id) ?? 0) + 1);
      },
    });
    const deadline = Date.now() + timeoutMs;
    const quietFor = () => Date.now() - lastMessageAt;
    // Done once every document was seen and the topic is quiet; or, if some never come, after a longer quiet.
    while (Date.now() < deadline && !(seen.size === ids.size ? quietFor() >= quietMs : quietFor() >= Math.max(quietMs, MISSING_QUIET_MS))) await sleep(200);
  } finally {
    await consumer.disconnect();
  }
  return { events: [...seen.values()].reduce((sum, count) => sum + count, 0), documents: seen.size };
}

/** The `_id` (as text) of a create event's document; undefined for any other record (updates, deletes, tombstones, heartbeats). */
export function createdId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const payload = (JSON.parse(value) as { payload?: { op?: string; after?: string | null } }).payload;
  if (payload?.op !== 'c' || typeof payload.after !== 'string') return undefined;
  return idText((parseStrictJson(payload.after) as BsonDocument)._id!);
}

export interface PacedWrites {
  /** Writes the stand-in has acknowledged so far. */
  readonly acknowledged: () => number;
  /** Resolves once every write is acknowledged; rejects with the first refused one. */
  readonly done: Promise<void>;
}

/**
 * Writes `operations` through the stand-in writer at `perSecond`, each sent when it is due without
 * waiting for the one before (the writer keeps their order), as many clients of one database write.
 * After a refused write no further one is sent.
 */
export function writePaced(writer: StandInWriter, operations: readonly StandInOperation[], perSecond: number): PacedWrites {
  let acknowledged = 0;
  let refused: Error | undefined;
  const started = Date.now();
  const done = (async () => {
    const pending: Promise<void>[] = [];
    for (const [index, operation] of operations.entries()) {
      // Only a write still to come waits: a timer takes at least a millisecond, so one per write
      // would hold the rate under 1,000/s. Writes already due go at once.
      const wait = started + (index * 1000) / perSecond - Date.now();
      if (wait > 0) await sleep(wait);
      if (refused) break;
      pending.push(
        writer.write(operation).then(
          () => void acknowledged++,
          (error: Error) => void (refused ??= error),
        ),
      );
    }
    await Promise.all(pending);
    if (refused) throw refused;
  })();
  return { acknowledged: () => acknowledged, done };
}

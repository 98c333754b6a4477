import { changeEventRecords, type EventContext } from '../../local/debezium-events';
import { ensureTopics, kafkaClient, replayPaced } from '../../local/replay';
import { countCreateEvents } from '../../local/source-events';
import { customerId, orderDocument } from '../../local/sample-data';
import { getTestRuntime } from './support/runtime';

/**
 * countCreateEvents reads a source topic as the sinks do (read_committed) on the test runtime's real
 * Kafka: a transaction an exactly-once source aborted (a task killed mid-transaction) is not a
 * delivery, a record produced twice is.
 */
jest.setTimeout(120_000);

const { bootstrapServers } = getTestRuntime().kafka;
const topic = `cdc-test-count.cdc_faults.orders.${Date.now()}`;
const pacedPrefix = `cdc-test-paced-${Date.now()}`;
const context: EventContext = { topicPrefix: 'cdc-test-count', database: 'cdc_faults', collection: 'orders', timestampMs: Date.parse('2026-01-07T09:00:00Z') };
const order = (number: number) => ({ ...orderDocument(number, customerId(number % 50), new Date('2026-01-07T09:00:00Z')), _id: `fault-${number}` });
const insert = (number: number) => changeEventRecords(context, { kind: 'insert', document: order(number) })[0]!;

afterAll(async () => {
  const admin = kafkaClient(bootstrapServers).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, `${pacedPrefix}.cdc_faults.orders`] }).catch(() => undefined);
  await admin.disconnect();
});

it('counts each committed create event of the orders asked about, and none of an aborted transaction, an update, a delete or another order', async () => {
  const kafka = kafkaClient(bootstrapServers);
  await ensureTopics(kafka, [topic], 2);
  const producer = kafka.producer({ transactionalId: `cdc-test-count-${Date.now()}`, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const send = async (records: ReturnType<typeof changeEventRecords>, commit: boolean) => {
    const transaction = await producer.transaction();
    await transaction.send({ topic, messages: records.map((record) => ({ key: record.key, value: record.value })) });
    await (commit ? transaction.commit() : transaction.abort());
  };
  try {
    await send([1, 2, 3].map(insert), true);
    // A task killed mid-transaction: these never reach a read_committed reader.
    await send([insert(2), insert(3), insert(4)], false);
    // At least once: order 3 produced again after a restart, then an update, a delete and an order not asked about.
    await send([insert(3), ...changeEventRecords(context, { kind: 'update', document: order(1), updatedFields: { status: 'paid' } }), ...changeEventRecords(context, { kind: 'delete', id: 'fault-2' }), insert(9)], true);
  } finally {
    await producer.disconnect();
  }
  const counted = await countCreateEvents(bootstrapServers, topic, new Set(['fault-1', 'fault-2', 'fault-3', 'fault-4']), 60_000, 1_000);
  expect(counted).toEqual({ events: 4, documents: 3 });
});

it('replayPaced writes every order at the rate asked, never ahead of it, each once', async () => {
  const changes = Array.from({ length: 60 }, (_, index) => ({ collection: 'orders' as const, operation: { kind: 'insert' as const, document: order(100 + index) } }));
  const paced = await replayPaced(changes, { bootstrapServers, topicPrefix: pacedPrefix, database: 'cdc_faults', partitions: 1, perSecond: 100 });
  // 60 at 100/s: the last tenth is due 0.5 s after the first.
  expect(paced.seconds).toBeGreaterThanOrEqual(0.5);
  expect(paced.retries).toBe(0);
  const ids = new Set(changes.map((change) => change.operation.document._id));
  expect(await countCreateEvents(bootstrapServers, `${pacedPrefix}.cdc_faults.orders`, ids, 60_000, 1_000)).toEqual({ events: 60, documents: 60 });
});

import type { ObjectId } from '../../../connectors/contracts/bson';
import { changeEventRecords, type EventContext } from '../../../local/debezium-events';
import { customerId, orderDocument } from '../../../local/sample-data';
import { waitUntil } from '../../../connectors/connect/poll';
import { createdId, writePaced } from '../../../local/source-events';
import type { StandInOperation, StandInWriter } from '../../../local/standin-writer';

const context: EventContext = { topicPrefix: 'cdc-faults', database: 'cdc_faults', collection: 'orders', timestampMs: Date.parse('2026-01-07T09:00:00Z') };
const order = orderDocument(7, customerId(7), new Date('2026-01-07T09:00:00Z'));
const valueOf = (records: ReturnType<typeof changeEventRecords>, index = 0) => records[index]!.value ?? undefined;

describe('createdId', () => {
  it("names the document of a create event by its _id's text (an ObjectId as hex, a string as itself)", () => {
    expect(createdId(valueOf(changeEventRecords(context, { kind: 'insert', document: order })))).toBe((order._id as ObjectId).hex);
    expect(createdId(valueOf(changeEventRecords(context, { kind: 'insert', document: { ...order, _id: 'fault-12' } })))).toBe('fault-12');
  });

  it('names nothing for a snapshot read, an update, a replace, a delete or its tombstone: only inserts are counted', () => {
    expect(createdId(valueOf(changeEventRecords(context, { kind: 'snapshot', document: order })))).toBeUndefined();
    expect(createdId(valueOf(changeEventRecords(context, { kind: 'update', document: order, updatedFields: { status: 'paid' } })))).toBeUndefined();
    expect(createdId(valueOf(changeEventRecords(context, { kind: 'replace', document: order })))).toBeUndefined();
    const deleted = changeEventRecords(context, { kind: 'delete', id: order._id });
    expect(createdId(valueOf(deleted, 0))).toBeUndefined();
    expect(deleted[1]!.value).toBeNull();
    expect(createdId(valueOf(deleted, 1))).toBeUndefined();
  });
});

/** Records what it is given and when (a STAND-IN for the stand-in's writer JVM); refuses the write numbered `refuse`. */
function recordingWriter(refuse?: number): StandInWriter & { readonly at: number[] } {
  const at: number[] = [];
  return {
    at,
    async write(operation: StandInOperation) {
      at.push(Date.now());
      if (at.length === refuse) throw new Error(`refused ${operation.op}`);
      return { matched: 1, acknowledgedAtMs: Date.now() };
    },
    async close() {},
  };
}

const inserts = (count: number): StandInOperation[] => Array.from({ length: count }, (_, index) => ({ op: 'insert', database: 'cdc_faults', collection: 'orders', document: { _id: `fault-${index}` } }));

describe('writePaced', () => {
  it('writes in order, no write before its turn at the rate asked, and counts what was acknowledged', async () => {
    const writer = recordingWriter();
    const started = Date.now();
    const writing = writePaced(writer, inserts(6), 50);
    expect(writing.acknowledged()).toBeLessThan(6);
    await writing.done;
    expect(writing.acknowledged()).toBe(6);
    // Write n is due 20 ms × n after the start: never earlier (timers fire late, not early).
    writer.at.forEach((time, index) => expect(time - started).toBeGreaterThanOrEqual(index * 20 - 2));
  });

  it('sends each write when it is due, not after the one before is acknowledged', async () => {
    const waiting: Array<() => void> = [];
    const slow: StandInWriter = {
      write: () => new Promise((resolve) => waiting.push(() => resolve({ matched: 1, acknowledgedAtMs: Date.now() }))),
      async close() {},
    };
    const writing = writePaced(slow, inserts(5), 1_000);
    expect(await waitUntil(async () => waiting.length === 5, 5_000, 5)).toBe(true);
    expect(writing.acknowledged()).toBe(0);
    for (const release of waiting) release();
    await writing.done;
    expect(writing.acknowledged()).toBe(5);
  });

  it('waits on a timer only for a write still to come, never once per write (a timer takes 1 ms at least: that would cap the rate under 1,000/s)', async () => {
    const timers = jest.spyOn(global, 'setTimeout');
    try {
      const writing = writePaced(recordingWriter(), inserts(300), 1_000_000);
      await writing.done;
      expect(writing.acknowledged()).toBe(300);
      // 300 writes due within 0.3 ms of the start: at most a few timer turns, not 300.
      expect(timers.mock.calls.length).toBeLessThan(10);
    } finally {
      timers.mockRestore();
    }
  });

  it('stops at a refused write and rejects with it, the writes before it counted', async () => {
    // 10 ms apart: the refusal is known before the next write is due.
    const writing = writePaced(recordingWriter(3), inserts(5), 100);
    await expect(writing.done).rejects.toThrow('refused insert');
    expect(writing.acknowledged()).toBe(2);
  });
});

/**
 * The MongoDB STAND-IN's own oplog (local/standin IndexedOplog, inside mongo-java-server: NOT MongoDB),
 * read through the real MongoDB Node.js driver's change streams. Orders with line items are written
 * by the stand-in's writer (the MongoDB Java driver). It checks what Debezium relies on: every event
 * once and in order, a resume after a token, an update's full document, and, as MongoDB does, a
 * loud ChangeStreamHistoryLost (code 286) where the retention window dropped a stream's events.
 *
 * It starts two stand-ins of its own on free ports, and leaves the shared runtime's alone: one keeps
 * the runtime's 300 s of oplog, the other 1 s (trimmed every 5 s), so that its trim comes within seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type ChangeStreamDocument, type ChangeStreamOptions, type Collection, type ResumeToken } from 'mongodb';
import { ObjectId } from '../../connectors/contracts/bson';
import { runtimeLayout } from '../../local/options';
import { orderDocument, orderId } from '../../local/sample-data';
import { openStandInWriter, standInConnectionString, standInReady, standInServeCommand, type StandInWriter } from '../../local/standin-writer';
import { freePort } from '../../local/processes';
import { TEST_RUNTIME_DIR } from './support/runtime';
import { waitFor } from './support/wait';

jest.setTimeout(120_000);

const DATABASE = 'oplog_test';
const CHANGE_STREAM_HISTORY_LOST = 286;
const customer = new ObjectId('65f1a2b3c4d5e6f708192a3b');

interface StandIn {
  readonly server: ChildProcess;
  readonly mongo: MongoClient;
  readonly writer: StandInWriter;
  log: string;
}

async function startStandIn(oplogRetentionSeconds: number): Promise<StandIn> {
  const port = await freePort();
  const layout = runtimeLayout({ stateDir: mkdtempSync(join(tmpdir(), 'cdc-standin-oplog-')), runtimeDir: TEST_RUNTIME_DIR });
  const command = standInServeCommand(layout, { port, oplogRetentionSeconds });
  const server = spawn(command.command, command.args, { cwd: command.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const standIn: StandIn = { server, mongo: new MongoClient(standInConnectionString(port), { serverSelectionTimeoutMS: 10_000 }), writer: openStandInWriter(layout, standInConnectionString(port)), log: '' };
  server.stdout!.on('data', (chunk: Buffer) => (standIn.log += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (standIn.log += chunk.toString()));
  await waitFor('the stand-in to listen', async () => ((await standInReady(port)) === true ? true : undefined), 60_000);
  await standIn.mongo.connect();
  return standIn;
}

async function stopStandIn(standIn: StandIn | undefined): Promise<void> {
  await standIn?.writer.close();
  await standIn?.mongo.close();
  standIn?.server.kill('SIGKILL');
}

let kept: StandIn;
let trimmedFast: StandIn;

async function insertOrders(standIn: StandIn, collection: string, first: number, count: number): Promise<void> {
  const writes = Array.from({ length: count }, (_, offset) =>
    standIn.writer.write({ op: 'insert', database: DATABASE, collection, document: orderDocument(first + offset, customer, new Date(Date.UTC(2026, 10, 30, 9, 0, offset % 60))) }),
  );
  await Promise.all(writes);
}

/** Reads `count` events from a new change stream (or fewer, if none come for 5 s). */
async function readEvents(collection: Collection, options: ChangeStreamOptions, count: number): Promise<ChangeStreamDocument[]> {
  const stream = collection.watch([], { batchSize: 500, ...options });
  const events: ChangeStreamDocument[] = [];
  try {
    let quietSince = Date.now();
    while (events.length < count && Date.now() - quietSince < 5_000) {
      const event = await stream.tryNext();
      if (event) {
        events.push(event);
        quietSince = Date.now();
      }
    }
  } finally {
    await stream.close();
  }
  return events;
}

/** The first event of a stream opened on `collection` just before `write` runs. */
async function firstEventOf(collection: Collection, write: () => Promise<void>): Promise<ChangeStreamDocument> {
  const stream = collection.watch([]);
  try {
    await stream.tryNext(); // positioned before the write
    await write();
    return await waitFor(`an event on ${collection.collectionName}`, async () => (await stream.tryNext()) ?? undefined, 20_000, 0);
  } finally {
    await stream.close();
  }
}

/** The error a resume after `token` fails with, or undefined if it opens and reads. */
async function resumeError(collection: Collection, token: ResumeToken): Promise<{ code?: number; message: string } | undefined> {
  const stream = collection.watch([], { resumeAfter: token });
  try {
    await stream.tryNext();
    return undefined;
  } catch (error) {
    return { code: (error as { code?: number }).code, message: (error as Error).message };
  } finally {
    await stream.close().catch(() => undefined);
  }
}

const orderHex = (index: number) => orderId(index).hex;
const idOf = (event: ChangeStreamDocument) => ('documentKey' in event ? String((event.documentKey as { _id: unknown })._id) : event.operationType);

beforeAll(async () => {
  [kept, trimmedFast] = await Promise.all([startStandIn(300), startStandIn(1)]);
});

afterAll(async () => {
  await Promise.all([stopStandIn(kept), stopStandIn(trimmedFast)]);
});

describe('the MongoDB stand-in oplog (IndexedOplog in mongo-java-server, not MongoDB), through the Node.js driver', () => {
  const orders = (name: string): Collection => kept.mongo.db(DATABASE).collection(name);
  it("lists the `local` database while it holds nothing else, as a replica set does (Debezium's validation refuses a server that lists none)", async () => {
    const { databases } = await trimmedFast.mongo.db('admin').admin().listDatabases();
    expect(databases.map((database) => database.name)).toContain('local');
  });

  it('streams 1,500 orders with line items once each and in order, and a resume after the 700th gives exactly the 800 after it', async () => {
    const collection = orders('streamed');
    const opened = collection.watch([], { batchSize: 200 });
    await opened.tryNext(); // positions the stream before the writes
    await insertOrders(kept, 'streamed', 1, 1_500);
    const events: ChangeStreamDocument[] = [];
    await waitFor('1,500 events', async () => {
      for (let event = await opened.tryNext(); event; event = await opened.tryNext()) events.push(event);
      return events.length >= 1_500 ? true : undefined;
    }, 60_000, 0);
    await opened.close();

    const expectedIds = Array.from({ length: 1_500 }, (_, index) => orderHex(1 + index));
    expect(events.map(idOf)).toEqual(expectedIds);
    expect(new Set(events.map((event) => event.operationType))).toEqual(new Set(['insert']));
    const insert = events[0] as ChangeStreamDocument & { fullDocument: { items: unknown[] } };
    expect(insert.fullDocument.items.length).toBeGreaterThan(0);

    const resumed = await readEvents(collection, { resumeAfter: events[699]!._id }, 800);
    expect(resumed.map(idOf)).toEqual(expectedIds.slice(700));
  });

  it("gives an update's whole document with fullDocument: updateLookup, found by its _id among 1,500", async () => {
    const collection = orders('streamed');
    const stream = collection.watch([], { fullDocument: 'updateLookup' });
    await stream.tryNext();
    await kept.writer.write({ op: 'update', database: DATABASE, collection: 'streamed', id: orderId(1_000), set: { status: 'shipped' } });
    const event = await waitFor('the update event', async () => (await stream.tryNext()) ?? undefined, 20_000, 0);
    await stream.close();
    expect(event.operationType).toBe('update');
    const full = (event as ChangeStreamDocument & { fullDocument: { status: string; items: unknown[] } }).fullDocument;
    expect(full.status).toBe('shipped');
    expect(full.items.length).toBeGreaterThan(0);
  });

  it('caps each batch near 8 MiB, as MongoDB caps one at 16 MiB: a source resuming behind 64 MiB of changes gets them in several replies (the Java driver refuses one over 48 MB)', async () => {
    const notes = 'line item note '.repeat(Math.ceil((2 * 1024 * 1024) / 15)); // 2 MiB
    const first = await firstEventOf(orders('large'), async () => {
      await insertOrders(kept, 'large', 20_000, 1);
      for (let index = 1; index <= 32; index += 1) {
        await kept.writer.write({ op: 'insert', database: DATABASE, collection: 'large', document: { ...orderDocument(20_000 + index, customer, new Date(Date.UTC(2026, 10, 30, 9))), notes } });
      }
    });
    expect(idOf(first)).toBe(orderHex(20_000));

    // The commands Debezium's driver sends, with no batch size: how many events each reply holds.
    const database = kept.mongo.db(DATABASE);
    const opened = (await database.command({ aggregate: 'large', pipeline: [{ $changeStream: { resumeAfter: first._id } }], cursor: {} })) as { cursor: { id: unknown; firstBatch: unknown[] } };
    const batches = [opened.cursor.firstBatch.length];
    while (batches.reduce((sum, size) => sum + size, 0) < 32 && batches.length < 40) {
      const more = (await database.command({ getMore: opened.cursor.id, collection: 'large' })) as { cursor: { nextBatch: unknown[] } };
      batches.push(more.cursor.nextBatch.length);
    }
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(32);
    // A little over 2 MiB each: the 4th passes 8 MiB and ends the reply, so none holds more than 4.
    expect(Math.max(...batches)).toBe(4);
  });

  it('resumes after a token that follows a drop of the collection, without an invalidate event', async () => {
    const collection = orders('dropped');
    await insertOrders(kept, 'dropped', 5_001, 3);
    await collection.drop();
    const afterDrop = await firstEventOf(collection, () => insertOrders(kept, 'dropped', 5_004, 2));
    const resumed = await readEvents(collection, { resumeAfter: afterDrop._id }, 1);
    expect(resumed.map((event) => event.operationType)).toEqual(['insert']);
    expect(resumed.map(idOf)).toEqual([orderHex(5_005)]);
  });

  describe('once the 1 s retention has trimmed the oplog', () => {
    const orders = (name: string): Collection => trimmedFast.mongo.db(DATABASE).collection(name);
    let lostToken: ResumeToken;
    let quietToken: ResumeToken;
    let behind: ReturnType<Collection['watch']>;

    beforeAll(async () => {
      const trimmed = orders('trimmed');
      lostToken = (await firstEventOf(trimmed, () => insertOrders(trimmedFast, 'trimmed', 7_001, 3)))._id;
      quietToken = (await firstEventOf(orders('quiet'), () => insertOrders(trimmedFast, 'quiet', 8_001, 1)))._id;

      behind = orders('behind').watch([], { batchSize: 1 });
      await behind.tryNext();
      await insertOrders(trimmedFast, 'behind', 9_001, 3);
      await waitFor('the first event of the reader that falls behind', async () => (await behind.tryNext()) ?? undefined, 20_000, 0);

      await insertOrders(trimmedFast, 'busy', 10_001, 200); // other collections' events, trimmed with the rest
      await waitFor('the trim to remove the events', async () => ((await resumeError(trimmed, lostToken)) ? true : undefined), 30_000, 500);
    });

    afterAll(async () => {
      await behind?.close().catch(() => undefined);
    });

    it("fails a resume after a trimmed event with ChangeStreamHistoryLost (286), as MongoDB does, instead of skipping what was trimmed", async () => {
      const error = await resumeError(orders('trimmed'), lostToken);
      expect(error).toEqual({ code: CHANGE_STREAM_HISTORY_LOST, message: expect.stringContaining('no longer be in the oplog') });
      expect(trimmedFast.log).toMatch(/oplog trimmed: \d+ entries older than 1 s/);
    });

    it('fails the next read of an open stream whose unread events were trimmed', async () => {
      await expect(behind.tryNext()).rejects.toMatchObject({ code: CHANGE_STREAM_HISTORY_LOST });
    });

    it("still resumes a quiet collection's stream when only other collections' events were trimmed after its token", async () => {
      expect(await resumeError(orders('quiet'), quietToken)).toBeUndefined();
      await insertOrders(trimmedFast, 'quiet', 8_002, 1);
      const resumed = await readEvents(orders('quiet'), { resumeAfter: quietToken }, 1);
      expect(resumed.map(idOf)).toEqual([orderHex(8_002)]);
    });
  });
});

import { MongoClient, Timestamp as DriverTimestamp, type ChangeStream, type ChangeStreamOptions, type Document, type ResumeToken } from 'mongodb';
import { Client } from 'pg';
import { sleep } from '../connectors/connect/poll';
import { idText, relaxedJson, strictJson, Timestamp, type BsonValue } from '../connectors/contracts/bson';
import { qualified, type TableTarget } from '../warehouse/contract-sql';
import { fromDriver } from './document-samples';
import { seededRandom } from './sample-data';

/**
 * A TRIGGER EMULATOR: a stand-in for an Atlas Database Trigger, for migration rehearsals on the local
 * runtime only (the atlas stack drives the real triggers). It watches one collection of the MongoDB
 * stand-in (mongo-java-server, not MongoDB) with a resume token of its own and applies each change to
 * the production table as a generated trigger function would — the full document upserted, a delete
 * deleted — one event at a time, in order, as Atlas runs a trigger's function calls. Each event is run
 * no sooner than a fixed lag after it was seen (a trigger that runs behind its collection), each run
 * takes a configurable time (the lag a loaded trigger builds up) and fails at a configurable rate; a
 * failed run is not retried, as in Atlas: its event is skipped and counted. disable() stops after the
 * run in flight, keeping the token; enable() resumes from it, so the changes made meanwhile still arrive.
 *
 * It writes exactly what the JDBC sink writes, so that the warehouse's version guard
 * (warehouse/functions-sql.ts) orders the two writers' rows: `id` (the `_id` as relaxed extended JSON,
 * Debezium's key), `doc_text` (the document as Debezium's strict JSON), `__op`, and the version the
 * Debezium source gives the same change on the stand-in: `__source_ts_ms` = the clusterTime's seconds
 * × 1000 and `__source_ord` = its increment, i.e. version = clusterTime t*1000 + ordinal i.
 */

export interface TriggerEmulatorOptions {
  /** Connection string of the MongoDB stand-in. */
  readonly mongodbUrl: string;
  readonly database: string;
  readonly collection: string;
  /** `postgres://` URL of the warehouse. */
  readonly warehouseUrl: string;
  /** The production table the emulated trigger writes. */
  readonly table: Pick<TableTarget, 'schema' | 'table'>;
  /** How long after a change is seen its function runs at the earliest, in ms: the trigger's steady lag. @default 0 */
  readonly lagMs?: number;
  /** How long each function run takes, in ms: with writes faster than this, the trigger falls behind. @default 0 */
  readonly delayMs?: number;
  /** Fraction of function runs that fail (skipped, never retried), from 0 to 1. @default 0 */
  readonly failureRate?: number;
  /** Decides which runs fail. @default seededRandom(1): the same runs fail on every rehearsal */
  readonly random?: () => number;
  /** How long to wait before asking the stand-in again when it had no event. @default 50 */
  readonly pollIntervalMs?: number;
}

export type TriggerOperation = 'c' | 'u' | 'd';

/** One write of the emulated trigger function: the columns the sink writes. */
export interface TriggerRow {
  readonly id: string;
  /** null for a delete, as the sink writes it (Debezium's `after` is null). */
  readonly docText: string | null;
  readonly op: TriggerOperation;
  readonly sourceTsMs: number;
  readonly sourceOrd: number;
  readonly eventTsMs: number;
}

export interface TriggerEmulatorStats {
  /** Function runs that wrote the table. */
  readonly applied: number;
  /** Function runs that failed: their events are lost to the trigger, as in Atlas. */
  readonly failed: number;
  /** Events with nothing to write: an update whose document was gone when looked up, a drop. */
  readonly skipped: number;
  /** The worst delay between a change (its clusterTime, whole seconds) and its write. */
  readonly maxLagMs: number;
  /** Why the last run failed when it was not an injected failure (a database error), or why the stream stopped. */
  readonly lastError?: string;
}

/** What a document's last function run failed to write: the version (`updated_at`, ms) it carried, or its delete. */
export type FailedWrite = number | 'delete';

export interface TriggerEmulator {
  readonly isEnabled: () => boolean;
  readonly stats: () => TriggerEmulatorStats;
  /** How far behind the trigger is now: since the oldest change seen and not yet run was seen, ms (0 when it has none). */
  readonly lagMs: () => number;
  /** Changes seen and not run yet. */
  readonly backlog: () => number;
  /** Documents (`_id` as the warehouse's `_id`) whose last function run failed, with what it failed to write. */
  readonly failedWrites: () => ReadonlyMap<string, FailedWrite>;
  /** Resumes after the last event handled (from now, the first time). */
  readonly enable: () => Promise<void>;
  /** Finishes the run in flight, then stops reading; the resume token is kept. */
  readonly disable: () => Promise<void>;
  /** Disables, then closes the connections. */
  readonly close: () => Promise<void>;
}

/** The fields of a driver change event (promoteValues: false) the emulated trigger reads. */
export interface DriverChangeEvent {
  readonly operationType: string;
  readonly clusterTime?: unknown;
  readonly fullDocument?: Document | null;
  readonly documentKey?: { readonly _id?: unknown };
}

const OPERATIONS: Readonly<Record<string, TriggerOperation>> = { insert: 'c', update: 'u', replace: 'u', delete: 'd' };

/**
 * What the generated trigger function writes for one change event, or undefined when it writes
 * nothing. An update's `documentKey` is unreliable on the stand-in: the key comes from the looked-up
 * document. An update whose document is gone when looked up writes nothing (its delete follows in the
 * stream); the stand-in then gives the update's `$set` fields as `fullDocument`, without an `_id`.
 */
export function triggerRow(change: DriverChangeEvent, processedAtMs: number): TriggerRow | undefined {
  const op = OPERATIONS[change.operationType];
  if (!op) return undefined;
  const clusterTime = fromDriver(change.clusterTime);
  if (!(clusterTime instanceof Timestamp)) throw new Error(`trigger emulator: a ${change.operationType} event without a clusterTime Timestamp`);
  const version = { sourceTsMs: clusterTime.seconds * 1000, sourceOrd: clusterTime.increment, eventTsMs: processedAtMs };
  if (op === 'd') {
    if (change.documentKey?._id === undefined) throw new Error('trigger emulator: a delete event without documentKey._id');
    return { id: relaxedJson(fromDriver(change.documentKey._id)), docText: null, op, ...version };
  }
  // Gone: null, or on the stand-in the update's `$set` fields without an `_id`.
  if (!change.fullDocument || change.fullDocument._id === undefined) return undefined;
  const document = fromDriver(change.fullDocument) as { readonly _id: BsonValue };
  return { id: relaxedJson(document._id), docText: strictJson(document), op, ...version };
}

/** The sink's write: an upsert of the change's columns; the table's trigger applies the version guard. */
export function triggerWriteSql(table: Pick<TableTarget, 'schema' | 'table'>): string {
  return (
    `INSERT INTO ${qualified(table)} (id, doc_text, __op, __source_ts_ms, __source_ord, __event_ts_ms) VALUES ($1, $2, $3, $4, $5, $6) ` +
    'ON CONFLICT (id) DO UPDATE SET doc_text = EXCLUDED.doc_text, __op = EXCLUDED.__op, __source_ts_ms = EXCLUDED.__source_ts_ms, ' +
    '__source_ord = EXCLUDED.__source_ord, __event_ts_ms = EXCLUDED.__event_ts_ms'
  );
}

export function triggerWriteParameters(row: TriggerRow): unknown[] {
  return [row.id, row.docText, row.op, row.sourceTsMs, row.sourceOrd, row.eventTsMs];
}

interface ResolvedOptions extends Required<Omit<TriggerEmulatorOptions, 'random'>> {
  readonly random: () => number;
}

function resolveOptions(options: TriggerEmulatorOptions): ResolvedOptions {
  const resolved = { lagMs: 0, delayMs: 0, failureRate: 0, random: seededRandom(1), pollIntervalMs: 50, ...options };
  const problems = [
    ...(resolved.lagMs >= 0 ? [] : [`lagMs must be 0 or more (got ${resolved.lagMs})`]),
    ...(resolved.delayMs >= 0 ? [] : [`delayMs must be 0 or more (got ${resolved.delayMs})`]),
    ...(resolved.failureRate >= 0 && resolved.failureRate <= 1 ? [] : [`failureRate must be from 0 to 1 (got ${resolved.failureRate})`]),
  ];
  if (problems.length) throw new Error(`trigger emulator of ${options.database}.${options.collection}: ${problems.join('; ')}`);
  return resolved;
}

/** Driver options that keep every BSON type (Int32 apart from Double, Int64, Decimal128) for fromDriver. */
const RAW_VALUES = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

interface Counters {
  applied: number;
  failed: number;
  skipped: number;
  maxLagMs: number;
  lastError?: string;
  readonly failedWrites: Map<string, FailedWrite>;
}

/** The document a change is about (`_id` as the warehouse's `_id`) and the version it carries, for the failure record. */
function changedDocument(change: DriverChangeEvent): { id: string; write: FailedWrite } | undefined {
  const key = change.fullDocument?._id ?? change.documentKey?._id;
  if (key === undefined) return undefined;
  if (change.operationType === 'delete') return { id: idText(fromDriver(key)), write: 'delete' };
  const updatedAt = change.fullDocument?.updated_at;
  return { id: idText(fromDriver(key)), write: updatedAt instanceof Date ? updatedAt.getTime() : 0 };
}

function recordRun(change: DriverChangeEvent, counters: Counters, failed: boolean): void {
  const document = changedDocument(change);
  if (!document) return;
  if (failed) counters.failedWrites.set(document.id, document.write);
  else counters.failedWrites.delete(document.id);
}

/** One function run: its time, then an injected failure, nothing to write, or the write; a run that throws failed (Atlas does not retry it). */
async function runFunction(change: DriverChangeEvent, options: ResolvedOptions, warehouse: Client, counters: Counters): Promise<void> {
  if (options.delayMs > 0) await sleep(options.delayMs);
  if (options.random() < options.failureRate) {
    counters.failed++;
    recordRun(change, counters, true);
    return;
  }
  try {
    const row = triggerRow(change, Date.now());
    if (!row) {
      counters.skipped++;
      return;
    }
    await warehouse.query(triggerWriteSql(options.table), triggerWriteParameters(row));
    counters.applied++;
    counters.maxLagMs = Math.max(counters.maxLagMs, row.eventTsMs - row.sourceTsMs);
    recordRun(change, counters, false);
  } catch (error) {
    counters.failed++;
    counters.lastError = (error as Error).message;
    recordRun(change, counters, true);
  }
}

/** A change as the emulator's reader saw it: the function runs no sooner than `seenAt` + the lag. */
interface SeenChange {
  readonly change: DriverChangeEvent;
  readonly seenAt: number;
}

/** Waits until `until` in short sleeps; false when `stillWanted` turned false first. */
async function waitUntilTime(until: number, stillWanted: () => boolean): Promise<boolean> {
  for (let left = until - Date.now(); left > 0 && stillWanted(); left = until - Date.now()) await sleep(Math.min(left, 50));
  return stillWanted();
}

/**
 * Where a stream starts: the first time, from now; then after the last event handled, or, when none was,
 * from the second the emulator was first enabled (the stand-in gives no resume token before the first
 * event). That second may hold changes from just before the start: harmless under the version guard.
 */
function resumePosition(token: ResumeToken | undefined, firstEnabledAt: DriverTimestamp | undefined): ChangeStreamOptions {
  if (token) return { resumeAfter: token };
  return firstEnabledAt ? { startAtOperationTime: firstEnabledAt } : {};
}

/** Starts an enabled emulator: its change stream is open (events from now on are seen) when this resolves. */
export async function startTriggerEmulator(options: TriggerEmulatorOptions): Promise<TriggerEmulator> {
  const settings = resolveOptions(options);
  const mongo = new MongoClient(settings.mongodbUrl, { serverSelectionTimeoutMS: 10_000 });
  const warehouse = new Client({ connectionString: settings.warehouseUrl });
  await mongo.connect();
  await warehouse.connect();
  const counters: Counters = { applied: 0, failed: 0, skipped: 0, maxLagMs: 0, failedWrites: new Map() };
  const collection = mongo.db(settings.database).collection(settings.collection);
  let token: ResumeToken | undefined;
  let firstEnabledAt: DriverTimestamp | undefined;
  let stream: ChangeStream | undefined;
  let running: Promise<void> | undefined;
  let enabled = false;
  let queue: SeenChange[] = [];

  /** Reads the stream as fast as it gives: every change is stamped when seen, and run later, in order. */
  async function read(open: ChangeStream, first: DriverChangeEvent | null): Promise<void> {
    if (first) queue.push({ change: first, seenAt: Date.now() });
    while (enabled) {
      const change = (await open.tryNext()) as DriverChangeEvent | null;
      if (change) queue.push({ change, seenAt: Date.now() });
      else await sleep(settings.pollIntervalMs);
    }
  }

  /** Runs the changes one at a time, each once its lag has passed; stops after the run in flight when disabled. */
  async function run(): Promise<void> {
    while (enabled) {
      const next = queue[0];
      if (!next) {
        await sleep(settings.pollIntervalMs);
        continue;
      }
      if (!(await waitUntilTime(next.seenAt + settings.lagMs, () => enabled))) break;
      queue.shift();
      await runFunction(next.change, settings, warehouse, counters);
      token = (next.change as unknown as { _id: ResumeToken })._id;
    }
  }

  const emulator: TriggerEmulator = {
    isEnabled: () => enabled,
    stats: () => {
      const { failedWrites: _failed, ...stats } = counters;
      return stats;
    },
    lagMs: () => (queue[0] ? Date.now() - queue[0].seenAt : 0),
    backlog: () => queue.length,
    failedWrites: () => new Map(counters.failedWrites),
    async enable() {
      if (enabled) return;
      stream = collection.watch([], { fullDocument: 'updateLookup', ...resumePosition(token, firstEnabledAt), ...RAW_VALUES });
      firstEnabledAt ??= new DriverTimestamp({ t: Math.floor(Date.now() / 1000), i: 0 });
      // The first read opens the stream on the server: from here on, no change is missed.
      const first = (await stream.tryNext()) as DriverChangeEvent | null;
      enabled = true;
      queue = [];
      const reading = read(stream, first);
      running = Promise.all([reading, run()]).then(() => undefined).catch((error: Error) => {
        // The stream broke (the stand-in went away): the emulator stops, as a suspended Atlas trigger does.
        enabled = false;
        counters.lastError = `change stream: ${error.message}`;
      });
    },
    async disable() {
      enabled = false;
      await running;
      await stream?.close();
      // What was seen and not run is read again from the token on enable().
      queue = [];
      running = stream = undefined;
    },
    async close() {
      await emulator.disable();
      await Promise.all([mongo.close(), warehouse.end()]);
    },
  };
  await emulator.enable();
  return emulator;
}

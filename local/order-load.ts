import { sleep } from '../connectors/connect/poll';
import { BsonDate, type BsonDocument } from '../connectors/contracts/bson';
import { customerId, orderDocument, orderId, seededRandom } from './sample-data';
import type { StandInOperation, StandInWriter } from './standin-writer';

/**
 * A steady load of realistic order changes for migration rehearsals on the MongoDB stand-in: orders
 * (line items, Decimal128 money, ObjectId keys: local/sample-data.ts) inserted, moved on by `$set`,
 * replaced whole and deleted, at a fixed rate. Every change sets `updated_at` from a clock that never
 * repeats a millisecond, so a row's `updated_at` names the version it holds (local/source-comparison.ts).
 */

export interface OrderLoadOptions {
  readonly database: string;
  /** @default 'orders' */
  readonly collection?: string;
  /** Changes per second. */
  readonly ratePerSecond: number;
  /** @default 1 */
  readonly seed?: number;
  /** Index of the first order inserted (keeps runs on one database apart). @default 1 */
  readonly firstIndex?: number;
}

export interface OrderLoadCounts {
  readonly insert: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
}

/** What the load has written so far, and which orders exist now. */
export interface OrderLoadState {
  readonly live: number[];
  readonly createdAt: Map<number, number>;
  nextIndex: number;
  lastMs: number;
  readonly counts: { -readonly [K in keyof OrderLoadCounts]: number };
}

export function newOrderLoadState(firstIndex = 1): OrderLoadState {
  return { live: [], createdAt: new Map(), nextIndex: firstIndex, lastMs: 0, counts: { insert: 0, update: 0, replace: 0, delete: 0 } };
}

/** Below this many orders the load only inserts, so that updates and deletes have orders to touch. */
const MINIMUM_LIVE = 20;
const STATUSES = ['paid', 'packed', 'shipped', 'delivered', 'returned'];

/** The mix: 30 % inserts, 45 % updates, 10 % replaces, 15 % deletes. */
function pickKind(state: OrderLoadState, roll: number): keyof OrderLoadCounts {
  if (state.live.length < MINIMUM_LIVE || roll < 0.3) return 'insert';
  if (roll < 0.75) return 'update';
  return roll < 0.85 ? 'replace' : 'delete';
}

/** The next change of the load (and the state it leaves). `nowMs` is moved on when it would repeat a millisecond. */
export function planOrderChange(state: OrderLoadState, random: () => number, nowMs: number, target: { database: string; collection: string }): StandInOperation {
  const at = (state.lastMs = Math.max(nowMs, state.lastMs + 1));
  const kind = pickKind(state, random());
  state.counts[kind]++;
  if (kind === 'insert') {
    const index = state.nextIndex++;
    state.live.push(index);
    state.createdAt.set(index, at);
    return { op: 'insert', ...target, document: orderDocument(index, customerId(index % 50), new Date(at)) };
  }
  const position = Math.floor(random() * state.live.length);
  const index = state.live[position]!;
  if (kind === 'update') {
    const set: BsonDocument = { status: STATUSES[Math.floor(random() * STATUSES.length)]!, updated_at: BsonDate.of(new Date(at)) };
    return { op: 'update', ...target, id: orderId(index), set };
  }
  if (kind === 'replace') {
    const document = { ...orderDocument(index, customerId(index % 50), new Date(state.createdAt.get(index)!)), status: 'amended', updated_at: BsonDate.of(new Date(at)) };
    return { op: 'replace', ...target, document };
  }
  state.live.splice(position, 1);
  state.createdAt.delete(index);
  return { op: 'delete', ...target, id: orderId(index) };
}

export interface OrderLoad {
  /** Stops after the write in flight; resolves with what was written. */
  readonly stop: () => Promise<OrderLoadCounts & { readonly total: number }>;
  /** Stops writing after the write in flight, keeping the orders it knows: resume() carries on with them. */
  readonly pause: () => Promise<void>;
  readonly resume: () => void;
  readonly counts: () => OrderLoadCounts;
}

/** Writes planned changes through the stand-in writer at a fixed rate until stopped (a write that fails stops it with that error). */
export function startOrderLoad(writer: StandInWriter, options: OrderLoadOptions): OrderLoad {
  if (!(options.ratePerSecond > 0)) throw new Error(`order load: ratePerSecond must be above 0 (got ${options.ratePerSecond})`);
  const state = newOrderLoadState(options.firstIndex);
  const random = seededRandom(options.seed ?? 1);
  const target = { database: options.database, collection: options.collection ?? 'orders' };
  const intervalMs = 1000 / options.ratePerSecond;
  let running = false;
  let loop: Promise<void> = Promise.resolve();
  const start = () => {
    if (running) return;
    running = true;
    loop = (async () => {
      const startedAt = Date.now();
      for (let written = 0; running; written++) {
        await sleep(Math.max(0, startedAt + written * intervalMs - Date.now()));
        await writer.write(planOrderChange(state, random, Date.now(), target));
      }
    })();
    // A failed write ends the loop; pause() and stop() rethrow it (no unhandled rejection meanwhile).
    loop.catch(() => undefined);
  };
  const pause = async () => {
    running = false;
    await loop;
  };
  const counts = () => ({ ...state.counts });
  start();
  return {
    counts,
    pause,
    resume: start,
    async stop() {
      await pause();
      const written = counts();
      return { ...written, total: written.insert + written.update + written.replace + written.delete };
    },
  };
}

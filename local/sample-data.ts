import { BsonDate, Decimal128, idText, Int64, ObjectId, type BsonDocument, type BsonValue } from '../connectors/contracts/bson';
import type { ChangeOperation, MongoDocument } from './debezium-events';

/**
 * A small, deterministic day of business for the example pipelines, shaped like production data:
 * customers with a nested address and optional fields; orders with ObjectId keys, line items (an
 * array of sub-documents), Decimal128 money and dates, 1–4 KiB each. Customers are created, orders
 * placed, paid and shipped, one customer's document replaced, a few orders cancelled and deleted.
 * Deterministic, so that tests can assert the warehouse's exact contents.
 */
export interface SampleChange {
  readonly collection: 'customers' | 'orders';
  readonly operation: ChangeOperation;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'.split(' ');
const CITIES: ReadonlyArray<[string, string]> = [['Oslo', 'NO'], ['Lyon', 'FR'], ['Porto', 'PT'], ['Graz', 'AT'], ['Turku', 'FI']];
const TIERS = ['bronze', 'silver', 'gold'] as const;

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const words = (random: () => number, count: number): string => Array.from({ length: count }, () => pick(random, WORDS)).join(' ');
const cents = (random: () => number, max: number): string => (Math.floor(random() * max * 100) / 100).toFixed(2);

/** ObjectIds as MongoDB makes them: 4 bytes of seconds, 5 of process, 3 of counter. */
export function objectIdAt(seconds: number, counter: number): ObjectId {
  return new ObjectId(seconds.toString(16).padStart(8, '0') + 'a1b2c3d4e5' + (counter & 0xffffff).toString(16).padStart(6, '0'));
}

export const customerId = (index: number): ObjectId => objectIdAt(1_767_000_000, 0x100000 + index);
export const orderId = (index: number): ObjectId => objectIdAt(1_767_600_000 + Math.floor(index / 1000), index);

/** A customer: nested address, optional email, phone and loyalty points (Int64), personal data to exclude. */
export function customerDocument(index: number, at: Date): MongoDocument {
  const random = seededRandom(1000 + index);
  const [city, country] = CITIES[index % CITIES.length]!;
  return {
    _id: customerId(index),
    name: `Customer ${index} ${words(random, 1)}`,
    ...(index % 7 === 0 ? {} : { email: `customer${index}@example.com` }),
    ...(index % 3 === 0 ? { phone: `+33 6 ${String(10_000_000 + index).slice(-8)}` } : {}),
    tier: TIERS[index % TIERS.length]!,
    address: { street: `${1 + Math.floor(random() * 200)} ${words(random, 2)} street`, city, postcode: String(10_000 + Math.floor(random() * 89_999)), country },
    ...(index % 4 === 0 ? { loyalty: { points: new Int64(BigInt(index) * 1_000_003n), since: BsonDate.of(at) } } : {}),
    password_hash: `not-a-real-hash-${index}`,
    created_at: BsonDate.of(at),
    updated_at: BsonDate.of(at),
  };
}

/** An order of 1–4 KiB: 1–8 line items with Decimal128 prices, shipping and payment sub-documents, a history array. */
export function orderDocument(index: number, customer: ObjectId, at: Date): MongoDocument {
  const random = seededRandom(index * 7919 + 17);
  const items = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, line) => ({
    sku: `SKU-${String(Math.floor(random() * 5000)).padStart(5, '0')}`,
    name: words(random, 3),
    description: words(random, 4 + Math.floor(random() * 6)),
    quantity: 1 + Math.floor(random() * 5),
    price: new Decimal128(cents(random, 300)),
    tax_rate: new Decimal128(['0.20', '0.10', '0.055'][line % 3]!),
    warehouse: { code: `WH-${Math.floor(random() * 40)}`, bin: `${words(random, 1)}-${Math.floor(random() * 999)}` },
    attributes: { colour: words(random, 1), size: pick(random, ['S', 'M', 'L', 'XL']), weight_g: 100 + Math.floor(random() * 2000) },
  }));
  const total = items.reduce((sum, item) => sum + Math.round(Number(item.price.text) * 100) * item.quantity, 0);
  return {
    _id: orderId(index),
    customer_id: customer,
    status: 'new',
    currency: 'EUR',
    items,
    total: new Decimal128((total / 100).toFixed(2)),
    shipping: { name: `Recipient ${index}`, street: `${1 + Math.floor(random() * 200)} ${words(random, 2)} street`, city: words(random, 1), postcode: String(10_000 + Math.floor(random() * 89_999)), country: pick(random, ['FR', 'NO', 'PT']) },
    payment: { method: ['card', 'paypal', 'transfer'][index % 3]!, reference: `PAY-${index}-${Math.floor(random() * 1e9)}` },
    notes: words(random, 10 + Math.floor(random() * 40)),
    history: [{ at: BsonDate.of(at), status: 'new', by: `user-${index % 97}` }],
    tags: Array.from({ length: Math.floor(random() * 4) }, () => words(random, 1)),
    created_at: BsonDate.of(at),
    updated_at: BsonDate.of(at),
  };
}

export interface SampleDataOptions {
  /** @default 20 */
  readonly customers?: number;
  /** @default 100 */
  readonly orders?: number;
  /** Creation time of the first document. @default 2026-01-05T09:00:00Z */
  readonly start?: Date;
}

/** An order moves on: `status` and `updated_at` set, a history entry appended (what the application's $set writes). */
function advance(order: MongoDocument, status: string, at: Date): { document: MongoDocument; updatedFields: BsonDocument } {
  const history = [...(order.history as readonly BsonValue[]), { at: BsonDate.of(at), status, by: 'fulfilment' }];
  const updatedFields = { status, updated_at: BsonDate.of(at), history };
  return { document: { ...order, ...updatedFields }, updatedFields };
}

export function sampleChanges(options: SampleDataOptions = {}): SampleChange[] {
  const { customers = 20, orders = 100, start = new Date('2026-01-05T09:00:00Z') } = options;
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
  const changes: SampleChange[] = [];
  const customerDocs = Array.from({ length: customers }, (_, i) => customerDocument(i + 1, at(i + 1)));
  for (const document of customerDocs) changes.push({ collection: 'customers', operation: { kind: 'insert', document } });
  const orderDocs = Array.from({ length: orders }, (_, i) => orderDocument(i + 1, customerId(((i + 1) * 7) % customers + 1), at(60 + (i + 1) * 20)));
  for (const document of orderDocs) changes.push({ collection: 'orders', operation: { kind: 'insert', document } });
  // Every third order is paid, every sixth shipped afterwards.
  for (let i = 3; i <= orders; i += 3) {
    const paid = advance(orderDocs[i - 1]!, 'paid', at(60 + i * 20 + 600));
    orderDocs[i - 1] = paid.document;
    changes.push({ collection: 'orders', operation: { kind: 'update', ...paid } });
    if (i % 6 === 0) {
      const shipped = advance(paid.document, 'shipped', at(60 + i * 20 + 1200));
      orderDocs[i - 1] = shipped.document;
      changes.push({ collection: 'orders', operation: { kind: 'update', ...shipped } });
    }
  }
  // A customer moves up a tier: the application replaces the whole document.
  if (customers >= 2) {
    const replaced: MongoDocument = { ...customerDocs[1]!, tier: 'platinum', updated_at: BsonDate.of(at(5000)) };
    changes.push({ collection: 'customers', operation: { kind: 'replace', document: replaced } });
  }
  // Orders cancelled before payment are deleted.
  for (let i = 10; i <= orders; i += 25) changes.push({ collection: 'orders', operation: { kind: 'delete', id: orderId(i) } });
  return changes;
}

/** What the warehouse must hold after the changes: the last state of every document not deleted, by its `_id` text. */
export function expectedFinalState(changes: readonly SampleChange[]): Map<string, Map<string, MongoDocument>> {
  const state = new Map<string, Map<string, MongoDocument>>([['customers', new Map()], ['orders', new Map()]]);
  for (const { collection, operation } of changes) {
    const documents = state.get(collection)!;
    if (operation.kind === 'delete') documents.delete(idText(operation.id));
    else documents.set(idText(operation.document._id), operation.document);
  }
  return state;
}

/** The `_id` texts the changes delete (and that no later change brings back). */
export function deletedIds(changes: readonly SampleChange[], collection: SampleChange['collection']): string[] {
  const final = expectedFinalState(changes).get(collection)!;
  return changes.flatMap((change) => (change.collection === collection && change.operation.kind === 'delete' && !final.has(idText(change.operation.id)) ? [idText(change.operation.id)] : []));
}

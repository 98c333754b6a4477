import { Double, type ChangeOperation, type MongoDocument } from './debezium-events';

/**
 * A small, deterministic day of business for the example pipelines: customers are created, orders
 * placed, paid and shipped, one customer's document replaced, a few orders cancelled and deleted.
 * Deterministic so that tests can assert the warehouse's exact contents.
 */
export interface SampleChange {
  readonly collection: 'customers' | 'orders';
  readonly operation: ChangeOperation;
}

const TIERS = ['bronze', 'silver', 'gold'] as const;
const CITIES: ReadonlyArray<[string, string]> = [['Oslo', 'NO'], ['Lyon', 'FR'], ['Porto', 'PT'], ['Graz', 'AT'], ['Turku', 'FI']];
const SKUS: ReadonlyArray<[string, number]> = [['SKU-KEYBOARD', 49.9], ['SKU-MOUSE', 19.5], ['SKU-SCREEN', 189], ['SKU-CABLE', 7.25]];

export interface SampleDataOptions {
  /** @default 20 */
  readonly customers?: number;
  /** @default 100 */
  readonly orders?: number;
  /** Creation time of the first document. @default 2026-01-05T09:00:00Z */
  readonly start?: Date;
}

export function customerId(index: number): string {
  return `c-${String(index).padStart(4, '0')}`;
}

export function orderId(index: number): string {
  return `o-${String(index).padStart(6, '0')}`;
}

export function sampleChanges(options: SampleDataOptions = {}): SampleChange[] {
  const { customers = 20, orders = 100, start = new Date('2026-01-05T09:00:00Z') } = options;
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
  const changes: SampleChange[] = [];
  const customerDocs: MongoDocument[] = [];
  for (let i = 1; i <= customers; i++) {
    const [city, country] = CITIES[i % CITIES.length]!;
    const doc: MongoDocument = {
      _id: customerId(i),
      name: `Customer ${i}`,
      email: `customer${i}@example.com`,
      tier: TIERS[i % TIERS.length]!,
      address: { city, country },
      password_hash: `not-a-real-hash-${i}`,
      created_at: at(i),
      updated_at: at(i),
    };
    customerDocs.push(doc);
    changes.push({ collection: 'customers', operation: { kind: 'insert', document: doc } });
  }
  const orderDocs: MongoDocument[] = [];
  for (let i = 1; i <= orders; i++) {
    const [sku, price] = SKUS[i % SKUS.length]!;
    const doc: MongoDocument = {
      _id: orderId(i),
      customer_id: customerId(((i * 7) % customers) + 1),
      status: 'new',
      sku,
      quantity: (i % 5) + 1,
      unit_price: new Double(price),
      currency: 'EUR',
      created_at: at(60 + i * 20),
      updated_at: at(60 + i * 20),
    };
    orderDocs.push(doc);
    changes.push({ collection: 'orders', operation: { kind: 'insert', document: doc } });
  }
  // Every third order is paid, every sixth shipped afterwards.
  for (let i = 3; i <= orders; i += 3) {
    const previous = orderDocs[i - 1]!;
    const paid = { ...previous, status: 'paid', updated_at: at(60 + i * 20 + 600) } as MongoDocument;
    orderDocs[i - 1] = paid;
    changes.push({ collection: 'orders', operation: { kind: 'update', document: paid, updatedFields: { status: 'paid', updated_at: paid.updated_at } } });
    if (i % 6 === 0) {
      const shipped = { ...paid, status: 'shipped', updated_at: at(60 + i * 20 + 1200) } as MongoDocument;
      orderDocs[i - 1] = shipped;
      changes.push({ collection: 'orders', operation: { kind: 'update', document: shipped, updatedFields: { status: 'shipped', updated_at: shipped.updated_at } } });
    }
  }
  // A customer moves up a tier: the application replaces the whole document.
  if (customers >= 2) {
    const replaced = { ...customerDocs[1]!, tier: 'platinum', updated_at: at(5000) } as MongoDocument;
    customerDocs[1] = replaced;
    changes.push({ collection: 'customers', operation: { kind: 'replace', document: replaced } });
  }
  // Orders cancelled before payment are deleted.
  for (let i = 10; i <= orders; i += 25) changes.push({ collection: 'orders', operation: { kind: 'delete', id: orderId(i) } });
  return changes;
}

/** What the warehouse must hold after the sample changes: the last state of every document not deleted. */
export function expectedFinalState(changes: readonly SampleChange[]): Map<string, Map<string, MongoDocument>> {
  const state = new Map<string, Map<string, MongoDocument>>([['customers', new Map()], ['orders', new Map()]]);
  for (const { collection, operation } of changes) {
    const documents = state.get(collection)!;
    if (operation.kind === 'delete') documents.delete(operation.id);
    else documents.set(operation.document._id, operation.document);
  }
  return state;
}

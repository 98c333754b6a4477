import type { FakeAtlasState, FakeLogEntry } from '../../support/fake-atlas-admin-api';

/**
 * What the fake Admin API serves in these tests: one app with a trigger of each type, Database
 * triggers with and without filters, and the hostile and malformed items the inventory must survive.
 */
export const GROUP_ID = '64b0c0ffee0000000000a001';
export const APP_ID = '64b0c0ffee0000000000b001';

/** Test-only key pair, built at run time: no credential literal sits in the repository. */
export const KEYS = { publicKey: ['fake', 'public'].join('-'), privateKey: ['fake', 'private', 'key', 'for', 'tests'].join('-') };

/** A function source with a literal credential in it, to check masking (not a real credential). */
export const LEAKY_URI = ['mongodb+srv://etl', 'fixture-password@cluster0.example.net/shop'].join(':');

const trigger = (id: number, fields: Record<string, unknown>) => ({ _id: `64b0c0ffee00000000000${String(100 + id)}`, disabled: false, ...fields });

export const TRIGGERS = {
  orders: trigger(1, {
    name: 'syncOrders',
    type: 'DATABASE',
    function_id: 'f-orders',
    function_name: 'syncOrders',
    config: {
      service_id: 'svc',
      database: 'shop',
      collection: 'orders',
      operation_types: ['INSERT', 'UPDATE', 'REPLACE', 'DELETE'],
      full_document: true,
      project: { 'fullDocument.internal_notes': 0 },
    },
    event_processors: { FUNCTION: { config: { function_id: 'f-orders', function_name: 'syncOrders' } } },
  }),
  paidPayments: trigger(2, {
    name: 'onPaymentPaid',
    type: 'DATABASE',
    function_id: 'f-payments',
    config: {
      database: 'shop',
      collection: 'payments',
      operation_types: ['INSERT', 'UPDATE', 'CREATE_COLLECTION'],
      match: { 'fullDocument.status': 'paid' },
      full_document: false,
      unordered: true,
    },
  }),
  nightly: trigger(3, { name: 'nightlyRollup', type: 'SCHEDULED', function_id: 'f-rollup', config: { schedule: '0 2 * * *' } }),
  welcome: trigger(4, { name: 'welcomeEmail', type: 'AUTHENTICATION', function_id: 'f-welcome', config: { operation_type: 'CREATE', providers: ['local-userpass'] } }),
  wholeDatabase: trigger(5, { name: 'auditEverything', type: 'DATABASE', function_id: 'f-orders', config: { database: 'shop', operation_types: ['INSERT'] } }),
  /** Hostile names: path separators and traversal in the trigger, the collection and the database. */
  hostile: trigger(6, {
    name: '../../etc/passwd',
    type: 'DATABASE',
    function_id: 'f-orders',
    config: { database: 'shop', collection: '../../../tmp/evil', operation_types: ['INSERT'] },
    surprise_field: { nested: true },
  }),
  slashInName: trigger(7, {
    name: 'orders/archive\\x',
    type: 'DATABASE',
    config: { database: 'shop', collection: 'Orders Archive', operation_types: ['INSERT', 'UPDATE'] },
  }),
  noConfig: trigger(8, { name: 'brokenTrigger', type: 'DATABASE', function_id: 'f-orders' }),
  /** Same collection as `orders`: one pipeline must serve both. */
  ordersDeletes: trigger(9, { name: 'auditOrderDeletes', type: 'DATABASE', config: { database: 'shop', collection: 'orders', operation_types: ['DELETE'] } }),
};

export const MALFORMED_TRIGGERS: unknown[] = [
  { name: 'noIdOrType' },
  'not even an object',
  { _id: '64b0c0ffee0000000000f001', name: 'futureKind', type: 'LOGIN_STREAM', config: {} },
];

export const FUNCTIONS = [
  { _id: 'f-orders', name: 'syncOrders', source: `exports = async function(changeEvent) {\n  const client = connect("${LEAKY_URI}");\n  await client.upsert(changeEvent.fullDocument);\n};\n` },
  { _id: 'f-payments', name: 'payments/../../handler', source: 'exports = function(event) { return event; };\n' },
  { _id: 'f-rollup', name: 'nightlyRollup', source: 'exports = function() { /* rollup */ };\n' },
  { _id: 'f-welcome', name: 'welcome', source: '// ```\nexports = function(user) {};\n' },
];

/** Logs: executions with known durations, failures with known messages, and a page boundary inside one timestamp. */
export function logs(now: Date): FakeLogEntry[] {
  const at = (minutesAgo: number, durationMs: number, fields: Partial<FakeLogEntry>): FakeLogEntry => {
    const started = new Date(now.getTime() - minutesAgo * 60_000);
    return { type: 'DB_TRIGGER', started: started.toISOString(), completed: new Date(started.getTime() + durationMs).toISOString(), ...fields };
  };
  const entries: FakeLogEntry[] = [];
  // syncOrders: 250 successes of 10..259 ms; the 99th to 102nd newest share one instant, so the
  // 100-entry page boundary falls among them and the next page needs nextSkip.
  for (let index = 0; index < 250; index += 1) {
    const minutesAgo = 30 + (index >= 98 && index <= 101 ? 98 : index);
    entries.push(at(minutesAgo, 10 + index, { event_subscription_id: TRIGGERS.orders._id, event_subscription_name: 'syncOrders' }));
  }
  // syncOrders: 5 failures, 3 with one message and 2 with another.
  for (let index = 0; index < 5; index += 1) {
    entries.push(at(400 + index, 1000, { event_subscription_id: TRIGGERS.orders._id, error: index < 3 ? 'connection refused by warehouse' : 'duplicate key', error_code: 'FunctionExecutionError' }));
  }
  // onPaymentPaid, identified by name only.
  for (let index = 0; index < 3; index += 1) entries.push(at(500 + index, 100, { event_subscription_name: 'onPaymentPaid' }));
  // nightlyRollup runs.
  for (let index = 0; index < 2; index += 1) entries.push(at(600 + index * 60, 5000, { type: 'SCHEDULED_TRIGGER', event_subscription_id: TRIGGERS.nightly._id }));
  // Outside the default 7-day window: must not count.
  entries.push(at(8 * 24 * 60, 10, { event_subscription_id: TRIGGERS.orders._id }));
  return entries;
}

export function fakeState(now: Date, overrides: Partial<FakeAtlasState> = {}): FakeAtlasState {
  return {
    ...KEYS,
    groupId: GROUP_ID,
    apps: [{ _id: APP_ID, name: 'shop-app', client_app_id: 'shop-app-abcde' }],
    triggers: { [APP_ID]: [...Object.values(TRIGGERS), ...MALFORMED_TRIGGERS] },
    functions: { [APP_ID]: FUNCTIONS },
    logs: { [APP_ID]: logs(now) },
    ...overrides,
  };
}

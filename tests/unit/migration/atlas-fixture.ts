import type { FakeApp, FakeAtlasState, FakeLogEntry } from '../../support/fake-atlas-admin-api';

/**
 * What the fake Admin API serves in these tests, the way a project that made its triggers in the
 * Atlas UI has them: the app of product `atlas` ("Triggers", which a list without `product` leaves
 * out) holds a trigger of each type, Database triggers with and without filters, and the hostile and
 * malformed items the inventory must survive; an App Services app (product `standard`) holds one
 * more. Every id is ObjectId-shaped, as the API's are.
 */
export const GROUP_ID = '64b0c0ffee0000000000a001';
export const TRIGGERS_APP: FakeApp = { _id: '64b0c0ffee0000000000b001', name: 'Triggers', client_app_id: 'triggers-kqzvt', product: 'atlas' };
export const STANDARD_APP: FakeApp = { _id: '64b0c0ffee0000000000b002', name: 'shop-app', client_app_id: 'shop-app-abcde', product: 'standard' };

/** `_id` of the `mongodb-atlas` data source the Database triggers watch. */
const SERVICE_ID = '64b0c0ffee0000000000e001';

export const FUNCTION_IDS = {
  orders: '64b0c0ffee0000000000c001',
  payments: '64b0c0ffee0000000000c002',
  rollup: '64b0c0ffee0000000000c003',
  welcome: '64b0c0ffee0000000000c004',
  invoices: '64b0c0ffee0000000000c005',
};

/** Test-only key pair, built at run time: no credential literal sits in the repository. */
export const KEYS = { publicKey: ['fake', 'public'].join('-'), privateKey: ['fake', 'private', 'key', 'for', 'tests'].join('-') };

/** A function source with a literal credential in it, to check masking (not a real credential). */
export const LEAKY_URI = ['mongodb+srv://etl', 'fixture-password@cluster0.example.net/shop'].join(':');

const trigger = <Fields extends { readonly name: string }>(id: number, fields: Fields) => ({ _id: `64b0c0ffee00000000000${String(100 + id)}`, disabled: false, ...fields });

export const TRIGGERS = {
  orders: trigger(1, {
    name: 'syncOrders',
    type: 'DATABASE',
    function_id: FUNCTION_IDS.orders,
    function_name: 'syncOrders',
    config: {
      service_id: SERVICE_ID,
      database: 'shop',
      collection: 'orders',
      operation_types: ['INSERT', 'UPDATE', 'REPLACE', 'DELETE'],
      full_document: true,
      project: { 'fullDocument.internal_notes': 0 },
    },
    event_processors: { FUNCTION: { config: { function_id: FUNCTION_IDS.orders, function_name: 'syncOrders' } } },
  }),
  paidPayments: trigger(2, {
    name: 'onPaymentPaid',
    type: 'DATABASE',
    function_id: FUNCTION_IDS.payments,
    config: {
      service_id: SERVICE_ID,
      database: 'shop',
      collection: 'payments',
      operation_types: ['INSERT', 'UPDATE', 'CREATE_COLLECTION'],
      match: { 'fullDocument.status': 'paid' },
      full_document: false,
      unordered: true,
    },
  }),
  nightly: trigger(3, { name: 'nightlyRollup', type: 'SCHEDULED', function_id: FUNCTION_IDS.rollup, config: { schedule: '0 2 * * *' } }),
  welcome: trigger(4, { name: 'welcomeEmail', type: 'AUTHENTICATION', function_id: FUNCTION_IDS.welcome, config: { operation_type: 'CREATE', providers: ['local-userpass'] } }),
  wholeDatabase: trigger(5, { name: 'auditEverything', type: 'DATABASE', function_id: FUNCTION_IDS.orders, config: { service_id: SERVICE_ID, database: 'shop', operation_types: ['INSERT'] } }),
  /** Hostile names: path separators and traversal in the trigger, the collection and the database. */
  hostile: trigger(6, {
    name: '../../etc/passwd',
    type: 'DATABASE',
    function_id: FUNCTION_IDS.orders,
    config: { service_id: SERVICE_ID, database: 'shop', collection: '../../../tmp/evil', operation_types: ['INSERT'] },
    surprise_field: { nested: true },
  }),
  slashInName: trigger(7, {
    name: 'orders/archive\\x',
    type: 'DATABASE',
    config: { service_id: SERVICE_ID, database: 'shop', collection: 'Orders Archive', operation_types: ['INSERT', 'UPDATE'] },
  }),
  noConfig: trigger(8, { name: 'brokenTrigger', type: 'DATABASE', function_id: FUNCTION_IDS.orders }),
  /** Same collection as `orders`: one pipeline must serve both. */
  ordersDeletes: trigger(9, { name: 'auditOrderDeletes', type: 'DATABASE', config: { service_id: SERVICE_ID, database: 'shop', collection: 'orders', operation_types: ['DELETE'] } }),
};

/** The App Services app's one trigger. */
export const STANDARD_APP_TRIGGER = trigger(10, {
  name: 'syncInvoices',
  type: 'DATABASE',
  function_id: FUNCTION_IDS.invoices,
  config: { service_id: SERVICE_ID, database: 'billing', collection: 'invoices', operation_types: ['INSERT', 'UPDATE'], full_document: true },
});

export const MALFORMED_TRIGGERS: unknown[] = [
  { name: 'noIdOrType' },
  'not even an object',
  { _id: '64b0c0ffee0000000000f001', name: 'futureKind', type: 'LOGIN_STREAM', config: {} },
];

export const FUNCTIONS = [
  { _id: FUNCTION_IDS.orders, name: 'syncOrders', source: `exports = async function(changeEvent) {\n  const client = connect("${LEAKY_URI}");\n  await client.upsert(changeEvent.fullDocument);\n};\n` },
  { _id: FUNCTION_IDS.payments, name: 'payments/../../handler', source: 'exports = function(event) { return event; };\n' },
  { _id: FUNCTION_IDS.rollup, name: 'nightlyRollup', source: 'exports = function() { /* rollup */ };\n' },
  { _id: FUNCTION_IDS.welcome, name: 'welcome', source: '// ```\nexports = function(user) {};\n' },
];

/** What a change stream that cannot resume logs as a TRIGGER_FAILURE. */
export const HISTORY_LOST = '(ChangeStreamHistoryLost) Resume of change stream was not possible, as the resume point may no longer be in the oplog.';

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
  // The triggers themselves failing (TRIGGER_FAILURE: BaseLog, the trigger's id and name, error).
  const triggerFailure = (minutesAgo: number, trigger: { _id: string; name: string }, error: string) =>
    at(minutesAgo, 0, { type: 'TRIGGER_FAILURE', event_subscription_id: trigger._id, event_subscription_name: trigger.name, error });
  entries.push(triggerFailure(700, TRIGGERS.orders, HISTORY_LOST), triggerFailure(701, TRIGGERS.orders, HISTORY_LOST));
  entries.push(triggerFailure(900, TRIGGERS.nightly, 'execution time limit exceeded'));
  // Outside the default 7-day window: must not count.
  entries.push(at(8 * 24 * 60, 10, { event_subscription_id: TRIGGERS.orders._id }));
  entries.push(triggerFailure(8 * 24 * 60, TRIGGERS.orders, HISTORY_LOST));
  // Older than the 10 days Atlas keeps: the fake no longer has it, whatever the window.
  entries.push(at(12 * 24 * 60, 10, { event_subscription_id: TRIGGERS.orders._id }));
  return entries;
}

/** The App Services app's logs: two runs of its one trigger. */
function standardAppLogs(now: Date): FakeLogEntry[] {
  return [1, 2].map((hoursAgo) => {
    const started = new Date(now.getTime() - hoursAgo * 3_600_000);
    return { type: 'DB_TRIGGER', started: started.toISOString(), completed: new Date(started.getTime() + 40).toISOString(), event_subscription_id: STANDARD_APP_TRIGGER._id };
  });
}

export function fakeState(now: Date, overrides: Partial<FakeAtlasState> = {}): FakeAtlasState {
  return {
    ...KEYS,
    groupId: GROUP_ID,
    apps: [TRIGGERS_APP, STANDARD_APP],
    triggers: { [TRIGGERS_APP._id]: [...Object.values(TRIGGERS), ...MALFORMED_TRIGGERS], [STANDARD_APP._id]: [STANDARD_APP_TRIGGER] },
    functions: {
      [TRIGGERS_APP._id]: FUNCTIONS,
      [STANDARD_APP._id]: [{ _id: FUNCTION_IDS.invoices, name: 'syncInvoices', source: 'exports = async function(changeEvent) { return changeEvent; };\n' }],
    },
    logs: { [TRIGGERS_APP._id]: logs(now), [STANDARD_APP._id]: standardAppLogs(now) },
    now,
    ...overrides,
  };
}

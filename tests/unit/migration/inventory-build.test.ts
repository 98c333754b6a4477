import type { PipelineDefinition } from '../../../connectors/pipelines/define';
import type { TriggerBaseline } from '../../../migration/baseline';
import { buildInventory, type InventoryFunction, type InventoryInput, type InventoryResult } from '../../../migration/inventory';

/**
 * buildInventory in process, from trigger definitions as the Admin API's adminListTriggers returns
 * them: what an operator reads in inventory.json and report.md for each trigger. Ids are
 * ObjectId-shaped, as the API's are.
 */
const GROUP_ID = '64b0c0ffee0000000000a001';
const APP = { _id: '64b0c0ffee0000000000b001', name: 'Triggers', product: 'atlas' };
const SERVICE_ID = '64b0c0ffee0000000000e001';
const FUNCTION_ID = '64b0c0ffee0000000000c001';
const NO_RUNS: TriggerBaseline = { executions: 0, failures: 0, p50_ms: null, p95_ms: null, top_errors: [], trigger_failures: 0, top_trigger_failures: [] };

let nextId = 0;
const objectId = () => `64b0c0ffee0000000000d${String(100 + (nextId += 1)).padStart(3, '0')}`;

/** A Database trigger as the API returns it, watching `shop.<collection>`, with the function as its event processor. */
function databaseTrigger(name: string, config: Record<string, unknown>, fields: Record<string, unknown> = {}) {
  return {
    _id: objectId(),
    name,
    type: 'DATABASE',
    disabled: false,
    function_id: FUNCTION_ID,
    config: { service_id: SERVICE_ID, database: 'shop', operation_types: ['INSERT', 'UPDATE', 'REPLACE', 'DELETE'], full_document: true, ...config },
    event_processors: { FUNCTION: { config: { function_id: FUNCTION_ID, function_name: 'syncShop' } } },
    ...fields,
  };
}

function build(rawTriggers: readonly unknown[], options: Partial<InventoryInput> = {}): InventoryResult {
  return buildInventory({ project: GROUP_ID, app: APP, rawTriggers, functions: [], baselineOf: () => NO_RUNS, existingPipelines: [], ...options });
}
const only = (rawTriggers: readonly unknown[], options: Partial<InventoryInput> = {}) => {
  const result = build(rawTriggers, options);
  expect(result.triggers).toHaveLength(1);
  return result.triggers[0]!;
};

describe('buildInventory: items that are not triggers', () => {
  it('names each by index and name, says what is wrong, and keeps the triggers', () => {
    const result = build([{ name: 'noIdOrType' }, 'not even an object', { _id: objectId(), name: 'futureKind', type: 'LOGIN_STREAM', config: {} }, databaseTrigger('syncOrders', { collection: 'orders' })]);
    expect(result.problems).toEqual([
      { where: 'triggers[0] (noIdOrType)', message: expect.stringMatching(/^not a trigger in the documented shape: _id: .+; type: .+; left out$/) },
      { where: 'triggers[1]', message: expect.stringMatching(/^not a trigger in the documented shape: \(item\): .+; left out$/) },
      { where: 'triggers[2] (futureKind)', message: 'type "LOGIN_STREAM" is not DATABASE, SCHEDULED or AUTHENTICATION; left out' },
    ]);
    expect(result.triggers.map((trigger) => trigger.name)).toEqual(['syncOrders']);
  });

  it('gives no name for an item whose name is not a string', () => {
    expect(build([{ _id: objectId(), name: 42, type: 'DATABASE' }]).problems.map((problem) => problem.where)).toEqual(['triggers[0]']);
    expect(build([null]).problems.map((problem) => problem.where)).toEqual(['triggers[0]']);
  });

  it('shows control characters as ? and cuts a name at 100 characters', () => {
    const at = (name: string) => build([{ name, type: 'LOGIN_STREAM' }]).problems[0]!.where;
    expect(at('bad\nname\u0000\u001f\u007f')).toBe('triggers[0] (bad?name???)');
    expect(at('t'.repeat(100))).toBe(`triggers[0] (${'t'.repeat(100)})`);
    expect(at('t'.repeat(101))).toBe(`triggers[0] (${'t'.repeat(100)}…)`);
  });

  it('reports a function that could not be read, by its name', () => {
    const functions: InventoryFunction[] = [
      { id: FUNCTION_ID, name: 'syncShop', file: 'functions/syncShop.js' },
      { id: '64b0c0ffee0000000000c002', name: 'nightlyRollup', error: 'response larger than 200000 bytes' },
    ];
    expect(build([], { functions }).problems).toEqual([{ where: 'function nightlyRollup', message: 'response larger than 200000 bytes' }]);
  });
});

describe("buildInventory: a trigger's function", () => {
  const functions: InventoryFunction[] = [{ id: FUNCTION_ID, name: 'syncShop', file: 'functions/syncShop.js' }];

  it('is named from the function list when the trigger gives only its id, with its source file', () => {
    const trigger = only([{ _id: objectId(), name: 'nightly', type: 'SCHEDULED', function_id: FUNCTION_ID, config: { schedule: '0 2 * * *' } }], { functions });
    expect(trigger.function).toEqual({ id: FUNCTION_ID, name: 'syncShop', file: 'functions/syncShop.js' });
  });

  it("keeps the trigger's own function name", () => {
    const trigger = only([{ _id: objectId(), name: 'nightly', type: 'SCHEDULED', function_id: FUNCTION_ID, function_name: 'rollup', config: { schedule: '0 2 * * *' } }], { functions });
    expect(trigger.function).toEqual({ id: FUNCTION_ID, name: 'rollup', file: 'functions/syncShop.js' });
  });

  it('is read from the FUNCTION event processor when the trigger has no function_id', () => {
    const { function_id: _, ...trigger } = databaseTrigger('syncOrders', { collection: 'orders' });
    expect(only([trigger], { functions }).function).toEqual({ id: FUNCTION_ID, name: 'syncShop', file: 'functions/syncShop.js' });
    expect(only([trigger]).function).toEqual({ id: FUNCTION_ID, name: 'syncShop' });
  });

  it('ignores processor fields that are not strings, and is absent when nothing names a function', () => {
    const processor = { _id: objectId(), name: 'toBus', type: 'DATABASE', config: { service_id: SERVICE_ID, database: 'shop', collection: 'orders' } };
    const odd = only([{ ...processor, event_processors: { FUNCTION: { config: { function_id: 7, function_name: ['x'] } } } }]);
    expect(odd).not.toHaveProperty('function');
    expect(odd.eventProcessors).toEqual(['FUNCTION']);
    expect(only([processor])).not.toHaveProperty('function');
    expect(only([{ ...processor, event_processors: { FUNCTION: { config: { function_name: 'onlyByName' } } } }]).function).toEqual({ id: undefined, name: 'onlyByName' });
  });

  it('has no file when the listed function was not written, and no name when the list does not know it', () => {
    const unwritten: InventoryFunction[] = [{ id: FUNCTION_ID, name: 'syncShop' }];
    const trigger = { _id: objectId(), name: 'nightly', type: 'SCHEDULED', function_id: FUNCTION_ID, config: { schedule: '0 2 * * *' } };
    expect(only([trigger], { functions: unwritten }).function).toEqual({ id: FUNCTION_ID, name: 'syncShop' });
    expect(only([trigger]).function).toEqual({ id: FUNCTION_ID });
  });
});

describe('buildInventory: what every entry carries', () => {
  it("has the trigger's id, name, type, processors and baseline, and counts a trigger without disabled as enabled", () => {
    const { disabled: _, ...raw } = databaseTrigger('syncOrders', { collection: 'orders' });
    const baselineOf = jest.fn((trigger: { id: string; name: string }) => ({ ...NO_RUNS, executions: trigger.name.length }));
    const trigger = only([raw], { baselineOf });
    expect(trigger).toMatchObject({ id: raw._id, name: 'syncOrders', type: 'DATABASE', disabled: false, eventProcessors: ['FUNCTION'], baseline: { executions: 10 } });
    expect(baselineOf).toHaveBeenCalledWith({ id: raw._id, name: 'syncOrders' });
    expect(only([{ ...raw, event_processors: undefined }]).eventProcessors).toEqual([]);
  });
});

describe('buildInventory: a Database trigger on one collection', () => {
  it('becomes a generated pipeline named from the collection, owned as told, with what it expresses', () => {
    const raw = databaseTrigger('syncOrders', { collection: 'orders', project: { 'fullDocument.internal_notes': 0 } });
    const result = build([raw], { owner: 'bi-platform' });
    const trigger = result.triggers[0]!;
    expect(trigger).toMatchObject({
      namespace: 'shop.orders',
      operationTypes: ['INSERT', 'UPDATE', 'REPLACE', 'DELETE'],
      project: { 'fullDocument.internal_notes': 0 },
      fullDocument: true,
      settings: { service_id: SERVICE_ID },
    });
    expect(trigger.settings).toStrictEqual({ service_id: SERVICE_ID });
    expect(trigger.match).toBeUndefined();
    expect(trigger.fullDocumentBeforeChange).toBeUndefined();
    expect(trigger.replacement).toMatchObject({ kind: 'connector', pipeline: 'orders', summary: 'Debezium MongoDB source + JDBC sink: pipeline "orders" (generated)', unexpressed: [] });
    expect(trigger.replacement.expressed).toEqual([
      'namespace shop.orders → collection.include.list',
      'operation types INSERT, UPDATE, REPLACE, DELETE → every change is captured (no filter needed)',
      'project excludes internal_notes → excludeFields [internal_notes] (ReplaceField exclude)',
    ]);
    expect(trigger.replacement.notes).toEqual([
      'warehouse table "orders" is derived from the collection name: check the function source for the table the trigger wrote and adjust the pipeline\'s table',
    ]);
    expect(result.pipelines).toEqual([
      {
        definition: { name: 'orders', description: 'Replaces the Atlas trigger "syncOrders" on shop.orders', database: 'shop', collection: 'orders', table: 'orders', excludeFields: ['internal_notes'], owner: 'bi-platform' },
        condition: undefined,
        triggers: ['syncOrders'],
      },
    ]);
  });

  it("is owned by 'unassigned' unless told, and excludes no field when the trigger projects none", () => {
    const [pipeline] = build([databaseTrigger('syncOrders', { collection: 'orders' })]).pipelines;
    expect(pipeline!.definition).toEqual({ name: 'orders', description: 'Replaces the Atlas trigger "syncOrders" on shop.orders', database: 'shop', collection: 'orders', table: 'orders', owner: 'unassigned' });
  });

  it('keeps the match, the settings without a filter meaning, and says what each setting means for the connector', () => {
    const trigger = only([
      databaseTrigger('onPaymentPaid', {
        collection: 'payments',
        operation_types: ['INSERT', 'UPDATE'],
        match: { 'fullDocument.status': 'paid' },
        full_document: false,
        full_document_before_change: true,
        tolerate_resume_errors: true,
        unordered: true,
        skip_catchup_events: true,
        maximum_throughput: true,
      }),
    ]);
    expect(trigger).toMatchObject({ match: { 'fullDocument.status': 'paid' }, fullDocument: false, fullDocumentBeforeChange: true });
    expect(trigger.settings).toStrictEqual({ tolerate_resume_errors: true, unordered: true, skip_catchup_events: true, maximum_throughput: true, service_id: SERVICE_ID });
    expect(trigger.replacement.unexpressed).toContain(
      'full_document_before_change: the function received the document before the change; the sink writes the state after it (Debezium can carry pre-images with capture.mode change_streams_update_full_with_pre_image, which the generated source does not set)',
    );
    expect(trigger.replacement.notes).toEqual([
      'full_document was off: the function received only the change for updates; the sink needs whole documents to upsert, so the source looks them up (capture.mode change_streams_update_full)',
      'tolerate_resume_errors: the trigger skipped ahead (losing changes) when its resume token left the oplog; Debezium stops instead, and a new snapshot (snapshot.mode when_needed) restores the data, so a loss is visible',
      'unordered: the trigger ran events out of order; the connector keeps the order of changes per collection',
      'skip_catchup_events: no equivalent needed; a connector resumes from its stored offset',
      'maximum_throughput: scale the sink with tasks.max and batch.size (config collections.<pipeline>.sink) instead',
      'warehouse table "payments" is derived from the collection name: check the function source for the table the trigger wrote and adjust the pipeline\'s table',
    ]);
  });

  it('adds no setting note for settings given as false, and none for full_document left unset', () => {
    const trigger = only([
      databaseTrigger('syncOrders', { collection: 'orders', full_document: undefined, full_document_before_change: false, tolerate_resume_errors: false, unordered: false, skip_catchup_events: false, maximum_throughput: false }),
    ]);
    expect(trigger.settings).toStrictEqual({ tolerate_resume_errors: false, unordered: false, skip_catchup_events: false, maximum_throughput: false, service_id: SERVICE_ID });
    expect(trigger.replacement.notes).toEqual([expect.stringMatching(/^warehouse table "orders" is derived/)]);
    expect(trigger.replacement.unexpressed.join('\n')).not.toMatch(/full_document_before_change/);
  });

  it('says a disabled trigger has no recent executions to compare', () => {
    const trigger = only([databaseTrigger('syncOrders', { collection: 'orders' }, { disabled: true })]);
    expect(trigger.disabled).toBe(true);
    expect(trigger.replacement.notes[0]).toBe('disabled in Atlas: no recent executions to compare; confirm the collection still needs syncing before applying the connector');
  });

  it('says events sent to AWS EventBridge have no destination on this platform', () => {
    const { function_id: _, ...raw } = databaseTrigger('toBus', { collection: 'orders' }, { event_processors: { AWS_EVENTBRIDGE: { config: { account_id: '123456789012', region: 'eu-west-1' } } } });
    const trigger = only([raw]);
    expect(trigger.eventProcessors).toEqual(['AWS_EVENTBRIDGE']);
    expect(trigger.replacement.unexpressed[0]).toBe(
      'events went to AWS EventBridge, not to a function: the generated sink writes the warehouse; an EventBridge destination is not part of this platform',
    );
    expect(trigger.replacement.pipeline).toBe('orders');
  });
});

describe('buildInventory: Database triggers that get no pipeline', () => {
  const nothingGenerated = 'Debezium MongoDB source + JDBC sink, once the collection question below is answered (nothing generated)';

  it('without a config: which collection is unknown', () => {
    const result = build([{ _id: objectId(), name: 'brokenTrigger', type: 'DATABASE', function_id: FUNCTION_ID }]);
    const trigger = result.triggers[0]!;
    expect(trigger.namespace).toBeUndefined();
    expect(trigger.settings).toBeUndefined();
    expect(trigger.replacement).toEqual({
      kind: 'connector',
      summary: nothingGenerated,
      expressed: [],
      unexpressed: ['config is missing: which collection the trigger watches is unknown, so no connector was generated'],
      notes: [],
    });
    expect(result.pipelines).toEqual([]);
  });

  it('with a config not in the documented shape, naming the field', () => {
    const trigger = only([databaseTrigger('oddTrigger', { collection: 'orders', full_document: 'yes' })]);
    expect(trigger.namespace).toBeUndefined();
    expect(trigger.replacement.unexpressed).toEqual([expect.stringMatching(/^config does not have the documented shape \(full_document: [^)]+\): no connector was generated$/)]);
    expect(trigger.replacement.summary).toBe(nothingGenerated);
    const twoIssues = only([databaseTrigger('oddTrigger', { collection: 'orders', operation_types: ['INSERT', 7], unordered: 'no' })]);
    expect(twoIssues.replacement.unexpressed[0]).toMatch(/^config does not have the documented shape \(operation_types\.1: [^;]+; unordered: [^;]+\): no connector was generated$/);
  });

  it('watching the whole deployment', () => {
    const trigger = only([databaseTrigger('auditAll', { database: undefined })]);
    expect(trigger.namespace).toBe('*');
    expect(trigger.replacement.unexpressed).toEqual(['watches the whole deployment (no database): name the collections to capture, one pipeline each; no connector was generated']);
    expect(trigger.replacement).not.toHaveProperty('pipeline');
    expect(trigger.replacement.expressed.join('\n')).not.toMatch(/collection\.include\.list/);
  });

  it('watching every collection of a database', () => {
    const trigger = only([databaseTrigger('auditEverything', {})]);
    expect(trigger.namespace).toBe('shop.*');
    expect(trigger.replacement.unexpressed).toEqual([
      'watches every collection of database shop: name the collections to capture, one pipeline each; no connector was generated',
    ]);
    expect(trigger.replacement.summary).toBe(nothingGenerated);
    expect(trigger.replacement.notes).toEqual([]);
  });

  const cut = (namespace: string) => (namespace.length > 100 ? `${namespace.slice(0, 100)}…` : namespace);
  const unsafe = (database: string, collection: string) =>
    `namespace ${JSON.stringify(cut(`${database}.${collection}`))} has characters that Debezium's include list (comma-separated regular expressions) and topic names cannot carry as they are: write this pipeline by hand; no connector was generated`;

  it.each([
    ['a path in the collection', 'shop', '../../../tmp/evil'],
    ['a space in the collection', 'shop', 'Orders Archive'],
    ['a comma in the collection', 'shop', 'orders,payments'],
    ['a system collection', 'shop', 'system.views'],
    ['a collection starting with a dot', 'shop', '.orders'],
    ['a collection of 121 characters', 'shop', `o${'x'.repeat(120)}`],
    ['a dot in the database', 'shop.eu', 'orders'],
    ['a database of 65 characters', `s${'x'.repeat(64)}`, 'orders'],
    ['a regex character at the end of the database', 'shop$', 'orders'],
    ['a regex character at the start of the database', '^shop', 'orders'],
    ['a regex character at the end of the collection', 'shop', 'orders$'],
  ])('with %s', (_, database, collection) => {
    const result = build([databaseTrigger('hostile', { database, collection })]);
    expect(result.triggers[0]!.replacement.unexpressed).toEqual([unsafe(database, collection)]);
    expect(result.pipelines).toEqual([]);
  });

  it('shows an unsafe namespace of any length cut at 100 characters', () => {
    const collection = `o${'x'.repeat(150)}`;
    expect(only([databaseTrigger('long', { collection })]).replacement.unexpressed[0]).toMatch(new RegExp(`^namespace "shop\\.o${'x'.repeat(94)}…" has characters`));
  });

  it.each([
    ['a database of 64 characters', `s${'x'.repeat(63)}`, 'orders', 'orders'],
    ['a collection of 120 characters with dots and dashes, named in 48', 'shop_eu-1', `o${'x.-'.repeat(39)}x_`, `ox${'_x'.repeat(23)}`],
    ['a collection starting with an underscore, named collection_… in the warehouse', 'shop', '_2024orders', 'collection_2024orders'],
    ['a collection named system without the dot', 'shop', 'systems', 'systems'],
  ])('and one that gets a pipeline, with %s', (_, database, collection, name) => {
    const result = build([databaseTrigger('edge', { database, collection })]);
    expect(result.triggers[0]!.replacement.unexpressed).toEqual([]);
    expect(result.pipelines.map((pipeline) => [pipeline.definition.database, pipeline.definition.collection])).toEqual([[database, collection]]);
    expect(result.pipelines[0]!.definition).toMatchObject({ name, table: name });
  });
});

describe('buildInventory: several Database triggers', () => {
  it('serve one namespace with one pipeline: triggers listed, excluded fields merged, conditions or-ed', () => {
    const sync = databaseTrigger('syncOrders', { collection: 'orders', operation_types: ['INSERT', 'UPDATE'], project: { 'fullDocument.notes': 0, 'fullDocument.internal': 0 } });
    const audit = databaseTrigger('auditOrderDeletes', { collection: 'orders', operation_types: ['DELETE'], project: { 'fullDocument.internal': 0 } });
    const result = build([sync, audit]);
    expect(result.pipelines).toEqual([
      {
        definition: {
          name: 'orders',
          description: 'Replaces the Atlas triggers "syncOrders", "auditOrderDeletes" on shop.orders',
          database: 'shop',
          collection: 'orders',
          table: 'orders',
          excludeFields: ['internal', 'notes'],
          owner: 'unassigned',
        },
        condition: { $or: [{ operationType: { $in: ['insert', 'update'] } }, { operationType: { $in: ['delete'] } }] },
        triggers: ['syncOrders', 'auditOrderDeletes'],
      },
    ]);
    expect(result.triggers.map((trigger) => trigger.replacement.pipeline)).toEqual(['orders', 'orders']);
    expect(result.triggers[0]!.replacement.notes[0]).toBe('"auditOrderDeletes" also watches shop.orders: one pipeline captures what any of them reacted to; compare their functions');
    expect(result.triggers[1]!.replacement.notes[0]).toBe('"syncOrders" also watches shop.orders: one pipeline captures what any of them reacted to; compare their functions');
  });

  it('say "watch" when two others share the namespace', () => {
    const result = build(['a', 'b', 'c'].map((name) => databaseTrigger(name, { collection: 'orders' })));
    expect(result.triggers[0]!.replacement.notes[0]).toBe('"b", "c" also watch shop.orders: one pipeline captures what any of them reacted to; compare their functions');
    expect(result.pipelines).toHaveLength(1);
  });

  it('get their pipelines in namespace order, each named once even when collections share a name', () => {
    const result = build([
      databaseTrigger('syncPayments', { collection: 'payments' }),
      databaseTrigger('syncOrders', { collection: 'orders' }),
      databaseTrigger('archiveOrders', { database: 'archive', collection: 'orders' }),
    ]);
    expect(result.pipelines.map((pipeline) => [pipeline.definition.name, `${pipeline.definition.database}.${pipeline.definition.collection}`])).toEqual([
      ['orders', 'archive.orders'],
      ['orders_2', 'shop.orders'],
      ['payments', 'shop.payments'],
    ]);
    expect(result.triggers.map((trigger) => [trigger.name, trigger.replacement.pipeline])).toEqual([
      ['syncPayments', 'payments'],
      ['syncOrders', 'orders_2'],
      ['archiveOrders', 'orders'],
    ]);
  });

  it('reuse a pipeline the repository already has for the namespace, and never take its name for another', () => {
    const existing: PipelineDefinition[] = [
      { name: 'orders', description: 'Orders', database: 'shop', collection: 'orders', table: 'orders', owner: 'bi-platform' },
      { name: 'payments', description: 'Payments of the EU shop', database: 'shop_eu', collection: 'payments', table: 'payments', owner: 'bi-platform' },
    ];
    const result = build([databaseTrigger('syncOrders', { collection: 'orders' }), databaseTrigger('syncPayments', { collection: 'payments' })], { existingPipelines: existing });
    expect(result.pipelines.map((pipeline) => pipeline.definition.name)).toEqual(['payments_2']);
    const orders = result.triggers[0]!.replacement;
    expect(orders).toMatchObject({ pipeline: 'orders', summary: 'Debezium MongoDB source + JDBC sink: pipeline "orders" (existing)' });
    expect(orders.notes).toEqual(['shop.orders is already captured by pipeline "orders" in connectors/pipelines/: no new pipeline was generated']);
    expect(result.triggers[1]!.replacement).toMatchObject({ pipeline: 'payments_2', summary: 'Debezium MongoDB source + JDBC sink: pipeline "payments_2" (generated)' });
  });
});

describe('buildInventory: a Scheduled trigger', () => {
  const scheduled = (config: unknown) => only([{ _id: objectId(), name: 'nightlyRollup', type: 'SCHEDULED', function_id: FUNCTION_ID, ...(config === undefined ? {} : { config }) }]);

  it('generates no pipeline, even when its config carries a database and a collection (a database trigger\'s keys left in it)', () => {
    const result = build([{ _id: objectId(), name: 'nightlyRollup', type: 'SCHEDULED', function_id: FUNCTION_ID, config: { schedule: '0 2 * * *', database: 'shop', collection: 'orders' } }]);
    expect(result.pipelines).toEqual([]);
    expect(result.triggers[0]!.replacement).toMatchObject({ kind: 'scheduled-job' });
  });

  it('becomes a CronJob on the same schedule', () => {
    const trigger = scheduled({ schedule: '0 2 * * *', skip_catchup_events: false });
    expect(trigger.schedule).toBe('0 2 * * *');
    expect(trigger.replacement).toEqual({
      kind: 'scheduled-job',
      summary:
        "not change capture: run the function's logic on the same schedule (0 2 * * *) as a Kubernetes CronJob, or as a warehouse job (a view, or pg_cron) when it only reshapes warehouse data",
      expressed: ['schedule 0 2 * * * → CronJob spec.schedule (same cron syntax, UTC)'],
      unexpressed: ['the function body: rewrite it as the job (its source is in the inventory)'],
      notes: [],
    });
  });

  it.each(['0 2 * * * *', '@daily', '0 2 * *'])('says %p is not a five-field cron expression', (schedule) => {
    expect(scheduled({ schedule }).replacement.notes).toEqual([`schedule ${JSON.stringify(schedule)} is not a five-field cron expression: a Kubernetes CronJob needs one`]);
  });

  it('counts fields however they are spaced', () => {
    expect(scheduled({ schedule: ' 0  2 *\t* * ' }).replacement.notes).toEqual([]);
  });

  it.each([
    ['without a config', undefined],
    ['with an empty schedule', { schedule: '' }],
  ])('says the schedule is unknown %s', (_, config) => {
    const trigger = scheduled(config);
    expect(trigger.schedule).toBeUndefined();
    expect(trigger.replacement.summary).toBe(
      "not change capture: run the function's logic on the same schedule as a Kubernetes CronJob, or as a warehouse job (a view, or pg_cron) when it only reshapes warehouse data",
    );
    expect(trigger.replacement.expressed).toEqual([]);
    expect(trigger.replacement.unexpressed).toEqual([
      expect.stringMatching(/^config does not have the documented shape \(schedule: [^)]+\): the schedule is unknown$/),
      'the function body: rewrite it as the job (its source is in the inventory)',
    ]);
    expect(trigger.replacement.notes).toEqual([]);
  });
});

describe('buildInventory: an Authentication trigger', () => {
  const authentication = (config: unknown) => only([{ _id: objectId(), name: 'welcomeEmail', type: 'AUTHENTICATION', function_id: FUNCTION_ID, ...(config === undefined ? {} : { config }) }]);
  const deprecated =
    'deprecated by MongoDB with App Services authentication (end of life 30 September 2025): no replacement on this platform; move the user-lifecycle logic to the identity provider';

  it('is deprecated, naming the operation and the providers', () => {
    const trigger = authentication({ operation_type: 'CREATE', providers: ['local-userpass', 'oauth2-google'] });
    expect(trigger.authentication).toEqual({ operationType: 'CREATE', providers: ['local-userpass', 'oauth2-google'] });
    expect(trigger.replacement).toEqual({
      kind: 'deprecated',
      summary: deprecated,
      expressed: [],
      unexpressed: ['authentication events (CREATE via local-userpass, oauth2-google) are not change capture'],
      notes: [],
    });
  });

  it('says the operation is unknown and names no provider when the config gives none', () => {
    expect(authentication({}).replacement.unexpressed).toEqual(['authentication events (unknown operation) are not change capture']);
    expect(authentication(undefined).replacement.unexpressed).toEqual(['authentication events (unknown operation) are not change capture']);
    expect(authentication({ operation_type: 'LOGIN', providers: [] }).replacement.unexpressed).toEqual(['authentication events (LOGIN) are not change capture']);
  });

  it('notes a config not in the documented shape', () => {
    const trigger = authentication({ operation_type: 'DELETE', providers: 5 });
    expect(trigger.authentication).toEqual({});
    expect(trigger.replacement.summary).toBe(deprecated);
    expect(trigger.replacement.unexpressed).toEqual(['authentication events (unknown operation) are not change capture']);
    expect(trigger.replacement.notes).toEqual([expect.stringMatching(/^config does not have the documented shape: providers: .+$/)]);
  });
});

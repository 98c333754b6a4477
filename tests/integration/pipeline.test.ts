/**
 * The connectors and the data path against the real servers of the test runtime: a real Kafka
 * Connect worker with the real Debezium plugins, real Kafka and a real PostgreSQL. MongoDB cannot
 * run here: change events are replayed in Debezium's exact format (local/debezium-events.ts).
 */
import { Client } from 'pg';
import { loadEnvironment, parseEnvironment, type Environment } from '../../config';
import { local } from '../../config/environments/local';
import { apply } from '../../connectors/connect/apply';
import { createConnectClient, type ConnectClient } from '../../connectors/connect/client';
import { diff, hasChanges } from '../../connectors/connect/plan';
import { renderEnvironment, type RenderedConnector } from '../../connectors/render';
import { deadLetterTopic, sourceTopic } from '../../connectors/naming';
import { pipelines } from '../../connectors/pipelines';
import { BsonDate, Decimal128, type BsonDocument, type ObjectId } from '../../connectors/contracts/bson';
import { ensureTopics, kafkaClient, pipelineTopics, replayChanges } from '../../local/replay';
import { describeLag, finalStateLag, isFinalState } from '../../local/final-state';
import { customerDocument, customerId, deletedIds, expectedFinalState, orderDocument, orderId, sampleChanges, type SampleChange } from '../../local/sample-data';
import { getTestRuntime } from './support/runtime';
import { waitFor } from './support/wait';

jest.setTimeout(240_000);

const runtime = getTestRuntime();
let environment: Environment;
let client: ConnectClient;
let requests: string[] = [];
let warehouse: Client;

const orders = pipelines.find((pipeline) => pipeline.name === 'orders')!;
const customers = pipelines.find((pipeline) => pipeline.name === 'customers')!;

beforeAll(async () => {
  environment = loadEnvironment('local', { connectUrl: runtime.connect.url });
  client = createConnectClient({ url: runtime.connect.url, onRequest: (method, path) => requests.push(`${method} ${path}`) });
  warehouse = new Client({ connectionString: runtime.warehouse.url });
  await warehouse.connect();
  // Start from a clean slate: connectors of earlier runs (CDC_TEST_KEEP_RUNTIME) and their rows; topics that take large records.
  for (const connector of await client.listConnectors()) if (connector.name.startsWith('cdc-')) await client.deleteConnector(connector.name);
  await warehouse.query('TRUNCATE public.orders, public.customers, public.orders_shadow, public.customers_shadow');
  await warehouse.query("DELETE FROM cdc.deleted_rows WHERE table_name LIKE 'public.%'");
  await ensureTopics(kafkaClient(runtime.kafka.bootstrapServers), pipelineTopics(environment, pipelines));
});

afterAll(async () => {
  await warehouse?.end();
});

const writes = () => requests.filter((request) => !request.startsWith('GET'));

async function rows(sql: string, params: unknown[] = []) {
  return (await warehouse.query(sql, params)).rows;
}

describe('every connector of every environment passes the worker’s own validation', () => {
  // No MongoDB is reachable from here: the Debezium source may fail only its connection check.
  const CONNECTION_CHECK_ONLY = new Set(['mongodb.connection.string']);

  it.each(['local', 'staging', 'production'])('%s', async (name) => {
    for (const connector of renderEnvironment(loadEnvironment(name))) {
      const result = await client.validate(connector.config['connector.class']!, { ...connector.config, name: connector.name });
      const failing = result.configs.filter((entry) => entry.value.errors.length > 0).map((entry) => entry.value.name);
      const unexpected = failing.filter((field) => !(connector.role === 'source' && CONNECTION_CHECK_ONLY.has(field)));
      expect({ connector: connector.name, unexpected }).toEqual({ connector: connector.name, unexpected: [] });
    }
  });
});

describe('plan → apply → plan', () => {
  it('creates the local connectors and waits until they run', async () => {
    const desired = renderEnvironment(environment);
    const before = diff(desired, await client.listConnectors(), { managedPrefix: 'cdc-' });
    expect(before.changes.map((change) => change.action)).toEqual(['create', 'create']);
    const result = await apply(client, desired, { managedPrefix: 'cdc-', concurrency: 4, waitTimeoutMs: 90_000 });
    expect(result.error).toBeUndefined();
    for (const connector of desired) expect((await client.status(connector.name)).tasks.map((task) => task.state)).toEqual(['RUNNING']);
  });

  it('a second plan shows no changes, costs one read, and a second apply writes nothing', async () => {
    const generations = new Map<string, string>();
    for (const connector of renderEnvironment(environment)) generations.set(connector.name, JSON.stringify(await client.getConfig(connector.name)) + (await client.status(connector.name)).tasks.map((task) => task.worker_id).join());
    requests = [];
    const plan = diff(renderEnvironment(environment), await client.listConnectors(), { managedPrefix: 'cdc-' });
    expect(hasChanges(plan)).toBe(false);
    expect(requests).toEqual(['GET /connectors?expand=info&expand=status']);
    requests = [];
    const result = await apply(client, renderEnvironment(environment), { managedPrefix: 'cdc-' });
    expect(result.applied).toEqual([]);
    expect(writes()).toEqual([]);
    for (const [name, generation] of generations) {
      expect(JSON.stringify(await client.getConfig(name)) + (await client.status(name)).tasks.map((task) => task.worker_id).join()).toBe(generation);
    }
  });

  it('a changed field updates the connector in place (same name, one PUT)', async () => {
    const changed = parseEnvironment({ ...local, connect: { ...local.connect, url: runtime.connect.url }, collections: { ...local.collections, customers: { sink: { batchSize: 777 } } } });
    requests = [];
    const result = await apply(client, renderEnvironment(changed), { managedPrefix: 'cdc-', waitTimeoutMs: 90_000 });
    expect(result.error).toBeUndefined();
    expect(result.applied.map((change) => [change.connector, change.action])).toEqual([['cdc-customers-sink', 'update']]);
    expect(writes()).toEqual(['PUT /connectors/cdc-customers-sink/config']);
    expect((await client.getConfig('cdc-customers-sink'))['batch.size']).toBe('777');
    // …and back to the definition in the repository.
    await apply(client, renderEnvironment(environment), { managedPrefix: 'cdc-', waitTimeoutMs: 90_000 });
    expect((await client.getConfig('cdc-customers-sink'))['batch.size']).toBe('1000');
  });

  it('pause, stop and resume reach the state asked for', async () => {
    for (const state of ['PAUSED', 'STOPPED', 'RUNNING'] as const) {
      const wanted = parseEnvironment({ ...local, connect: { ...local.connect, url: runtime.connect.url }, collections: { ...local.collections, orders: { state } } });
      const result = await apply(client, renderEnvironment(wanted), { managedPrefix: 'cdc-', waitTimeoutMs: 90_000 });
      expect(result.error).toBeUndefined();
      expect(result.applied.map((change) => change.action)).toEqual([{ PAUSED: 'pause', STOPPED: 'stop', RUNNING: 'resume' }[state]]);
      expect((await client.status('cdc-orders-sink')).connector.state).toBe(state);
    }
  });

  it('a removed connector is deleted only with prune', async () => {
    const extra: RenderedConnector = { ...renderEnvironment(environment)[0]!, name: 'cdc-retired-sink', config: { ...renderEnvironment(environment)[0]!.config, topics: 'cdc.app_db.retired' } };
    await apply(client, [...renderEnvironment(environment), extra], { managedPrefix: 'cdc-', waitTimeoutMs: 90_000 });
    const kept = await apply(client, renderEnvironment(environment), { managedPrefix: 'cdc-' });
    expect(kept.plan.orphaned).toEqual(['cdc-retired-sink']);
    expect((await client.listConnectors()).map((connector) => connector.name)).toContain('cdc-retired-sink');
    const snapshots: unknown[] = [];
    const pruned = await apply(client, renderEnvironment(environment), { managedPrefix: 'cdc-', prune: true, onOffsetsSnapshot: (snapshot) => void snapshots.push(snapshot) });
    expect(pruned.applied.map((change) => [change.connector, change.action])).toEqual([['cdc-retired-sink', 'delete']]);
    expect(snapshots).toHaveLength(1);
    expect((await client.listConnectors()).map((connector) => connector.name)).not.toContain('cdc-retired-sink');
  });

  it('a failure in the middle stops further changes, reports both sides, and the next apply converges', async () => {
    await apply(client, renderEnvironment(environment), { managedPrefix: 'cdc-', prune: true, waitTimeoutMs: 90_000 });
    const base = renderEnvironment(environment)[0]!;
    const good = (name: string): RenderedConnector => ({ ...base, name, config: { ...base.config, topics: `cdc.app_db.${name}` } });
    // The worker refuses this one (a plugin it does not have): the kind of failure only the worker sees.
    const broken: RenderedConnector = { ...good('cdc-b-broken'), config: { ...good('cdc-b-broken').config, 'connector.class': 'com.example.NotInstalled' } };
    const result = await apply(client, [...renderEnvironment(environment), good('cdc-a-first'), broken, good('cdc-c-after')], { managedPrefix: 'cdc-', concurrency: 1 });
    expect(result.error?.message).toContain('cdc-b-broken');
    expect(result.applied.map((change) => change.connector)).toEqual(['cdc-a-first']);
    expect(result.notApplied.map((change) => change.connector)).toEqual(['cdc-b-broken', 'cdc-c-after']);
    // The worker answers a create before its own listing holds the connector (KAFKA-14455: the reply
    // uses the new config before the herder's snapshot has it). A plan read in that moment would
    // create cdc-a-first again and meet 409 "already exists"; this test is about the failure above.
    await waitFor('the worker to list cdc-a-first', async () => ((await client.listConnectors()).some((connector) => connector.name === 'cdc-a-first') ? true : undefined), 30_000);
    const fixed = await apply(client, [...renderEnvironment(environment), good('cdc-a-first'), good('cdc-b-broken'), good('cdc-c-after')], { managedPrefix: 'cdc-', concurrency: 1, waitTimeoutMs: 90_000 });
    expect(fixed.error).toBeUndefined();
    expect(fixed.applied.map((change) => [change.connector, change.action])).toEqual([['cdc-b-broken', 'create'], ['cdc-c-after', 'create']]);
    const cleaned = await apply(client, renderEnvironment(environment), { managedPrefix: 'cdc-', prune: true });
    expect(cleaned.applied).toHaveLength(3);
  });
});

describe('data: replayed Debezium events through the real sink path into PostgreSQL', () => {
  let changes: SampleChange[];

  beforeAll(async () => {
    changes = sampleChanges({ customers: 20, orders: 100 });
    await replayChanges(changes, { bootstrapServers: runtime.kafka.bootstrapServers, topicPrefix: environment.topicPrefix });
  });

  it('inserts, updates, replaces and deletes arrive with the right values', async () => {
    const expected = expectedFinalState(changes);
    const deleted = deletedIds(changes, 'orders');
    expect(deleted.length).toBeGreaterThan(0);
    await waitFor('the warehouse to hold the final state', async () => {
      const lags = [await finalStateLag(warehouse, 'orders', expected.get('orders')!, deleted), await finalStateLag(warehouse, 'customers', expected.get('customers')!, [])];
      if (lags.every(isFinalState)) return true;
      throw new Error(`orders: ${describeLag(lags[0]!, expected.get('orders')!.size)} | customers: ${describeLag(lags[1]!, expected.get('customers')!.size)}`);
    }, 120_000);
    for (const [id, document] of expected.get('orders')!) {
      const [row] = await rows('SELECT _id, customer_id, status, total::text AS total, created_at, updated_at, __op, __violations FROM orders WHERE _id = $1', [id]);
      expect(row).toEqual({
        _id: id,
        customer_id: (document.customer_id as ObjectId).hex,
        status: document.status,
        total: (document.total as Decimal128).text,
        created_at: new Date((document.created_at as BsonDate).ms),
        updated_at: new Date((document.updated_at as BsonDate).ms),
        __op: expect.stringMatching(/^[cu]$/),
        __violations: null,
      });
    }
    expect(await rows('SELECT id FROM orders WHERE _id = ANY($1)', [deleted])).toEqual([]);
    const [replaced] = await rows('SELECT tier, address_city FROM customers WHERE _id = $1', [customerId(2).hex]);
    expect(replaced).toEqual({ tier: 'platinum', address_city: expect.any(String) });
  });

  it('keeps excluded fields out of the warehouse: not in the document, no column', async () => {
    const columns = (await rows("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'customers'")).map((row) => row.column_name);
    expect(columns).not.toContain('password_hash');
    expect(await rows("SELECT _id FROM customers WHERE doc ? 'password_hash'")).toEqual([]);
    expect((await rows('SELECT count(*)::int AS n FROM customers WHERE doc ? $1', ['address']))[0].n).toBe(expectedFinalState(changes).get('customers')!.size);
  });

  it('the views compute one row per line item, with the customer and the line total', async () => {
    const order = expectedFinalState(changes).get('orders')!.get(orderId(3).hex)!;
    const customer = expectedFinalState(changes).get('customers')!.get((order.customer_id as ObjectId).hex)!;
    const items = order.items as BsonDocument[];
    const facts = await rows('SELECT line_no, sku, quantity, unit_price::text AS unit_price, line_total::text AS line_total, customer_name, customer_tier, status FROM fact_orders WHERE order_id = $1 ORDER BY line_no', [orderId(3).hex]);
    expect(facts).toEqual(
      items.map((item, index) => ({
        line_no: index + 1,
        sku: item.sku,
        quantity: item.quantity,
        unit_price: (item.price as Decimal128).text,
        line_total: ((item.quantity as number) * Number((item.price as Decimal128).text)).toFixed(2),
        customer_name: customer.name,
        customer_tier: customer.tier,
        status: String(order.status).toUpperCase(),
      })),
    );
    const [totals] = await rows('SELECT sum(orders)::int AS orders, sum(items)::int AS items, sum(revenue)::text AS revenue FROM orders_per_minute');
    const expectedOrders = [...expectedFinalState(changes).get('orders')!.values()];
    const lines = expectedOrders.flatMap((o) => o.items as BsonDocument[]);
    const cents = lines.reduce((sum, item) => sum + (item.quantity as number) * Math.round(Number((item.price as Decimal128).text) * 100), 0);
    expect(totals).toEqual({ orders: expectedOrders.length, items: lines.reduce((sum, item) => sum + (item.quantity as number), 0), revenue: (cents / 100).toFixed(2) });
  });

  it('a poison message goes to the dead-letter queue and the pipeline keeps running', async () => {
    const kafka = kafkaClient(runtime.kafka.bootstrapServers);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: sourceTopic(environment, orders), messages: [{ key: 'not json', value: '{"this is": not json' }] });
    await producer.disconnect();
    const after = { ...orderDocument(9001, customerId(1), new Date('2026-01-06T00:00:00Z')), _id: 'o-after-poison' };
    await replayChanges([{ collection: 'orders', operation: { kind: 'insert', document: after } }], { bootstrapServers: runtime.kafka.bootstrapServers, topicPrefix: environment.topicPrefix });
    await waitFor('the record after the poison message', async () => ((await rows("SELECT 1 FROM orders WHERE _id = 'o-after-poison'")).length ? true : undefined), 60_000);
    const consumer = kafka.consumer({ groupId: `dlq-check-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: deadLetterTopic(environment, orders), fromBeginning: true });
    const dead: Array<{ value: string; headers: string[] }> = [];
    await consumer.run({ eachMessage: async ({ message }) => void dead.push({ value: String(message.value), headers: Object.keys(message.headers ?? {}) }) });
    await waitFor('the poison message in the DLQ', async () => (dead.length ? true : undefined), 30_000);
    await consumer.disconnect();
    expect(dead[0]?.value).toBe('{"this is": not json');
    expect(dead[0]?.headers).toEqual(expect.arrayContaining(['__connect.errors.topic', '__connect.errors.exception.class.name']));
    expect((await client.status('cdc-orders-sink')).tasks.map((task) => task.state)).toEqual(['RUNNING']);
  });
});

describe('restart the Connect worker mid-stream: nothing lost', () => {
  it('every event is in the warehouse, with its own values, after the worker returns (the upsert by key makes a redelivered event harmless)', async () => {
    const { restartConnect } = await import('./support/runtime');
    const documents = Array.from({ length: 3000 }, (_, index) => ({ ...customerDocument(index + 1, new Date('2026-01-07T00:00:00Z')), _id: `restart-${index}` }));
    const burst: SampleChange[] = documents.map((document) => ({ collection: 'customers', operation: { kind: 'insert', document } }));
    await apply(client, renderEnvironment(environment), { managedPrefix: 'cdc-', waitTimeoutMs: 90_000 });
    await ensureTopics(kafkaClient(runtime.kafka.bootstrapServers), [sourceTopic(environment, customers)]);
    const replaying = replayChanges(burst, { bootstrapServers: runtime.kafka.bootstrapServers, topicPrefix: environment.topicPrefix });
    await waitFor('some of the burst to land', async () => (((await rows("SELECT count(*)::int AS n FROM customers WHERE _id LIKE 'restart-%'"))[0].n > 0) ? true : undefined), 60_000, 50);
    await restartConnect();
    await replaying;
    await waitFor('the whole burst', async () => (((await rows("SELECT count(*)::int AS n FROM customers WHERE _id LIKE 'restart-%'"))[0].n === burst.length) ? true : undefined), 180_000);
    const landed = await rows("SELECT _id, name, email FROM customers WHERE _id LIKE 'restart-%'");
    const byId = new Map(landed.map((row) => [row._id as string, { name: row.name, email: row.email }]));
    const wrong = documents.filter((document) => {
      const row = byId.get(document._id);
      const { name, email } = document as { name?: string; email?: string };
      return !row || row.name !== name || (row.email ?? undefined) !== email;
    });
    expect(wrong.map((document) => document._id)).toEqual([]);
  });
});

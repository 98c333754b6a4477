/**
 * The Atlas trigger EMULATOR (local/trigger-emulator.ts, not Atlas) against the MongoDB stand-in
 * (mongo-java-server, not MongoDB) and the real PostgreSQL: changes written to the stand-in land in the
 * production table as a generated trigger function writes them; a disabled emulator resumes from its
 * token; and beside the real Debezium source and JDBC sink writing the same table, the version guard
 * keeps the late, older writes of a lagging trigger from overwriting the stream's newer rows.
 *
 * Its tables live in the warehouse schema `trigger_emulator`, its connectors start with `emulator-`,
 * its stand-in database and topics carry a run id.
 */
import { Client } from 'pg';
import { parseEnvironment, type Environment } from '../../config';
import { localStandIn } from '../../config/environments/local-standin';
import { BsonDate, type BsonValue } from '../../connectors/contracts/bson';
import { createConnectClient, type ConnectClient } from '../../connectors/connect/client';
import { pipelines, type PipelineDefinition } from '../../connectors/pipelines';
import { kafkaClient } from '../../local/replay';
import { status } from '../../local/runtime';
import { customerId, orderDocument, orderId } from '../../local/sample-data';
import { applyStandInConnectors, runningRuntimeLayout, waitUntilStreaming } from '../../local/standin-seed';
import { openStandInWriter, type StandInWriter } from '../../local/standin-writer';
import { startTriggerEmulator, type TriggerEmulator } from '../../local/trigger-emulator';
import { dropSchemaSql, pipelineTableIn } from '../../warehouse/tables';
import { getTestRuntime, testRuntimeOptions } from './support/runtime';
import { waitFor } from './support/wait';

jest.setTimeout(180_000);

const runtime = getTestRuntime();
const SCHEMA = 'trigger_emulator';
const PREFIX = 'emulator-';
const runId = Date.now().toString(36);
const database = `emulator_${runId}`;
const orders: PipelineDefinition = { ...pipelines.find((pipeline) => pipeline.name === 'orders')!, database };
const table = `${SCHEMA}.${orders.table}`;
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 5, 9, 0, seconds));

let warehouse: Client;
let writer: StandInWriter;
let mongodbUrl: string;
let emulator: TriggerEmulator | undefined;
let client: ConnectClient;

async function row(index: number): Promise<{ status: string; updated_at: Date; __op: string; __source_ts_ms: string; __source_ord: number } | undefined> {
  const { rows } = await warehouse.query(`SELECT status, updated_at, __op, __source_ts_ms, __source_ord FROM ${table} WHERE _id = $1`, [orderId(index).hex]);
  return rows[0];
}

const insert = (index: number, seconds: number) => writer.write({ op: 'insert', database, collection: 'orders', document: orderDocument(index, customerId(index % 5), at(seconds)) });
const update = (index: number, status: string, updatedAt: Date) =>
  writer.write({ op: 'update', database, collection: 'orders', id: orderId(index), set: { status, updated_at: BsonDate.of(updatedAt) } as Record<string, BsonValue> });

function start(options: { delayMs?: number; failureRate?: number } = {}): Promise<TriggerEmulator> {
  return startTriggerEmulator({ mongodbUrl, database, collection: 'orders', warehouseUrl: runtime.warehouse.url, table: { schema: SCHEMA, table: orders.table }, ...options });
}

async function deleteTestConnectors(): Promise<void> {
  for (const connector of await client.listConnectors()) if (connector.name.startsWith(PREFIX)) await client.deleteConnector(connector.name);
}

beforeAll(async () => {
  const local = status(testRuntimeOptions());
  expect(local.services.mongodb.state).toBe('running');
  mongodbUrl = local.services.mongodb.url as string;
  client = createConnectClient({ url: runtime.connect.url });
  warehouse = new Client({ connectionString: runtime.warehouse.url });
  await warehouse.connect();
  await warehouse.query(dropSchemaSql(SCHEMA));
  await warehouse.query(`CREATE SCHEMA ${SCHEMA}`);
  await warehouse.query(pipelineTableIn(SCHEMA, orders));
  writer = openStandInWriter(runningRuntimeLayout(testRuntimeOptions()), mongodbUrl);
});

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

afterAll(async () => {
  if (client) await deleteTestConnectors();
  await writer?.write({ op: 'dropDatabase', database });
  await writer?.close();
  if (warehouse) {
    await warehouse.query(dropSchemaSql(SCHEMA));
    await warehouse.end();
  }
  const admin = kafkaClient(runtime.kafka.bootstrapServers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`emulator-${runId}`));
    if (topics.length) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
});

describe('Atlas trigger emulator (not Atlas) on the MongoDB stand-in → PostgreSQL', () => {
  it('applies inserts, updates, a replace and a delete to the production table, with the clusterTime as version', async () => {
    emulator = await start();
    for (const index of [1, 2, 3]) await insert(index, index);
    await update(1, 'paid', at(100));
    await writer.write({ op: 'replace', database, collection: 'orders', document: { ...orderDocument(2, customerId(2), at(2)), status: 'shipped', updated_at: BsonDate.of(at(200)) } });
    await writer.write({ op: 'delete', database, collection: 'orders', id: orderId(3) });

    await waitFor('every change in the table', async () => {
      const [first, second, third] = [await row(1), await row(2), await row(3)];
      return first?.status === 'paid' && second?.status === 'shipped' && !third ? true : undefined;
    }, 30_000, 100);
    const first = (await row(1))!;
    expect(first).toMatchObject({ __op: 'u', updated_at: at(100) });
    expect(Number(first.__source_ts_ms) % 1000).toBe(0);
    expect(Math.abs(Number(first.__source_ts_ms) - Date.now())).toBeLessThan(30_000);
    expect(first.__source_ord).toBeGreaterThan(0);
    expect(emulator.stats()).toMatchObject({ applied: 6, failed: 0 });
  });

  it('disabled, it writes nothing; enabled again, the writes made meanwhile arrive from its resume token', async () => {
    emulator = await start();
    await update(1, 'paid', at(150));
    await waitFor('the event before the stop, which gives the emulator its resume token', async () => (emulator!.stats().applied === 1 ? true : undefined), 30_000, 100);
    await emulator.disable();
    await update(1, 'refunded', at(300));
    await insert(4, 4);
    await writer.write({ op: 'delete', database, collection: 'orders', id: orderId(2) });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await row(1))?.status).toBe('paid');
    expect(await row(4)).toBeUndefined();

    await emulator.enable();
    await waitFor('the writes made while disabled', async () => ((await row(1))?.status === 'refunded' && (await row(4)) && !(await row(2)) ? true : undefined), 30_000, 100);
    expect(emulator.stats()).toMatchObject({ applied: 4, failed: 0 });
  });

  it('a failed function run is not retried: its event is skipped and counted, the next one applies', async () => {
    emulator = await start({ failureRate: 1 });
    await update(4, 'lost', at(400));
    await waitFor('the failed run', async () => (emulator!.stats().failed === 1 ? true : undefined), 30_000, 100);
    await emulator.close();
    emulator = await start();
    await update(4, 'paid', at(401));
    await waitFor('the next change', async () => ((await row(4))?.status === 'paid' ? true : undefined), 30_000, 100);
    expect(emulator.stats()).toMatchObject({ applied: 1, failed: 0 });
  });

  it('beside the real source and sink on the same table, a lagging trigger never makes a row older (the version guard)', async () => {
    const environment = standInEnvironment();
    await applyStandInConnectors(environment, runtime.connect.url, runtime.kafka.bootstrapServers, [orders], () => undefined);
    await waitUntilStreaming(writer, warehouse, environment, [orders], client);
    emulator = await start({ delayMs: 400 });
    const statuses = ['paid', 'packed', 'shipped', 'delivered', 'reviewed'];
    for (const [step, status] of statuses.entries()) await update(4, status, at(500 + step));
    const final = at(500 + statuses.length - 1);
    await waitFor('the sink wrote the last version', async () => ((await row(4))?.updated_at.getTime() === final.getTime() ? true : undefined), 60_000, 50);
    const appliedWhenStreamWasFinal = emulator.stats().applied;
    const seen: string[] = [];
    await waitFor('the trigger applied every update, late', async () => {
      seen.push((await row(4))!.status);
      return emulator!.stats().applied === statuses.length ? true : undefined;
    }, 30_000, 50);
    expect(appliedWhenStreamWasFinal).toBeLessThan(statuses.length);
    expect(new Set(seen)).toEqual(new Set(['reviewed']));
    expect((await row(4))!.status).toBe('reviewed');
  });
});

function standInEnvironment(): Environment {
  return parseEnvironment({
    ...localStandIn,
    name: 'emulator-test',
    connect: { ...localStandIn.connect, url: runtime.connect.url },
    kafka: { bootstrapServers: runtime.kafka.bootstrapServers, replicationFactor: 1 },
    topicPrefix: `emulator-${runId}`,
    managedConnectorPrefix: PREFIX,
    warehouse: { ...localStandIn.warehouse, schema: SCHEMA },
    collections: { orders: { phase: 'stream' } },
  });
}

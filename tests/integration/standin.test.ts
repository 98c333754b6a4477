/**
 * The MongoDB STAND-IN end to end: inserts, updates, replaces and deletes written to mongo-java-server
 * (an in-memory emulator, NOT MongoDB) are captured by the real Debezium MongoDB source, carried by
 * the real Kafka, and written by the real Debezium JDBC sink into PostgreSQL. It proves the connector
 * path and its stand-in configuration, not MongoDB: replica sets, snapshots, resume after oplog
 * rollover, exact event shapes, transactions and pre/post images belong to a staging run on Atlas.
 *
 * Its connectors start with `standin-`, its tables live in the warehouse schema `standin`, and its
 * topics and stand-in database carry a run id, so it runs beside pipeline.test.ts without touching it.
 */
import { Client } from 'pg';
import { parseEnvironment, type Environment } from '../../config';
import { localStandIn } from '../../config/environments/local-standin';
import { createConnectClient, type ConnectClient } from '../../connectors/connect/client';
import { qualifiedTable, sinkTable, sourceTopic, standInSourceConnectorName } from '../../connectors/naming';
import { pipelines, type PipelineDefinition } from '../../connectors/pipelines';
import { kafkaClient } from '../../local/replay';
import { status } from '../../local/runtime';
import { describeLag, finalStateLag, isFinalState } from '../../local/final-state';
import { customerId, deletedIds, expectedFinalState, orderId, sampleChanges } from '../../local/sample-data';
import { BsonDate, Decimal128, ObjectId } from '../../connectors/contracts/bson';
import { dropSchemaSql, pipelineTableIn } from '../../warehouse/tables';
import { applyStandInConnectors, runningRuntimeLayout, waitUntilStreaming } from '../../local/standin-seed';
import { openStandInWriter, standInOperations, type StandInWriter } from '../../local/standin-writer';
import { getTestRuntime, testRuntimeOptions } from './support/runtime';
import { waitFor } from './support/wait';

jest.setTimeout(240_000);

const runtime = getTestRuntime();
const PREFIX = 'standin-';
const SCHEMA = 'standin';
const runId = Date.now().toString(36);
/** A database of its own on the long-lived stand-in, so that documents of earlier runs never collide. */
const testPipelines: PipelineDefinition[] = pipelines.map((pipeline) => ({ ...pipeline, database: `standin_${runId}` }));
const orders = testPipelines.find((pipeline) => pipeline.name === 'orders')!;
const customers = testPipelines.find((pipeline) => pipeline.name === 'customers')!;

let environment: Environment;
let client: ConnectClient;
let warehouse: Client;
let writer: StandInWriter;

async function rows(sql: string, params: unknown[] = []) {
  return (await warehouse.query(sql, params)).rows;
}

async function deleteTestConnectors(): Promise<void> {
  for (const connector of await client.listConnectors()) if (connector.name.startsWith(PREFIX)) await client.deleteConnector(connector.name);
}

beforeAll(async () => {
  const local = status(testRuntimeOptions());
  expect(local.services.mongodb.state).toBe('running');
  environment = parseEnvironment({
    ...localStandIn,
    name: 'standin-test',
    connect: { ...localStandIn.connect, url: runtime.connect.url },
    kafka: { bootstrapServers: runtime.kafka.bootstrapServers, replicationFactor: 1 },
    topicPrefix: `standin-${runId}`,
    managedConnectorPrefix: PREFIX,
    warehouse: { ...localStandIn.warehouse, schema: SCHEMA },
  });
  client = createConnectClient({ url: runtime.connect.url });
  warehouse = new Client({ connectionString: runtime.warehouse.url });
  await warehouse.connect();
  await deleteTestConnectors();
  await warehouse.query(dropSchemaSql(SCHEMA));
  await warehouse.query(`CREATE SCHEMA ${SCHEMA}`);
  for (const pipeline of testPipelines) await warehouse.query(pipelineTableIn(SCHEMA, pipeline));
  writer = openStandInWriter(runningRuntimeLayout(testRuntimeOptions()), local.services.mongodb.url as string);
});

afterAll(async () => {
  if (client) await deleteTestConnectors();
  await writer?.write({ op: 'dropDatabase', database: `standin_${runId}` });
  await writer?.close();
  if (warehouse) {
    await warehouse.query(dropSchemaSql(SCHEMA));
    await warehouse.end();
  }
  const admin = kafkaClient(runtime.kafka.bootstrapServers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`standin-${runId}`));
    if (topics.length) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
});

describe('MongoDB stand-in (mongo-java-server) → Debezium MongoDB source → Kafka → JDBC sink → PostgreSQL', () => {
  const changes = sampleChanges({ customers: 6, orders: 40 });
  const expected = expectedFinalState(changes);

  it('applies one stand-in source per collection and the sinks, all RUNNING', async () => {
    const names = await applyStandInConnectors(environment, runtime.connect.url, runtime.kafka.bootstrapServers, testPipelines, () => undefined);
    expect(names).toEqual(['standin-customers-sink', 'standin-customers-standin-source', 'standin-orders-sink', 'standin-orders-standin-source']);
    for (const name of names) expect((await client.status(name)).tasks.map((task) => task.state)).toEqual(['RUNNING']);
  });

  it("exports both sources' Debezium metrics: they share the topic prefix (the MBean's server key), their connector tags differ", async () => {
    const server = environment.topicPrefix;
    const names = ['standin-customers-standin-source', 'standin-orders-standin-source'];
    const connected = await waitFor('both sources connected in the worker metrics', async () => {
      const text = await (await fetch(runtime.connect.metricsUrl)).text();
      const lines = text.split('\n').filter((line) => line.startsWith('debezium_mongodb_streaming_connected{') && line.includes(`server="${server}"`));
      return names.every((name) => lines.some((line) => line.includes(`connector="${name}"`) && line.endsWith(' 1.0'))) ? lines : undefined;
    }, 60_000, 500);
    expect(connected.sort()).toEqual(names.map((name) => `debezium_mongodb_streaming_connected{connector="${name}",server="${server}",task="0"} 1.0`));
  });

  it('carries inserts, updates, a replace and deletes written to the stand-in into the warehouse', async () => {
    await waitUntilStreaming(writer, warehouse, environment, testPipelines, client);
    const databaseOf = () => `standin_${runId}`;
    for (const operation of standInOperations(changes, databaseOf)) await writer.write(operation);

    const ordersTable = qualifiedTable(environment, sinkTable(environment, orders));
    const customersTable = qualifiedTable(environment, sinkTable(environment, customers));
    const deleted = deletedIds(changes, 'orders');
    expect(deleted.length).toBeGreaterThan(0);
    await waitFor('every change in the warehouse', async () => {
      const lags = [
        await finalStateLag(warehouse, ordersTable, expected.get('orders')!, deleted),
        await finalStateLag(warehouse, customersTable, expected.get('customers')!, []),
      ];
      if (lags.every(isFinalState)) return true;
      throw new Error(lags.map((lag, i) => describeLag(lag, [expected.get('orders')!, expected.get('customers')!][i]!.size)).join(' | '));
    }, 120_000);

    for (const [id, document] of expected.get('orders')!) {
      const [row] = await rows(`SELECT _id, customer_id, status, total::text AS total, created_at, updated_at, __violations FROM ${ordersTable} WHERE _id = $1`, [id]);
      expect(row).toEqual({
        _id: id,
        customer_id: (document.customer_id as ObjectId).hex,
        status: document.status,
        total: (document.total as Decimal128).text,
        created_at: new Date((document.created_at as BsonDate).ms),
        updated_at: new Date((document.updated_at as BsonDate).ms),
        __violations: null,
      });
    }
    expect(await rows(`SELECT id FROM ${ordersTable} WHERE _id = ANY($1)`, [deleted])).toEqual([]);
    const [replaced] = await rows(`SELECT tier, address_city, __op FROM ${customersTable} WHERE _id = $1`, [customerId(2).hex]);
    expect(replaced).toEqual({ tier: 'platinum', address_city: 'Porto', __op: 'u' });
    const [inserted] = await rows(`SELECT __op, id FROM ${ordersTable} WHERE _id = $1`, [orderId(1).hex]);
    expect(inserted).toEqual({ __op: 'c', id: `{"$oid": "${orderId(1).hex}"}` });
  });

  it('a stopped source resumes from its offset: writes made while it was stopped arrive once it runs again', async () => {
    const source = standInSourceConnectorName(environment, orders);
    await client.stop(source);
    await waitFor('the source stopped', async () => ((await client.status(source)).connector.state === 'STOPPED' ? true : undefined));
    const database = `standin_${runId}`;
    await writer.write({ op: 'update', database, collection: 'orders', id: orderId(1), set: { status: 'refunded' } });
    await writer.write({ op: 'delete', database, collection: 'orders', id: orderId(2) });
    await client.resume(source);
    const table = qualifiedTable(environment, sinkTable(environment, orders));
    await waitFor('the writes made while stopped', async () => {
      const [refunded] = await rows(`SELECT status FROM ${table} WHERE _id = $1`, [orderId(1).hex]);
      const gone = (await rows(`SELECT id FROM ${table} WHERE _id = $1`, [orderId(2).hex])).length === 0;
      return refunded?.status === 'refunded' && gone ? true : undefined;
    }, 120_000);
    expect((await client.status(source)).tasks.map((task) => task.state)).toEqual(['RUNNING']);
  });

  it("writes the stand-in sources' records to the topics the sinks read", async () => {
    const admin = kafkaClient(runtime.kafka.bootstrapServers).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(sourceTopic(environment, orders));
      expect(offsets.reduce((sum, partition) => sum + Number(partition.high), 0)).toBeGreaterThanOrEqual(changes.filter((change) => change.collection === 'orders').length);
      const topics = await admin.listTopics();
      // The stand-in sources write straight to the production topic names: no topic of a prefix of their own.
      expect(topics.filter((topic) => topic.startsWith(`standin-${runId}`) && !topic.startsWith(`standin-${runId}.`))).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});

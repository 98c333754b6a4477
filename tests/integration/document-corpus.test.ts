/**
 * Every shape lands: the document corpus (tests/fixtures/documents/corpus.ts: ObjectId and other
 * keys, Decimal128, Int64 above 2^53, UUID and binary, nesting, empty, mixed and nested arrays, type
 * drift between documents and on update, unicode and dotted keys, NaN, U+0000, null and missing, a
 * 2 MiB and a 15 MiB document), then an ordinary order, written once through the Debezium-format
 * replay and once through the MongoDB stand-in and the real Debezium source. Every change is in the
 * warehouse with exact values in the typed columns and the raw JSON for the rest, the violations are
 * recorded, no task FAILED, and the ordinary order arrived.
 *
 * Each path has its own connectors, topics, stand-in database and warehouse schema (tables generated
 * as the migrations generate them), removed afterwards.
 */
import { Client } from 'pg';
import { parseEnvironment, type Environment } from '../../config';
import { local } from '../../config/environments/local';
import { localStandIn } from '../../config/environments/local-standin';
import { idText, ObjectId, type BsonValue } from '../../connectors/contracts/bson';
import { createConnectClient, type ConnectClient } from '../../connectors/connect/client';
import { deployEnvironment } from '../../connectors/connect/deploy';
import { qualifiedTable } from '../../connectors/naming';
import { pipelines, type PipelineDefinition } from '../../connectors/pipelines';
import { changeEventRecords, type ChangeOperation } from '../../local/debezium-events';
import { ensureTopics, kafkaClient, pipelineTopics, sendRecords } from '../../local/replay';
import { failedConnectorLines } from '../../local/reset';
import { status } from '../../local/runtime';
import { applyStandInConnectors, runningRuntimeLayout, waitUntilStreaming } from '../../local/standin-seed';
import { openStandInWriter, type StandInWriter } from '../../local/standin-writer';
import { dropSchemaSql, pipelineTableIn } from '../../warehouse/tables';
import { CORPUS, ORDINARY_ORDER, type CorpusEntry, type CorpusWrite, type ExpectedOrderRow } from '../fixtures/documents/corpus';
import { getTestRuntime, testRuntimeOptions } from './support/runtime';
import { waitFor } from './support/wait';

jest.setTimeout(600_000);

const runtime = getTestRuntime();
const RUN = Date.now().toString(36);
const ORDINARY_ID = (ORDINARY_ORDER._id as ObjectId).hex;

interface CorpusPath {
  readonly name: 'replay' | 'stand-in';
  readonly environment: Environment;
  readonly pipelines: readonly PipelineDefinition[];
  /** Writes one collection's change the way this path does. */
  write(collection: 'orders' | 'customers', change: CorpusWrite): Promise<void>;
  close(): Promise<void>;
}

let warehouse: Client;
let client: ConnectClient;

beforeAll(async () => {
  warehouse = new Client({ connectionString: runtime.warehouse.url });
  await warehouse.connect();
  client = createConnectClient({ url: runtime.connect.url });
});

afterAll(async () => {
  await warehouse?.end();
});

function pathEnvironment(name: CorpusPath['name']): { environment: Environment; pipelines: PipelineDefinition[] } {
  const slug = name.replace('-', '');
  const base = name === 'replay' ? local : localStandIn;
  const environment = parseEnvironment({
    ...base,
    name: `corpus-${slug}`,
    connect: { ...base.connect, url: runtime.connect.url },
    kafka: { bootstrapServers: runtime.kafka.bootstrapServers, replicationFactor: 1 },
    topicPrefix: `corpus-${slug}-${RUN}`,
    managedConnectorPrefix: `corpus-${slug}-`,
    warehouse: { ...base.warehouse, schema: `corpus_${slug}_${RUN}` },
  });
  return { environment, pipelines: pipelines.map((pipeline) => ({ ...pipeline, database: `corpus_${RUN}` })) };
}

const operationOf = (change: CorpusWrite): ChangeOperation => {
  switch (change.op) {
    case 'insert':
      return { kind: 'insert', document: change.document };
    case 'replace':
      return { kind: 'replace', document: change.document };
    case 'delete':
      return { kind: 'delete', id: change.id };
    case 'update':
      throw new Error('the replay path writes updates with their full document (see replayPath)');
  }
};

/** The replay: Debezium's exact events produced into the topics the sinks read. An update carries the full document, as change_streams_update_full does. */
async function replayPath(): Promise<CorpusPath> {
  const { environment, pipelines: targets } = pathEnvironment('replay');
  await createTables(environment, targets);
  const kafka = kafkaClient(runtime.kafka.bootstrapServers);
  await ensureTopics(kafka, pipelineTopics(environment, targets));
  const result = await deployEnvironment(environment, { client, pipelines: targets, waitTimeoutMs: 120_000 });
  if (result.error) throw result.error;
  const producer = kafka.producer();
  await producer.connect();
  const current = new Map<string, Record<string, BsonValue>>();
  let clock = Date.now();
  return {
    name: 'replay',
    environment,
    pipelines: targets,
    async write(collection, change) {
      const context = { topicPrefix: environment.topicPrefix, database: `corpus_${RUN}`, collection, timestampMs: clock++, ordinal: 1 };
      const key = `${collection}/${idText(change.op === 'insert' || change.op === 'replace' ? change.document._id : change.id)}`;
      let operation: ChangeOperation;
      if (change.op === 'update') {
        const document = { ...current.get(key)!, ...change.set } as never;
        operation = { kind: 'update', document, updatedFields: change.set };
      } else operation = operationOf(change);
      if (operation.kind === 'delete') current.delete(key);
      else current.set(key, operation.document as never);
      await sendRecords(producer, changeEventRecords(context, operation));
    },
    close: () => producer.disconnect(),
  };
}

/** The stand-in: real writes to mongo-java-server, captured by the real Debezium MongoDB source. */
async function standInPath(): Promise<CorpusPath> {
  const { environment, pipelines: targets } = pathEnvironment('stand-in');
  await createTables(environment, targets);
  await applyStandInConnectors(environment, runtime.connect.url, runtime.kafka.bootstrapServers, targets, () => undefined);
  const writer: StandInWriter = openStandInWriter(runningRuntimeLayout(testRuntimeOptions()), status(testRuntimeOptions()).services.mongodb.url as string);
  await waitUntilStreaming(writer, warehouse, environment, targets, client);
  const database = `corpus_${RUN}`;
  return {
    name: 'stand-in',
    environment,
    pipelines: targets,
    async write(collection, change) {
      const target = { database, collection };
      const written =
        change.op === 'update' ? { op: 'update' as const, ...target, id: change.id, set: change.set } : change.op === 'delete' ? { op: 'delete' as const, ...target, id: change.id } : { op: change.op, ...target, document: change.document };
      await writer.write(written);
    },
    async close() {
      await writer.write({ op: 'dropDatabase', database });
      await writer.close();
    },
  };
}

async function createTables(environment: Environment, targets: readonly PipelineDefinition[]): Promise<void> {
  await warehouse.query(dropSchemaSql(environment.warehouse.schema));
  await warehouse.query(`CREATE SCHEMA ${environment.warehouse.schema}`);
  for (const pipeline of targets) await warehouse.query(pipelineTableIn(environment.warehouse.schema, pipeline));
}

async function removePath(path: CorpusPath): Promise<void> {
  for (const connector of await client.listConnectors()) if (connector.name.startsWith(path.environment.managedConnectorPrefix)) await client.deleteConnector(connector.name);
  await warehouse.query(dropSchemaSql(path.environment.warehouse.schema));
  const admin = kafkaClient(runtime.kafka.bootstrapServers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(path.environment.topicPrefix));
    if (topics.length) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

const table = (path: CorpusPath, collection: string) => qualifiedTable(path.environment, collection);

type OrderRow = Omit<ExpectedOrderRow, 'violations' | 'created_at' | 'updated_at'> & { __violations: unknown; created_at: string | null; updated_at: string | null; doc: Record<string, unknown> };

async function orderRow(path: CorpusPath, id: string): Promise<OrderRow | undefined> {
  return (
    await warehouse.query(
      `SELECT customer_id, status, currency, total::text AS total, shipping_country, (extract(epoch FROM created_at) * 1000)::bigint::text AS created_at,
              (extract(epoch FROM updated_at) * 1000)::bigint::text AS updated_at, __violations, doc FROM ${table(path, 'orders')} WHERE _id = $1`,
      [id],
    )
  ).rows[0];
}

/** Every expected row is there (and every deleted one gone), and the ordinary order after them. */
async function arrived(path: CorpusPath, entries: readonly CorpusEntry[]): Promise<true | string> {
  const failed = await failedConnectorLines(client, path.environment.managedConnectorPrefix);
  if (failed.length) throw new Error(`a task FAILED: ${failed.join('; ')}`);
  const missing: string[] = [];
  for (const entry of entries) {
    for (const [id, expected] of Object.entries(entry.expected)) {
      const present = (await warehouse.query(`SELECT updated_at FROM ${table(path, entry.collection)} WHERE _id = $1`, [id])).rowCount! > 0;
      if (present !== (expected !== null)) missing.push(`${entry.name}: ${id}`);
    }
  }
  if (!(await orderRow(path, ORDINARY_ID))) missing.push('the ordinary order');
  return missing.length ? `not yet: ${missing.join(', ')}` : true;
}

function checkOrder(row: OrderRow, expected: ExpectedOrderRow): void {
  expect({
    customer_id: row.customer_id,
    status: row.status,
    currency: row.currency,
    total: row.total,
    shipping_country: row.shipping_country,
    created_at: row.created_at === null ? null : Number(row.created_at),
    updated_at: row.updated_at === null ? null : Number(row.updated_at),
    violations: row.__violations,
  }).toEqual({ ...expected, doc: undefined, lines: undefined, violations: expected.violations });
  for (const [field, value] of Object.entries(expected.doc ?? {})) expect({ field, value: row.doc[field] }).toEqual({ field, value });
}

describe.each([
  ['the Debezium-format replay', replayPath],
  ['the MongoDB stand-in (mongo-java-server) and the real Debezium source', standInPath],
] as const)('the document corpus through %s', (_title, open) => {
  let path: CorpusPath;
  let entries: CorpusEntry[];

  beforeAll(async () => {
    path = await open();
    entries = CORPUS.filter((entry) => !(path.name === 'stand-in' && entry.replayOnly));
    for (const entry of entries) for (const change of entry.writes) await path.write(entry.collection, change);
    await path.write('orders', { op: 'insert', document: ORDINARY_ORDER });
    await waitFor(`every change of the corpus through the ${path.name}`, async () => {
      const state = await arrived(path, entries);
      if (state === true) return true;
      throw new Error(state);
    }, 480_000, 1_000);
  });

  afterAll(async () => {
    await path?.close();
    if (path) await removePath(path);
  });

  it('no connector or task FAILED', async () => {
    expect(await failedConnectorLines(client, path.environment.managedConnectorPrefix)).toEqual([]);
  });

  it.each(CORPUS.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    if (path.name === 'stand-in' && entry.replayOnly) return; // not writable through the stand-in: see the entry's replayOnly
    for (const [id, expected] of Object.entries(entry.expected)) {
      if (expected === null) {
        expect((await warehouse.query(`SELECT 1 FROM ${table(path, entry.collection)} WHERE _id = $1`, [id])).rows).toEqual([]);
      } else if ('loyalty_points' in expected) {
        const [row] = (await warehouse.query(`SELECT loyalty_points::text, __violations FROM ${table(path, 'customers')} WHERE _id = $1`, [id])).rows;
        expect({ loyalty_points: row.loyalty_points, violations: row.__violations }).toEqual(expected);
      } else {
        checkOrder((await orderRow(path, id))!, expected);
        if (expected.lines) {
          const lines = (await warehouse.query(`SELECT sku, quantity, price::text AS price FROM ${table(path, 'orders_items')} WHERE parent__id = $1 ORDER BY line_no`, [id])).rows;
          expect(lines).toEqual(expected.lines);
        }
      }
    }
  });

  it('records every violating change in cdc.contract_violations', async () => {
    const violating = entries.flatMap((entry) => Object.entries(entry.expected).filter(([, expected]) => expected && expected.violations).map(([id]) => id));
    const recorded = (await warehouse.query('SELECT DISTINCT doc_id FROM cdc.contract_violations WHERE table_name = $1', [table(path, 'orders')])).rows.map((row) => row.doc_id);
    expect(recorded.sort()).toEqual(expect.arrayContaining(violating.sort()));
    expect(recorded).not.toContain(ORDINARY_ID);
  });

  it('the ordinary order after the corpus arrived, clean', async () => {
    const row = await orderRow(path, ORDINARY_ID);
    expect(row?.__violations).toBeNull();
    expect(row?.customer_id).toBe((ORDINARY_ORDER.customer_id as ObjectId).hex);
  });
});

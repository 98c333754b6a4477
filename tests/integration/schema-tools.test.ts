/**
 * `cdcctl schema check | exporter | infer` against the test runtime's real servers: the warehouse
 * (migrations applied by the global set-up), Kafka and the MongoDB stand-in.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { Decimal128, ObjectId, strictJson } from '../../connectors/contracts/bson';
import { changeEventRecords } from '../../local/debezium-events';
import { REPOSITORY_ROOT } from '../../local/options';
import { ensureTopics, kafkaClient, sendRecords } from '../../local/replay';
import { status } from '../../local/runtime';
import { customerId, orderDocument } from '../../local/sample-data';
import { runningRuntimeLayout } from '../../local/standin-seed';
import { openStandInWriter } from '../../local/standin-writer';
import { getTestRuntime, testRuntimeOptions } from './support/runtime';
import { freePort } from '../../local/processes';
import { waitFor } from './support/wait';

jest.setTimeout(180_000);

const runtime = getTestRuntime();
const RUN = Date.now().toString(36);
const VIOLATING_ID = `schema-tools-${RUN}`;
let db: Client;

function cdcctl(args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [path.join(REPOSITORY_ROOT, 'bin', 'cdcctl'), ...args], { encoding: 'utf8', cwd: REPOSITORY_ROOT, env: { ...process.env, WAREHOUSE_URL: runtime.warehouse.url, ...env }, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  db = new Client({ connectionString: runtime.warehouse.url });
  await db.connect();
  await db.query("DELETE FROM cdc.contract_violations WHERE table_name = 'public.orders' AND doc_id LIKE 'schema-tools-%'");
});

afterAll(async () => {
  // The row goes the way the sink deletes one: its delete event, then nothing is left.
  await db?.query(`INSERT INTO public.orders (id, doc_text, __op, __source_ts_ms, __source_ord) VALUES ($1, NULL, 'd', $2, 1)
    ON CONFLICT (id) DO UPDATE SET doc_text = EXCLUDED.doc_text, __op = EXCLUDED.__op, __source_ts_ms = EXCLUDED.__source_ts_ms, __source_ord = EXCLUDED.__source_ord`, [JSON.stringify(VIOLATING_ID), Date.now()]);
  await db?.query("DELETE FROM cdc.contract_violations WHERE table_name = 'public.orders' AND doc_id LIKE 'schema-tools-%'");
  await db?.end();
});

describe('cdcctl schema check', () => {
  it('exits 0 when contracts, migrations, live columns and recent documents agree, and 2 once a document breaks its contract', async () => {
    const since = ['schema', 'check', '--env', 'local', '--since-minutes', '1'];
    const before = cdcctl(since);
    expect({ code: before.code, stderr: before.stderr }).toEqual({ code: 0, stderr: '' });
    expect(before.stdout).toContain('no drift');
    const document = { ...orderDocument(1, customerId(1), new Date()), _id: VIOLATING_ID, total: 'not a number' };
    await db.query('INSERT INTO public.orders (id, doc_text, __op, __source_ts_ms, __source_ord) VALUES ($1, $2, $3, $4, 1)', [JSON.stringify(VIOLATING_ID), strictJson(document), 'c', Date.now()]);
    const after = cdcctl(since);
    expect(after.code).toBe(2);
    expect(after.stdout).toContain('documents: public.orders: total: expected numeric(14,2), got string (1 change in the last 1 min)');
    const json = cdcctl([...since, '--output', 'json']);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout) as { drift: boolean; columns: unknown[]; violations: unknown[] };
    expect(report.drift).toBe(true);
    expect(report.columns).toEqual([]);
    expect(JSON.stringify(report.violations)).toContain('expected numeric(14,2), got string');
  });

  it('exits 1 with one line when the warehouse cannot be read', () => {
    const result = cdcctl(['schema', 'check', '--env', 'staging'], { WAREHOUSE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('cdcctl schema exporter', () => {
  it('serves the violation counter of each table', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(REPOSITORY_ROOT, 'bin', 'cdcctl'), 'schema', 'exporter', '--env', 'local', '--metrics-port', String(port)], { env: { ...process.env, WAREHOUSE_URL: runtime.warehouse.url }, stdio: 'ignore' });
    try {
      const text = await waitFor('the exporter to answer', async () => {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
        return response?.ok ? response.text() : undefined;
      }, 60_000, 250);
      const orders = /^cdc_warehouse_contract_violations_total\{table="public\.orders"\} (\d+)$/m.exec(text);
      expect(Number(orders?.[1])).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^cdc_warehouse_contract_violations_total\{table="public\.customers_shadow"\} \d+$/m);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('cdcctl schema infer', () => {
  it('proposes a contract from the change events of a topic, mixed types called out', async () => {
    const topic = `infer-${RUN}.app_db.orders`;
    const kafka = kafkaClient(runtime.kafka.bootstrapServers);
    await ensureTopics(kafka, [topic], 1);
    const producer = kafka.producer();
    await producer.connect();
    const documents = [orderDocument(1, customerId(1), new Date()), { ...orderDocument(2, customerId(2), new Date()), total: '12.00' }];
    await sendRecords(producer, documents.flatMap((document, index) => changeEventRecords({ topicPrefix: `infer-${RUN}`, database: 'app_db', collection: 'orders', timestampMs: Date.now(), ordinal: index }, { kind: 'insert', document })));
    await producer.disconnect();
    const result = cdcctl(['schema', 'infer', '--collection', 'orders', '--from-topic', topic, '--bootstrap', runtime.kafka.bootstrapServers, '--sample', '10']);
    expect({ code: result.code, stderr: result.stderr.includes('error') }).toEqual({ code: 0, stderr: false });
    expect(result.stdout).toContain("customer_id: { path: 'customer_id', type: 'objectid', nullable: false }, // present in 100%; objectid 100%");
    expect(result.stdout).toContain("total: { path: 'total', type: 'numeric', nullable: false }, // MIXED TYPES");
    expect(result.stdout).toContain('items[].price: decimal128');
    const json = cdcctl(['schema', 'infer', '--collection', 'orders', '--from-topic', topic, '--bootstrap', runtime.kafka.bootstrapServers, '--sample', '10', '--output', 'json']);
    expect(json.code).toBe(0);
    const proposal = JSON.parse(json.stdout) as { sampled: number; fields: { path: string; mixed: boolean; types: Record<string, number>; proposed: { type: string } | null }[] };
    expect(proposal.sampled).toBe(2);
    expect(proposal.fields.find((field) => field.path === 'total')).toMatchObject({ mixed: true, types: { decimal128: 1, string: 1 }, proposed: { type: 'numeric' } });
  });

  it('proposes one from the documents of a collection (the stand-in speaks the MongoDB protocol)', async () => {
    const writer = openStandInWriter(runningRuntimeLayout(testRuntimeOptions()), status(testRuntimeOptions()).services.mongodb.url as string);
    const database = `infer_${RUN}`;
    try {
      await writer.write({ op: 'insert', database, collection: 'customers', document: { _id: new ObjectId('65f1a2b3c4d5e6f708192a3b'), name: 'A', balance: new Decimal128('1.5') } });
      await writer.write({ op: 'insert', database, collection: 'customers', document: { _id: new ObjectId('65f1a2b3c4d5e6f708192a3c'), name: 'B' } });
      const result = cdcctl(['schema', 'infer', '--collection', `${database}.customers`, '--from-mongodb', status(testRuntimeOptions()).services.mongodb.url as string]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("balance: { path: 'balance', type: 'numeric' }, // present in 50%; decimal128 50%");
      expect(result.stdout).toContain("name: { path: 'name', type: 'text', nullable: false }");
    } finally {
      await writer.write({ op: 'dropDatabase', database });
      await writer.close();
    }
  });
});

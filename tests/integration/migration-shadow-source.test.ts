/**
 * `migrate validate` with the source: the MongoDB STAND-IN (mongo-java-server, not MongoDB) holds the
 * orders, the real PostgreSQL holds the production table and its shadow, made from the orders
 * contract as the warehouse migrations make them, with rows written as the sink writes them. Some rows
 * are wrong on the trigger side, some on the stream side, one on both, one document was deleted and
 * one changed while the run reads: each discrepancy's verdict must be exactly the expected one.
 *
 * Its tables live in a schema of its own, its stand-in database carries a run id; both are dropped
 * afterwards, and its rows in the shared result tables deleted.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { BsonDate, Decimal128, relaxedJson, strictJson, type BsonDocument } from '../../connectors/contracts/bson';
import { shadowTable } from '../../connectors/naming';
import { pipelines, type PipelineDefinition } from '../../connectors/pipelines';
import type { MongoDocument } from '../../local/debezium-events';
import { status } from '../../local/runtime';
import { customerId, orderDocument, orderId } from '../../local/sample-data';
import { runningRuntimeLayout } from '../../local/standin-seed';
import { openStandInWriter, type StandInWriter } from '../../local/standin-writer';
import { triggerWriteParameters, triggerWriteSql } from '../../local/trigger-emulator';
import { validateShadow, type ShadowValidationOptions, type SourceVerdict } from '../../migration/shadow-validation';
import { dropSchemaSql, pipelineTableIn } from '../../warehouse/tables';
import { generatedSecret } from '../support/generated-secret';
import { getTestRuntime, testRuntimeOptions } from './support/runtime';

jest.setTimeout(120_000);

const run = promisify(execFile);
const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');
const runtime = getTestRuntime();
const SCHEMA = `migrate_source_it_${process.pid}`;
const database = `verdicts_${Date.now().toString(36)}`;
const orders: PipelineDefinition = { ...pipelines.find((pipeline) => pipeline.name === 'orders')!, database };
const SHADOW = shadowTable(orders);

/** Long before the run: versions written before it started. */
const at = (minutes: number) => new Date(Date.UTC(2026, 0, 5, 9, minutes));
const placed = (index: number): MongoDocument => orderDocument(index, customerId(index % 5), at(index));
const moved = (index: number, status: string, updatedAt: Date): MongoDocument => ({ ...placed(index), status, updated_at: BsonDate.of(updatedAt) });
const paid = (index: number) => moved(index, 'paid', at(60 + index));
/** The first line item's price times `factor`: a trigger function that computed an amount wrongly. */
function repriced(document: MongoDocument, factor: number): MongoDocument {
  const [first, ...others] = document.items as readonly BsonDocument[];
  return { ...document, items: [{ ...first!, price: new Decimal128((Number((first!.price as Decimal128).text) * factor).toFixed(2)) }, ...others] };
}

interface Case {
  /** What the collection holds when the run reads it; null: deleted. */
  readonly source: MongoDocument | null;
  /** The rows; undefined: the side lacks it. */
  readonly trigger?: MongoDocument;
  readonly stream?: MongoDocument;
  readonly verdict?: SourceVerdict;
}

/** The orders by index; the documents' updated_at (bar order 8's) are long before the run. */
const CASES: Readonly<Record<number, Case>> = {
  1: { source: placed(1), trigger: placed(1), stream: placed(1) }, // no discrepancy
  2: { source: paid(2), trigger: placed(2), stream: paid(2), verdict: 'trigger-side wrong' }, // the trigger lost the update
  3: { source: paid(3), trigger: paid(3), stream: placed(3), verdict: 'stream-side wrong' },
  4: { source: placed(4), trigger: placed(4), verdict: 'stream-side wrong' }, // missing on the stream side
  5: { source: placed(5), stream: placed(5), verdict: 'trigger-side wrong' }, // missing on the trigger side
  6: { source: paid(6), trigger: placed(6), stream: { ...placed(6), total: new Decimal128('0.01') }, verdict: 'both wrong' },
  7: { source: null, trigger: placed(7), verdict: 'trigger-side wrong' }, // deleted: its delete reached the stream side only
  // Shipped with an updated_at after the run started, as a change made while it reads: neither side can have it yet.
  8: { source: moved(8, 'shipped', new Date(Date.now() + 10 * 60_000)), trigger: placed(8), stream: paid(8), verdict: 'source changed since' },
  9: { source: paid(9), trigger: repriced(paid(9), 1.5), stream: paid(9), verdict: 'trigger-side wrong' }, // the current version, an amount wrong
  10: { source: paid(10), trigger: paid(10), stream: repriced(paid(10), 1.005) }, // within the 1 % tolerance: no discrepancy
};

let warehouse: Client;
let writer: StandInWriter;
let mongodbUrl: string;

/** A row as the sink writes it (the trigger emulator's write): the table's trigger parses and types it. */
async function writeRow(table: string, document: MongoDocument): Promise<void> {
  const version = (document.updated_at as BsonDate).ms;
  const row = { id: relaxedJson(document._id), docText: strictJson(document), op: 'c' as const, sourceTsMs: version, sourceOrd: 1, eventTsMs: version };
  await warehouse.query(triggerWriteSql({ schema: SCHEMA, table }), triggerWriteParameters(row));
}

async function seedSource(): Promise<void> {
  for (const [index, entry] of Object.entries(CASES)) {
    await writer.write({ op: 'insert', database, collection: 'orders', document: entry.source ?? placed(Number(index)) });
    if (entry.source === null) await writer.write({ op: 'delete', database, collection: 'orders', id: orderId(Number(index)) });
  }
}

function options(overrides: Partial<ShadowValidationOptions> = {}): ShadowValidationOptions {
  return {
    databaseUrl: runtime.warehouse.url,
    collection: 'orders',
    schema: SCHEMA,
    triggerTable: orders.table,
    streamTable: SHADOW,
    batchSize: 3,
    source: { url: mongodbUrl, database, collection: 'orders', lookupBatchSize: 2 },
    ...overrides,
  };
}

const expectedCounts = () => {
  const counts: Record<string, number> = { 'trigger-side wrong': 0, 'stream-side wrong': 0, 'both wrong': 0, 'source changed since': 0, undecided: 0 };
  for (const entry of Object.values(CASES)) if (entry.verdict) counts[entry.verdict]! += 1;
  return counts;
};

const THIS_FILES_RUNS = `SELECT run_id FROM migration_validation_runs WHERE options->>'schema' = $1`;

beforeAll(async () => {
  const local = status(testRuntimeOptions());
  expect(local.services.mongodb.state).toBe('running');
  mongodbUrl = local.services.mongodb.url as string;
  warehouse = new Client({ connectionString: runtime.warehouse.url });
  await warehouse.connect();
  await warehouse.query(dropSchemaSql(SCHEMA));
  await warehouse.query(`CREATE SCHEMA ${SCHEMA}`);
  await warehouse.query(pipelineTableIn(SCHEMA, orders));
  await warehouse.query(pipelineTableIn(SCHEMA, orders, SHADOW));
  writer = openStandInWriter(runningRuntimeLayout(testRuntimeOptions()), mongodbUrl);
  await seedSource();
  for (const entry of Object.values(CASES)) {
    if (entry.trigger) await writeRow(orders.table, entry.trigger);
    if (entry.stream) await writeRow(SHADOW, entry.stream);
  }
});

afterAll(async () => {
  await writer?.write({ op: 'dropDatabase', database });
  await writer?.close();
  if (warehouse) {
    await warehouse.query(dropSchemaSql(SCHEMA));
    await warehouse.query(`DELETE FROM migration_discrepancies WHERE run_id IN (${THIS_FILES_RUNS})`, [SCHEMA]);
    await warehouse.query(`DELETE FROM migration_validation_runs WHERE run_id IN (${THIS_FILES_RUNS})`, [SCHEMA]);
    await warehouse.end();
  }
});

describe('migrate validate against the source (the MongoDB stand-in, not MongoDB)', () => {
  it('finds the discrepancies the tables hold, as without the source', async () => {
    const result = await validateShadow(options());
    expect(result).toMatchObject({ rowsExamined: 10, rowsMatching: 2, rowsWithDifferences: 5, missingOnStream: 2, missingOnTrigger: 1 });
  });

  it('says which side is wrong for each discrepancy, and stores the verdict with it and the counts with the run', async () => {
    const result = await validateShadow(options());
    expect(result.sourceVerdicts).toEqual(expectedCounts());
    const stored = await warehouse.query<{ row_key: string; kinds: string; verdicts: string[] }>(
      `SELECT row_key, string_agg(DISTINCT kind, ',') AS kinds, array_agg(DISTINCT source_verdict) AS verdicts FROM migration_discrepancies WHERE run_id = $1 GROUP BY row_key`,
      [result.runId],
    );
    const byOrder = Object.fromEntries(stored.rows.map((row) => [Object.entries(CASES).find(([index]) => relaxedJson(orderId(Number(index))) === row.row_key)![0], row.verdicts]));
    const expected = Object.fromEntries(Object.entries(CASES).flatMap(([index, entry]) => (entry.verdict ? [[index, [entry.verdict]]] : [])));
    expect(byOrder).toEqual(expected);
    const run = await warehouse.query('SELECT source_verdicts, options->$2 AS source FROM migration_validation_runs WHERE run_id = $1', [result.runId, 'source']);
    expect(run.rows[0].source_verdicts).toEqual(expectedCounts());
    expect(run.rows[0].source).toEqual({ database, collection: 'orders', excludeFields: [], versionField: 'updated_at', lookupBatchSize: 2 });
  });

  it('gives the same verdicts whatever the batch sizes, and in a narrowed run', async () => {
    for (const [batchSize, lookupBatchSize] of [[1, 1], [100, 500]]) {
      const other = await validateShadow(options({ batchSize, persist: false, source: { url: mongodbUrl, database, collection: 'orders', lookupBatchSize } }));
      expect(other.sourceVerdicts).toEqual(expectedCounts());
    }
    const since = await validateShadow(options({ since: at(0), persist: false }));
    expect(since.sourceVerdicts).toEqual(expectedCounts());
  });

  it('without the source, reports as it always did: no verdicts', async () => {
    const plain = await validateShadow(options({ source: undefined, persist: false }));
    expect(plain).toMatchObject({ rowsExamined: 10, rowsWithDifferences: 5 });
    expect(plain).not.toHaveProperty('sourceVerdicts');
  });

  it('refuses tables that hold no document, before reading a row', async () => {
    await warehouse.query(`CREATE TABLE ${SCHEMA}.flat (id text PRIMARY KEY, status text)`);
    await warehouse.query(`CREATE TABLE ${SCHEMA}.flat_shadow (id text PRIMARY KEY, status text)`);
    await expect(validateShadow(options({ triggerTable: 'flat', streamTable: 'flat_shadow' }))).rejects.toThrow(
      `--source-url: table ${SCHEMA}.flat holds no document to compare with the source (no doc or doc_text column)\n` +
        `--source-url: table ${SCHEMA}.flat_shadow holds no document to compare with the source (no doc or doc_text column)`,
    );
  });
});

describe('cdcctl migrate validate --source-url', () => {
  it('names the source it cannot reach without printing its password', async () => {
    const secret = generatedSecret('password');
    const args = ['migrate', 'validate', '--collection', 'orders', '--schema', SCHEMA, '--no-persist', '--source-url', `mongodb://cdc:${secret}@127.0.0.1:1/`];
    const { code, stdout, stderr } = await run(process.execPath, [path.join(REPOSITORY_ROOT, 'bin', 'cdcctl'), ...args], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, DATABASE_URL: runtime.warehouse.url, NO_COLOR: '1' },
    }).then(
      (done) => ({ code: 0, ...done }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(code).toBe(1);
    expect(stderr).toContain('source app_db.orders at mongodb://cdc:****@127.0.0.1:1/');
    expect(`${stdout}${stderr}`).not.toContain(secret);
  }, 60_000);
});

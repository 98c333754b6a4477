import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { shadowTable } from '../../connectors/naming';
import { validateShadow, type ShadowValidationOptions, type ValidationResult } from '../../migration/shadow-validation';
import { getTestRuntime } from './support/runtime';
import { generatedSecret } from '../support/generated-secret';

const LEAKED = generatedSecret('password');

/**
 * `cdcctl migrate validate` against the test runtime's real PostgreSQL: a trigger-side table and a
 * stream-side table seeded with known differences must give exactly the expected report. Each run
 * works in a schema of its own, dropped afterwards; its results go to the result tables the
 * warehouse migrations created (the global set-up applies them), and its rows there are deleted.
 */
const run = promisify(execFile);
const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');
const SCHEMA = `migrate_validate_it_${process.pid}`;
const ORDERS_SHADOW = shadowTable({ table: 'orders' });
const BIG_SHADOW = shadowTable({ table: 'big' });
/** A run spawns the CLI (a few seconds each on a busy machine). */
const CLI_TIMEOUT_MS = 60_000;
let databaseUrl: string;
let client: Client;

const COLUMNS = `
  id          text PRIMARY KEY,
  status      text,
  quantity    integer,
  unit_price  numeric(12, 2),
  created_at  timestamp(6),
  updated_at  timestamptz,
  details     jsonb,
  tags        text,
  __op        text`;

type Row = { id: string; status?: string | null; quantity?: number; unit_price?: number; created_at?: string; updated_at?: string; details?: unknown; tags?: string; __op?: string | null };

const BASE: Omit<Row, 'id'> = {
  status: 'paid',
  quantity: 2,
  unit_price: 100,
  created_at: '2026-01-01 10:00:00',
  updated_at: '2026-01-01T10:00:00Z',
  details: { address: { city: 'Paris' }, items: [{ sku: 'A' }, { sku: 'B' }], count: 5 },
  tags: '["vip"]',
  __op: null,
};

/** Each key with what differs between the two sides, and what the report must say of it. */
const ROWS: ReadonlyArray<{ id: string; trigger?: Partial<Row>; stream?: Partial<Row>; only?: 'trigger' | 'stream' }> = [
  { id: 'k01' }, // identical
  { id: 'k02', only: 'trigger' }, // missing on stream
  { id: 'k03', only: 'stream' }, // missing on trigger
  { id: 'k04', stream: { created_at: '2026-01-01 10:00:00.5' } }, // +0.5 s: inside tolerance
  { id: 'k05', stream: { created_at: '2026-01-01 10:00:03' } }, // +3 s: outside
  { id: 'k06', stream: { unit_price: 100.5 } }, // 0.5 %: inside
  { id: 'k07', stream: { unit_price: 102 } }, // 2 %: outside
  { id: 'k08', stream: { details: { ...(BASE.details as object), count: '5' } } }, // type change in nested JSON
  { id: 'k09', stream: { details: { ...(BASE.details as object), address: { city: 'Lyon' } } } }, // nested value
  { id: 'k10', trigger: { details: { ...(BASE.details as object), shippedAt: { $date: '2026-01-02T00:00:00.000Z' } } }, stream: { details: { ...(BASE.details as object), shippedAt: '2026-01-02T00:00:00.400Z' } } },
  { id: 'k11', stream: { details: { ...(BASE.details as object), items: [{ sku: 'A' }, { sku: 'C' }] } } }, // array element
  { id: 'k12', stream: { __op: 'c' } }, // stream metadata: ignored
  { id: 'k13', trigger: { details: { ...(BASE.details as object), coupon: 'X' } } }, // nested field missing on stream
  { id: 'k14', trigger: { status: null } }, // NULL vs value
  { id: 'Ünïcødé-k15' }, // identical, non-ASCII key
];

async function seed(trigger: string, stream: string, rows = ROWS): Promise<void> {
  await client.query(`CREATE TABLE ${SCHEMA}.${trigger} (${COLUMNS})`);
  await client.query(`CREATE TABLE ${SCHEMA}.${stream} (${COLUMNS})`);
  const insert = (table: string, row: Row) =>
    client.query(`INSERT INTO ${SCHEMA}.${table} (id, status, quantity, unit_price, created_at, updated_at, details, tags, __op) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
      row.id,
      row.status,
      row.quantity,
      row.unit_price,
      row.created_at,
      row.updated_at,
      JSON.stringify(row.details),
      row.tags,
      row.__op,
    ]);
  for (const entry of rows) {
    if (entry.only !== 'stream') await insert(trigger, { ...BASE, id: entry.id, ...entry.trigger });
    if (entry.only !== 'trigger') await insert(stream, { ...BASE, id: entry.id, ...entry.stream });
  }
}

function options(overrides: Partial<ShadowValidationOptions> = {}): ShadowValidationOptions {
  return { databaseUrl, collection: 'orders', schema: SCHEMA, triggerTable: 'orders', streamTable: ORDERS_SHADOW, batchSize: 4, ...overrides };
}

/** This file's runs in the shared result tables: the schema they compared is stored with each. */
const THIS_FILES_RUNS = `SELECT run_id FROM migration_validation_runs WHERE options->>'schema' = $1`;

beforeAll(async () => {
  databaseUrl = getTestRuntime().warehouse.url;
  client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await client.query(`CREATE SCHEMA ${SCHEMA}`);
  await seed('orders', ORDERS_SHADOW);
});

afterAll(async () => {
  await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await client.query(`DELETE FROM migration_discrepancies WHERE run_id IN (${THIS_FILES_RUNS})`, [SCHEMA]);
  await client.query(`DELETE FROM migration_validation_runs WHERE run_id IN (${THIS_FILES_RUNS})`, [SCHEMA]);
  await client.end();
});

describe('migrate validate against PostgreSQL: the report of a full run', () => {
  let result: ValidationResult;
  beforeAll(async () => {
    result = await validateShadow(options());
  });

  it('counts matching rows, missing rows and rows with differences exactly', () => {
    expect(result).toMatchObject({
      mode: 'full',
      keyColumns: ['id'],
      rowsExamined: 15,
      rowsMatching: 6, // k01, k04, k06, k10, k12, k15
      rowsWithDifferences: 7, // k05, k07, k08, k09, k11, k13, k14
      missingOnStream: 1,
      missingOnTrigger: 1,
      recommendation: 'major-issues',
      passed: false,
    });
    expect(result.accuracyPercent).toBeCloseTo(40, 6);
  });

  it('names each differing field and the kind of difference', () => {
    expect(result.fields.map(({ field, count, kinds }) => ({ field, count, kinds }))).toEqual([
      { field: 'created_at', count: 1, kinds: { value: 1 } },
      { field: 'details.address.city', count: 1, kinds: { value: 1 } },
      { field: 'details.count', count: 1, kinds: { type: 1 } },
      { field: 'details.coupon', count: 1, kinds: { missing_field: 1 } },
      { field: 'details.items[].sku', count: 1, kinds: { value: 1 } },
      { field: 'status', count: 1, kinds: { value: 1 } },
      { field: 'unit_price', count: 1, kinds: { value: 1 } },
    ]);
    expect(result.comparedColumns).not.toContain('__op');
  });

  it('persists every discrepancy and the run summary in the tables of the warehouse migration', async () => {
    const discrepancies = await client.query<{ row_key: string; kind: string; field: string | null; trigger_value: string | null; stream_value: string | null }>(
      `SELECT row_key, kind, field, trigger_value, stream_value FROM migration_discrepancies WHERE run_id = $1 ORDER BY row_key, field`,
      [result.runId],
    );
    expect(discrepancies.rows.map((row) => `${row.row_key} ${row.kind} ${row.field ?? ''}`.trim())).toEqual([
      'k02 missing_on_stream',
      'k03 missing_on_trigger',
      'k05 value created_at',
      'k07 value unit_price',
      'k08 type details.count',
      'k09 value details.address.city',
      'k11 value details.items[1].sku',
      'k13 missing_field details.coupon',
      'k14 value status',
    ]);
    expect(discrepancies.rows.find((row) => row.row_key === 'k07')).toMatchObject({ trigger_value: '100', stream_value: '102' });
    const summary = await client.query(`SELECT rows_examined, rows_matching, recommendation, passed FROM migration_validation_runs WHERE run_id = $1`, [result.runId]);
    expect(summary.rows).toEqual([{ rows_examined: '15', rows_matching: '6', recommendation: 'major-issues', passed: false }]);
  });

  it('refuses to persist where the warehouse migrations did not create the result tables, before reading a row', async () => {
    await expect(validateShadow(options({ resultsSchema: SCHEMA }))).rejects.toThrow(
      `result table "${SCHEMA}".migration_validation_runs does not exist: apply the warehouse migrations (003_shadow_validation_results creates it), or validate with --no-persist\n` +
        `result table "${SCHEMA}".migration_discrepancies does not exist`,
    );
  });

});

describe('migrate validate against PostgreSQL: settings, narrowing and table sizes', () => {
  it('applies configured tolerances', async () => {
    const wider = await validateShadow(options({ tolerances: { timestampMs: 5000, numericRelative: 0.05 }, persist: false }));
    expect(wider).toMatchObject({ rowsMatching: 8, rowsWithDifferences: 5 });
  });

  it('gives the same answer whatever the batch size', async () => {
    for (const batchSize of [1, 7, 1000]) {
      const other = await validateShadow(options({ batchSize, persist: false }));
      expect([other.rowsExamined, other.rowsMatching, other.missingOnStream, other.missingOnTrigger]).toEqual([15, 6, 1, 1]);
    }
  });

  it('handles an empty side and a trigger table whose size is a multiple of the batch size', async () => {
    await client.query(`CREATE TABLE ${SCHEMA}.empty (${COLUMNS})`);
    const emptyTrigger = await validateShadow(options({ triggerTable: 'empty', streamTable: ORDERS_SHADOW, persist: false }));
    expect(emptyTrigger).toMatchObject({ rowsExamined: 14, missingOnTrigger: 14, missingOnStream: 0, accuracyPercent: 0 });
    const emptyStream = await validateShadow(options({ triggerTable: 'orders', streamTable: 'empty', persist: false }));
    expect(emptyStream).toMatchObject({ rowsExamined: 14, missingOnStream: 14, missingOnTrigger: 0 });
    // 14 trigger rows: batches of 7 end exactly on the last row (the open-ended tail is read separately), batches of 3 do not.
    for (const batchSize of [7, 14, 3]) {
      expect(await validateShadow(options({ batchSize, persist: false }))).toMatchObject({ rowsExamined: 15, missingOnTrigger: 1, missingOnStream: 1, rowsMatching: 6 });
    }
    const nothing = await validateShadow(options({ triggerTable: 'empty', streamTable: ORDERS_SHADOW, since: new Date('2100-01-01T00:00:00Z'), persist: false }));
    expect(nothing).toMatchObject({ rowsExamined: 0, accuracyPercent: null, recommendation: 'no-data', passed: false });
  });

  it('narrows to rows changed since a time on either side', async () => {
    await client.query(`UPDATE ${SCHEMA}.orders SET updated_at = '2026-02-01T00:00:00Z' WHERE id IN ('k05', 'k01')`);
    await client.query(`UPDATE ${SCHEMA}.${ORDERS_SHADOW} SET updated_at = '2026-02-01T00:00:00Z' WHERE id IN ('k03', 'k07')`);
    try {
      const since = await validateShadow(options({ since: new Date('2026-01-15T00:00:00Z'), persist: false }));
      // k01 (now differs in updated_at), k05 from the trigger side; k03 (missing) and k07 from the stream side.
      expect(since).toMatchObject({ mode: 'since', rowsExamined: 4, missingOnTrigger: 1, missingOnStream: 0, rowsMatching: 0 });
    } finally {
      await client.query(`UPDATE ${SCHEMA}.orders SET updated_at = '2026-01-01T10:00:00Z'`);
      await client.query(`UPDATE ${SCHEMA}.${ORDERS_SHADOW} SET updated_at = '2026-01-01T10:00:00Z'`);
    }
  });

  it('samples about N rows per side, repeatably', async () => {
    const first = await validateShadow(options({ sample: 5, sampleSeed: 7, persist: false }));
    const second = await validateShadow(options({ sample: 5, sampleSeed: 7, persist: false }));
    expect(first.mode).toBe('sample');
    expect(first.rowsExamined).toBeGreaterThan(0);
    expect(first.rowsExamined).toBeLessThanOrEqual(10);
    expect([second.rowsExamined, second.rowsMatching]).toEqual([first.rowsExamined, first.rowsMatching]);
  });

  it('reports every configuration problem at once', async () => {
    await expect(validateShadow(options({ triggerTable: 'nope', streamTable: 'nope_either' }))).rejects.toThrow(
      `table ${SCHEMA}.nope does not exist (or has no columns)\ntable ${SCHEMA}.nope_either does not exist (or has no columns)`,
    );
  });

  it('passes 10,000 rows read in batches of 1,000 with exact counts across batch boundaries', async () => {
    await client.query(`CREATE TABLE ${SCHEMA}.big (${COLUMNS})`);
    await client.query(`CREATE TABLE ${SCHEMA}.${BIG_SHADOW} (${COLUMNS})`);
    await client.query(
      `INSERT INTO ${SCHEMA}.big (id, status, quantity, unit_price, created_at) SELECT 'r' || lpad(i::text, 6, '0'), 'paid', i, i * 1.5, timestamp '2026-01-01' + i * interval '1 minute' FROM generate_series(1, 10000) i`,
    );
    // The stream side lacks every 1000th row, has 3 extra rows, and one status differs.
    await client.query(`INSERT INTO ${SCHEMA}.${BIG_SHADOW} SELECT * FROM ${SCHEMA}.big WHERE substring(id, 2)::int % 1000 <> 0`);
    await client.query(`INSERT INTO ${SCHEMA}.${BIG_SHADOW} (id, status) VALUES ('r999991', 'x'), ('r999992', 'x'), ('a0', 'x')`);
    await client.query(`UPDATE ${SCHEMA}.${BIG_SHADOW} SET status = 'refunded' WHERE id = 'r000500'`);
    const big = await validateShadow(options({ triggerTable: 'big', streamTable: BIG_SHADOW, batchSize: 1000, threshold: 99 }));
    expect(big).toMatchObject({ rowsExamined: 10003, missingOnStream: 10, missingOnTrigger: 3, rowsWithDifferences: 1, rowsMatching: 9989, recommendation: 'minor-issues', passed: true });
  });
});

describe('cdcctl migrate validate (the command)', () => {
  const cli = (args: string[]) =>
    run(process.execPath, [path.join(REPOSITORY_ROOT, 'bin', 'cdcctl'), 'migrate', 'validate', ...args], { cwd: REPOSITORY_ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, NO_COLOR: '1' } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('exits 3 under the cut-over threshold and prints the report', async () => {
    const { code, stdout } = await cli(['--collection', 'orders', '--schema', SCHEMA, '--no-persist']);
    expect(code).toBe(3);
    expect(stdout).toMatch(/accuracy\s+40\.000 %/);
    expect(stdout).toMatch(/recommendation\s+major-issues/);
    expect(stdout).toMatch(/details\.items\[\]\.sku/);
  }, CLI_TIMEOUT_MS);

  it('stores its run in the tables of the warehouse migration and prints where its discrepancies are', async () => {
    const { code, stdout } = await cli(['--collection', 'orders', '--schema', SCHEMA, '--output', 'json']);
    expect(code).toBe(3);
    const printed = JSON.parse(stdout) as ValidationResult;
    expect(printed).toMatchObject({ rowsExamined: 15, discrepanciesStored: 9 });
    const stored = await client.query('SELECT rows_examined, passed FROM migration_validation_runs WHERE run_id = $1', [printed.runId]);
    expect(stored.rows).toEqual([{ rows_examined: '15', passed: false }]);
  }, CLI_TIMEOUT_MS);

  it('exits 0 when the threshold is met and prints JSON on request', async () => {
    const { code, stdout } = await cli(['--collection', 'orders', '--schema', SCHEMA, '--no-persist', '--threshold', '40', '--output', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ rowsExamined: 15, passed: true });
  }, CLI_TIMEOUT_MS);

  it('exits 1 with every flag problem at once, and never prints the password of the URL', async () => {
    const { code, stderr } = await cli(['--collection', 'orders', '--sample', '0', '--threshold', '120']);
    expect(code).toBe(1);
    expect(stderr).toContain('--sample must be a whole number ≥ 1 (got 0)');
    expect(stderr).toContain('--threshold must be a percentage between 0 and 100 (got 120)');
    const bad = await cli(['--collection', 'orders', '--database-url', `postgres://someone:${LEAKED}@127.0.0.1:1/none`]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).not.toContain(LEAKED);
  }, CLI_TIMEOUT_MS);
});

/**
 * Shadow validation at scale against a real PostgreSQL: N rows on each side (0.1 % of them differing
 * in a field, 0.01 % missing on each side), validated with `validateShadow`, beside two baselines in
 * the same run on the same tables: a `SELECT count(*)` of both tables (the cost of reading them at
 * all) and one server-side `EXCEPT` each way (the cheapest complete difference, which gives neither
 * tolerances nor field-level detail). Peak memory (RSS sampled every 10 ms) is reported per step at
 * two sizes, to show that validation memory does not grow with the table. Prints figures, asserts
 * nothing. Works in a schema of its own, dropped at the end: the warehouse migrations are applied
 * inside it, so the run's results go to a scratch copy of the result tables, not the warehouse's.
 *
 *   node bin/run-ts bench/shadow-validation.ts [--database-url URL] [--rows 1000000] [--small-rows 100000] [--batch-size 5000]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { shadowTable } from '../connectors/naming';
import { validateShadow, type ValidationResult } from '../migration/shadow-validation';
import { applyWarehouseMigrations } from '../warehouse/migrate';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: process.env.DATABASE_URL },
    rows: { type: 'string', default: '1000000' },
    'small-rows': { type: 'string', default: '100000' },
    'batch-size': { type: 'string', default: '5000' },
  },
});

const databaseUrl = values['database-url'];
if (!databaseUrl) {
  console.error('give --database-url or set DATABASE_URL (a PostgreSQL where a scratch schema may be created)');
  process.exit(1);
}
const SCHEMA = `bench_validate_${process.pid}`;

interface Measured<T> {
  readonly value: T;
  readonly seconds: number;
  /** Peak RSS above the RSS at the start of the step, MiB. */
  readonly peakMiB: number;
}

async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
  global.gc?.();
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds: (performance.now() - started) / 1000, peakMiB: (peak - startRss) / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

/** The warehouse's versioned schema (result tables included) applied inside the scratch schema. */
async function migrateScratchSchema(): Promise<void> {
  const url = new URL(databaseUrl!);
  url.searchParams.set('options', `-c search_path=${SCHEMA}`);
  await applyWarehouseMigrations(url.toString());
}

async function seed(client: Client, table: string, rows: number): Promise<void> {
  const trigger = `${SCHEMA}.${table}`;
  const stream = `${SCHEMA}.${shadowTable({ table })}`;
  const columns = `id text PRIMARY KEY, status text, quantity integer, unit_price numeric(12, 2), created_at timestamp(6), updated_at timestamptz, details jsonb`;
  await client.query(`CREATE TABLE ${trigger} (${columns})`);
  await client.query(`CREATE TABLE ${stream} (${columns})`);
  await client.query(
    `INSERT INTO ${trigger}
     SELECT md5(i::text), (ARRAY['paid','pending','shipped'])[1 + i % 3], i % 10, (i % 1000) * 1.25,
            timestamp '2026-01-01' + i * interval '1 second', timestamptz '2026-01-01' + i * interval '1 second',
            jsonb_build_object('address', jsonb_build_object('city', 'city-' || (i % 50)), 'items', jsonb_build_array(jsonb_build_object('sku', 'S' || (i % 97))))
       FROM generate_series(1, $1) i`,
    [rows],
  );
  // The stream side: the same rows, 0.01 % missing, 0.1 % with a different status, a few within tolerance.
  await client.query(
    `INSERT INTO ${stream}
     SELECT id, CASE WHEN n % 1000 = 7 THEN 'refunded' ELSE status END, quantity, unit_price,
            created_at + CASE WHEN n % 500 = 3 THEN interval '300 milliseconds' ELSE interval '0' END, updated_at, details
       FROM (SELECT *, row_number() OVER () AS n FROM ${trigger}) t WHERE n % 10000 <> 5`,
  );
  await client.query(`INSERT INTO ${stream} (id, status) SELECT 'extra-' || i, 'paid' FROM generate_series(1, $1) i`, [Math.max(1, Math.floor(rows / 10000))]);
  await client.query(`ANALYZE ${trigger}`);
  await client.query(`ANALYZE ${stream}`);
}

function line(label: string, rows: number, measured: Measured<unknown>, baseline?: Measured<unknown>): string {
  const rate = rows / measured.seconds;
  const ratio = baseline ? `${(measured.seconds / baseline.seconds).toFixed(1)}× the time of SELECT count(*)` : '';
  return `  ${label.padEnd(36)} ${measured.seconds.toFixed(2).padStart(7)} s  ${Math.round(rate).toLocaleString('en').padStart(11)} rows/s  peak +${measured.peakMiB.toFixed(0).padStart(4)} MiB  ${ratio}`;
}

async function benchmark(client: Client, rows: number): Promise<{ validate: Measured<ValidationResult>; count: Measured<unknown>; except: Measured<unknown> }> {
  const table = `t${rows}`;
  const shadow = shadowTable({ table });
  process.stderr.write(`seeding ${rows.toLocaleString('en')} rows per side…\n`);
  await seed(client, table, rows);
  const count = await measure(() => client.query(`SELECT (SELECT count(*) FROM ${SCHEMA}.${table}) + (SELECT count(*) FROM ${SCHEMA}.${shadow}) AS n`));
  const except = await measure(() =>
    client.query(
      `SELECT (SELECT count(*) FROM (SELECT * FROM ${SCHEMA}.${table} EXCEPT SELECT * FROM ${SCHEMA}.${shadow}) a) AS only_trigger,
              (SELECT count(*) FROM (SELECT * FROM ${SCHEMA}.${shadow} EXCEPT SELECT * FROM ${SCHEMA}.${table}) b) AS only_stream`,
    ),
  );
  const validate = await measure(() =>
    validateShadow({ databaseUrl: databaseUrl!, collection: table, schema: SCHEMA, triggerTable: table, streamTable: shadow, resultsSchema: SCHEMA, batchSize: Number(values['batch-size']) }),
  );
  const result = validate.value;
  console.log(`\n${rows.toLocaleString('en')} rows per side (trigger ${rows.toLocaleString('en')}, stream ${(rows - Math.floor(rows / 10000) + Math.max(1, Math.floor(rows / 10000))).toLocaleString('en')}):`);
  console.log(line('SELECT count(*) of both (baseline)', rows * 2, count));
  console.log(line('EXCEPT both ways (baseline)', rows * 2, except, count));
  console.log(line('migrate validate', result.rowsExamined, validate, count));
  console.log(
    `  validate found: ${result.rowsExamined} rows, ${result.rowsMatching} matching, ${result.rowsWithDifferences} differing, ${result.missingOnStream} missing on stream, ${result.missingOnTrigger} missing on trigger; accuracy ${result.accuracyPercent?.toFixed(3)} % (${result.recommendation})`,
  );
  console.log(
    `  ratios: validate/count(*) time ${(validate.seconds / count.seconds).toFixed(1)}×, validate/EXCEPT time ${(validate.seconds / except.seconds).toFixed(2)}×, validate rows/s ${Math.round(result.rowsExamined / validate.seconds).toLocaleString('en')}`,
  );
  return { validate, count, except };
}

async function main(): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${SCHEMA}`);
    await migrateScratchSchema();
    const small = await benchmark(client, Number(values['small-rows']));
    const large = await benchmark(client, Number(values.rows));
    console.log(
      `\nmemory: validate peak +${small.validate.peakMiB.toFixed(0)} MiB at ${Number(values['small-rows']).toLocaleString('en')} rows, +${large.validate.peakMiB.toFixed(0)} MiB at ${Number(values.rows).toLocaleString('en')} rows ` +
        `(ratio ${(large.validate.peakMiB / Math.max(small.validate.peakMiB, 1)).toFixed(2)} for ${(Number(values.rows) / Number(values['small-rows'])).toFixed(0)}× the rows); ` +
        `rows/s ratio large/small ${(large.validate.value.rowsExamined / large.validate.seconds / (small.validate.value.rowsExamined / small.validate.seconds)).toFixed(2)}`,
    );
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await client.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

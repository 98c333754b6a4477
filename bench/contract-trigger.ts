/**
 * What the warehouse's contract trigger costs: the same realistic order inserts (1–8 line items,
 * Decimal128 money, as Debezium's strict JSON text) written as the sink writes them (`INSERT … SELECT
 * FROM unnest(…) ON CONFLICT (id) DO UPDATE`, 1,000 rows a statement) into the orders table of the
 * migrations, once with its trigger (parse once, typed columns, violations, version guard) and once
 * with the table's triggers disabled: the baseline, run alternately in the same process on a fresh
 * table each time. Prints rows/s per run and the ratio; asserts nothing. Works in a schema of its own,
 * dropped at the end.
 *
 *   node bin/run-ts bench/contract-trigger.ts --database-url URL [--rows 5000] [--rounds 3]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { pipelines } from '../connectors/pipelines';
import { changeEventRecords } from '../local/debezium-events';
import { customerId, orderDocument } from '../local/sample-data';
import { dropSchemaSql, pipelineTableIn } from '../warehouse/tables';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: process.env.DATABASE_URL },
    rows: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
  },
});
if (!values['database-url']) throw new Error('--database-url is required (the warehouse of a running local runtime: cdcctl local status --output json)');

const SCHEMA = `bench_trigger_${Date.now().toString(36)}`;
const orders = pipelines.find((pipeline) => pipeline.name === 'orders')!;

/** The rows the sink writes for N order inserts: id (the key text), doc_text (`after`), __op, versions. */
function sinkRows(count: number): unknown[][] {
  const now = Date.now();
  return Array.from({ length: count }, (_, index) => {
    const [record] = changeEventRecords({ topicPrefix: 'bench', database: 'app_db', collection: 'orders', timestampMs: now, ordinal: index + 1 }, { kind: 'insert', document: orderDocument(index + 1, customerId(index % 500), new Date(now)) });
    const key = JSON.parse(record!.key) as { payload?: { id?: string }; id?: string };
    const value = JSON.parse(record!.value!) as { payload: { after: string } };
    return [key.payload?.id ?? key.id ?? record!.key, value.payload.after, 'c', now, index + 1, now];
  });
}

async function writeRows(db: Client, rows: readonly unknown[][], triggers: boolean): Promise<number> {
  await db.query(dropSchemaSql(SCHEMA));
  await db.query(`CREATE SCHEMA ${SCHEMA}`);
  await db.query(pipelineTableIn(SCHEMA, orders));
  if (!triggers) await db.query(`ALTER TABLE ${SCHEMA}.orders DISABLE TRIGGER USER`);
  const started = performance.now();
  for (let offset = 0; offset < rows.length; offset += 1000) {
    const batch = rows.slice(offset, offset + 1000);
    const columns = [0, 1, 2, 3, 4, 5].map((column) => batch.map((row) => row[column]));
    await db.query(
      `INSERT INTO ${SCHEMA}.orders (id, doc_text, __op, __source_ts_ms, __source_ord, __event_ts_ms)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::bigint[])
       ON CONFLICT (id) DO UPDATE SET doc_text = EXCLUDED.doc_text, __op = EXCLUDED.__op, __source_ts_ms = EXCLUDED.__source_ts_ms, __source_ord = EXCLUDED.__source_ord, __event_ts_ms = EXCLUDED.__event_ts_ms`,
      columns,
    );
  }
  const rate = rows.length / ((performance.now() - started) / 1000);
  if (triggers) {
    // The trigger did its work: every row typed (its total read from the document), none with a violation.
    const { rows: [check] } = await db.query(`SELECT count(*) FILTER (WHERE total IS NOT NULL AND __violations IS NULL)::int AS typed FROM ${SCHEMA}.orders`);
    if (check.typed !== rows.length) throw new Error(`only ${check.typed} of ${rows.length} rows typed without violation: the bench is not measuring what the sink writes`);
  }
  return rate;
}

async function main(): Promise<void> {
  const db = new Client({ connectionString: values['database-url'] });
  await db.connect();
  try {
    const rows = sinkRows(Number(values.rows));
    const bytes = rows.reduce((sum, row) => sum + String(row[1]).length, 0) / rows.length;
    console.log(`contract trigger bench: ${rows.length} order inserts a run (doc_text ${bytes.toFixed(0)} bytes on average), 1,000-row statements, ${values.rounds} rounds`);
    const ratios: number[] = [];
    for (let round = 1; round <= Number(values.rounds); round++) {
      const withTrigger = await writeRows(db, rows, true);
      const without = await writeRows(db, rows, false);
      ratios.push(withTrigger / without);
      console.log(`round ${round}: with the contract trigger ${withTrigger.toFixed(0)} rows/s · triggers disabled ${without.toFixed(0)} rows/s · ratio ${(withTrigger / without).toFixed(2)}`);
    }
    ratios.sort((a, b) => a - b);
    console.log(`median ratio ${ratios[Math.floor(ratios.length / 2)]!.toFixed(2)} (the share of the bare insert throughput the trigger leaves)`);
  } finally {
    await db.query(dropSchemaSql(SCHEMA)).catch(() => undefined);
    await db.end();
  }
}

void main();

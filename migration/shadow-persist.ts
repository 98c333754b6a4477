import type { Client } from 'pg';
import { display } from './compare';
import { quote, type Query } from './shadow-query';
import type { SourceVerdict, VerdictCounts } from './source-verdict';
import type { RowDiscrepancy, TallyCounts } from './shadow-tally';

/**
 * The last step of shadow validation: the run's summary in `migration_validation_runs` and its
 * discrepancies in `migration_discrepancies`, written in buffered batches as they are found so that
 * memory stays flat. The tables belong to the warehouse's versioned schema
 * (warehouse/migrations/003_shadow_validation_results.sql): a run checks that they are there and
 * never creates them. A run checked against the source also stores each discrepancy's verdict and the
 * run's counts per verdict, in the columns of 005_discrepancy_source_verdicts; a run without the
 * source writes exactly what it wrote before that migration, so it needs none of it.
 */

export const RESULT_TABLES = ['migration_validation_runs', 'migration_discrepancies'] as const;
type ResultTable = (typeof RESULT_TABLES)[number];
export const RESULTS_MIGRATION = '003_shadow_validation_results';
/** The result columns a run checked against the source writes, by table. */
export const VERDICT_COLUMNS = { migration_discrepancies: 'source_verdict', migration_validation_runs: 'source_verdicts' } as const;
export const VERDICTS_MIGRATION = '005_discrepancy_source_verdicts';

/** Discrepancies buffered before one INSERT. */
const DISCREPANCY_FLUSH = 1000;
/** Characters of a stored value; longer ones end with `…`. */
const VALUE_TEXT_LIMIT = 1000;

/** Only the query method: what a test's recorder has to provide. */
export type Queryable = Pick<Client, 'query'>;

export interface RunStart {
  readonly runId: string;
  readonly collection: string;
  readonly triggerTable: string;
  readonly streamTable: string;
  readonly mode: string;
  readonly startedAt: Date;
  readonly threshold: number;
  /** The settings the run used, stored with it so that it can be repeated. */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface RunEnd extends TallyCounts {
  readonly runId: string;
  readonly finishedAt: Date;
  readonly accuracyPercent: number | null;
  readonly recommendation: string;
  readonly passed: boolean;
  /** Counts per verdict of a run checked against the source. */
  readonly sourceVerdicts?: VerdictCounts;
}

export interface DiscrepancyWriter {
  /** Stores a discrepancy: one row per differing field, one for a missing row; with the source's verdict when checked. */
  record(discrepancy: RowDiscrepancy, verdict?: SourceVerdict): Promise<void>;
  /** Writes what is buffered. */
  flush(): Promise<void>;
  /** Discrepancies kept so far (the cap stops storing, never counting). */
  stored(): number;
}

/** `schema.table`, or the bare name, found where the warehouse migrations created it (the search path). */
export function resultTable(table: ResultTable, schema?: string): string {
  return schema === undefined ? table : `${quote(schema)}.${table}`;
}

export async function missingResultTables(client: Queryable, schema?: string): Promise<string[]> {
  const names = RESULT_TABLES.map((table) => resultTable(table, schema));
  const result = await client.query<{ name: string }>('SELECT name FROM unnest($1::text[]) WITH ORDINALITY AS t(name, position) WHERE to_regclass(name) IS NULL ORDER BY position', [names]);
  return result.rows.map(
    (row) => `result table ${row.name} does not exist: apply the warehouse migrations (${RESULTS_MIGRATION} creates it), or validate with --no-persist`,
  );
}

/** The verdict columns a run checked against the source writes, each that is not there. */
export async function missingVerdictColumns(client: Queryable, schema?: string): Promise<string[]> {
  const wanted = Object.entries(VERDICT_COLUMNS).map(([table, column]) => ({ table: resultTable(table as ResultTable, schema), column }));
  const result = await client.query<{ name: string; column_name: string }>(
    `SELECT w.name, w.column_name FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w(name, column_name, position)
      WHERE to_regclass(w.name) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = to_regclass(w.name) AND a.attname = w.column_name AND NOT a.attisdropped)
      ORDER BY position`,
    [wanted.map((entry) => entry.table), wanted.map((entry) => entry.column)],
  );
  return result.rows.map(
    (row) => `result column ${row.name}.${row.column_name} does not exist: apply the warehouse migrations (${VERDICTS_MIGRATION} adds it), or validate with --no-persist`,
  );
}

export function startRunQuery(run: RunStart, schema?: string): Query {
  return {
    text: `INSERT INTO ${resultTable('migration_validation_runs', schema)} (run_id, collection, trigger_table, stream_table, mode, started_at, threshold, options) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    values: [run.runId, run.collection, run.triggerTable, run.streamTable, run.mode, run.startedAt, run.threshold, JSON.stringify(run.options)],
  };
}

export function finishRunQuery(run: RunEnd, schema?: string): Query {
  const verdicts = run.sourceVerdicts ? `, ${VERDICT_COLUMNS.migration_validation_runs} = $11` : '';
  return {
    text: `UPDATE ${resultTable('migration_validation_runs', schema)} SET finished_at = $2, rows_examined = $3, rows_matching = $4, rows_with_differences = $5,
           missing_on_stream = $6, missing_on_trigger = $7, accuracy_percent = $8, recommendation = $9, passed = $10${verdicts} WHERE run_id = $1`,
    values: [
      run.runId, run.finishedAt, run.rowsExamined, run.rowsMatching, run.rowsWithDifferences, run.missingOnStream, run.missingOnTrigger, run.accuracyPercent, run.recommendation, run.passed,
      ...(run.sourceVerdicts ? [JSON.stringify(run.sourceVerdicts)] : []),
    ],
  };
}

type DiscrepancyRow = [key: string, kind: string, field: string | null, triggerValue: string | null, streamValue: string | null, verdict?: SourceVerdict];

/** One INSERT of many discrepancies: one array parameter per column; the verdict column only when `withVerdicts`. */
export function discrepanciesQuery(runId: string, collection: string, rows: readonly DiscrepancyRow[], schema?: string, withVerdicts = false): Query {
  const columns = withVerdicts ? 6 : 5;
  const indexes = Array.from({ length: columns }, (_, index) => index);
  const verdictColumn = withVerdicts ? `, ${VERDICT_COLUMNS.migration_discrepancies}` : '';
  return {
    text: `INSERT INTO ${resultTable('migration_discrepancies', schema)} (run_id, collection, row_key, kind, field, trigger_value, stream_value${verdictColumn})
         SELECT $1, $2, * FROM unnest(${indexes.map((index) => `$${index + 3}::text[]`).join(', ')})`,
    values: [runId, collection, ...indexes.map((index) => rows.map((row) => row[index] ?? null))],
  };
}

/** A discrepancy as its stored rows: one per differing field, or one for a missing row. */
export function discrepancyRows(discrepancy: RowDiscrepancy, verdict?: SourceVerdict): DiscrepancyRow[] {
  const { key, kind } = discrepancy;
  if (kind !== 'differences') return [[key, kind, null, null, null, verdict]];
  return discrepancy.differences.map((difference) => [key, difference.kind, difference.field, valueText(difference.trigger), valueText(difference.stream), verdict]);
}

/** A value as stored: JSON for structures, ISO for timestamps, cut at VALUE_TEXT_LIMIT characters. */
export function valueText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const shown = display(value);
  const text = typeof shown === 'string' ? shown : JSON.stringify(shown);
  return text.length > VALUE_TEXT_LIMIT ? `${text.slice(0, VALUE_TEXT_LIMIT)}…` : text;
}

export interface DiscrepancyWriterOptions {
  readonly runId: string;
  readonly collection: string;
  /** Discrepancies stored per run at most. */
  readonly maxStored: number;
  readonly schema?: string;
  /** Store each discrepancy's verdict (a run checked against the source). @default false */
  readonly withVerdicts?: boolean;
}

export function createDiscrepancyWriter(client: Queryable, options: DiscrepancyWriterOptions): DiscrepancyWriter {
  const buffer: DiscrepancyRow[] = [];
  let stored = 0;
  const flush = async () => {
    if (buffer.length === 0) return;
    const query = discrepanciesQuery(options.runId, options.collection, buffer.splice(0), options.schema, options.withVerdicts);
    await client.query(query.text, query.values);
  };
  return {
    async record(discrepancy, verdict) {
      if (stored >= options.maxStored) return;
      for (const row of discrepancyRows(discrepancy, verdict)) {
        if (stored >= options.maxStored) return;
        stored += 1;
        buffer.push(row);
        if (buffer.length >= DISCREPANCY_FLUSH) await flush();
      }
    },
    flush,
    stored: () => stored,
  };
}

/** The writer of a run that persists nothing (`persist: false`). */
export const DISCARDING_WRITER: DiscrepancyWriter = { record: async () => undefined, flush: async () => undefined, stored: () => 0 };

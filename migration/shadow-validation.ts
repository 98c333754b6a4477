import { randomUUID } from 'node:crypto';
import { Client, types as pgTypes, type ClientConfig } from 'pg';
import { compareRows, display, fieldPattern, DEFAULT_TOLERANCES, type DifferenceKind, type Tolerances } from './compare';

/**
 * Shadow validation (seed step 10): the trigger path's table against the stream path's table in the
 * warehouse, in bounded memory whatever the table size. A full run is one merge pass in key order:
 * keyset-paginated batches of the trigger table, each with the stream rows of the same key range
 * (read in batches too), so rows missing on either side and field differences come out of one read
 * of each table. A narrowed run (`sample`, `since`) reads the selected rows of each side and fetches
 * their twins by key. Discrepancies are written to `migration_discrepancies` as they are found, the
 * run's summary to `migration_validation_runs`. Both tables must sort their keys alike (same type and
 * collation); this is checked first.
 */

/** The seed's recommendation thresholds, in percent of rows that match. */
export const RECOMMENDATION_THRESHOLDS = { ready: 99.9, minorIssues: 95 } as const;
export type Recommendation = 'ready' | 'minor-issues' | 'major-issues' | 'no-data';

export function recommend(accuracyPercent: number | null): Recommendation {
  if (accuracyPercent === null) return 'no-data';
  if (accuracyPercent >= RECOMMENDATION_THRESHOLDS.ready) return 'ready';
  return accuracyPercent >= RECOMMENDATION_THRESHOLDS.minorIssues ? 'minor-issues' : 'major-issues';
}

export interface ValidateOptions {
  readonly databaseUrl: string;
  /** A label for the run (the pipeline name). */
  readonly collection: string;
  /** Schema of both tables. @default 'public' */
  readonly schema?: string;
  /** The trigger path's output. */
  readonly triggerTable: string;
  /** The stream path's output. */
  readonly streamTable: string;
  /** Key columns. @default the trigger table's primary key */
  readonly keyColumns?: readonly string[];
  /** Columns left out of the comparison. @default [] */
  readonly ignoreColumns?: readonly string[];
  /**
   * Columns starting with `__` are the stream path's own metadata (Debezium `add.fields` such as
   * `__op`, `__source_ts_ms`), which the trigger path never writes. @default true
   */
  readonly ignoreMetadataColumns?: boolean;
  readonly tolerances?: Tolerances;
  /** Rows per batch. @default 5000 */
  readonly batchSize?: number;
  /** Compare about this many rows drawn at random from each side instead of all rows. */
  readonly sample?: number;
  /** Seed of the sample, so a run can be repeated. @default 1 */
  readonly sampleSeed?: number;
  /** Only rows changed at or after this instant (by `sinceColumn`) on either side. */
  readonly since?: Date;
  /** @default 'updated_at' */
  readonly sinceColumn?: string;
  /** Accuracy (percent) below which the run fails: the cut-over gate. @default 99.9 */
  readonly threshold?: number;
  /** Write discrepancies and the run summary to the warehouse. @default true */
  readonly persist?: boolean;
  /** Schema of the result tables. @default the tables' schema */
  readonly resultsSchema?: string;
  /** Discrepancy rows written per run at most (counts stay exact). @default 100000 */
  readonly maxStoredDiscrepancies?: number;
  readonly onProgress?: (progress: ValidationProgress) => void;
}

export interface ValidationProgress {
  readonly pass: 'trigger-side' | 'stream-side';
  readonly rows: number;
  /** Rows the pass will read, estimated from the planner statistics (or the sample size). */
  readonly estimatedRows: number;
}

export interface FieldCount {
  readonly field: string;
  readonly count: number;
  readonly kinds: Readonly<Partial<Record<DifferenceKind, number>>>;
}

export interface ValidationResult {
  readonly runId: string;
  readonly collection: string;
  readonly triggerTable: string;
  readonly streamTable: string;
  readonly mode: 'full' | 'sample' | 'since';
  readonly keyColumns: readonly string[];
  readonly comparedColumns: readonly string[];
  /** Columns one table has and the other lacks (read as NULL on the side that lacks them). */
  readonly columnsOnlyInTrigger: readonly string[];
  readonly columnsOnlyInStream: readonly string[];
  readonly rowsExamined: number;
  readonly rowsMatching: number;
  readonly rowsWithDifferences: number;
  readonly missingOnStream: number;
  readonly missingOnTrigger: number;
  /** Percent of examined rows that match; null when there was nothing to compare. */
  readonly accuracyPercent: number | null;
  readonly recommendation: Recommendation;
  readonly threshold: number;
  readonly passed: boolean;
  /** Most differing fields first. */
  readonly fields: readonly FieldCount[];
  readonly discrepanciesStored: number;
  readonly tolerances: Tolerances;
  readonly durationMs: number;
}

export class ValidationError extends Error {
  override name = 'ValidationError';
}

const FIELD_STATS_LIMIT = 10_000;
const DISCREPANCY_FLUSH = 1000;
const VALUE_TEXT_LIMIT = 1000;

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** Parsers used by validation connections only: numbers as numbers, timestamps as UTC instants, dates as text. */
function typeParsers(): ClientConfig['types'] {
  const parseTimestamp = (value: string) => {
    const parsed = new Date(`${value.replace(' ', 'T')}Z`);
    return Number.isNaN(parsed.getTime()) ? value : parsed;
  };
  const custom: Record<number, (value: string) => unknown> = {
    20: Number, // int8
    1700: Number, // numeric
    1114: parseTimestamp, // timestamp without time zone: as written, read as UTC on both sides
    1082: (value) => value, // date
  };
  return {
    getTypeParser: ((oid: number, format?: string) => custom[oid] ?? pgTypes.getTypeParser(oid, format as 'text')) as typeof pgTypes.getTypeParser,
  };
}

interface ColumnInfo {
  readonly name: string;
  readonly type: string;
  /** The column's collation: it orders text keys, and both sides must order them alike. */
  readonly collation: string | null;
}

async function columnsOf(client: Client, schema: string, table: string): Promise<ColumnInfo[]> {
  const result = await client.query<ColumnInfo>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, co.collname AS collation
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_collation co ON co.oid = a.attcollation
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [schema, table],
  );
  return result.rows;
}

async function primaryKeyOf(client: Client, schema: string, table: string): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT a.attname AS name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary ORDER BY k.position`,
    [schema, table],
  );
  return result.rows.map((row) => row.name);
}

async function estimatedRows(client: Client, schema: string, table: string): Promise<number> {
  const result = await client.query<{ estimate: number }>(
    `SELECT GREATEST(c.reltuples, 0)::float8 AS estimate FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, table],
  );
  const estimate = Number(result.rows[0]?.estimate ?? 0);
  if (estimate > 0) return Math.round(estimate);
  // Never analysed: count (the table is small, or this is its first run).
  const counted = await client.query<{ count: number }>(`SELECT count(*)::float8 AS count FROM ${quote(schema)}.${quote(table)}`);
  return Number(counted.rows[0]?.count ?? 0);
}

interface Side {
  readonly name: string;
  readonly qualified: string;
  readonly columns: readonly ColumnInfo[];
}

export async function ensureResultTables(client: Client, schema: string): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${quote(schema)}.migration_validation_runs (
    run_id uuid PRIMARY KEY,
    collection text NOT NULL,
    trigger_table text NOT NULL,
    stream_table text NOT NULL,
    mode text NOT NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz,
    rows_examined bigint,
    rows_matching bigint,
    rows_with_differences bigint,
    missing_on_stream bigint,
    missing_on_trigger bigint,
    accuracy_percent numeric,
    recommendation text,
    threshold numeric NOT NULL,
    passed boolean,
    options jsonb NOT NULL
  )`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${quote(schema)}.migration_discrepancies (
    id bigserial PRIMARY KEY,
    run_id uuid NOT NULL,
    collection text NOT NULL,
    row_key text NOT NULL,
    kind text NOT NULL,
    field text,
    trigger_value text,
    stream_value text,
    detected_at timestamptz NOT NULL DEFAULT now()
  )`);
  await client.query(`CREATE INDEX IF NOT EXISTS migration_discrepancies_run_id ON ${quote(schema)}.migration_discrepancies (run_id)`);
}

function valueText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const shown = display(value);
  const text = typeof shown === 'string' ? shown : JSON.stringify(shown);
  return text.length > VALUE_TEXT_LIMIT ? `${text.slice(0, VALUE_TEXT_LIMIT)}…` : text;
}

export async function validateShadow(options: ValidateOptions): Promise<ValidationResult> {
  const startedAt = new Date();
  const {
    schema = 'public',
    ignoreColumns = [],
    ignoreMetadataColumns = true,
    tolerances = DEFAULT_TOLERANCES,
    batchSize = 5000,
    sampleSeed = 1,
    sinceColumn = 'updated_at',
    threshold = RECOMMENDATION_THRESHOLDS.ready,
    persist = true,
    maxStoredDiscrepancies = 100_000,
    onProgress = () => undefined,
  } = options;
  const resultsSchema = options.resultsSchema ?? schema;
  const problems: string[] = [];
  if (!Number.isInteger(batchSize) || batchSize < 1) problems.push(`batchSize must be a whole number ≥ 1 (got ${batchSize})`);
  if (options.sample !== undefined && (!Number.isInteger(options.sample) || options.sample < 1)) problems.push(`sample must be a whole number ≥ 1 (got ${options.sample})`);
  if (options.sample !== undefined && options.since) problems.push('sample and since cannot be combined: pick one way of narrowing the comparison');
  if (!(threshold >= 0 && threshold <= 100)) problems.push(`threshold must be a percentage between 0 and 100 (got ${threshold})`);
  if (!(tolerances.timestampMs >= 0)) problems.push(`timestamp tolerance must be ≥ 0 ms (got ${tolerances.timestampMs})`);
  if (!(tolerances.numericRelative >= 0)) problems.push(`numeric tolerance must be ≥ 0 (got ${tolerances.numericRelative})`);
  if (options.triggerTable === options.streamTable) problems.push(`trigger table and stream table are the same table (${options.triggerTable})`);
  if (problems.length) throw new ValidationError(problems.join('\n'));

  const mode: ValidationResult['mode'] = options.sample !== undefined ? 'sample' : options.since ? 'since' : 'full';
  const client = new Client({ connectionString: options.databaseUrl, types: typeParsers(), application_name: 'cdcctl migrate validate' });
  await client.connect();
  try {
    const sides: Record<'trigger' | 'stream', Side> = {
      trigger: { name: options.triggerTable, qualified: `${quote(schema)}.${quote(options.triggerTable)}`, columns: await columnsOf(client, schema, options.triggerTable) },
      stream: { name: options.streamTable, qualified: `${quote(schema)}.${quote(options.streamTable)}`, columns: await columnsOf(client, schema, options.streamTable) },
    };
    for (const side of Object.values(sides)) if (side.columns.length === 0) problems.push(`table ${schema}.${side.name} does not exist (or has no columns)`);
    if (problems.length) throw new ValidationError(problems.join('\n'));

    const keyColumns = options.keyColumns?.length ? [...options.keyColumns] : await primaryKeyOf(client, schema, options.triggerTable);
    if (keyColumns.length === 0) problems.push(`table ${schema}.${options.triggerTable} has no primary key: name the key columns (--key)`);
    const typeOf = (side: Side, column: string) => side.columns.find((candidate) => candidate.name === column)?.type;
    for (const key of keyColumns) {
      const triggerType = typeOf(sides.trigger, key);
      const streamType = typeOf(sides.stream, key);
      if (!triggerType || !streamType) problems.push(`key column ${key}: missing from ${!triggerType ? options.triggerTable : options.streamTable}`);
      else if (triggerType !== streamType) problems.push(`key column ${key}: ${options.triggerTable} has ${triggerType}, ${options.streamTable} has ${streamType}; keys must have one type`);
      else {
        const collations = [sides.trigger, sides.stream].map((side) => side.columns.find((column) => column.name === key)!.collation);
        if (collations[0] !== collations[1]) {
          problems.push(`key column ${key}: ${options.triggerTable} collates with ${collations[0]}, ${options.streamTable} with ${collations[1]}; keys must sort alike on both sides`);
        }
      }
    }
    if (options.since) {
      for (const side of Object.values(sides)) if (!typeOf(side, sinceColumn)) problems.push(`since column ${sinceColumn}: missing from ${side.name} (set --since-column)`);
    }
    for (const column of ignoreColumns) {
      if (!typeOf(sides.trigger, column) && !typeOf(sides.stream, column)) problems.push(`ignored column ${column}: neither table has it`);
    }
    if (problems.length) throw new ValidationError(problems.join('\n'));

    const ignored = new Set([...keyColumns, ...ignoreColumns]);
    const compared = (side: Side) => side.columns.map((column) => column.name).filter((name) => !ignored.has(name) && !(ignoreMetadataColumns && name.startsWith('__')));
    const triggerColumns = compared(sides.trigger);
    const streamColumns = compared(sides.stream);
    const comparedColumns = [...new Set([...triggerColumns, ...streamColumns])];
    const columnsOnlyInTrigger = triggerColumns.filter((name) => !streamColumns.includes(name));
    const columnsOnlyInStream = streamColumns.filter((name) => !triggerColumns.includes(name));
    const keyTypes = keyColumns.map((key) => typeOf(sides.trigger, key)!);
    const keyText = keyColumns.map((key, index) => `${quote(key)}::text AS "__key${index}"`).join(', ');
    const keyOrder = keyColumns.map(quote).join(', ');
    const keyTuple = `(${keyOrder})`;
    const runId = randomUUID();

    // ---- Persistence, buffered so memory stays flat ----
    let stored = 0;
    const buffer: Array<[string, string, string | null, string | null, string | null]> = [];
    if (persist) {
      await ensureResultTables(client, resultsSchema);
      await client.query(
        `INSERT INTO ${quote(resultsSchema)}.migration_validation_runs (run_id, collection, trigger_table, stream_table, mode, started_at, threshold, options) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [runId, options.collection, options.triggerTable, options.streamTable, mode, startedAt, threshold, JSON.stringify({ schema, keyColumns, ignoreColumns, ignoreMetadataColumns, tolerances, batchSize, sample: options.sample, sampleSeed, since: options.since?.toISOString(), sinceColumn })],
      );
    }
    const flush = async () => {
      if (!persist || buffer.length === 0) return;
      const rows = buffer.splice(0);
      await client.query(
        `INSERT INTO ${quote(resultsSchema)}.migration_discrepancies (run_id, collection, row_key, kind, field, trigger_value, stream_value)
         SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
        [runId, options.collection, ...[0, 1, 2, 3, 4].map((index) => rows.map((row) => row[index]))],
      );
    };
    const record = async (key: string, kind: string, field: string | null, triggerValue: unknown, streamValue: unknown) => {
      if (!persist || stored >= maxStoredDiscrepancies) return;
      stored += 1;
      buffer.push([key, kind, field, valueText(triggerValue), valueText(streamValue)]);
      if (buffer.length >= DISCREPANCY_FLUSH) await flush();
    };

    // ---- Counters ----
    let rowsExamined = 0;
    let rowsMatching = 0;
    let rowsWithDifferences = 0;
    let missingOnStream = 0;
    let missingOnTrigger = 0;
    const fieldStats = new Map<string, { count: number; kinds: Partial<Record<DifferenceKind, number>> }>();
    const countField = (field: string, kind: DifferenceKind) => {
      const pattern = fieldPattern(field);
      const key = fieldStats.has(pattern) || fieldStats.size < FIELD_STATS_LIMIT ? pattern : '(other fields)';
      const entry = fieldStats.get(key) ?? { count: 0, kinds: {} };
      entry.count += 1;
      entry.kinds[kind] = (entry.kinds[kind] ?? 0) + 1;
      fieldStats.set(key, entry);
    };
    const keysOf = (row: Record<string, unknown>) => keyColumns.map((_, index) => String(row[`__key${index}`]));
    const keyOf = (row: Record<string, unknown>) => (keyColumns.length === 1 ? String(row.__key0) : JSON.stringify(keyColumns.map((_, index) => row[`__key${index}`])));
    const compareAndRecord = async (key: string, triggerRow: Record<string, unknown>, streamRow: Record<string, unknown>) => {
      rowsExamined += 1;
      const differences = compareRows(triggerRow, streamRow, comparedColumns, tolerances);
      if (differences.length === 0) {
        rowsMatching += 1;
        return;
      }
      rowsWithDifferences += 1;
      for (const difference of differences) {
        countField(difference.field, difference.kind);
        await record(key, difference.kind, difference.field, difference.trigger, difference.stream);
      }
    };

    // ---- Reading ----
    const sinceFilter = () => (mode === 'since' ? { sql: `${quote(sinceColumn)} >= $1`, values: [options.since] as unknown[] } : { sql: 'true', values: [] as unknown[] });
    const estimate = async (side: Side) => (mode === 'sample' ? options.sample! : await estimatedRows(client, schema, side.name));
    const samplePercent = async (side: Side) => {
      const rows = await estimatedRows(client, schema, side.name);
      return rows === 0 ? 100 : Math.min(100, (options.sample! / rows) * 100 * 1.2);
    };

    /**
     * Keyset batches of one side, in key order, narrowed by the mode (sample, since). The next batch
     * is requested before the current one is handed out, so that reading overlaps comparing; at most
     * two batches are in memory.
     */
    async function* batches(side: Side, columnList: string): AsyncGenerator<Record<string, unknown>[]> {
      const sampling = mode === 'sample' ? ` TABLESAMPLE BERNOULLI (${(await samplePercent(side)).toFixed(6)}) REPEATABLE (${Math.trunc(sampleSeed)})` : '';
      const fetch = (last: string[] | undefined, limit: number) => {
        const filter = sinceFilter();
        const values = [...filter.values];
        let after = '';
        if (last) {
          const placeholders = last.map((value, index) => {
            values.push(value);
            return `$${values.length}::${keyTypes[index]}`;
          });
          after = ` AND ${keyTuple} > (${placeholders.join(', ')})`;
        }
        values.push(limit);
        return client
          .query<Record<string, unknown>>(`SELECT ${keyText}, ${columnList} FROM ${side.qualified}${sampling} WHERE ${filter.sql}${after} ORDER BY ${keyOrder} LIMIT $${values.length}`, values)
          .then((result) => ({ rows: result.rows, limit }));
      };
      const limitAfter = (read: number) => (mode === 'sample' ? Math.min(batchSize, options.sample! - read) : batchSize);
      let read = 0;
      let pending: ReturnType<typeof fetch> | undefined = limitAfter(0) > 0 ? fetch(undefined, limitAfter(0)) : undefined;
      while (pending) {
        const { rows, limit } = await pending;
        pending = undefined;
        if (rows.length === 0) return;
        read += rows.length;
        const tail = rows[rows.length - 1]!;
        if (rows.length === limit && limitAfter(read) > 0) {
          pending = fetch(keyColumns.map((_, index) => String(tail[`__key${index}`])), limitAfter(read));
          // Settled by the next turn of the loop; a failure surfaces there, not as an unhandled rejection.
          pending.catch(() => undefined);
        }
        yield rows;
      }
    }

    /**
     * Rows of `side` whose keys are in `keys` (text), fetched through the key index. With `sinceFlag`
     * each row says whether the first pass (since mode) already read it.
     */
    async function byKeys(side: Side, keys: readonly string[][], columnList: string, sinceFlag = false): Promise<Map<string, Record<string, unknown>>> {
      const join = keyColumns.map((key, index) => `t.${quote(key)} = k.c${index}::${keyTypes[index]}`).join(' AND ');
      const values: unknown[] = keyColumns.map((_, index) => keys.map((key) => key[index]));
      const unnest = `unnest(${keyColumns.map((_, index) => `$${index + 1}::text[]`).join(', ')}) AS k(${keyColumns.map((_, index) => `c${index}`).join(', ')})`;
      let seen = '';
      if (sinceFlag) {
        values.push(options.since);
        seen = `, (t.${quote(sinceColumn)} >= $${values.length}) AS "__seen"`;
      }
      const result = await client.query<Record<string, unknown>>(
        `SELECT ${keyColumns.map((key, index) => `t.${quote(key)}::text AS "__key${index}"`).join(', ')}${columnList ? `, ${columnList}` : ''}${seen} FROM ${side.qualified} t JOIN ${unnest} ON ${join}`,
        values,
      );
      return new Map(result.rows.map((row) => [keyOf(row), row]));
    }
    const selectList = (side: Side, prefix = '') => side.columns.map((column) => `${prefix}${quote(column.name)}`).join(', ');

    const missing = async (key: string, kind: 'missing_on_stream' | 'missing_on_trigger') => {
      rowsExamined += 1;
      if (kind === 'missing_on_stream') missingOnStream += 1;
      else missingOnTrigger += 1;
      await record(key, kind, null, null, null);
    };
    const triggerEstimate = await estimate(sides.trigger);

    if (mode === 'full') {
      // One merge pass: each trigger batch covers the key range (previous batch's last key, its own
      // last key]; the stream rows of that range are read in batches too, through the key index.
      let pass1Rows = 0;
      let lower: string[] | undefined;
      const streamColumns = selectList(sides.stream);
      const streamRange = async function* (from: string[] | undefined, to: string[] | undefined): AsyncGenerator<Record<string, unknown>[]> {
        let after = from;
        for (;;) {
          const values: unknown[] = [];
          const bound = (key: string[]) => key.map((value, index) => (values.push(value), `$${values.length}::${keyTypes[index]}`)).join(', ');
          const conditions = [after ? `${keyTuple} > (${bound(after)})` : 'true', to ? `${keyTuple} <= (${bound(to)})` : 'true'];
          values.push(batchSize);
          const result = await client.query<Record<string, unknown>>(
            `SELECT ${keyText}, ${streamColumns} FROM ${sides.stream.qualified} WHERE ${conditions.join(' AND ')} ORDER BY ${keyOrder} LIMIT $${values.length}`,
            values,
          );
          if (result.rows.length === 0) return;
          yield result.rows;
          if (result.rows.length < batchSize) return;
          after = keysOf(result.rows[result.rows.length - 1]!);
        }
      };
      let exhausted = false;
      for await (const rows of batches(sides.trigger, selectList(sides.trigger))) {
        const byKey = new Map(rows.map((row) => [keyOf(row), row]));
        // The last (short) batch's range is open-ended, so stream rows past every trigger key are seen.
        const upper = rows.length < batchSize ? undefined : keysOf(rows[rows.length - 1]!);
        exhausted = upper === undefined;
        for await (const streamRows of streamRange(lower, upper)) {
          for (const streamRow of streamRows) {
            const key = keyOf(streamRow);
            const triggerRow = byKey.get(key);
            if (triggerRow) {
              byKey.delete(key);
              await compareAndRecord(key, triggerRow, streamRow);
            } else await missing(key, 'missing_on_trigger');
          }
        }
        for (const key of byKey.keys()) await missing(key, 'missing_on_stream');
        lower = keysOf(rows[rows.length - 1]!);
        pass1Rows += rows.length;
        onProgress({ pass: 'trigger-side', rows: pass1Rows, estimatedRows: triggerEstimate });
      }
      if (!exhausted) for await (const streamRows of streamRange(lower, undefined)) for (const streamRow of streamRows) await missing(keyOf(streamRow), 'missing_on_trigger');
    } else {
      // Pass 1: the narrowed trigger rows against their stream twins, fetched by key.
      const seenInPass1 = mode === 'sample' ? new Set<string>() : undefined;
      let pass1Rows = 0;
      for await (const rows of batches(sides.trigger, selectList(sides.trigger))) {
        const twins = await byKeys(sides.stream, rows.map(keysOf), selectList(sides.stream, 't.'));
        for (const row of rows) {
          const key = keyOf(row);
          seenInPass1?.add(key);
          const twin = twins.get(key);
          if (twin) await compareAndRecord(key, row, twin);
          else await missing(key, 'missing_on_stream');
        }
        pass1Rows += rows.length;
        onProgress({ pass: 'trigger-side', rows: pass1Rows, estimatedRows: triggerEstimate });
      }
      // Pass 2: the narrowed stream rows the first pass did not cover.
      const streamEstimate = await estimate(sides.stream);
      let pass2Rows = 0;
      for await (const rows of batches(sides.stream, selectList(sides.stream))) {
        const counterparts = await byKeys(sides.trigger, rows.map(keysOf), selectList(sides.trigger, 't.'), mode === 'since');
        for (const row of rows) {
          const key = keyOf(row);
          const counterpart = counterparts.get(key);
          if (!counterpart) await missing(key, 'missing_on_trigger');
          else if (!(mode === 'since' ? counterpart.__seen === true : seenInPass1!.has(key))) await compareAndRecord(key, counterpart, row);
        }
        pass2Rows += rows.length;
        onProgress({ pass: 'stream-side', rows: pass2Rows, estimatedRows: streamEstimate });
      }
    }
    await flush();

    const accuracyPercent = rowsExamined === 0 ? null : (rowsMatching / rowsExamined) * 100;
    const recommendation = recommend(accuracyPercent);
    const passed = accuracyPercent !== null && accuracyPercent >= threshold;
    const fields = [...fieldStats.entries()]
      .map(([field, entry]) => ({ field, count: entry.count, kinds: entry.kinds }))
      .sort((a, b) => b.count - a.count || a.field.localeCompare(b.field));
    const finishedAt = new Date();
    if (persist) {
      await client.query(
        `UPDATE ${quote(resultsSchema)}.migration_validation_runs SET finished_at = $2, rows_examined = $3, rows_matching = $4, rows_with_differences = $5,
           missing_on_stream = $6, missing_on_trigger = $7, accuracy_percent = $8, recommendation = $9, passed = $10 WHERE run_id = $1`,
        [runId, finishedAt, rowsExamined, rowsMatching, rowsWithDifferences, missingOnStream, missingOnTrigger, accuracyPercent, recommendation, passed],
      );
    }
    return {
      runId,
      collection: options.collection,
      triggerTable: options.triggerTable,
      streamTable: options.streamTable,
      mode,
      keyColumns,
      comparedColumns,
      columnsOnlyInTrigger,
      columnsOnlyInStream,
      rowsExamined,
      rowsMatching,
      rowsWithDifferences,
      missingOnStream,
      missingOnTrigger,
      accuracyPercent,
      recommendation,
      threshold,
      passed,
      fields,
      discrepanciesStored: stored,
      tolerances,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
    };
  } finally {
    await client.end();
  }
}

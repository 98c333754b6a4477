import { Client, types as pgTypes, type ClientConfig } from 'pg';
import { estimatedRows, type PlannedTable } from './shadow-inspect';
import { batchQuery, byKeysQuery, keyOf, keysOf, rangeQuery, type KeyedTable, type Query, type Row, type SinceFilter } from './shadow-query';

/**
 * The read step of shadow validation: each table in keyset batches, in key order, narrowed by the
 * run's mode, in bounded memory whatever the table size; and rows fetched by key.
 */

export type SideName = 'trigger' | 'stream';

/** How a run narrows what it reads. */
export type Narrowing = { readonly mode: 'full' } | { readonly mode: 'sample'; readonly rows: number; readonly seed: number } | { readonly mode: 'since'; readonly since: SinceFilter };

export interface ReaderSettings {
  readonly schema: string;
  /** Rows per batch. */
  readonly batchSize: number;
  readonly narrowing: Narrowing;
}

export interface TableReader {
  /** Keyset batches of one side, narrowed by the mode. */
  batches(side: SideName): AsyncGenerator<Row[]>;
  /** Batches of the stream side's rows whose keys lie in (from, to], whatever the mode. */
  streamRange(from: readonly string[] | undefined, to: readonly string[] | undefined): AsyncGenerator<Row[]>;
  /** Rows of one side by key; with `flagSeen` (since mode) each says whether a since pass read it. */
  byKeys(side: SideName, keys: ReadonlyArray<readonly string[]>, flagSeen?: boolean): Promise<Map<string, Row>>;
  /** Rows a pass over one side will read: the sample size, or the planner's estimate of the table. */
  estimate(side: SideName): Promise<number>;
}

/** Parsers of validation connections only: numbers as numbers, timestamps as UTC instants, dates as text. */
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

/** How long a validation waits on the warehouse: a server that accepts and never answers must not hold it for ever. */
export interface ValidationConnectionLimits {
  /** Connecting and logging in. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** One statement, on the server (`statement_timeout`): a batch, a sample, a write of results. @default 600000 */
  readonly statementTimeoutMs?: number;
  /** One query, answer read, on this side (pg's `query_timeout`): also when the server never answers. @default statementTimeoutMs + 30000 */
  readonly queryTimeoutMs?: number;
}

export const DEFAULT_VALIDATION_LIMITS = { connectTimeoutMs: 10_000, statementTimeoutMs: 600_000 } as const;

/** A warehouse connection that reads values the way the comparison expects them, every wait bounded. */
export async function connectForValidation(databaseUrl: string, limits: ValidationConnectionLimits = {}): Promise<Client> {
  const { connectTimeoutMs = DEFAULT_VALIDATION_LIMITS.connectTimeoutMs, statementTimeoutMs = DEFAULT_VALIDATION_LIMITS.statementTimeoutMs } = limits;
  const client = new Client({
    connectionString: databaseUrl,
    types: typeParsers(),
    application_name: 'cdcctl migrate validate',
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    query_timeout: limits.queryTimeoutMs ?? statementTimeoutMs + 30_000,
    keepAlive: true,
  });
  // A connection the server drops between queries is reported by the next query, not as an unhandled 'error'.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** The percent of a table's rows a Bernoulli sample of about `rows` rows takes (20 % extra: the sample is random). */
export function samplePercent(rows: number, tableRows: number): number {
  return tableRows === 0 ? 100 : Math.min(100, (rows / tableRows) * 100 * 1.2);
}

async function rowsOf(client: Client, query: Query): Promise<Row[]> {
  return (await client.query<Row>(query.text, query.values)).rows;
}

/**
 * Keyset batches of a table, each after the last key of the one before. The next batch is requested
 * before the current one is handed out, so that reading overlaps comparing; at most two batches are
 * in memory. A sample stops after about its size.
 */
async function* keysetBatches(client: Client, table: KeyedTable, settings: ReaderSettings, sample?: { percent: number; seed: number }): AsyncGenerator<Row[]> {
  const { narrowing, batchSize } = settings;
  const since = narrowing.mode === 'since' ? narrowing.since : undefined;
  const limitAfter = (read: number) => (narrowing.mode === 'sample' ? Math.min(batchSize, narrowing.rows - read) : batchSize);
  const fetch = (after: string[] | undefined, limit: number) => rowsOf(client, batchQuery(table, { after, limit, since, sample })).then((rows) => ({ rows, limit }));
  let read = 0;
  let pending: ReturnType<typeof fetch> | undefined = limitAfter(0) > 0 ? fetch(undefined, limitAfter(0)) : undefined;
  while (pending) {
    const { rows, limit } = await pending;
    pending = undefined;
    if (rows.length === 0) return;
    read += rows.length;
    if (rows.length === limit && limitAfter(read) > 0) {
      pending = fetch(keysOf(rows[rows.length - 1]!, table.keyColumns.length), limitAfter(read));
      // Settled by the next turn of the loop; a failure surfaces there, not as an unhandled rejection.
      pending.catch(() => undefined);
    }
    yield rows;
  }
}

/** Batches of the rows in (from, to], through the key index. */
async function* rangeBatches(client: Client, table: KeyedTable, batchSize: number, from: readonly string[] | undefined, to: readonly string[] | undefined): AsyncGenerator<Row[]> {
  let after = from;
  for (;;) {
    const rows = await rowsOf(client, rangeQuery(table, { from: after, to, limit: batchSize }));
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < batchSize) return;
    after = keysOf(rows[rows.length - 1]!, table.keyColumns.length);
  }
}

export function createTableReader(client: Client, tables: Readonly<Record<SideName, PlannedTable>>, settings: ReaderSettings): TableReader {
  const { narrowing } = settings;
  const sampleOf = async (side: SideName) =>
    narrowing.mode === 'sample' ? { percent: samplePercent(narrowing.rows, await estimatedRows(client, settings.schema, tables[side].name)), seed: narrowing.seed } : undefined;
  return {
    async *batches(side) {
      yield* keysetBatches(client, tables[side], settings, await sampleOf(side));
    },
    streamRange: (from, to) => rangeBatches(client, tables.stream, settings.batchSize, from, to),
    async byKeys(side, keys, flagSeen = false) {
      const seenSince = flagSeen && narrowing.mode === 'since' ? narrowing.since : undefined;
      const rows = await rowsOf(client, byKeysQuery(tables[side], keys, seenSince));
      return new Map(rows.map((row) => [keyOf(row, tables[side].keyColumns.length), row]));
    },
    estimate: async (side) => (narrowing.mode === 'sample' ? narrowing.rows : await estimatedRows(client, settings.schema, tables[side].name)),
  };
}

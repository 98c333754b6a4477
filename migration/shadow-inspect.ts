import type { Client } from 'pg';
import { qualifiedName, type KeyedTable } from './shadow-query';

/**
 * The first step of shadow validation: what the two tables are made of (columns, types, collations,
 * primary key), read from the catalog, and the comparison that follows from it: which key, which
 * columns, and every reason the two tables cannot be compared, all at once. Only the reads touch the
 * database; `planComparison` is pure.
 */

export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
  /** The column's collation: it orders text keys, and both sides must order them alike. */
  readonly collation: string | null;
}

export interface TableShape {
  readonly name: string;
  /** None when the table does not exist. */
  readonly columns: readonly ColumnInfo[];
}

export interface ComparisonRequest {
  readonly schema: string;
  readonly trigger: TableShape;
  readonly stream: TableShape;
  /** The key columns asked for, else the trigger table's primary key. */
  readonly keyColumns: readonly string[];
  readonly ignoreColumns: readonly string[];
  readonly ignoreMetadataColumns: boolean;
  /** Set when the comparison is narrowed by change time: both tables need the column. */
  readonly sinceColumn?: string;
}

/** A side of the comparison: what its queries need, and its own name (for the planner's statistics). */
export interface PlannedTable extends KeyedTable {
  readonly name: string;
}

export interface ComparisonPlan {
  readonly trigger: PlannedTable;
  readonly stream: PlannedTable;
  readonly keyColumns: readonly string[];
  readonly comparedColumns: readonly string[];
  /** Columns one table has and the other lacks (read as NULL on the side that lacks them). */
  readonly columnsOnlyInTrigger: readonly string[];
  readonly columnsOnlyInStream: readonly string[];
}

export async function readTableShape(client: Client, schema: string, table: string): Promise<TableShape> {
  const result = await client.query<ColumnInfo>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, co.collname AS collation
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_collation co ON co.oid = a.attcollation
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [schema, table],
  );
  return { name: table, columns: result.rows };
}

export async function primaryKeyOf(client: Client, schema: string, table: string): Promise<string[]> {
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

/** Rows of a table by the planner's statistics; counted when the table was never analysed. */
export async function estimatedRows(client: Client, schema: string, table: string): Promise<number> {
  const result = await client.query<{ estimate: number }>(
    `SELECT GREATEST(c.reltuples, 0)::float8 AS estimate FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, table],
  );
  const estimate = Number(result.rows[0]?.estimate ?? 0);
  if (estimate > 0) return Math.round(estimate);
  // Never analysed: count (the table is small, or this is its first run).
  const counted = await client.query<{ count: number }>(`SELECT count(*)::float8 AS count FROM ${qualifiedName(schema, table)}`);
  return Number(counted.rows[0]?.count ?? 0);
}

export function missingTables(schema: string, ...tables: readonly TableShape[]): string[] {
  return tables.filter((table) => table.columns.length === 0).map((table) => `table ${schema}.${table.name} does not exist (or has no columns)`);
}

function column(table: TableShape, name: string): ColumnInfo | undefined {
  return table.columns.find((candidate) => candidate.name === name);
}

/** Each key column must exist on both sides with one type and one collation, so both sides sort alike. */
function keyProblems(request: ComparisonRequest): string[] {
  const { trigger, stream } = request;
  if (request.keyColumns.length === 0) return [`table ${request.schema}.${trigger.name} has no primary key: name the key columns (--key)`];
  return request.keyColumns.flatMap((key) => {
    const triggerColumn = column(trigger, key);
    const streamColumn = column(stream, key);
    if (!triggerColumn || !streamColumn) return [`key column ${key}: missing from ${!triggerColumn ? trigger.name : stream.name}`];
    if (triggerColumn.type !== streamColumn.type) return [`key column ${key}: ${trigger.name} has ${triggerColumn.type}, ${stream.name} has ${streamColumn.type}; keys must have one type`];
    if (triggerColumn.collation !== streamColumn.collation) {
      return [`key column ${key}: ${trigger.name} collates with ${triggerColumn.collation}, ${stream.name} with ${streamColumn.collation}; keys must sort alike on both sides`];
    }
    return [];
  });
}

function columnProblems(request: ComparisonRequest): string[] {
  const { trigger, stream, sinceColumn } = request;
  const since = sinceColumn === undefined ? [] : [trigger, stream].filter((table) => !column(table, sinceColumn)).map((table) => `since column ${sinceColumn}: missing from ${table.name} (set --since-column)`);
  const ignored = request.ignoreColumns.filter((name) => !column(trigger, name) && !column(stream, name)).map((name) => `ignored column ${name}: neither table has it`);
  return [...since, ...ignored];
}

function plannedTable(schema: string, table: TableShape, keyColumns: readonly string[], keyTypes: readonly string[]): PlannedTable {
  return { name: table.name, qualified: qualifiedName(schema, table.name), columns: table.columns.map((entry) => entry.name), keyColumns, keyTypes };
}

/**
 * The comparison two existing tables allow: key columns, the columns compared (keys, ignored
 * columns and, unless asked, the stream path's `__` metadata left out), and the columns only one
 * side has. Every problem at once, or the plan.
 */
export function planComparison(request: ComparisonRequest): { readonly problems: string[]; readonly plan?: ComparisonPlan } {
  const problems = [...keyProblems(request), ...columnProblems(request)];
  if (problems.length) return { problems };
  const { schema, trigger, stream, keyColumns } = request;
  const ignored = new Set([...keyColumns, ...request.ignoreColumns]);
  const compared = (table: TableShape) =>
    table.columns.map((entry) => entry.name).filter((name) => !ignored.has(name) && !(request.ignoreMetadataColumns && name.startsWith('__')));
  const triggerColumns = compared(trigger);
  const streamColumns = compared(stream);
  const keyTypes = keyColumns.map((key) => column(trigger, key)!.type);
  return {
    problems,
    plan: {
      trigger: plannedTable(schema, trigger, keyColumns, keyTypes),
      stream: plannedTable(schema, stream, keyColumns, keyTypes),
      keyColumns,
      comparedColumns: [...new Set([...triggerColumns, ...streamColumns])],
      columnsOnlyInTrigger: triggerColumns.filter((name) => !streamColumns.includes(name)),
      columnsOnlyInStream: streamColumns.filter((name) => !triggerColumns.includes(name)),
    },
  };
}

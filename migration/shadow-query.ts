/**
 * The SQL that shadow validation reads with, built from a table's shape and nothing else: pure, so
 * every statement can be read and tested without a database. Values always travel as parameters;
 * only quoted identifiers and the key types read from the catalog are spelled into the text. Each
 * key column is also selected as text under an alias (`__key0`, `__key1`, …), which is how rows of
 * the two tables are matched and how a batch says where the next one starts.
 */

export type Row = Record<string, unknown>;

export interface Query {
  readonly text: string;
  readonly values: unknown[];
}

/** One side of the comparison as the queries see it. */
export interface KeyedTable {
  /** Schema-qualified and quoted. */
  readonly qualified: string;
  /** Every column of the table: a row is read whole. */
  readonly columns: readonly string[];
  readonly keyColumns: readonly string[];
  /** The key columns' types, which turn a key value given as text back into the key's type. */
  readonly keyTypes: readonly string[];
}

/** Rows changed at or after an instant, by a change-time column. */
export interface SinceFilter {
  readonly column: string;
  readonly at: Date;
}

export interface BatchQueryOptions {
  readonly limit: number;
  /** Only rows whose key sorts after this one (text values, in key order). */
  readonly after?: readonly string[];
  readonly since?: SinceFilter;
  /** A repeatable Bernoulli sample of this many percent of the table's rows. */
  readonly sample?: { readonly percent: number; readonly seed: number };
}

export interface RangeQueryOptions {
  readonly limit: number;
  /** Exclusive lower bound; none reads from the first key. */
  readonly from?: readonly string[];
  /** Inclusive upper bound; none reads to the last key. */
  readonly to?: readonly string[];
}

export function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

export function qualifiedName(schema: string, table: string): string {
  return `${quote(schema)}.${quote(table)}`;
}

function keyAlias(index: number): string {
  return `__key${index}`;
}

/** The key of a row read by these queries, as text values in key order. */
export function keysOf(row: Row, keyCount: number): string[] {
  return Array.from({ length: keyCount }, (_, index) => String(row[keyAlias(index)]));
}

/** One string per key: the value itself for a one-column key, else the values as a JSON array. */
export function keyOf(row: Row, keyCount: number): string {
  if (keyCount === 1) return String(row[keyAlias(0)]);
  return JSON.stringify(Array.from({ length: keyCount }, (_, index) => row[keyAlias(index)]));
}

function keySelect(table: KeyedTable, prefix = ''): string {
  return table.keyColumns.map((key, index) => `${prefix}${quote(key)}::text AS "${keyAlias(index)}"`).join(', ');
}

function keyOrder(table: KeyedTable): string {
  return table.keyColumns.map(quote).join(', ');
}

function columnList(table: KeyedTable, prefix = ''): string {
  return table.columns.map((column) => `${prefix}${quote(column)}`).join(', ');
}

/** Adds a key's values to `values` and returns their placeholders, each cast to its key column's type. */
function bindKey(values: unknown[], table: KeyedTable, key: readonly string[]): string {
  return key
    .map((value, index) => {
      values.push(value);
      return `$${values.length}::${table.keyTypes[index]}`;
    })
    .join(', ');
}

/** The next keyset batch of a table in key order, narrowed by `since` or `sample`. */
export function batchQuery(table: KeyedTable, options: BatchQueryOptions): Query {
  const values: unknown[] = [];
  let where = 'true';
  if (options.since) {
    values.push(options.since.at);
    where = `${quote(options.since.column)} >= $${values.length}`;
  }
  if (options.after) where += ` AND (${keyOrder(table)}) > (${bindKey(values, table, options.after)})`;
  const sampling = options.sample ? ` TABLESAMPLE BERNOULLI (${options.sample.percent.toFixed(6)}) REPEATABLE (${Math.trunc(options.sample.seed)})` : '';
  values.push(options.limit);
  return {
    text: `SELECT ${keySelect(table)}, ${columnList(table)} FROM ${table.qualified}${sampling} WHERE ${where} ORDER BY ${keyOrder(table)} LIMIT $${values.length}`,
    values,
  };
}

/** One batch of the rows whose keys lie in (from, to]. */
export function rangeQuery(table: KeyedTable, options: RangeQueryOptions): Query {
  const values: unknown[] = [];
  const tuple = `(${keyOrder(table)})`;
  const conditions = [options.from ? `${tuple} > (${bindKey(values, table, options.from)})` : 'true', options.to ? `${tuple} <= (${bindKey(values, table, options.to)})` : 'true'];
  values.push(options.limit);
  return {
    text: `SELECT ${keySelect(table)}, ${columnList(table)} FROM ${table.qualified} WHERE ${conditions.join(' AND ')} ORDER BY ${keyOrder(table)} LIMIT $${values.length}`,
    values,
  };
}

/**
 * The rows whose keys are in `keys`, through the key index. With `seenSince` each row also says
 * (`__seen`) whether it changed at or after that instant, i.e. whether a since-narrowed pass read it.
 */
export function byKeysQuery(table: KeyedTable, keys: ReadonlyArray<readonly string[]>, seenSince?: SinceFilter): Query {
  const values: unknown[] = table.keyColumns.map((_, index) => keys.map((key) => key[index]));
  const join = table.keyColumns.map((key, index) => `t.${quote(key)} = k.c${index}::${table.keyTypes[index]}`).join(' AND ');
  const unnest = `unnest(${table.keyColumns.map((_, index) => `$${index + 1}::text[]`).join(', ')}) AS k(${table.keyColumns.map((_, index) => `c${index}`).join(', ')})`;
  let seen = '';
  if (seenSince) {
    values.push(seenSince.at);
    seen = `, (t.${quote(seenSince.column)} >= $${values.length}) AS "__seen"`;
  }
  const columns = columnList(table, 't.');
  return {
    text: `SELECT ${keySelect(table, 't.')}${columns ? `, ${columns}` : ''}${seen} FROM ${table.qualified} t JOIN ${unnest} ON ${join}`,
    values,
  };
}

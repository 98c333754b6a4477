/**
 * A pipeline's document contract: the typed columns BI relies on, each read from a field of the
 * MongoDB document. Everything else stays in the row's whole-document `doc jsonb`; a field that breaks
 * its contract keeps its raw JSON there, gets NULL in its column, and is recorded as a violation.
 * The warehouse DDL (warehouse/contract-sql.ts) and its migrations come from these declarations.
 */

/**
 * What a column holds, and so which BSON values fit it (connectors/contracts/bson.ts has the table):
 * - `text`: a string; `objectid`: an ObjectId, stored as its 24 hex digits (a string id is kept as is);
 * - `integer` / `bigint`: an Int32, an Int64 or an integral number that fits, exactly (no double rounding);
 * - `double`: any finite number; `numeric(p,s)`: a number (Decimal128, Int64, Int32, double) that fits
 *   exactly, without rounding; `numeric`: any finite number, exactly;
 * - `boolean`; `timestamptz`: a Date (milliseconds exact);
 * - `jsonb`: the value as it is (a sub-document, an array): no type is checked, only presence.
 */
export type ContractType =
  | 'text'
  | 'objectid'
  | 'integer'
  | 'bigint'
  | 'double'
  | 'numeric'
  | `numeric(${number},${number})`
  | 'boolean'
  | 'timestamptz'
  | 'jsonb';

export interface ContractField {
  /** The field in the document, dot-separated for sub-documents (`address.city`). */
  readonly path: string;
  readonly type: ContractType;
  /** A missing or null value is a violation when false. @default true */
  readonly nullable?: boolean;
  /** What BI reads it for; shown in the generated DDL's column comment. */
  readonly description?: string;
}

/**
 * An array of sub-documents that BI reads one row per element (an order's line items): a child table
 * `<table>_<name>` (written by a trigger, fast to query, slower to write) or a view over the array in
 * `doc` (nothing extra written, slower to query). Measured in bench/sink-path.ts; see the README.
 */
export interface ContractLines {
  /** The array's field in the document (`items`). */
  readonly path: string;
  /** Names the child table or view: `<table>_<name>`. */
  readonly name: string;
  /** The element's typed columns; paths relative to the element. */
  readonly columns: Readonly<Record<string, ContractField>>;
  /** @default 'view' */
  readonly storage?: 'table' | 'view';
}

export interface DocumentContract {
  /** Column name → field. Column names: lower case, digits and `_`, not starting with `_`. */
  readonly columns: Readonly<Record<string, ContractField>>;
  readonly lines?: ContractLines;
}

const COLUMN = /^[a-z][a-z0-9_]*$/;
const NUMERIC = /^numeric\((\d+),(\d+)\)$/;
const TYPES = new Set(['text', 'objectid', 'integer', 'bigint', 'double', 'numeric', 'boolean', 'timestamptz', 'jsonb']);
/** Column names the warehouse table has whatever the contract says. */
export const RESERVED_COLUMNS = ['id', '_id', 'doc', 'doc_text', '__op', '__source_ts_ms', '__source_ord', '__event_ts_ms', '__violations'] as const;

/** Every problem of a contract at once: `<where>: <what>` lines, empty when it is sound. */
export function contractProblems(pipeline: string, contract: DocumentContract): string[] {
  const problems = columnProblems(`contract ${pipeline}`, contract.columns);
  const lines = contract.lines;
  if (lines) {
    if (!COLUMN.test(lines.name)) problems.push(`contract ${pipeline}: lines.name: must match ${COLUMN} (got ${JSON.stringify(lines.name)})`);
    if (!lines.path) problems.push(`contract ${pipeline}: lines.path: is required`);
    problems.push(...columnProblems(`contract ${pipeline}: lines`, lines.columns));
  }
  return problems;
}

function columnProblems(where: string, columns: Readonly<Record<string, ContractField>>): string[] {
  const problems: string[] = [];
  for (const [name, field] of Object.entries(columns)) {
    if (!COLUMN.test(name)) problems.push(`${where}: ${name}: a column name must match ${COLUMN}`);
    if ((RESERVED_COLUMNS as readonly string[]).includes(name)) problems.push(`${where}: ${name}: is a column every pipeline table has already`);
    if (!field.path || field.path.split('.').some((part) => part === '')) problems.push(`${where}: ${name}: path must be dot-separated field names (got ${JSON.stringify(field.path)})`);
    if (!isContractType(field.type)) problems.push(`${where}: ${name}: unknown type ${JSON.stringify(field.type)}`);
  }
  return problems;
}

export function isContractType(type: string): type is ContractType {
  const numeric = NUMERIC.exec(type);
  if (numeric) return Number(numeric[1]) >= 1 && Number(numeric[1]) <= 1000 && Number(numeric[2]) <= Number(numeric[1]);
  return TYPES.has(type);
}

/** `numeric(p,s)` → [p, s]; undefined for every other type. */
export function numericPrecision(type: ContractType): [number, number] | undefined {
  const match = NUMERIC.exec(type);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** The PostgreSQL type of a contract type's column. */
export function postgresType(type: ContractType): string {
  if (type === 'objectid') return 'text';
  if (type === 'double') return 'double precision';
  return type;
}

export function isNullable(field: ContractField): boolean {
  return field.nullable ?? true;
}

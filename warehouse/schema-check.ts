import type { Client } from 'pg';
import type { Environment } from '../config';
import { postgresType, RESERVED_COLUMNS, type DocumentContract } from '../connectors/contracts/types';
import { WHOLE_DOCUMENT_ONLY } from '../connectors/contracts/define';
import { qualifiedTable, sinkTable } from '../connectors/naming';
import type { PipelineDefinition } from '../connectors/pipelines/define';
import { hasPendingChanges, pendingChanges, type ContractSnapshot, type PendingChanges } from './schema-migration';

/**
 * `cdcctl schema check`: the contract in code, the warehouse migrations (their snapshot), the live
 * table's columns and the documents that arrived lately (their violations). Drift is any of: a
 * contract change without a migration, a live column missing or of another type than the contract
 * says (or one the contract does not know), and documents that broke the contract since `since`.
 */
export interface ColumnDrift {
  readonly table: string;
  readonly column: string;
  readonly expected?: string;
  readonly live?: string;
}

export interface RecentViolations {
  readonly table: string;
  /** `total`, `items[].quantity`: array indexes folded. */
  readonly path: string;
  readonly reason: string;
  readonly changes: number;
}

export interface SchemaCheckReport {
  readonly pending: PendingChanges;
  readonly columns: readonly ColumnDrift[];
  readonly violations: readonly RecentViolations[];
}

export function hasDrift(report: SchemaCheckReport): boolean {
  return hasPendingChanges(report.pending) || report.columns.length > 0 || report.violations.length > 0;
}

/** The columns a pipeline table must have, with their PostgreSQL types as format_type prints them. */
export function expectedColumns(contract: DocumentContract): Map<string, string> {
  const reserved: Record<(typeof RESERVED_COLUMNS)[number], string> = {
    id: 'text', _id: 'text', doc: 'jsonb', doc_text: 'text', __op: 'text', __source_ts_ms: 'bigint', __source_ord: 'integer', __event_ts_ms: 'bigint', __violations: 'jsonb',
  };
  const printed = (type: string) => type.replace(/^timestamptz$/, 'timestamp with time zone').replace(/^numeric\((\d+),(\d+)\)$/, 'numeric($1,$2)');
  return new Map([...Object.entries(reserved), ...Object.entries(contract.columns).map(([name, field]) => [name, printed(postgresType(field.type))] as const)]);
}

async function liveColumns(db: Client, table: string): Promise<Map<string, string>> {
  const [schema, name] = table.includes('.') ? table.split('.') : ['public', table];
  const { rows } = await db.query<{ column: string; type: string }>(
    `SELECT a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
    [schema, name],
  );
  return new Map(rows.map((row) => [row.column, row.type]));
}

function columnDrift(table: string, expected: Map<string, string>, live: Map<string, string>): ColumnDrift[] {
  if (live.size === 0) return [{ table, column: '(table)', expected: 'the table', live: 'missing' }];
  const drift: ColumnDrift[] = [];
  for (const [column, type] of expected) if (live.get(column) !== type) drift.push({ table, column, expected: type, live: live.get(column) ?? 'missing' });
  for (const [column, type] of live) if (!expected.has(column)) drift.push({ table, column, live: type });
  return drift;
}

async function recentViolations(db: Client, tables: readonly string[], sinceMinutes: number): Promise<RecentViolations[]> {
  const { rows } = await db.query<{ table: string; path: string; reason: string; changes: string }>(
    `SELECT v.table_name AS table, regexp_replace(e.key, '\\[\\d+\\]', '[]', 'g') AS path, e.value #>> '{}' AS reason, count(*) AS changes
     FROM cdc.contract_violations v, jsonb_each(v.violations) e
     WHERE v.table_name = ANY($1) AND v.recorded_at > now() - make_interval(mins => $2)
     GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2`,
    [tables.map((table) => (table.includes('.') ? table : `public.${table}`)), sinceMinutes],
  );
  return rows.map((row) => ({ table: row.table, path: row.path, reason: row.reason, changes: Number(row.changes) }));
}

export async function checkSchema(db: Client, environment: Environment, pipelines: readonly PipelineDefinition[], snapshot: ContractSnapshot, sinceMinutes: number): Promise<SchemaCheckReport> {
  const columns: ColumnDrift[] = [];
  const tables: string[] = [];
  for (const pipeline of pipelines) {
    const table = qualifiedTable(environment, sinkTable(environment, pipeline));
    tables.push(table);
    columns.push(...columnDrift(table, expectedColumns(pipeline.contract ?? WHOLE_DOCUMENT_ONLY), await liveColumns(db, table)));
  }
  return { pending: pendingChanges(snapshot, pipelines), columns, violations: await recentViolations(db, tables, sinceMinutes) };
}

export function formatSchemaCheck(report: SchemaCheckReport, sinceMinutes: number): string {
  const lines: string[] = [];
  for (const change of report.pending.contract) lines.push(`contract: ${change.pipeline}: ${change.compatibility}: ${change.description} (no migration yet: cdcctl schema migration --name …)`);
  for (const name of report.pending.regenerated) lines.push(`contract: ${name}: the generated SQL changed (no migration yet)`);
  if (report.pending.sharedChanged) lines.push('contract: the shared cdc functions changed (no migration yet)');
  if (report.pending.viewsChanged) lines.push('contract: a reporting view changed (no migration yet)');
  for (const drift of report.columns) lines.push(`warehouse: ${drift.table}.${drift.column}: ${drift.expected ? `the contract says ${drift.expected}, live ${drift.live}` : `live ${drift.live}, not in the contract`}`);
  for (const violation of report.violations) lines.push(`documents: ${violation.table}: ${violation.path}: ${violation.reason} (${violation.changes} change${violation.changes === 1 ? '' : 's'} in the last ${sinceMinutes} min)`);
  return lines.length ? lines.join('\n') : `no drift: contracts, migrations and live columns agree; no violation in the last ${sinceMinutes} min`;
}

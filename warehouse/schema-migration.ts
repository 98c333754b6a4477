import { createHash } from 'node:crypto';
import { contractChanges, type ContractChange, type PipelineContractState } from '../connectors/contracts/compatibility';
import { WHOLE_DOCUMENT_ONLY } from '../connectors/contracts/define';
import type { DocumentContract } from '../connectors/contracts/types';
import type { PipelineDefinition } from '../connectors/pipelines/define';
import { shadowTable } from '../connectors/naming';
import { castSql, contractFunctionsSql, dropLinesSql, jsonPath, linesSql, pipelineTableSql, qualified, type TableTarget } from './contract-sql';
import { sharedWarehouseSql } from './functions-sql';
import { viewsReading, REPORTING_VIEW_DEFINITIONS } from './views';
import { postgresType } from '../connectors/contracts/types';

/**
 * The contracts as the warehouse migrations implement them (warehouse/contract-snapshot.json), and
 * the next migration from the difference to the contracts in code. Pure: the CLI reads and writes
 * the files (warehouse/schema-files.ts).
 *
 * The snapshot also keeps a fingerprint of the SQL generated for each pipeline, of the shared
 * functions and of the reporting views, so that a change to the generator or to a view is a pending
 * change too, and gets its migration like a contract change does.
 */
export const WAREHOUSE_SCHEMA = 'public';

export interface ContractSnapshot {
  /** The migration that brought the warehouse to this state. */
  readonly migration: string;
  readonly sharedFingerprint: string;
  readonly viewsFingerprint: string;
  readonly pipelines: Readonly<Record<string, PipelineContractState & { readonly fingerprint: string }>>;
}

export const EMPTY_SNAPSHOT: ContractSnapshot = { migration: '', sharedFingerprint: '', viewsFingerprint: '', pipelines: {} };

const fingerprint = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** The tables one pipeline's sink may write: its table, and the shadow twin of the migration's shadow phase. */
export function pipelineTargets(state: Pick<PipelineContractState, 'table' | 'excludeFields'>): TableTarget[] {
  return [state.table, shadowTable({ table: state.table })].map((table) => ({ schema: WAREHOUSE_SCHEMA, table, excludeFields: state.excludeFields }));
}

export function contractState(pipeline: PipelineDefinition): PipelineContractState {
  return { table: pipeline.table, excludeFields: [...(pipeline.excludeFields ?? [])], contract: pipeline.contract ?? WHOLE_DOCUMENT_ONLY };
}

function pipelineFingerprint(state: PipelineContractState): string {
  return fingerprint(pipelineTargets(state).map((target) => pipelineTableSql(target, state.contract)).join('\n'));
}

/** What the migrations would implement once the contracts in code are migrated. */
export function snapshotOf(pipelines: readonly PipelineDefinition[], migration: string): ContractSnapshot {
  const states = Object.fromEntries(pipelines.map((pipeline) => [pipeline.name, contractState(pipeline)]));
  return {
    migration,
    sharedFingerprint: fingerprint(sharedWarehouseSql()),
    viewsFingerprint: fingerprint(REPORTING_VIEW_DEFINITIONS.map((view) => view.sql).join('\n')),
    pipelines: Object.fromEntries(Object.entries(states).map(([name, state]) => [name, { ...state, fingerprint: pipelineFingerprint(state) }])),
  };
}

export interface PendingChanges {
  readonly contract: readonly ContractChange[];
  /** Pipelines whose generated SQL changed with the same contract (a generator change). */
  readonly regenerated: readonly string[];
  readonly sharedChanged: boolean;
  readonly viewsChanged: boolean;
}

export function pendingChanges(snapshot: ContractSnapshot, pipelines: readonly PipelineDefinition[]): PendingChanges {
  const target = snapshotOf(pipelines, snapshot.migration);
  const contract = contractChanges(snapshot.pipelines, target.pipelines);
  const changedPipelines = new Set(contract.map((change) => change.pipeline));
  const regenerated = Object.keys(target.pipelines).filter((name) => snapshot.pipelines[name] && !changedPipelines.has(name) && snapshot.pipelines[name]!.fingerprint !== target.pipelines[name]!.fingerprint);
  return { contract, regenerated, sharedChanged: snapshot.sharedFingerprint !== target.sharedFingerprint, viewsChanged: snapshot.viewsFingerprint !== target.viewsFingerprint };
}

export function hasPendingChanges(pending: PendingChanges): boolean {
  return pending.contract.length > 0 || pending.regenerated.length > 0 || pending.sharedChanged || pending.viewsChanged;
}

/** `004_document_contracts.sql` after `003_…`: the next number, three digits. */
export function nextMigrationFile(existing: readonly string[], name: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`--name must be lower-case letters, digits and _ (got ${JSON.stringify(name)})`);
  const numbers = existing.map((file) => Number(/^(\d+)_/.exec(file)?.[1] ?? 0));
  return `${String(Math.max(0, ...numbers) + 1).padStart(3, '0')}_${name}.sql`;
}

/** Tables of the same names from before contracts (the unwrap sink's flat columns) are kept under another name. */
function legacySection(states: readonly PipelineContractState[]): string {
  const tables = states.flatMap((state) => pipelineTargets(state).map((target) => target.table));
  return [
    '-- Tables of these names from before contracts (flat columns written by the unwrap sink) are kept',
    '-- as <table>_before_contracts with their rows; the pipelines write the new tables from now on (a',
    '-- re-snapshot of the source fills them: see README, "Documents and contracts").',
    ...[...REPORTING_VIEW_DEFINITIONS].reverse().map((view) => `DROP VIEW IF EXISTS ${WAREHOUSE_SCHEMA}.${view.name};`),
    ...tables.flatMap((table) => [
      `ALTER TABLE IF EXISTS ${WAREHOUSE_SCHEMA}.${table} RENAME TO ${table}_before_contracts;`,
      `ALTER INDEX IF EXISTS ${WAREHOUSE_SCHEMA}.${table}_pkey RENAME TO ${table}_before_contracts_pkey;`,
    ]),
  ].join('\n');
}

/** Re-types the rows already there for columns added or changed, with the triggers off (the rows keep their versions). */
function backfill(target: TableTarget, contract: DocumentContract, columns: readonly string[]): string {
  if (columns.length === 0) return '';
  const table = qualified(target);
  const sets = columns.map((name) => {
    const field = contract.columns[name]!;
    return `${name} = ${castSql(jsonPath('doc', field.path), field.type)}`;
  });
  return [
    `ALTER TABLE ${table} DISABLE TRIGGER USER;`,
    `UPDATE ${table} SET ${sets.join(', ')}, __violations = cdc.violations_${target.schema}_${target.table}(doc) WHERE doc IS NOT NULL;`,
    `ALTER TABLE ${table} ENABLE TRIGGER USER;`,
  ].join('\n');
}

/** The ALTERs of one table for its column changes; returns the columns to backfill. */
function alterColumns(target: TableTarget, changes: readonly ContractChange[], contract: DocumentContract): { sql: string[]; backfilled: string[] } {
  const table = qualified(target);
  const sql: string[] = [];
  const backfilled: string[] = [];
  for (const change of changes.filter((candidate) => candidate.column && !candidate.column.includes('.'))) {
    const column = change.column!;
    const field = contract.columns[column];
    if (change.kind === 'column-added' && field) {
      sql.push(`ALTER TABLE ${table} ADD COLUMN ${column} ${postgresType(field.type)};`);
      backfilled.push(column);
    } else if (change.kind === 'column-dropped') {
      sql.push(`ALTER TABLE ${table} DROP COLUMN IF EXISTS ${column};`);
    } else if (change.kind === 'column-renamed') {
      const from = /^(\S+) renamed/.exec(change.description)![1]!;
      sql.push(`ALTER TABLE ${table} RENAME COLUMN ${from} TO ${column};`);
    } else if (change.kind === 'type-changed' && field) {
      sql.push(`ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${postgresType(field.type)} USING NULL;`);
      backfilled.push(column);
    } else if (change.kind === 'path-changed') {
      backfilled.push(column);
    }
  }
  return { sql, backfilled: [...new Set(backfilled)] };
}

/** The SQL that brings one existing pipeline's tables from `before` to `after`. */
function changedPipelineSql(before: PipelineContractState, after: PipelineContractState, changes: readonly ContractChange[]): string {
  const parts: string[] = [];
  const linesChanged = changes.some((change) => change.kind.startsWith('lines') || change.column?.includes('.'));
  for (const target of pipelineTargets(after)) {
    const previous = { ...target, table: target.table.replace(after.table, before.table) };
    if (previous.table !== target.table) parts.push(`ALTER TABLE ${qualified(previous)} RENAME TO ${target.table};`);
    if (linesChanged && before.contract.lines) parts.push(dropLinesSql(target, before.contract.lines));
    const { sql, backfilled } = alterColumns(target, changes, after.contract);
    parts.push(...sql, contractFunctionsSql(target, after.contract), backfill(target, after.contract, backfilled));
    if (linesChanged) parts.push(linesSql(target, after.contract));
  }
  return parts.filter(Boolean).join('\n');
}

/**
 * The next migration's SQL: the shared functions when they changed (or on the first contract
 * migration), the changed pipelines' tables, and the reporting views around them.
 */
export function migrationSql(snapshot: ContractSnapshot, pipelines: readonly PipelineDefinition[], file: string): string {
  const pending = pendingChanges(snapshot, pipelines);
  const target = snapshotOf(pipelines, file.replace(/\.sql$/, ''));
  const first = Object.keys(snapshot.pipelines).length === 0;
  const touched = [...new Set([...pending.contract.map((change) => change.pipeline), ...pending.regenerated])].filter((name) => name in target.pipelines);
  const tables = touched.map((name) => target.pipelines[name]!.table);
  const views = pending.viewsChanged || first ? REPORTING_VIEW_DEFINITIONS : viewsReading(tables);
  const header = [
    `-- Generated by \`cdcctl schema migration\` (warehouse/schema-migration.ts) from the pipeline contracts; do not edit.`,
    `-- contract-changes: ${JSON.stringify(pending.contract.map(({ pipeline, kind, column, compatibility }) => ({ pipeline, kind, column, compatibility })))}`,
    ...pending.contract.map((change) => `--   ${change.pipeline}: ${change.compatibility}: ${change.description}`),
  ];
  const sections: string[] = [header.join('\n')];
  if (first) sections.push(legacySection(Object.values(target.pipelines)));
  else sections.push(...[...views].reverse().map((view) => `DROP VIEW IF EXISTS ${WAREHOUSE_SCHEMA}.${view.name};`));
  if (first || pending.sharedChanged) sections.push(sharedWarehouseSql());
  for (const name of touched) {
    const before = snapshot.pipelines[name];
    const after = target.pipelines[name]!;
    const changes = pending.contract.filter((change) => change.pipeline === name);
    sections.push(before ? changedPipelineSql(before, after, changes) : pipelineTargets(after).map((table) => pipelineTableSql(table, after.contract)).join('\n'));
  }
  sections.push(...views.map((view) => view.sql));
  return `${sections.join('\n\n')}\n`;
}

import type { PipelineDefinition } from '../connectors/pipelines/define';
import { WHOLE_DOCUMENT_ONLY } from '../connectors/contracts/define';
import { pipelineTableSql } from './contract-sql';

/**
 * A pipeline's table created from its contract in a schema of its own (tests, benchmarks): the same
 * DDL the migrations carry for `public`, with the shared `cdc` functions the migrations installed.
 * `table` replaces the pipeline's table name.
 */
export function pipelineTableIn(schema: string, pipeline: PipelineDefinition, table = pipeline.table): string {
  return pipelineTableSql({ schema, table, excludeFields: pipeline.excludeFields }, pipeline.contract ?? WHOLE_DOCUMENT_ONLY);
}

const PLAIN_NAME = /^[a-z_][a-z0-9_]*$/;

function requirePlainNames(...names: string[]): void {
  for (const name of names) if (!PLAIN_NAME.test(name)) throw new Error(`not a plain SQL name: ${JSON.stringify(name)}`);
}
/** The functions in `cdc` a pipeline table's trigger uses (contract-sql.ts): `<kind>_<schema>_<table>`. */
const TABLE_FUNCTION_KINDS = ['apply', 'violations', 'lines'] as const;

/**
 * Drops what pipelineTableIn made, then the table functions it names exactly (never by prefix: the
 * functions of schema `x` and of schema `x_y` share one), then its rows in the side tables. `names`
 * is a SQL array of those function names, computed before the drop; the drop must come first, as the
 * tables' triggers depend on the functions.
 */
function dropWithFunctionsSql(drop: string, names: string, sideRows: string): string {
  return `DO $drop$ DECLARE f record; names text[]; BEGIN
  names := ${names};
  EXECUTE ${`'${drop}'`};
  FOR f IN SELECT p.oid::regprocedure AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'cdc' AND p.proname = ANY(names) LOOP
    EXECUTE 'DROP FUNCTION ' || f.signature;
  END LOOP;
END $drop$;
${['deleted_rows', 'contract_violations', 'contract_violation_totals', 'change_history'].map((table) => `DELETE FROM cdc.${table} WHERE ${sideRows};`).join('\n')}`;
}

/** Drops a schema made with pipelineTableIn, with its tables' functions in `cdc` and their rows in the side tables. */
export function dropSchemaSql(schema: string): string {
  if (!PLAIN_NAME.test(schema)) throw new Error(`not a plain schema name: ${JSON.stringify(schema)}`);
  const kinds = TABLE_FUNCTION_KINDS.map((kind) => `'${kind}'`).join(', ');
  return dropWithFunctionsSql(
    `DROP SCHEMA IF EXISTS ${schema} CASCADE`,
    `ARRAY(SELECT kind || '_${schema}_' || t.tablename FROM pg_tables t CROSS JOIN unnest(ARRAY[${kinds}]) AS kind WHERE t.schemaname = '${schema}')`,
    `table_name LIKE '${schema}.%'`,
  );
}

/** Drops one table made with pipelineTableIn, its line items, its functions in `cdc` and its rows in the side tables. */
export function dropPipelineTableSql(schema: string, table: string): string {
  requirePlainNames(schema, table);
  return dropWithFunctionsSql(
    `DROP TABLE IF EXISTS ${schema}.${table} CASCADE`,
    `ARRAY[${TABLE_FUNCTION_KINDS.map((kind) => `'${kind}_${schema}_${table}'`).join(', ')}]`,
    `table_name = '${schema}.${table}'`,
  );
}

/**
 * The trigger that appends every change delivered to a table made with pipelineTableIn to
 * cdc.change_history (functions-sql.ts). PostgreSQL fires BEFORE triggers in name order: the name sorts
 * before the table's `apply`, so a change the version guard then skips is recorded too.
 */
export function changeHistoryTriggerSql(schema: string, table: string): string {
  requirePlainNames(schema, table);
  return `CREATE TRIGGER a_change_history BEFORE INSERT OR UPDATE ON ${schema}.${table} FOR EACH ROW EXECUTE FUNCTION cdc.record_change();`;
}

/**
 * Changes delivered more than once to a table (`$1`, `schema.table`): history rows beyond the first at
 * each source position, of the documents whose `_id` text is in `$2` (NULL: all of them).
 */
export const DUPLICATE_CHANGES_SQL = `SELECT (count(*) - count(DISTINCT (id, source_ts_ms, source_ord)))::int AS duplicates
  FROM cdc.change_history WHERE table_name = $1 AND ($2::text[] IS NULL OR cdc.id_text(id) = ANY($2::text[]))`;

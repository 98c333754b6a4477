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

/** Drops a schema made with pipelineTableIn, with its functions in `cdc` and its rows in the side tables. */
export function dropSchemaSql(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a plain schema name: ${JSON.stringify(schema)}`);
  return `DROP SCHEMA IF EXISTS ${schema} CASCADE;
DO $drop$ DECLARE f record; BEGIN
  FOR f IN SELECT p.oid::regprocedure AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'cdc' AND p.proname ~ '^(apply|violations|lines)_${schema}_' LOOP
    EXECUTE 'DROP FUNCTION ' || f.signature;
  END LOOP;
END $drop$;
DELETE FROM cdc.deleted_rows WHERE table_name LIKE '${schema}.%';
DELETE FROM cdc.contract_violations WHERE table_name LIKE '${schema}.%';
DELETE FROM cdc.contract_violation_totals WHERE table_name LIKE '${schema}.%';`;
}

/** Drops one table made with pipelineTableIn, its line items, its functions in `cdc` and its rows in the side tables. */
export function dropPipelineTableSql(schema: string, table: string): string {
  for (const name of [schema, table]) if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL name: ${JSON.stringify(name)}`);
  return `DROP TABLE IF EXISTS ${schema}.${table} CASCADE;
DO $drop$ DECLARE f record; BEGIN
  FOR f IN SELECT p.oid::regprocedure AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'cdc' AND p.proname IN ('apply_${schema}_${table}', 'violations_${schema}_${table}', 'lines_${schema}_${table}') LOOP
    EXECUTE 'DROP FUNCTION ' || f.signature;
  END LOOP;
END $drop$;
DELETE FROM cdc.deleted_rows WHERE table_name = '${schema}.${table}';
DELETE FROM cdc.contract_violations WHERE table_name = '${schema}.${table}';
DELETE FROM cdc.contract_violation_totals WHERE table_name = '${schema}.${table}';`;
}

import type { ChangeCondition } from '../change-filter';
import type { DocumentContract } from '../contracts/types';

/**
 * A business pipeline: one MongoDB collection captured by Debezium into one warehouse table.
 * Environments differ only through config (config/environments/*), never here.
 */
export interface PipelineDefinition {
  /** Stable identifier: connector names, dashboards and alerts derive from it. Never rename. */
  readonly name: string;
  readonly description: string;
  /** MongoDB database and collection captured. */
  readonly database: string;
  readonly collection: string;
  /** Warehouse table the sink upserts into (in the `shadow` phase, `<table>_shadow`). */
  readonly table: string;
  /**
   * Document fields (dot-separated paths) kept out of the warehouse, e.g. personal data: the
   * table's trigger removes them from `doc` before the row is written.
   */
  readonly excludeFields?: readonly string[];
  /**
   * The typed columns BI relies on (connectors/pipelines/<name>.contract.ts); the warehouse table and
   * its migrations come from it. @default no typed column: the whole document in `doc` only
   */
  readonly contract?: DocumentContract;
  /** Who to page: the team that owns the pipeline, shown in alerts and dashboards. */
  readonly owner: string;
  /**
   * Only change events matching this `$match` expression are captured (the operation types and match
   * of the Atlas trigger it replaces, say). @default every change of the collection
   */
  readonly changeCondition?: ChangeCondition;
}

const NAME = /^[a-z][a-z0-9_]*$/;

export function definePipeline(definition: PipelineDefinition): PipelineDefinition {
  for (const [field, value] of Object.entries({ name: definition.name, table: definition.table })) {
    if (!NAME.test(value)) {
      throw new Error(`pipeline ${definition.name}: ${field}: must match ${NAME} (got ${JSON.stringify(value)})`);
    }
  }
  return Object.freeze({ ...definition });
}

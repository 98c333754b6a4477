import type { Client } from 'pg';

/**
 * The contract-violation metric, in Prometheus' text format, from the warehouse's own counter
 * (cdc.contract_violation_totals, incremented by each table's trigger): served by
 * `cdcctl schema exporter` beside the workers, scraped like them. A counter per table, never
 * decreasing (pruning cdc.contract_violations does not touch it), so `increase()` reads it.
 */
export const CONTRACT_VIOLATIONS_METRIC = 'cdc_warehouse_contract_violations_total';
export const CONTRACT_VIOLATIONS_LAST_METRIC = 'cdc_warehouse_contract_violation_last_timestamp_seconds';

export interface ViolationTotal {
  readonly table: string;
  readonly events: number;
  readonly lastRecordedSeconds: number;
}

const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Every table of `tables` gets a series (0 before its first violation), so an alert sees the first one rise. */
export function contractMetricsText(totals: readonly ViolationTotal[], tables: readonly string[]): string {
  const byTable = new Map(totals.map((total) => [total.table, total]));
  const names = [...new Set([...tables, ...byTable.keys()])].sort();
  return [
    `# HELP ${CONTRACT_VIOLATIONS_METRIC} Changes whose document broke its pipeline's contract (a typed column got NULL; the document is kept).`,
    `# TYPE ${CONTRACT_VIOLATIONS_METRIC} counter`,
    ...names.map((table) => `${CONTRACT_VIOLATIONS_METRIC}{table="${label(table)}"} ${byTable.get(table)?.events ?? 0}`),
    `# HELP ${CONTRACT_VIOLATIONS_LAST_METRIC} When the last violating change of the table was recorded.`,
    `# TYPE ${CONTRACT_VIOLATIONS_LAST_METRIC} gauge`,
    ...names.filter((table) => byTable.has(table)).map((table) => `${CONTRACT_VIOLATIONS_LAST_METRIC}{table="${label(table)}"} ${byTable.get(table)!.lastRecordedSeconds}`),
    '',
  ].join('\n');
}

export async function readViolationTotals(db: Client): Promise<ViolationTotal[]> {
  const { rows } = await db.query<{ table_name: string; events: string; last: string }>(
    'SELECT table_name, events, extract(epoch FROM last_recorded_at)::bigint AS last FROM cdc.contract_violation_totals',
  );
  return rows.map((row) => ({ table: row.table_name, events: Number(row.events), lastRecordedSeconds: Number(row.last) }));
}

import { contractMetricsText } from '../../../warehouse/contract-metrics';
import { expectedColumns, formatSchemaCheck, hasDrift } from '../../../warehouse/schema-check';
import { pipelines } from '../../../connectors/pipelines';

describe('the contract-violation metric', () => {
  it('is a counter per table, 0 before the first violation, with when the last was recorded', () => {
    expect(contractMetricsText([{ table: 'public.orders', events: 7, lastRecordedSeconds: 1767603600 }], ['public.orders', 'public.customers']).split('\n')).toEqual([
      '# HELP cdc_warehouse_contract_violations_total Changes whose document broke its pipeline\'s contract (a typed column got NULL; the document is kept).',
      '# TYPE cdc_warehouse_contract_violations_total counter',
      'cdc_warehouse_contract_violations_total{table="public.customers"} 0',
      'cdc_warehouse_contract_violations_total{table="public.orders"} 7',
      '# HELP cdc_warehouse_contract_violation_last_timestamp_seconds When the last violating change of the table was recorded.',
      '# TYPE cdc_warehouse_contract_violation_last_timestamp_seconds gauge',
      'cdc_warehouse_contract_violation_last_timestamp_seconds{table="public.orders"} 1767603600',
      '',
    ]);
  });
});

describe('schema check', () => {
  it('expects the reserved columns and each contract column, in the types PostgreSQL prints', () => {
    const columns = expectedColumns(pipelines.find((pipeline) => pipeline.name === 'orders')!.contract!);
    expect(Object.fromEntries(columns)).toMatchObject({ id: 'text', doc: 'jsonb', __source_ord: 'integer', total: 'numeric(14,2)', created_at: 'timestamp with time zone', customer_id: 'text' });
  });

  it('reads as one line per drift, and no drift when there is none', () => {
    const none = { pending: { contract: [], regenerated: [], sharedChanged: false, viewsChanged: false }, columns: [], violations: [] };
    expect(hasDrift(none)).toBe(false);
    expect(formatSchemaCheck(none, 60)).toBe('no drift: contracts, migrations and live columns agree; no violation in the last 60 min');
    const drift = { ...none, columns: [{ table: 'orders', column: 'total', expected: 'numeric(14,2)', live: 'text' }], violations: [{ table: 'public.orders', path: 'items[].quantity', reason: 'expected integer, got string', changes: 3 }] };
    expect(hasDrift(drift)).toBe(true);
    expect(formatSchemaCheck(drift, 60).split('\n')).toEqual([
      'warehouse: orders.total: the contract says numeric(14,2), live text',
      'documents: public.orders: items[].quantity: expected integer, got string (3 changes in the last 60 min)',
    ]);
  });
});

import { CONTRACT_ALERTING, contractAlerts } from '../../../../alerts/rules/contract';
import { monitoringTargets, type MonitoredPipeline } from '../../../../alerts/targets';
import { PROMTOOL_ENVIRONMENTS } from '../../../promtool/environments';

const orders = (): MonitoredPipeline => monitoringTargets(PROMTOOL_ENVIRONMENTS[0]!).pipelines.find((pipeline) => pipeline.definition.name === 'orders')!;

describe('contract alerts', () => {
  it('warn on any violating change of the pipeline in 15m and page beyond 100, labelled with its sink, pipeline and owner', () => {
    const labels = { connector: 'cdc-orders-sink', pipeline: 'orders', owner: 'bi-platform' };
    const increase = 'sum by (table) (increase(cdc_warehouse_contract_violations_total{table="public.orders"}[15m]))';
    expect(contractAlerts(orders())).toEqual([
      {
        kind: 'alert',
        alert: 'CdcContractViolationsRising',
        expr: `${increase} > 0`,
        severity: 'warning',
        labels,
        summary: '{{ $value | humanize }} changes of orders broke its contract in 15m',
        description:
          'Documents of orders arrived whole in {{ $labels.table }}, but with NULL in typed columns they did not fit: cdcctl schema check --env <env> names the fields and reasons.',
        runbook: 'contract-violations.md',
      },
      {
        kind: 'alert',
        alert: 'CdcContractViolationsRising',
        expr: `${increase} > 100`,
        severity: 'critical',
        labels,
        summary: '{{ $value | humanize }} changes of orders broke its contract in 15m: a systematic drift',
        description:
          "More than 100 changes of orders in 15m did not fit their contract: the documents changed shape upstream, and BI's typed columns in {{ $labels.table }} are going NULL.",
        runbook: 'contract-violations.md#a-systematic-drift',
      },
    ]);
    expect(CONTRACT_ALERTING).toEqual({ window: '15m', criticalChanges: 100 });
  });

  it('select a table already schema-qualified as it is, an unqualified one under public', () => {
    const exprs = (table: string) => contractAlerts({ ...orders(), table }).map((rule) => rule.expr);
    expect(exprs('analytics.orders')[0]).toContain('cdc_warehouse_contract_violations_total{table="analytics.orders"}[15m]');
    expect(exprs('orders_v2')[1]).toContain('cdc_warehouse_contract_violations_total{table="public.orders_v2"}[15m]');
  });
});

import { CONTRACT_VIOLATIONS_METRIC } from '../../warehouse/contract-metrics';
import { equals, series } from '../promql';
import type { MonitoredPipeline } from '../targets';
import type { AlertRule } from '../types';
import { connectorLabels } from './connectors';

/**
 * Documents that break their pipeline's contract: the warehouse keeps them whole (doc) with NULL in
 * the typed column, records why (cdc.contract_violations) and counts them per table
 * (cdc_warehouse_contract_violations_total, served by `cdcctl schema exporter`). A few are data to
 * look at; many in a short time are a change upstream (a field renamed, a type changed) that BI is
 * now missing. Thresholds here, each with its reason (alerts/config.ts holds the others).
 */
export const CONTRACT_ALERTING = {
  /** Window of the counter's increase: several scrapes of the exporter (30s interval in production). */
  window: '15m',
  /**
   * Beyond this many violating changes in the window the drift is systematic (every order after a
   * deploy, say), not a stray document: page, BI's typed columns are going NULL.
   */
  criticalChanges: 100,
} as const;

/** The exporter labels tables schema-qualified, as the warehouse trigger records them. */
const qualified = (table: string) => (table.includes('.') ? table : `public.${table}`);

export function contractAlerts(pipeline: MonitoredPipeline): AlertRule[] {
  const name = pipeline.definition.name;
  const increase = `sum by (table) (increase(${series(CONTRACT_VIOLATIONS_METRIC, equals('table', qualified(pipeline.table)))}[${CONTRACT_ALERTING.window}]))`;
  const labels = connectorLabels(pipeline.sink);
  return [
    {
      kind: 'alert',
      alert: 'CdcContractViolationsRising',
      expr: `${increase} > 0`,
      severity: 'warning',
      labels,
      summary: `{{ $value | humanize }} changes of ${name} broke its contract in ${CONTRACT_ALERTING.window}`,
      description: `Documents of ${name} arrived whole in {{ $labels.table }}, but with NULL in typed columns they did not fit: cdcctl schema check --env <env> names the fields and reasons.`,
      runbook: 'contract-violations.md',
    },
    {
      kind: 'alert',
      alert: 'CdcContractViolationsRising',
      expr: `${increase} > ${CONTRACT_ALERTING.criticalChanges}`,
      severity: 'critical',
      labels,
      summary: `{{ $value | humanize }} changes of ${name} broke its contract in ${CONTRACT_ALERTING.window}: a systematic drift`,
      description: `More than ${CONTRACT_ALERTING.criticalChanges} changes of ${name} in ${CONTRACT_ALERTING.window} did not fit their contract: the documents changed shape upstream, and BI's typed columns in {{ $labels.table }} are going NULL.`,
      runbook: 'contract-violations.md#a-systematic-drift',
    },
  ];
}

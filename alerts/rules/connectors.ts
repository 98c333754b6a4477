import { monitoringConfig as config } from '../config';
import { equals, series } from '../promql';
import type { MonitoredConnector } from '../targets';
import type { AlertRule } from '../types';

/** Labels every alert about a connector carries: who owns it and which pipelines it feeds. */
export function connectorLabels(connector: MonitoredConnector): Record<string, string> {
  return { connector: connector.name, pipeline: connector.pipelines.join(','), owner: connector.owners.join(',') };
}

/** State and error alerts that every managed connector, source or sink, gets. */
export function connectorAlerts(connector: MonitoredConnector): AlertRule[] {
  const name = equals('connector', connector.name);
  const labels = connectorLabels(connector);
  const role = connector.role === 'source' ? 'Source' : 'Sink';
  const rules: AlertRule[] = [
    {
      kind: 'alert',
      alert: `Cdc${role}ConnectorFailed`,
      expr: `${series('kafka_connect_connector_status', name, equals('status', 'failed'))} == 1`,
      for: config.connector.failedFor,
      severity: 'critical',
      labels,
      summary: `Connector ${connector.name} is FAILED`,
      description: `The ${connector.role} connector ${connector.name} (pipelines ${labels.pipeline}) has failed and Connect will not restart it by itself; no records move for these pipelines.`,
      runbook: 'connector-restart.md',
    },
    {
      kind: 'alert',
      alert: `Cdc${role}TaskFailed`,
      expr: `${series('kafka_connect_connector_task_status', name, equals('status', 'failed'))} == 1`,
      for: config.connector.failedFor,
      severity: 'critical',
      labels,
      summary: `Task {{ $labels.task }} of ${connector.name} is FAILED`,
      description: `Task {{ $labels.task }} of the ${connector.role} connector ${connector.name} has failed; its partitions are not processed until it is restarted.`,
      runbook: 'connector-restart.md',
    },
    {
      kind: 'alert',
      alert: `Cdc${role}RecordErrorsRising`,
      expr: `sum by (connector) (rate(${series('kafka_connect_task_error_total_record_errors', name)}[${config.errors.rateWindow}])) > 0`,
      for: config.errors.risingFor,
      severity: 'warning',
      labels,
      summary: `${connector.name} keeps failing records ({{ $value | humanize }}/s)`,
      description: `Records fail in a converter, transform or the ${connector.role === 'sink' ? 'sink write' : 'source'} of ${connector.name}. The error-rate rollback trigger pages at ${config.rollback.errorRatio * 100}%.`,
      runbook: 'record-errors.md',
    },
  ];
  rules.push(...supervisorAlerts(connector, role));
  if (connector.desiredState === 'RUNNING') {
    rules.push({
      kind: 'alert',
      alert: `Cdc${role}ConnectorNotRunning`,
      expr:
        `${series('kafka_connect_connector_status', name, 'status=~"paused|stopped|unassigned|restarting"')} == 1 ` +
        `or ${series('kafka_connect_connector_task_status', name, 'status=~"paused|unassigned|restarting"')} == 1`,
      for: config.connector.notRunningFor,
      severity: 'warning',
      labels,
      summary: `${connector.name} should be RUNNING but is {{ $labels.status }}`,
      description: `The repository wants ${connector.name} RUNNING; the connector or one of its tasks has been {{ $labels.status }} for ${config.connector.notRunningFor}.`,
      runbook: 'connector-restart.md',
    });
  }
  return rules;
}

/**
 * What the supervisor (`cdcctl connectors supervise`, its metrics cdc_supervisor_*) did about the
 * connector: restarting it again and again, or giving up (maxRestarts reached: left FAILED for a person).
 */
function supervisorAlerts(connector: MonitoredConnector, role: string): AlertRule[] {
  const name = equals('connector', connector.name);
  const labels = connectorLabels(connector);
  return [
    {
      kind: 'alert',
      alert: `Cdc${role}ConnectorRestarting`,
      expr: `sum by (connector) (increase(${series('cdc_supervisor_restarts_total', name)}[${config.supervisor.restartsWindow}])) >= ${config.supervisor.restartsWarning}`,
      severity: 'warning',
      labels,
      summary: `${connector.name} was restarted {{ $value | humanize }} times in ${config.supervisor.restartsWindow}`,
      description: `The supervisor keeps restarting ${connector.name} after it fails again: data still moves between failures, but the cause (the last Caused by in cdcctl connectors status) is still there.`,
      runbook: 'connector-restart.md#restarted-again-and-again',
    },
    {
      kind: 'alert',
      alert: `Cdc${role}ConnectorGaveUp`,
      expr: `${series('cdc_supervisor_gave_up', name)} == 1`,
      severity: 'critical',
      labels,
      summary: `The supervisor gave up restarting ${connector.name}`,
      description: `${connector.name} failed after the supervisor's last allowed restart (connect.supervisor.maxRestarts) and is left FAILED: nothing moves for pipelines ${labels.pipeline} until a person restarts it.`,
      runbook: 'connector-restart.md#the-supervisor-gave-up',
    },
  ];
}

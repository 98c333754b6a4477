import { connectorAlerts, connectorLabels } from '../../../../alerts/rules/connectors';
import type { MonitoredConnector } from '../../../../alerts/targets';
import type { AlertRule } from '../../../../alerts/types';

/** A sink feeding one pipeline and a source shared by two, as alerts/targets.ts builds them for production. */
const ORDERS_SINK: MonitoredConnector = { name: 'cdc-orders-sink', role: 'sink', desiredState: 'RUNNING', pipelines: ['orders'], owners: ['bi-platform'] };
const SHOP_SOURCE: MonitoredConnector = {
  name: 'cdc-shop-source',
  role: 'source',
  desiredState: 'RUNNING',
  pipelines: ['orders', 'payments'],
  owners: ['bi-platform', 'payments-team'],
  server: 'cdc',
  debeziumMatchers: ['server="cdc"'],
};

const named = (rules: readonly AlertRule[], alert: string): AlertRule => {
  const found = rules.filter((rule) => rule.alert === alert);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('connector labels', () => {
  it('carry the connector, its pipelines and its owners, comma-separated', () => {
    expect(connectorLabels(SHOP_SOURCE)).toEqual({ connector: 'cdc-shop-source', pipeline: 'orders,payments', owner: 'bi-platform,payments-team' });
  });
});

describe('connector alerts: a sink that should be RUNNING', () => {
  // Built in each test, not when the file loads: a mutation run credits a test only with what runs inside it.
  let rules: AlertRule[];
  beforeEach(() => {
    rules = connectorAlerts(ORDERS_SINK);
  });
  const labels = { connector: 'cdc-orders-sink', pipeline: 'orders', owner: 'bi-platform' };

  it('are, in order, failed connector, failed task, record errors, restarting, gave up and not running, all labelled', () => {
    expect(rules.map((rule) => [rule.alert, rule.severity])).toEqual([
      ['CdcSinkConnectorFailed', 'critical'],
      ['CdcSinkTaskFailed', 'critical'],
      ['CdcSinkRecordErrorsRising', 'warning'],
      ['CdcSinkConnectorRestarting', 'warning'],
      ['CdcSinkConnectorGaveUp', 'critical'],
      ['CdcSinkConnectorNotRunning', 'warning'],
    ]);
    for (const rule of rules) expect(rule).toMatchObject({ kind: 'alert', labels });
  });

  it('page on a FAILED connector after 2m, saying nothing moves', () => {
    expect(named(rules, 'CdcSinkConnectorFailed')).toEqual({
      kind: 'alert',
      alert: 'CdcSinkConnectorFailed',
      expr: 'kafka_connect_connector_status{connector="cdc-orders-sink",status="failed"} == 1',
      for: '2m',
      severity: 'critical',
      labels,
      summary: 'Connector cdc-orders-sink is FAILED',
      description: 'The sink connector cdc-orders-sink (pipelines orders) has failed and Connect will not restart it by itself; no records move for these pipelines.',
      runbook: 'connector-restart.md',
    });
  });

  it('page on a FAILED task, naming the task from its label', () => {
    expect(named(rules, 'CdcSinkTaskFailed')).toEqual({
      kind: 'alert',
      alert: 'CdcSinkTaskFailed',
      expr: 'kafka_connect_connector_task_status{connector="cdc-orders-sink",status="failed"} == 1',
      for: '2m',
      severity: 'critical',
      labels,
      summary: 'Task {{ $labels.task }} of cdc-orders-sink is FAILED',
      description: 'Task {{ $labels.task }} of the sink connector cdc-orders-sink has failed; its partitions are not processed until it is restarted.',
      runbook: 'connector-restart.md',
    });
  });

  it('warn on record errors rising over 5m for 10m, pointing at the sink write and the 5% rollback trigger', () => {
    expect(named(rules, 'CdcSinkRecordErrorsRising')).toEqual({
      kind: 'alert',
      alert: 'CdcSinkRecordErrorsRising',
      expr: 'sum by (connector) (rate(kafka_connect_task_error_total_record_errors{connector="cdc-orders-sink"}[5m])) > 0',
      for: '10m',
      severity: 'warning',
      labels,
      summary: 'cdc-orders-sink keeps failing records ({{ $value | humanize }}/s)',
      description: 'Records fail in a converter, transform or the sink write of cdc-orders-sink. The error-rate rollback trigger pages at 5%.',
      runbook: 'record-errors.md',
    });
  });

  it('warn at the third supervisor restart within 15m, firing at once', () => {
    expect(named(rules, 'CdcSinkConnectorRestarting')).toEqual({
      kind: 'alert',
      alert: 'CdcSinkConnectorRestarting',
      expr: 'sum by (connector) (increase(cdc_supervisor_restarts_total{connector="cdc-orders-sink"}[15m])) >= 3',
      severity: 'warning',
      labels,
      summary: 'cdc-orders-sink was restarted {{ $value | humanize }} times in 15m',
      description:
        'The supervisor keeps restarting cdc-orders-sink after it fails again: data still moves between failures, but the cause (the last Caused by in cdcctl connectors status) is still there.',
      runbook: 'connector-restart.md#restarted-again-and-again',
    });
  });

  it('page at once when the supervisor gave up, naming the pipelines left without data', () => {
    expect(named(rules, 'CdcSinkConnectorGaveUp')).toEqual({
      kind: 'alert',
      alert: 'CdcSinkConnectorGaveUp',
      expr: 'cdc_supervisor_gave_up{connector="cdc-orders-sink"} == 1',
      severity: 'critical',
      labels,
      summary: 'The supervisor gave up restarting cdc-orders-sink',
      description:
        "cdc-orders-sink failed after the supervisor's last allowed restart (connect.supervisor.maxRestarts) and is left FAILED: nothing moves for pipelines orders until a person restarts it.",
      runbook: 'connector-restart.md#the-supervisor-gave-up',
    });
  });

  it('warn after 15m in a state other than RUNNING, connector or task, naming the state', () => {
    expect(named(rules, 'CdcSinkConnectorNotRunning')).toEqual({
      kind: 'alert',
      alert: 'CdcSinkConnectorNotRunning',
      expr:
        'kafka_connect_connector_status{connector="cdc-orders-sink",status=~"paused|stopped|unassigned|restarting"} == 1 ' +
        'or kafka_connect_connector_task_status{connector="cdc-orders-sink",status=~"paused|unassigned|restarting"} == 1',
      for: '15m',
      severity: 'warning',
      labels,
      summary: 'cdc-orders-sink should be RUNNING but is {{ $labels.status }}',
      description: 'The repository wants cdc-orders-sink RUNNING; the connector or one of its tasks has been {{ $labels.status }} for 15m.',
      runbook: 'connector-restart.md',
    });
  });
});

describe('connector alerts: a source, and connectors the repository keeps paused or stopped', () => {
  it("name a source's alerts Source and its record errors the source's", () => {
    const rules = connectorAlerts(SHOP_SOURCE);
    expect(rules.map((rule) => rule.alert)).toEqual([
      'CdcSourceConnectorFailed',
      'CdcSourceTaskFailed',
      'CdcSourceRecordErrorsRising',
      'CdcSourceConnectorRestarting',
      'CdcSourceConnectorGaveUp',
      'CdcSourceConnectorNotRunning',
    ]);
    expect(named(rules, 'CdcSourceConnectorFailed').description).toBe(
      'The source connector cdc-shop-source (pipelines orders,payments) has failed and Connect will not restart it by itself; no records move for these pipelines.',
    );
    expect(named(rules, 'CdcSourceTaskFailed').description).toMatch(/^Task \{\{ \$labels\.task \}\} of the source connector cdc-shop-source has failed/);
    expect(named(rules, 'CdcSourceRecordErrorsRising').description).toBe(
      'Records fail in a converter, transform or the source of cdc-shop-source. The error-rate rollback trigger pages at 5%.',
    );
  });

  it.each(['PAUSED', 'STOPPED'] as const)('leave out the not-running alert for a connector the repository wants %s', (desiredState) => {
    const rules = connectorAlerts({ ...ORDERS_SINK, desiredState });
    expect(rules.map((rule) => rule.alert)).toEqual([
      'CdcSinkConnectorFailed',
      'CdcSinkTaskFailed',
      'CdcSinkRecordErrorsRising',
      'CdcSinkConnectorRestarting',
      'CdcSinkConnectorGaveUp',
    ]);
  });
});

import { platformAlerts, platformRecordingRules, RECORDED } from '../../../../alerts/rules/platform';

const LAG = 'kafka_connect_sink_consumer_records_lag';
const DOTTED = `${LAG}{topic=~".*[.].*"}`;

describe('platform recording rules', () => {
  it('sum the sink lag per connector, keeping the dotted topic of each twin and an undotted topic only without one', () => {
    expect(platformRecordingRules().find((rule) => rule.record === RECORDED.sinkLagRecords)).toEqual({
      kind: 'record',
      record: 'cdc:sink_records_lag:sum',
      expr: `sum by (connector) (${DOTTED} or (${LAG} unless on (connector, task, partition) ${DOTTED}))`,
    });
  });

  it('record the consumed, error and processed rates per connector over the 5m window, and the error ratio from them', () => {
    expect(platformRecordingRules().map(({ record, expr }) => ({ record, expr }))).toEqual([
      expect.objectContaining({ record: 'cdc:sink_records_lag:sum' }),
      { record: 'cdc:sink_records_consumed:rate5m', expr: 'sum by (connector) (rate(kafka_connect_sink_consumer_records_consumed_total[5m]))' },
      { record: 'cdc:connector_record_errors:rate5m', expr: 'sum by (connector) (rate(kafka_connect_task_error_total_record_errors[5m]))' },
      {
        record: 'cdc:connector_records_processed:rate5m',
        expr: 'sum by (connector) (rate(kafka_connect_sink_task_sink_record_read_total[5m])) or sum by (connector) (rate(kafka_connect_source_task_source_record_poll_total[5m]))',
      },
      { record: 'cdc:connector_error_ratio:rate5m', expr: 'cdc:connector_record_errors:rate5m / cdc:connector_records_processed:rate5m' },
    ]);
    expect(platformRecordingRules().every((rule) => rule.kind === 'record' && rule.labels === undefined)).toBe(true);
  });
});

describe('platform alerts', () => {
  const byName = (name: string) => platformAlerts().filter((rule) => rule.alert === name);

  it('are the worker down page, the rebalancing pair and the supervisor warning, in that order', () => {
    expect(platformAlerts().map((rule) => `${rule.alert} ${rule.severity}`)).toEqual([
      'KafkaConnectWorkerDown critical',
      'KafkaConnectWorkerRebalancing warning',
      'KafkaConnectWorkerRebalancing critical',
      'CdcSupervisorDown warning',
    ]);
  });

  it('page when a worker has not answered the Connect scrape job for 2m', () => {
    expect(byName('KafkaConnectWorkerDown')).toEqual([
      {
        kind: 'alert',
        alert: 'KafkaConnectWorkerDown',
        expr: 'up{job="kafka-connect"} == 0',
        for: '2m',
        severity: 'critical',
        summary: 'Connect worker {{ $labels.instance }} is not answering Prometheus',
        description:
          "The worker's metrics endpoint has been down for 2m: the worker is gone or hung; its tasks move to the other workers after scheduled.rebalance.max.delay.ms.",
        runbook: 'worker-rebalancing.md#worker-down',
      },
    ]);
  });

  it('warn after 6m and page after 15m of rebalancing, saying for how long', () => {
    const description =
      'While a worker rebalances, its connectors and tasks do not run. A rebalance normally takes seconds; the cooperative protocol may wait for a departed worker up to scheduled.rebalance.max.delay.ms (5 min).';
    const expr = 'max by (instance) (kafka_connect_worker_rebalance_rebalancing) == 1';
    expect(byName('KafkaConnectWorkerRebalancing')).toEqual([
      { kind: 'alert', alert: 'KafkaConnectWorkerRebalancing', expr, for: '6m', severity: 'warning', summary: 'Connect worker {{ $labels.instance }} has been rebalancing for 6m', description, runbook: 'worker-rebalancing.md' },
      { kind: 'alert', alert: 'KafkaConnectWorkerRebalancing', expr, for: '15m', severity: 'critical', summary: 'Connect worker {{ $labels.instance }} has been rebalancing for 15m', description, runbook: 'worker-rebalancing.md' },
    ]);
  });

  it('warn when the supervisor is down or has not read the workers for 300 s', () => {
    expect(byName('CdcSupervisorDown')).toEqual([
      {
        kind: 'alert',
        alert: 'CdcSupervisorDown',
        expr: 'up{job="cdc-supervisor"} == 0 or (time() - cdc_supervisor_last_check_timestamp_seconds{job="cdc-supervisor"}) > 300',
        for: '5m',
        severity: 'warning',
        summary: 'The connector supervisor {{ $labels.instance }} is not supervising',
        description:
          'For 5m, the supervisor has not answered Prometheus, or has not read the workers for over 300 s: no failed connector or task is restarted automatically until it is back (the Cdc*Failed alerts still page).',
        runbook: 'connector-restart.md#the-supervisor-is-down',
      },
    ]);
  });
});

import { PIPELINE_RECORDED, pipelineAlerts, pipelineRecordingRules, pipelineRules } from '../../../../alerts/rules/pipeline';
import type { MonitoredConnector, MonitoredPipeline } from '../../../../alerts/targets';
import type { AlertRule, RecordingRule } from '../../../../alerts/types';
import { orders } from '../../../../connectors/pipelines/orders';

/** The orders pipeline as alerts/targets.ts sees it in production: a shared source, its own sink, in the shadow phase. */
const SINK: MonitoredConnector = { name: 'cdc-orders-sink', role: 'sink', desiredState: 'RUNNING', pipelines: ['orders'], owners: ['bi-platform'] };
const SOURCE: MonitoredConnector = {
  name: 'cdc-app-db-source',
  role: 'source',
  desiredState: 'RUNNING',
  pipelines: ['orders', 'customers'],
  owners: ['bi-platform'],
  server: 'cdc',
  debeziumMatchers: ['server="cdc"'],
};
const ORDERS: MonitoredPipeline = {
  definition: orders,
  sink: SINK,
  source: SOURCE,
  topic: 'cdc.app_db.orders',
  deadLetterTopic: 'cdc.dlq.orders',
  consumerGroup: 'connect-cdc-orders-sink',
  table: 'orders',
  phase: 'shadow',
};
/** Where events are replayed instead of captured (local): no source connector. */
const REPLAYED: MonitoredPipeline = { ...ORDERS, source: undefined };
const LABELS = { connector: 'cdc-orders-sink', pipeline: 'orders', owner: 'bi-platform' };

const recorded = (rules: readonly RecordingRule[], record: string): RecordingRule => {
  const found = rules.filter((rule) => rule.record === record);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const named = (rules: readonly AlertRule[], alert: string, severity?: AlertRule['severity']): AlertRule => {
  const found = rules.filter((rule) => rule.alert === alert && (!severity || rule.severity === severity));
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('per-pipeline recording rules', () => {
  // Built in each test, not when the file loads: a mutation run credits a test only with what runs inside it.
  let rules: RecordingRule[];
  beforeEach(() => {
    rules = pipelineRecordingRules(ORDERS);
  });

  it('record sink lag, drain time, source lag, processing lag, error ratio and health, each labelled with the pipeline', () => {
    expect(rules.map((rule) => rule.record)).toEqual([
      'cdc:pipeline_sink_lag_records',
      'cdc:pipeline_sink_drain_seconds',
      'cdc:pipeline_source_lag_seconds',
      'cdc:pipeline_processing_lag_seconds',
      'cdc:pipeline_error_ratio:rate5m',
      'cdc:pipeline_healthy',
    ]);
    for (const rule of rules) expect(rule).toMatchObject({ kind: 'record', labels: { pipeline: 'orders' } });
    expect(Object.values(PIPELINE_RECORDED).sort()).toEqual(rules.map((rule) => rule.record).sort());
  });

  it("sum the sink's records lag, and divide it by the consumed rate floored at 1 record/s for the drain time", () => {
    expect(recorded(rules, 'cdc:pipeline_sink_lag_records').expr).toBe('sum(cdc:sink_records_lag:sum{connector="cdc-orders-sink"})');
    expect(recorded(rules, 'cdc:pipeline_sink_drain_seconds').expr).toBe(
      'sum(cdc:sink_records_lag:sum{connector="cdc-orders-sink"}) / clamp_min(sum(cdc:sink_records_consumed:rate5m{connector="cdc-orders-sink"}), 1)',
    );
  });

  it("read the source's lag in seconds, never negative, and add the drain time, either alone when the other is absent", () => {
    expect(recorded(rules, 'cdc:pipeline_source_lag_seconds').expr).toBe('clamp_min(max(debezium_mongodb_streaming_milliseconds_behind_source{server="cdc"}), 0) / 1000');
    expect(recorded(rules, 'cdc:pipeline_processing_lag_seconds').expr).toBe(
      '(sum(cdc:pipeline_source_lag_seconds{pipeline="orders"}) + sum(cdc:pipeline_sink_drain_seconds{pipeline="orders"})) ' +
        'or sum(cdc:pipeline_sink_drain_seconds{pipeline="orders"}) or sum(cdc:pipeline_source_lag_seconds{pipeline="orders"})',
    );
  });

  it('take the worst error ratio of the source and the sink', () => {
    expect(recorded(rules, 'cdc:pipeline_error_ratio:rate5m').expr).toBe('max(cdc:connector_error_ratio:rate5m{connector=~"cdc-app-db-source|cdc-orders-sink"})');
  });

  it('call the pipeline healthy when every task of its connectors runs and the data is fresher than 300s', () => {
    expect(recorded(rules, 'cdc:pipeline_healthy').expr).toBe(
      '((sum(kafka_connect_connector_task_status{connector=~"cdc-app-db-source|cdc-orders-sink",status="running"}) ' +
        '== bool sum(kafka_connect_connector_task_status{connector=~"cdc-app-db-source|cdc-orders-sink"})) or vector(0)) ' +
        '* ((max(cdc:pipeline_processing_lag_seconds{pipeline="orders"}) < bool 300) or vector(1))',
    );
  });

  it.each([
    ['without a source connector (events replayed)', REPLAYED],
    ['with a source whose Debezium metrics cannot be selected', { ...ORDERS, source: { ...SOURCE, debeziumMatchers: [] } }],
    ['with a source without topic.prefix', { ...ORDERS, source: { ...SOURCE, server: undefined, debeziumMatchers: undefined } }],
  ])('measure processing lag as the drain time alone %s', (_, pipeline) => {
    const rules = pipelineRecordingRules(pipeline);
    expect(rules.some((rule) => rule.record === 'cdc:pipeline_source_lag_seconds')).toBe(false);
    expect(recorded(rules, 'cdc:pipeline_processing_lag_seconds').expr).toBe('sum(cdc:pipeline_sink_drain_seconds{pipeline="orders"})');
  });

  it('read only the sink in the error ratio and health of a pipeline without a source connector', () => {
    const rules = pipelineRecordingRules(REPLAYED);
    expect(recorded(rules, 'cdc:pipeline_error_ratio:rate5m').expr).toBe('max(cdc:connector_error_ratio:rate5m{connector=~"cdc-orders-sink"})');
    expect(recorded(rules, 'cdc:pipeline_healthy').expr).toMatch(/^\(\(sum\(kafka_connect_connector_task_status\{connector=~"cdc-orders-sink",status="running"\}\)/);
  });
});

describe('per-pipeline alerts', () => {
  let alerts: AlertRule[];
  beforeEach(() => {
    alerts = pipelineAlerts(ORDERS);
  });

  it("are the sink's connector alerts, then lag, not polling, dead letters and rollback triggers, each labelled with the sink", () => {
    expect(alerts.map((rule) => [rule.alert, rule.severity])).toEqual([
      ['CdcSinkConnectorFailed', 'critical'],
      ['CdcSinkTaskFailed', 'critical'],
      ['CdcSinkRecordErrorsRising', 'warning'],
      ['CdcSinkConnectorRestarting', 'warning'],
      ['CdcSinkConnectorGaveUp', 'critical'],
      ['CdcSinkConnectorNotRunning', 'warning'],
      ['CdcSinkConsumerLagHigh', 'warning'],
      ['CdcSinkConsumerLagHigh', 'critical'],
      ['CdcSinkNotPolling', 'warning'],
      ['CdcDeadLetterQueueReceiving', 'warning'],
      ['CdcDeadLetterQueueReceiving', 'critical'],
      ['CdcDeadLetterQueueProduceFailing', 'critical'],
      ['CdcRollbackProcessingLag', 'critical'],
      ['CdcRollbackErrorRate', 'critical'],
    ]);
    for (const rule of alerts.filter((alert) => !alert.alert.startsWith('CdcRollback'))) expect(rule.labels).toEqual(LABELS);
  });

  it('warn at 10000 records behind for 5m and page at 100000 for 15m, naming the group, topic and table', () => {
    const lag = (severity: AlertRule['severity'], records: number, duration: string) => ({
      kind: 'alert',
      alert: 'CdcSinkConsumerLagHigh',
      expr: `cdc:pipeline_sink_lag_records{pipeline="orders"} > ${records}`,
      for: duration,
      severity,
      labels: LABELS,
      summary: 'Sink of orders is {{ $value | humanize }} records behind cdc.app_db.orders',
      description: `Consumer group connect-cdc-orders-sink (connector cdc-orders-sink) has had more than ${records} records to read on cdc.app_db.orders for ${duration}; the warehouse table orders is falling behind.`,
      runbook: 'lag-recovery.md',
    });
    expect(named(alerts, 'CdcSinkConsumerLagHigh', 'warning')).toEqual(lag('warning', 10000, '5m'));
    expect(named(alerts, 'CdcSinkConsumerLagHigh', 'critical')).toEqual(lag('critical', 100000, '15m'));
  });

  it('warn when a sink task has not polled Kafka for over 240s, for 2m', () => {
    expect(named(alerts, 'CdcSinkNotPolling')).toEqual({
      kind: 'alert',
      alert: 'CdcSinkNotPolling',
      expr: 'max by (connector, task) (kafka_connect_sink_consumer_last_poll_seconds_ago{connector="cdc-orders-sink"}) > 240',
      for: '2m',
      severity: 'warning',
      labels: LABELS,
      summary: 'Task {{ $labels.task }} of cdc-orders-sink has not polled Kafka for {{ $value | humanize }}s',
      description: 'The sink task is stuck writing to the warehouse (put or flush); past max.poll.interval.ms its consumer leaves the group and the connector rebalances.',
      runbook: 'lag-recovery.md#sink-not-polling',
    });
  });

  it('warn at once on any dead-lettered record in 10m and page beyond 1000, naming the topic and the table missing them', () => {
    const produced = 'sum by (connector) (increase(kafka_connect_task_error_deadletterqueue_produce_requests{connector="cdc-orders-sink"}[10m]))';
    expect(named(alerts, 'CdcDeadLetterQueueReceiving', 'warning')).toEqual({
      kind: 'alert',
      alert: 'CdcDeadLetterQueueReceiving',
      expr: `${produced} > 0`,
      severity: 'warning',
      labels: LABELS,
      summary: 'cdc-orders-sink dead-lettered {{ $value | humanize }} records to cdc.dlq.orders',
      description: 'Records of orders that the sink could not write went to cdc.dlq.orders in the last 10m; they are missing from orders until replayed.',
      runbook: 'dead-letter-queue.md',
    });
    expect(named(alerts, 'CdcDeadLetterQueueReceiving', 'critical')).toEqual({
      kind: 'alert',
      alert: 'CdcDeadLetterQueueReceiving',
      expr: `${produced} > 1000`,
      severity: 'critical',
      labels: LABELS,
      summary: 'cdc-orders-sink dead-lettered {{ $value | humanize }} records in 10m',
      description: 'More than 1000 records of orders went to cdc.dlq.orders in 10m: a systematic failure (schema, transform, table), not a bad record.',
      runbook: 'dead-letter-queue.md',
    });
  });

  it('page at once when the dead letter queue itself cannot be written', () => {
    expect(named(alerts, 'CdcDeadLetterQueueProduceFailing')).toEqual({
      kind: 'alert',
      alert: 'CdcDeadLetterQueueProduceFailing',
      expr: 'sum by (connector) (increase(kafka_connect_task_error_deadletterqueue_produce_failures{connector="cdc-orders-sink"}[10m])) > 0',
      severity: 'critical',
      labels: LABELS,
      summary: 'cdc-orders-sink cannot write to its dead letter queue cdc.dlq.orders',
      description: 'Failed records of orders could neither be written to orders nor parked in cdc.dlq.orders.',
      runbook: 'dead-letter-queue.md#produce-failures',
    });
  });

  it('page the seed rollback triggers (processing lag over 1h for 5m, error rate over 5% for 10m), labelled with the phase to leave', () => {
    const rollbackLabels = { ...LABELS, rollback_trigger: 'true', phase: 'shadow' };
    expect(named(alerts, 'CdcRollbackProcessingLag')).toEqual({
      kind: 'alert',
      alert: 'CdcRollbackProcessingLag',
      expr: 'cdc:pipeline_processing_lag_seconds{pipeline="orders"} > 3600',
      for: '5m',
      severity: 'critical',
      labels: rollbackLabels,
      summary: 'orders: warehouse data about {{ $value | humanizeDuration }} behind MongoDB (rollback trigger)',
      description:
        'The processing lag of orders (source behind MongoDB plus the time to drain the sink backlog) is over 1h. Rollback trigger: move the collection back one migration phase (now shadow).',
      runbook: 'rollback-triggers.md#processing-lag',
    });
    expect(named(alerts, 'CdcRollbackErrorRate')).toEqual({
      kind: 'alert',
      alert: 'CdcRollbackErrorRate',
      expr: 'cdc:pipeline_error_ratio:rate5m{pipeline="orders"} > 0.05',
      for: '10m',
      severity: 'critical',
      labels: rollbackLabels,
      summary: 'orders: {{ $value | humanizePercentage }} of records fail (rollback trigger)',
      description: 'More than 5% of the records of orders fail in its connectors. Rollback trigger: move the collection back one migration phase (now shadow).',
      runbook: 'rollback-triggers.md#error-rate',
    });
  });

  it('come after the recording rules in the pipeline rule group', () => {
    const rules = pipelineRules(ORDERS);
    expect(rules.map((rule) => (rule.kind === 'record' ? rule.record : rule.alert))).toEqual([
      ...pipelineRecordingRules(ORDERS).map((rule) => rule.record),
      ...alerts.map((rule) => rule.alert),
    ]);
  });
});

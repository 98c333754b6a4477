import type { PromtoolCase } from './harness';
import { FILES, ORDERS_SINK, ROLLBACK } from './labels';

const files = [FILES.platform, FILES.orders];
const sink = 'connector="cdc-orders-sink"';
const lagSeries = `kafka_connect_sink_consumer_records_lag{${sink},task="0",topic="cdc.app_db.orders",partition="0"}`;
const warning = { ...ORDERS_SINK, severity: 'warning' };
const critical = { ...ORDERS_SINK, severity: 'critical' };

export const pipelineCases: PromtoolCase[] = [
  {
    name: 'CdcSinkConnectorFailed fires for the failed sink only, after 2m',
    ruleFiles: files,
    input: [
      { series: `kafka_connect_connector_status{${sink},status="failed"}`, values: '0 1x10' },
      { series: `kafka_connect_connector_status{${sink},status="running"}`, values: '1 0x10' },
      { series: 'kafka_connect_connector_status{connector="cdc-customers-sink",status="running"}', values: '1x10' },
    ],
    alerts: [
      { at: '2m', alert: 'CdcSinkConnectorFailed', firing: [] },
      { at: '4m', alert: 'CdcSinkConnectorFailed', firing: [{ labels: { ...critical, status: 'failed' } }] },
      { at: '4m', alert: 'CdcSinkConnectorNotRunning', firing: [] },
    ],
  },
  {
    name: 'CdcSinkTaskFailed names the failed task',
    ruleFiles: files,
    input: [
      { series: `kafka_connect_connector_task_status{${sink},task="0",status="failed"}`, values: '0 1x10' },
      { series: `kafka_connect_connector_task_status{${sink},task="1",status="running"}`, values: '1x10' },
    ],
    alerts: [
      { at: '2m', alert: 'CdcSinkTaskFailed', firing: [] },
      { at: '4m', alert: 'CdcSinkTaskFailed', firing: [{ labels: { ...critical, task: '0', status: 'failed' } }] },
    ],
  },
  {
    name: 'CdcSinkConnectorRestarting warns when the supervisor restarted the sink three times within 15m, not after one restart',
    ruleFiles: files,
    input: [
      { series: `cdc_supervisor_restarts_total{${sink}}`, values: '0 1 1 1 1 1 2 3 3 3 3 3' },
      { series: 'cdc_supervisor_restarts_total{connector="cdc-customers-sink"}', values: '0 1 1 1 1 1 1 1 1 1 1 1' },
    ],
    alerts: [
      { at: '5m', alert: 'CdcSinkConnectorRestarting', firing: [] },
      { at: '9m', alert: 'CdcSinkConnectorRestarting', firing: [{ labels: warning, value: 3 }] },
    ],
  },
  {
    name: 'CdcSinkConnectorGaveUp pages at once when the supervisor gave up',
    ruleFiles: files,
    input: [{ series: `cdc_supervisor_gave_up{${sink}}`, values: '0 0 1 1' }],
    alerts: [
      { at: '1m', alert: 'CdcSinkConnectorGaveUp', firing: [] },
      { at: '2m', alert: 'CdcSinkConnectorGaveUp', firing: [{ labels: critical }] },
    ],
  },
  {
    name: 'CdcSinkRecordErrorsRising warns after 10m of errors',
    ruleFiles: files,
    input: [{ series: `kafka_connect_task_error_total_record_errors{${sink},task="0"}`, values: '0+6x30' }],
    alerts: [
      { at: '8m', alert: 'CdcSinkRecordErrorsRising', firing: [] },
      { at: '15m', alert: 'CdcSinkRecordErrorsRising', firing: [{ labels: warning, value: 0.1 }] },
    ],
  },
  {
    name: 'CdcSinkRecordErrorsRising stays quiet while the error counter is flat',
    ruleFiles: files,
    input: [{ series: `kafka_connect_task_error_total_record_errors{${sink},task="0"}`, values: '5x30' }],
    alerts: [{ at: '15m', alert: 'CdcSinkRecordErrorsRising', firing: [] }],
  },
  {
    name: 'CdcSinkConnectorNotRunning warns when the sink stays PAUSED for 15m',
    ruleFiles: files,
    input: [{ series: `kafka_connect_connector_status{${sink},status="paused"}`, values: '1x20' }],
    alerts: [
      { at: '10m', alert: 'CdcSinkConnectorNotRunning', firing: [] },
      { at: '17m', alert: 'CdcSinkConnectorNotRunning', firing: [{ labels: { ...warning, status: 'paused' } }] },
    ],
  },
  {
    name: 'CdcSinkConsumerLagHigh warns above 10000 records for 5m',
    ruleFiles: files,
    input: [{ series: lagSeries, values: '20000x30' }],
    alerts: [
      { at: '3m', alert: 'CdcSinkConsumerLagHigh', firing: [] },
      { at: '9m', alert: 'CdcSinkConsumerLagHigh', firing: [{ labels: warning, value: 20000 }] },
    ],
  },
  {
    name: 'CdcSinkConsumerLagHigh pages above 100000 records for 15m',
    ruleFiles: files,
    input: [{ series: lagSeries, values: '150000x30' }],
    alerts: [
      { at: '9m', alert: 'CdcSinkConsumerLagHigh', firing: [{ labels: warning, value: 150000 }] },
      {
        at: '20m',
        alert: 'CdcSinkConsumerLagHigh',
        firing: [
          { labels: warning, value: 150000 },
          { labels: critical, value: 150000 },
        ],
      },
    ],
  },
  {
    name: 'CdcSinkConsumerLagHigh stays quiet under 10000 records',
    ruleFiles: files,
    input: [{ series: lagSeries, values: '5000x30' }],
    alerts: [{ at: '20m', alert: 'CdcSinkConsumerLagHigh', firing: [] }],
  },
  {
    name: 'CdcSinkNotPolling warns when a task has not polled for over 240s',
    ruleFiles: files,
    input: [
      { series: `kafka_connect_sink_consumer_last_poll_seconds_ago{${sink},task="0"}`, values: '0 300x10' },
      { series: `kafka_connect_sink_consumer_last_poll_seconds_ago{${sink},task="1"}`, values: '0x10' },
    ],
    alerts: [
      { at: '2m', alert: 'CdcSinkNotPolling', firing: [] },
      { at: '5m', alert: 'CdcSinkNotPolling', firing: [{ labels: { ...warning, task: '0' }, value: 300 }] },
    ],
  },
  {
    name: 'CdcDeadLetterQueueReceiving warns on any dead-lettered record',
    ruleFiles: files,
    input: [{ series: `kafka_connect_task_error_deadletterqueue_produce_requests{${sink},task="0"}`, values: '0+1x30' }],
    alerts: [{ at: '20m', alert: 'CdcDeadLetterQueueReceiving', firing: [{ labels: warning, value: 10 }] }],
  },
  {
    name: 'CdcDeadLetterQueueReceiving pages above 1000 records in 10m',
    ruleFiles: files,
    input: [{ series: `kafka_connect_task_error_deadletterqueue_produce_requests{${sink},task="0"}`, values: '0+200x30' }],
    alerts: [
      {
        at: '20m',
        alert: 'CdcDeadLetterQueueReceiving',
        firing: [
          { labels: warning, value: 2000 },
          { labels: critical, value: 2000 },
        ],
      },
    ],
  },
  {
    name: 'CdcDeadLetterQueueReceiving stays quiet when nothing new is dead-lettered',
    ruleFiles: files,
    input: [{ series: `kafka_connect_task_error_deadletterqueue_produce_requests{${sink},task="0"}`, values: '3x30' }],
    alerts: [{ at: '20m', alert: 'CdcDeadLetterQueueReceiving', firing: [] }],
  },
  {
    name: 'CdcDeadLetterQueueProduceFailing pages when the DLQ cannot be written',
    ruleFiles: files,
    input: [
      { series: `kafka_connect_task_error_deadletterqueue_produce_failures{${sink},task="0"}`, values: '0+1x30' },
      { series: 'kafka_connect_task_error_deadletterqueue_produce_failures{connector="cdc-customers-sink",task="0"}', values: '0x30' },
    ],
    alerts: [
      { at: '20m', alert: 'CdcDeadLetterQueueProduceFailing', firing: [{ labels: critical }] },
    ],
  },
  {
    name: 'CdcDeadLetterQueueProduceFailing stays quiet without failures',
    ruleFiles: files,
    input: [{ series: `kafka_connect_task_error_deadletterqueue_produce_failures{${sink},task="0"}`, values: '0x30' }],
    alerts: [{ at: '20m', alert: 'CdcDeadLetterQueueProduceFailing', firing: [] }],
  },
  {
    name: 'processing lag adds the source lag and the sink drain time',
    ruleFiles: files,
    input: [
      { series: 'debezium_mongodb_streaming_milliseconds_behind_source{server="cdc",task="0",connector="cdc-app-db-source"}', values: '60000x30' },
      { series: lagSeries, values: '600x30' },
      { series: `kafka_connect_sink_consumer_records_consumed_total{${sink},task="0"}`, values: '0+600x30' },
    ],
    expressions: [
      { at: '10m', expr: 'cdc:pipeline_processing_lag_seconds', expected: [{ labels: 'cdc:pipeline_processing_lag_seconds{pipeline="orders"}', value: 120 }] },
    ],
    alerts: [{ at: '10m', alert: 'CdcRollbackProcessingLag', firing: [] }],
  },
  {
    name: 'CdcRollbackProcessingLag fires when the source is more than an hour behind',
    ruleFiles: files,
    input: [{ series: 'debezium_mongodb_streaming_milliseconds_behind_source{server="cdc",task="0",connector="cdc-app-db-source"}', values: '4000000x20' }],
    alerts: [
      { at: '3m', alert: 'CdcRollbackProcessingLag', firing: [] },
      { at: '10m', alert: 'CdcRollbackProcessingLag', firing: [{ labels: { ...critical, ...ROLLBACK }, value: 4000 }] },
    ],
  },
  {
    name: 'CdcRollbackErrorRate fires above 5% failed records for 10m',
    ruleFiles: files,
    input: [
      { series: `kafka_connect_task_error_total_record_errors{${sink},task="0"}`, values: '0+12x30' },
      { series: `kafka_connect_sink_task_sink_record_read_total{${sink},task="0"}`, values: '0+60x30' },
    ],
    alerts: [
      { at: '8m', alert: 'CdcRollbackErrorRate', firing: [] },
      { at: '20m', alert: 'CdcRollbackErrorRate', firing: [{ labels: { ...critical, ...ROLLBACK }, value: 0.2 }] },
    ],
  },
  {
    name: 'CdcRollbackErrorRate stays quiet under 5%',
    ruleFiles: files,
    input: [
      { series: `kafka_connect_task_error_total_record_errors{${sink},task="0"}`, values: '0+1x30' },
      { series: `kafka_connect_sink_task_sink_record_read_total{${sink},task="0"}`, values: '0+60x30' },
    ],
    alerts: [{ at: '20m', alert: 'CdcRollbackErrorRate', firing: [] }],
  },
  {
    name: 'a pipeline is healthy while all its tasks run and unhealthy when one fails',
    ruleFiles: files,
    input: [
      { series: 'kafka_connect_connector_task_status{connector="cdc-app-db-source",task="0",status="running"}', values: '1x10' },
      { series: `kafka_connect_connector_task_status{${sink},task="0",status="running"}`, values: '1 1 1 1 1 stale' },
      { series: `kafka_connect_connector_task_status{${sink},task="0",status="failed"}`, values: '_ _ _ _ _ 1 1 1 1 1 1' },
    ],
    expressions: [
      { at: '3m', expr: 'cdc:pipeline_healthy', expected: [{ labels: 'cdc:pipeline_healthy{pipeline="orders"}', value: 1 }] },
      { at: '8m', expr: 'cdc:pipeline_healthy', expected: [{ labels: 'cdc:pipeline_healthy{pipeline="orders"}', value: 0 }] },
    ],
  },
];

const replayFiles = [FILES.replayPlatform, FILES.replayOrders];
const replaySink = { ...ORDERS_SINK, environment: 'promtool-replay' };

/** Sinks only (no MongoDB): the processing lag is the sink's drain time alone. */
export const replayCases: PromtoolCase[] = [
  {
    name: 'without a source, a stopped sink with a large backlog trips the processing-lag rollback trigger',
    ruleFiles: replayFiles,
    input: [
      { series: lagSeries, values: '5000000x30' },
      { series: `kafka_connect_sink_consumer_records_consumed_total{${sink},task="0"}`, values: '100x30' },
    ],
    alerts: [{ at: '10m', alert: 'CdcRollbackProcessingLag', firing: [{ labels: { ...replaySink, ...ROLLBACK, severity: 'critical' }, value: 5_000_000 }] }],
  },
  {
    name: 'without a source, a sink draining its backlog in minutes is no rollback trigger',
    ruleFiles: replayFiles,
    input: [
      { series: lagSeries, values: '1000x30' },
      { series: `kafka_connect_sink_consumer_records_consumed_total{${sink},task="0"}`, values: '0+600x30' },
    ],
    expressions: [{ at: '10m', expr: 'cdc:pipeline_processing_lag_seconds', expected: [{ labels: 'cdc:pipeline_processing_lag_seconds{pipeline="orders"}', value: 100 }] }],
    alerts: [{ at: '10m', alert: 'CdcRollbackProcessingLag', firing: [] }],
  },
];

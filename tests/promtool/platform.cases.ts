import type { PromtoolCase } from './harness';
import { FILES, PLATFORM } from './labels';

const worker1 = 'worker-1:9404';

const supervisor = 'kafka-connect-supervisor:9406';

export const platformCases: PromtoolCase[] = [
  {
    name: 'CdcSupervisorDown warns after 5m unscraped, not for a supervisor that answers and reads the workers',
    ruleFiles: [FILES.platform],
    input: [
      { series: `up{job="cdc-supervisor",instance="${supervisor}"}`, values: '1 1 0 0 0 0 0 0 0 0' },
      { series: `cdc_supervisor_last_check_timestamp_seconds{job="cdc-supervisor",instance="${supervisor}"}`, values: '0 60' },
    ],
    alerts: [
      { at: '5m', alert: 'CdcSupervisorDown', firing: [] },
      { at: '8m', alert: 'CdcSupervisorDown', firing: [{ labels: { ...PLATFORM, job: 'cdc-supervisor', instance: supervisor, severity: 'warning' } }] },
    ],
  },
  {
    name: 'CdcSupervisorDown warns when the supervisor answers but has not read the workers for over 300 s',
    ruleFiles: [FILES.platform],
    input: [
      { series: `up{job="cdc-supervisor",instance="${supervisor}"}`, values: '1x20' },
      // Reads every minute until 2m, then none (the REST API refuses it).
      { series: `cdc_supervisor_last_check_timestamp_seconds{job="cdc-supervisor",instance="${supervisor}"}`, values: '0 60 120x18' },
    ],
    alerts: [
      { at: '6m', alert: 'CdcSupervisorDown', firing: [] },
      { at: '12m', alert: 'CdcSupervisorDown', firing: [] },
      { at: '13m', alert: 'CdcSupervisorDown', firing: [{ labels: { ...PLATFORM, job: 'cdc-supervisor', instance: supervisor, severity: 'warning' } }] },
    ],
  },
  {
    name: 'KafkaConnectWorkerDown fires after 2m down, not for a healthy worker',
    ruleFiles: [FILES.platform],
    input: [
      { series: `up{job="kafka-connect",instance="${worker1}"}`, values: '1 0 0 0 0 0 0' },
      { series: 'up{job="kafka-connect",instance="worker-2:9404"}', values: '1 1 1 1 1 1 1' },
    ],
    alerts: [
      { at: '2m', alert: 'KafkaConnectWorkerDown', firing: [] },
      { at: '5m', alert: 'KafkaConnectWorkerDown', firing: [{ labels: { ...PLATFORM, job: 'kafka-connect', instance: worker1, severity: 'critical' } }] },
    ],
  },
  {
    name: 'KafkaConnectWorkerRebalancing warns after 6m and pages after 15m; a short rebalance does not fire',
    ruleFiles: [FILES.platform],
    input: [
      { series: `kafka_connect_worker_rebalance_rebalancing{job="kafka-connect",instance="${worker1}"}`, values: '0 1x30' },
      { series: 'kafka_connect_worker_rebalance_rebalancing{job="kafka-connect",instance="worker-2:9404"}', values: '0 1 1 0x30' },
    ],
    alerts: [
      { at: '5m', alert: 'KafkaConnectWorkerRebalancing', firing: [] },
      { at: '8m', alert: 'KafkaConnectWorkerRebalancing', firing: [{ labels: { ...PLATFORM, instance: worker1, severity: 'warning' } }] },
      {
        at: '17m',
        alert: 'KafkaConnectWorkerRebalancing',
        firing: [{ labels: { ...PLATFORM, instance: worker1, severity: 'warning' } }, { labels: { ...PLATFORM, instance: worker1, severity: 'critical' } }],
      },
    ],
  },
  {
    name: 'sink lag recording counts each partition once despite the legacy underscore registration',
    ruleFiles: [FILES.platform],
    input: [
      { series: 'kafka_connect_sink_consumer_records_lag{connector="cdc-orders-sink",task="0",topic="cdc.app_db.orders",partition="0"}', values: '100x5' },
      { series: 'kafka_connect_sink_consumer_records_lag{connector="cdc-orders-sink",task="0",topic="cdc_app_db_orders",partition="0"}', values: '100x5' },
      { series: 'kafka_connect_sink_consumer_records_lag{connector="cdc-orders-sink",task="0",topic="cdc.app_db.orders",partition="1"}', values: '50x5' },
      { series: 'kafka_connect_sink_consumer_records_lag{connector="cdc-orders-sink",task="0",topic="cdc_app_db_orders",partition="1"}', values: '50x5' },
      { series: 'kafka_connect_sink_consumer_records_lag{connector="plain-sink",task="0",topic="plain",partition="0"}', values: '7x5' },
    ],
    expressions: [
      {
        at: '2m',
        expr: 'cdc:sink_records_lag:sum',
        expected: [
          { labels: 'cdc:sink_records_lag:sum{connector="cdc-orders-sink"}', value: 150 },
          { labels: 'cdc:sink_records_lag:sum{connector="plain-sink"}', value: 7 },
        ],
      },
    ],
  },
  {
    name: 'error ratio recording divides record errors by records read (sinks) or polled (sources)',
    ruleFiles: [FILES.platform],
    input: [
      { series: 'kafka_connect_task_error_total_record_errors{connector="cdc-orders-sink",task="0"}', values: '0+6x20' },
      { series: 'kafka_connect_sink_task_sink_record_read_total{connector="cdc-orders-sink",task="0"}', values: '0+60x20' },
      { series: 'kafka_connect_task_error_total_record_errors{connector="cdc-app-db-source",task="0"}', values: '0x20' },
      { series: 'kafka_connect_source_task_source_record_poll_total{connector="cdc-app-db-source",task="0"}', values: '0+120x20' },
    ],
    expressions: [
      {
        at: '10m',
        expr: 'cdc:connector_error_ratio:rate5m',
        expected: [
          { labels: 'cdc:connector_error_ratio:rate5m{connector="cdc-orders-sink"}', value: 0.1 },
          { labels: 'cdc:connector_error_ratio:rate5m{connector="cdc-app-db-source"}', value: 0 },
        ],
      },
    ],
  },
];

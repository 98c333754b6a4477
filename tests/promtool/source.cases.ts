import type { PromtoolCase } from './harness';
import { FILES, SOURCE } from './labels';

const files = [FILES.platform, FILES.source];
const server = 'server="cdc",task="0",connector="cdc-app-db-source"';
const source = 'connector="cdc-app-db-source"';
const labels = (severity: string, extra: Record<string, string> = {}) => ({ ...SOURCE, ...extra, severity });

export const sourceCases: PromtoolCase[] = [
  {
    name: 'CdcSourceConnectorFailed fires for a failed Debezium source',
    ruleFiles: files,
    input: [{ series: `kafka_connect_connector_status{${source},status="failed"}`, values: '1x10' }],
    alerts: [
      { at: '1m', alert: 'CdcSourceConnectorFailed', firing: [] },
      { at: '5m', alert: 'CdcSourceConnectorFailed', firing: [{ labels: labels('critical', { status: 'failed' }) }] },
    ],
  },
  {
    name: 'CdcSourceTaskFailed fires for a failed Debezium task',
    ruleFiles: files,
    input: [
      { series: `kafka_connect_connector_task_status{${source},task="0",status="failed"}`, values: '1x10' },
      { series: `kafka_connect_connector_task_status{${source},task="1",status="running"}`, values: '1x10' },
    ],
    alerts: [
      { at: '1m', alert: 'CdcSourceTaskFailed', firing: [] },
      { at: '5m', alert: 'CdcSourceTaskFailed', firing: [{ labels: labels('critical', { task: '0', status: 'failed' }) }] },
    ],
  },
  {
    name: 'CdcSourceConnectorRestarting warns on a source the supervisor keeps restarting; one restart in 15m is quiet',
    ruleFiles: files,
    input: [{ series: `cdc_supervisor_restarts_total{${source}}`, values: '0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 2 3 4 4' }],
    alerts: [
      { at: '10m', alert: 'CdcSourceConnectorRestarting', firing: [] },
      { at: '22m', alert: 'CdcSourceConnectorRestarting', firing: [{ labels: labels('warning'), value: 3 }] },
    ],
  },
  {
    name: 'CdcSourceConnectorGaveUp pages when the supervisor left the source FAILED, and not before',
    ruleFiles: files,
    input: [{ series: `cdc_supervisor_gave_up{${source}}`, values: '0 0 0 1 1' }],
    alerts: [
      { at: '2m', alert: 'CdcSourceConnectorGaveUp', firing: [] },
      { at: '4m', alert: 'CdcSourceConnectorGaveUp', firing: [{ labels: labels('critical') }] },
    ],
  },
  {
    name: 'CdcSourceRecordErrorsRising warns when the source keeps failing records',
    ruleFiles: files,
    input: [{ series: `kafka_connect_task_error_total_record_errors{${source},task="0"}`, values: '0+60x30' }],
    alerts: [{ at: '15m', alert: 'CdcSourceRecordErrorsRising', firing: [{ labels: labels('warning'), value: 1 }] }],
  },
  {
    name: 'CdcSourceRecordErrorsRising stays quiet while the error counter is flat',
    ruleFiles: files,
    input: [{ series: `kafka_connect_task_error_total_record_errors{${source},task="0"}`, values: '2x30' }],
    alerts: [{ at: '15m', alert: 'CdcSourceRecordErrorsRising', firing: [] }],
  },
  {
    name: 'CdcSourceConnectorNotRunning warns when a source task stays UNASSIGNED',
    ruleFiles: files,
    input: [{ series: `kafka_connect_connector_task_status{${source},task="0",status="unassigned"}`, values: '1x20' }],
    alerts: [
      { at: '10m', alert: 'CdcSourceConnectorNotRunning', firing: [] },
      { at: '17m', alert: 'CdcSourceConnectorNotRunning', firing: [{ labels: labels('warning', { task: '0', status: 'unassigned' }) }] },
    ],
  },
  {
    name: 'DebeziumBehindSource warns after a minute behind for 5m',
    ruleFiles: files,
    input: [{ series: `debezium_mongodb_streaming_milliseconds_behind_source{${server}}`, values: '120000x20' }],
    alerts: [
      { at: '3m', alert: 'DebeziumBehindSource', firing: [] },
      { at: '8m', alert: 'DebeziumBehindSource', firing: [{ labels: labels('warning', { server: 'cdc', task: '0' }), value: 120000 }] },
    ],
  },
  {
    name: 'DebeziumBehindSource ignores another source of the same topic prefix (told apart by its connector tag)',
    ruleFiles: files,
    input: [{ series: 'debezium_mongodb_streaming_milliseconds_behind_source{server="cdc",task="0",connector="cdc-other-db-source"}', values: '900000x20' }],
    alerts: [{ at: '8m', alert: 'DebeziumBehindSource', firing: [] }],
  },
  {
    name: 'DebeziumBehindSource pages after ten minutes behind',
    ruleFiles: files,
    input: [{ series: `debezium_mongodb_streaming_milliseconds_behind_source{${server}}`, values: '900000x20' }],
    alerts: [
      {
        at: '8m',
        alert: 'DebeziumBehindSource',
        firing: [
          { labels: labels('warning', { server: 'cdc', task: '0' }), value: 900000 },
          { labels: labels('critical', { server: 'cdc', task: '0' }), value: 900000 },
        ],
      },
    ],
  },
  {
    name: 'DebeziumBehindSource ignores -1 (no event seen yet)',
    ruleFiles: files,
    input: [{ series: `debezium_mongodb_streaming_milliseconds_behind_source{${server}}`, values: '-1x20' }],
    alerts: [{ at: '8m', alert: 'DebeziumBehindSource', firing: [] }],
  },
  {
    name: 'DebeziumSourceSilent fires when a running task writes not even heartbeats',
    ruleFiles: files,
    input: [
      { series: `kafka_connect_source_task_source_record_poll_total{${source},task="0"}`, values: '100x30' },
      { series: `kafka_connect_connector_task_status{${source},task="0",status="running"}`, values: '1x30' },
    ],
    alerts: [
      { at: '3m', alert: 'DebeziumSourceSilent', firing: [] },
      { at: '12m', alert: 'DebeziumSourceSilent', firing: [{ labels: labels('critical', { task: '0' }) }] },
    ],
  },
  {
    name: 'DebeziumSourceSilent stays quiet while heartbeats flow, and for a failed task',
    ruleFiles: files,
    input: [
      { series: `kafka_connect_source_task_source_record_poll_total{${source},task="0"}`, values: '0+10x30' },
      { series: `kafka_connect_connector_task_status{${source},task="0",status="running"}`, values: '1x30' },
      { series: `kafka_connect_source_task_source_record_poll_total{${source},task="1"}`, values: '100x30' },
      { series: `kafka_connect_connector_task_status{${source},task="1",status="failed"}`, values: '1x30' },
    ],
    alerts: [{ at: '12m', alert: 'DebeziumSourceSilent', firing: [] }],
  },
  {
    name: 'DebeziumDisconnected pages after 2m disconnected',
    ruleFiles: files,
    input: [
      { series: `debezium_mongodb_streaming_connected{${server}}`, values: '0x10' },
      { series: `debezium_mongodb_snapshot_running{${server}}`, values: '0x10' },
    ],
    alerts: [
      { at: '1m', alert: 'DebeziumDisconnected', firing: [] },
      { at: '5m', alert: 'DebeziumDisconnected', firing: [{ labels: labels('critical', { server: 'cdc', task: '0' }) }] },
    ],
  },
  {
    name: 'DebeziumDisconnected stays quiet while the initial snapshot runs',
    ruleFiles: files,
    input: [
      { series: `debezium_mongodb_streaming_connected{${server}}`, values: '0x10' },
      { series: `debezium_mongodb_snapshot_running{${server}}`, values: '1x10' },
    ],
    alerts: [{ at: '5m', alert: 'DebeziumDisconnected', firing: [] }],
  },
  {
    name: 'DebeziumReconnectingOften warns on more than 3 reconnects in 15m',
    ruleFiles: files,
    input: [{ series: `debezium_mongodb_streaming_disconnects_total{${server}}`, values: '0+1x30' }],
    alerts: [{ at: '20m', alert: 'DebeziumReconnectingOften', firing: [{ labels: labels('warning', { server: 'cdc', task: '0' }), value: 15 }] }],
  },
  {
    name: 'DebeziumReconnectingOften stays quiet without reconnects',
    ruleFiles: files,
    input: [{ series: `debezium_mongodb_streaming_disconnects_total{${server}}`, values: '2x30' }],
    alerts: [{ at: '20m', alert: 'DebeziumReconnectingOften', firing: [] }],
  },
  {
    name: 'DebeziumQueueNearlyFull warns under 20% free',
    ruleFiles: files,
    input: [
      { series: `debezium_mongodb_streaming_queue_remaining_capacity{${server}}`, values: '1000x20' },
      { series: `debezium_mongodb_streaming_queue_total_capacity{${server}}`, values: '8192x20' },
    ],
    alerts: [
      { at: '3m', alert: 'DebeziumQueueNearlyFull', firing: [] },
      { at: '8m', alert: 'DebeziumQueueNearlyFull', firing: [{ labels: labels('warning', { server: 'cdc', task: '0' }), value: 1000 / 8192 }] },
    ],
  },
  {
    name: 'DebeziumQueueNearlyFull pages under 5% free',
    ruleFiles: files,
    input: [
      { series: `debezium_mongodb_streaming_queue_remaining_capacity{${server}}`, values: '100x20' },
      { series: `debezium_mongodb_streaming_queue_total_capacity{${server}}`, values: '8192x20' },
    ],
    alerts: [
      {
        at: '8m',
        alert: 'DebeziumQueueNearlyFull',
        firing: [
          { labels: labels('warning', { server: 'cdc', task: '0' }), value: 100 / 8192 },
          { labels: labels('critical', { server: 'cdc', task: '0' }), value: 100 / 8192 },
        ],
      },
    ],
  },
  {
    name: 'DebeziumQueueNearlyFull stays quiet with room in the queue',
    ruleFiles: files,
    input: [
      { series: `debezium_mongodb_streaming_queue_remaining_capacity{${server}}`, values: '8000x20' },
      { series: `debezium_mongodb_streaming_queue_total_capacity{${server}}`, values: '8192x20' },
    ],
    alerts: [{ at: '8m', alert: 'DebeziumQueueNearlyFull', firing: [] }],
  },
];

const quietFiles = [FILES.quietPlatform, FILES.quietSource];
const quiet = { ...SOURCE, environment: 'promtool-quiet' };

/** Heartbeats off: only data changes show life. */
export const quietCases: PromtoolCase[] = [
  {
    name: 'DebeziumNoChangeEvents warns after an hour without change events',
    ruleFiles: quietFiles,
    input: [{ series: `debezium_mongodb_streaming_milliseconds_since_last_event{${server}}`, values: '4000000x30' }],
    alerts: [
      { at: '5m', alert: 'DebeziumNoChangeEvents', firing: [] },
      { at: '12m', alert: 'DebeziumNoChangeEvents', firing: [{ labels: { ...quiet, server: 'cdc', task: '0', severity: 'warning' }, value: 4_000_000 }] },
    ],
  },
  {
    name: 'DebeziumNoChangeEvents ignores -1 (no event yet) and recent events',
    ruleFiles: quietFiles,
    input: [
      { series: `debezium_mongodb_streaming_milliseconds_since_last_event{${server}}`, values: '-1x30' },
      { series: 'debezium_mongodb_streaming_milliseconds_since_last_event{server="cdc",task="1"}', values: '5000x30' },
    ],
    alerts: [{ at: '12m', alert: 'DebeziumNoChangeEvents', firing: [] }],
  },
];

import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { monitoringConfig as config } from '../alerts/config';
import { PIPELINE_RECORDED } from '../alerts/rules/pipeline';
import { RECORDED } from '../alerts/rules/platform';
import type { MonitoringTargets } from '../alerts/targets';
import { equals, series } from '../alerts/promql';
import { dashboardFrame, RATE_INTERVAL, statPanel, timeseriesPanel, withRows, type DashboardRow } from './common';

export const OPERATIONS_UID = 'cdc-operations';

/** The platform team's view: every connector and worker of the environment at once. */
export function operationsDashboard(targets: MonitoringTargets): DashboardBuilder {
  const env = targets.environment.name;
  const frame = dashboardFrame({
    uid: `${OPERATIONS_UID}-${env}`,
    title: `CDC operations (${env})`,
    description: 'Connectors, throughput, errors, lag, rebalances and JVMs of the Kafka Connect workers.',
    tags: ['operations', env],
  });
  return withRows(frame, [
    pipelineStatusRow(),
    throughputRow(),
    errorsRow(),
    lagRow(),
    workersRow(),
    jvmRow(),
    ...(targets.msk ? [mskBrokersRow()] : []),
  ]);
}

function pipelineStatusRow(): DashboardRow {
  return {
    title: 'Pipeline status',
    panels: [
      statPanel({
        title: 'Connectors running',
        description: 'Connectors whose state is RUNNING.',
        queries: [{ expr: 'count(kafka_connect_connector_status{status="running"} == 1) or vector(0)' }],
      }),
      statPanel({
        title: 'Connectors failed',
        description: 'Connectors whose state is FAILED (alert: CdcSinkConnectorFailed / CdcSourceConnectorFailed).',
        queries: [{ expr: 'count(kafka_connect_connector_status{status="failed"} == 1) or vector(0)' }],
        critical: 1,
      }),
      statPanel({
        title: 'Tasks failed',
        description: 'Tasks whose state is FAILED (alert: CdcSinkTaskFailed / CdcSourceTaskFailed).',
        queries: [{ expr: 'count(kafka_connect_connector_task_status{status="failed"} == 1) or vector(0)' }],
        critical: 1,
      }),
      statPanel({
        title: 'Pipelines within SLA',
        description: `Pipelines whose tasks all run and whose data is fresher than ${config.sla.freshnessSeconds}s.`,
        queries: [{ expr: `sum(${PIPELINE_RECORDED.healthy}) or vector(0)` }],
      }),
      timeseriesPanel({
        title: 'Tasks by state',
        description: 'Number of connector tasks in each state.',
        queries: [{ expr: 'sum by (status) (kafka_connect_connector_task_status == 1)', legend: '{{status}}' }],
        span: 24,
      }),
    ],
  };
}

function throughputRow(): DashboardRow {
  return {
    title: 'Throughput',
    panels: [
      timeseriesPanel({
        title: 'Source records written to Kafka',
        description: 'Records per second the source tasks wrote to Kafka (change events and heartbeats).',
        queries: [{ expr: `sum by (connector) (rate(kafka_connect_source_task_source_record_write_total[${RATE_INTERVAL}]))`, legend: '{{connector}}' }],
      }),
      timeseriesPanel({
        title: 'Sink records read from Kafka',
        description: 'Records per second the sink tasks read from their topics.',
        queries: [{ expr: `sum by (connector) (rate(kafka_connect_sink_task_sink_record_read_total[${RATE_INTERVAL}]))`, legend: '{{connector}}' }],
      }),
      timeseriesPanel({
        title: 'Sink records written to the warehouse',
        description: 'Records per second handed to the sink after transforms (what the JDBC sink writes).',
        queries: [{ expr: `sum by (connector) (rate(kafka_connect_sink_task_sink_record_send_total[${RATE_INTERVAL}]))`, legend: '{{connector}}' }],
      }),
    ],
  };
}

function errorsRow(): DashboardRow {
  return {
    title: 'Errors',
    panels: [
      timeseriesPanel({
        title: 'Error rate',
        description: `Failed records as a share of processed records per connector; the rollback trigger is ${config.rollback.errorRatio * 100}%.`,
        queries: [{ expr: RECORDED.errorRatio, legend: '{{connector}}' }],
        unit: 'percentunit',
        critical: config.rollback.errorRatio,
      }),
      timeseriesPanel({
        title: 'Record errors',
        description: 'Records per second that failed in a converter, transform or the connector.',
        queries: [{ expr: RECORDED.recordErrorsRate, legend: '{{connector}}' }],
      }),
      timeseriesPanel({
        title: 'Dead-lettered records',
        description: 'Records written to the dead letter queues.',
        queries: [{ expr: `sum by (connector) (increase(kafka_connect_task_error_deadletterqueue_produce_requests[${RATE_INTERVAL}]))`, legend: '{{connector}}' }],
      }),
    ],
  };
}

function lagRow(): DashboardRow {
  return {
    title: 'Lag',
    panels: [
      timeseriesPanel({
        title: 'Processing lag p50 / p95 / p99 (1h)',
        description: 'Quantiles over the last hour of each pipeline\'s processing lag (source behind MongoDB plus sink backlog drain time).',
        queries: [0.5, 0.95, 0.99].map((quantile) => ({
          expr: `quantile_over_time(${quantile}, ${PIPELINE_RECORDED.processingLagSeconds}[1h])`,
          legend: `{{pipeline}} p${Math.round(quantile * 100)}`,
        })),
        unit: 's',
        warning: config.sla.freshnessSeconds,
        critical: config.rollback.processingLagSeconds,
      }),
      timeseriesPanel({
        title: 'Sink consumer lag',
        description: `Records the sink consumers still have to read (alert at ${config.sinkLag.warningRecords}).`,
        queries: [{ expr: PIPELINE_RECORDED.sinkLagRecords, legend: '{{pipeline}}' }],
        warning: config.sinkLag.warningRecords,
        critical: config.sinkLag.criticalRecords,
      }),
      timeseriesPanel({
        title: 'Debezium behind source',
        description: 'Milliseconds between a change in MongoDB and its processing by the source connector.',
        // By connector: every source of an environment has the same server (topic.prefix); the connector tag tells them apart.
        queries: [{ expr: 'max by (connector, task) (debezium_mongodb_streaming_milliseconds_behind_source)', legend: '{{connector}}/{{task}}' }],
        unit: 'ms',
        warning: config.debezium.behindSourceWarningMs,
        critical: config.debezium.behindSourceCriticalMs,
      }),
    ],
  };
}

function workersRow(): DashboardRow {
  return {
    title: 'Workers and rebalances',
    panels: [
      timeseriesPanel({
        title: 'Rebalancing',
        description: '1 while a worker is rebalancing; its tasks do not run meanwhile.',
        queries: [{ expr: 'max by (instance) (kafka_connect_worker_rebalance_rebalancing)', legend: '{{instance}}' }],
      }),
      timeseriesPanel({
        title: 'Completed rebalances',
        description: 'Rebalances completed per interval; every connector change causes one.',
        queries: [{ expr: `sum by (instance) (increase(kafka_connect_worker_rebalance_completed_rebalances_total[${RATE_INTERVAL}]))`, legend: '{{instance}}' }],
      }),
      timeseriesPanel({
        title: 'Longest rebalance',
        description: 'Longest rebalance the worker has seen.',
        queries: [{ expr: 'max by (instance) (kafka_connect_worker_rebalance_rebalance_max_time_ms)', legend: '{{instance}}' }],
        unit: 'ms',
      }),
    ],
  };
}

function jvmRow(): DashboardRow {
  return {
    title: 'JVM',
    panels: [
      timeseriesPanel({
        title: 'Heap used',
        description: 'Heap in use against the maximum (-Xmx).',
        queries: [
          { expr: 'sum by (instance) (jvm_memory_used_bytes{area="heap"})', legend: '{{instance}} used' },
          { expr: 'sum by (instance) (jvm_memory_max_bytes{area="heap"})', legend: '{{instance}} max' },
        ],
        unit: 'bytes',
        span: 6,
      }),
      timeseriesPanel({
        title: 'GC time',
        description: 'Share of time spent in garbage collection.',
        queries: [{ expr: `sum by (instance) (rate(jvm_gc_collection_seconds_sum[${RATE_INTERVAL}]))`, legend: '{{instance}}' }],
        unit: 'percentunit',
        span: 6,
      }),
      timeseriesPanel({
        title: 'CPU',
        description: 'CPU seconds per second used by the worker process.',
        queries: [{ expr: `sum by (instance) (rate(process_cpu_seconds_total[${RATE_INTERVAL}]))`, legend: '{{instance}}' }],
        span: 6,
      }),
      timeseriesPanel({
        title: 'Threads',
        description: 'Live JVM threads.',
        queries: [{ expr: 'sum by (instance) (jvm_threads_current)', legend: '{{instance}}' }],
        span: 6,
      }),
    ],
  };
}

/** Only where Kafka is MSK: its open monitoring (JMX and node exporters) is scraped. */
function mskBrokersRow(): DashboardRow {
  const jmx = equals('job', config.jobs.mskJmx);
  const node = [equals('job', config.jobs.mskNode), config.msk.filesystemSelector] as const;
  return {
    title: 'MSK brokers (open monitoring)',
    panels: [
      timeseriesPanel({
        title: 'Under-replicated partitions',
        description: 'Partitions whose followers lag, per broker.',
        queries: [{ expr: `sum by (instance) (${series('kafka_server_ReplicaManager_Value', jmx, equals('name', 'UnderReplicatedPartitions'))})`, legend: '{{instance}}' }],
      }),
      timeseriesPanel({
        title: 'Offline partitions',
        description: 'Partitions without a leader (cluster-wide, reported by every broker).',
        queries: [{ expr: `max(${series('kafka_controller_KafkaController_Value', jmx, equals('name', 'OfflinePartitionsCount'))})`, legend: 'offline' }],
        critical: 1,
      }),
      timeseriesPanel({
        title: 'Broker disk used',
        description: 'Share of each broker data filesystem in use.',
        queries: [{ expr: `1 - ${series('node_filesystem_avail_bytes', ...node)} / ${series('node_filesystem_size_bytes', ...node)}`, legend: '{{instance}} {{mountpoint}}' }],
        unit: 'percentunit',
        warning: config.msk.diskUsedWarningRatio,
        critical: config.msk.diskUsedCriticalRatio,
      }),
    ],
  };
}

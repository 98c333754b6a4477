import { RowBuilder, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { monitoringConfig as config } from '../alerts/config';
import { equals, oneOf, series } from '../alerts/promql';
import { PIPELINE_RECORDED } from '../alerts/rules/pipeline';
import { RECORDED } from '../alerts/rules/platform';
import type { MonitoredPipeline, MonitoringTargets } from '../alerts/targets';
import { dashboardFrame, RATE_INTERVAL, timeseriesPanel } from './common';

export function pipelineDashboardUid(environment: string, pipeline: string): string {
  return `cdc-pipeline-${environment}-${pipeline}`;
}

/** One pipeline end to end: MongoDB → source → topic → sink → warehouse table, with DLQ and freshness. */
export function pipelineDashboard(targets: MonitoringTargets, pipeline: MonitoredPipeline): DashboardBuilder {
  const env = targets.environment.name;
  const name = pipeline.definition.name;
  const sink = equals('connector', pipeline.sink.name);
  const byPipeline = equals('pipeline', name);
  const connectors = oneOf('connector', [pipeline.source?.name, pipeline.sink.name].filter((value): value is string => Boolean(value)));
  const dashboard = dashboardFrame({
    uid: pipelineDashboardUid(env, name),
    title: `CDC pipeline ${name} (${env})`,
    description: `${pipeline.definition.description}. ${pipeline.definition.database}.${pipeline.definition.collection} → ${pipeline.topic} → ${pipeline.table} (phase ${pipeline.phase}, owner ${pipeline.definition.owner}).`,
    tags: ['pipeline', name, env],
  }).withRow(new RowBuilder(`Source → ${pipeline.topic} → sink`));
  if (pipeline.source?.debeziumMatchers?.length) {
    const matchers = pipeline.source.debeziumMatchers;
    dashboard
      .withPanel(
        timeseriesPanel({
          title: 'Change events from MongoDB',
          description: `Change events the Debezium source ${pipeline.source.name} saw, by operation (all collections of ${pipeline.definition.database}).`,
          queries: ['create', 'update', 'delete'].map((operation) => ({
            expr: `sum(rate(${series(`debezium_mongodb_streaming_${operation}_events_seen_total`, ...matchers)}[${RATE_INTERVAL}]))`,
            legend: operation,
          })),
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Source records written to Kafka',
          description: `Records per second ${pipeline.source.name} wrote (events and heartbeats).`,
          queries: [{ expr: `sum(rate(${series('kafka_connect_source_task_source_record_write_total', equals('connector', pipeline.source.name))}[${RATE_INTERVAL}]))`, legend: 'written' }],
        }),
      );
  }
  dashboard
    .withPanel(
      timeseriesPanel({
        title: `Sink records read from ${pipeline.topic}`,
        description: `Records per second ${pipeline.sink.name} read (consumer group ${pipeline.consumerGroup}) and handed to the warehouse.`,
        queries: [
          { expr: `sum(rate(${series('kafka_connect_sink_task_sink_record_read_total', sink)}[${RATE_INTERVAL}]))`, legend: 'read' },
          { expr: `sum(rate(${series('kafka_connect_sink_task_sink_record_send_total', sink)}[${RATE_INTERVAL}]))`, legend: 'written' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: `Warehouse write time (${pipeline.table})`,
        description: 'Time the sink spends writing one batch to the warehouse (put).',
        queries: [
          { expr: `max(${series('kafka_connect_sink_task_put_batch_avg_time_ms', sink)})`, legend: 'average' },
          { expr: `max(${series('kafka_connect_sink_task_put_batch_max_time_ms', sink)})`, legend: 'max' },
        ],
        unit: 'ms',
      }),
    )
    .withRow(new RowBuilder('Lag and freshness'))
    .withPanel(
      timeseriesPanel({
        title: 'Sink consumer lag',
        description: `Records of ${pipeline.topic} not yet read by ${pipeline.consumerGroup}.`,
        queries: [{ expr: series(PIPELINE_RECORDED.sinkLagRecords, byPipeline), legend: 'records' }],
        warning: config.sinkLag.warningRecords,
        critical: config.sinkLag.criticalRecords,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: `Freshness of ${pipeline.table} (estimated)`,
        description: 'How far the warehouse table is behind MongoDB: source behind the change stream plus the time the sink needs to drain its backlog at the current rate.',
        queries: [
          { expr: series(PIPELINE_RECORDED.processingLagSeconds, byPipeline), legend: 'total' },
          { expr: series(PIPELINE_RECORDED.sinkDrainSeconds, byPipeline), legend: 'sink backlog' },
          ...(pipeline.source ? [{ expr: series(PIPELINE_RECORDED.sourceLagSeconds, byPipeline), legend: 'source behind MongoDB' }] : []),
        ],
        unit: 's',
        warning: config.sla.freshnessSeconds,
        critical: config.rollback.processingLagSeconds,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Sink polling',
        description: 'Seconds since each sink task last polled Kafka; near max.poll.interval.ms it is stuck writing.',
        queries: [{ expr: `max by (task) (${series('kafka_connect_sink_consumer_last_poll_seconds_ago', sink)})`, legend: 'task {{task}}' }],
        unit: 's',
        warning: config.sinkLag.notPollingSeconds,
      }),
    )
    .withRow(new RowBuilder(`Errors and dead letter queue (${pipeline.deadLetterTopic})`))
    .withPanel(
      timeseriesPanel({
        title: 'Error rate',
        description: `Failed records as a share of processed records (rollback trigger at ${config.rollback.errorRatio * 100}%).`,
        queries: [{ expr: series(PIPELINE_RECORDED.errorRatio, byPipeline), legend: 'error rate' }],
        unit: 'percentunit',
        critical: config.rollback.errorRatio,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Dead-lettered records',
        description: `Records written to ${pipeline.deadLetterTopic}, and failures to write there.`,
        queries: [
          { expr: `sum(increase(${series('kafka_connect_task_error_deadletterqueue_produce_requests', sink)}[${RATE_INTERVAL}]))`, legend: 'dead-lettered' },
          { expr: `sum(increase(${series('kafka_connect_task_error_deadletterqueue_produce_failures', sink)}[${RATE_INTERVAL}]))`, legend: 'failed to dead-letter' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Task states',
        description: 'State of every task of this pipeline\'s connectors.',
        queries: [{ expr: `${series('kafka_connect_connector_task_status', connectors)} == 1`, legend: '{{connector}}/{{task}} {{status}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Record errors by connector',
        description: 'Failed records per second.',
        queries: [{ expr: series(RECORDED.recordErrorsRate, connectors), legend: '{{connector}}' }],
      }),
    );
  return dashboard;
}

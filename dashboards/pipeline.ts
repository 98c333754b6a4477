import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { monitoringConfig as config } from '../alerts/config';
import { equals, oneOf, series } from '../alerts/promql';
import { PIPELINE_RECORDED } from '../alerts/rules/pipeline';
import { RECORDED } from '../alerts/rules/platform';
import type { MonitoredConnector, MonitoredPipeline, MonitoringTargets } from '../alerts/targets';
import { dashboardFrame, RATE_INTERVAL, timeseriesPanel, withRows, type DashboardRow, type PanelBuilder } from './common';

export function pipelineDashboardUid(environment: string, pipeline: string): string {
  return `cdc-pipeline-${environment}-${pipeline}`;
}

/** One pipeline end to end: MongoDB → source → topic → sink → warehouse table, with DLQ and freshness. */
export function pipelineDashboard(targets: MonitoringTargets, pipeline: MonitoredPipeline): DashboardBuilder {
  const env = targets.environment.name;
  const name = pipeline.definition.name;
  const frame = dashboardFrame({
    uid: pipelineDashboardUid(env, name),
    title: `CDC pipeline ${name} (${env})`,
    description: `${pipeline.definition.description}. ${pipeline.definition.database}.${pipeline.definition.collection} → ${pipeline.topic} → ${pipeline.table} (phase ${pipeline.phase}, owner ${pipeline.definition.owner}).`,
    tags: ['pipeline', name, env],
  });
  const selectors = pipelineSelectors(pipeline);
  return withRows(frame, [flowRow(pipeline, selectors), lagRow(pipeline, selectors), errorsRow(pipeline, selectors)]);
}

/** The label matchers that pick this pipeline's series. */
interface PipelineSelectors {
  /** Its sink connector's series. */
  readonly sink: string;
  /** Its recording rules' series (labelled `pipeline`). */
  readonly byPipeline: string;
  /** Its source's and sink's series. */
  readonly connectors: string;
}

function pipelineSelectors(pipeline: MonitoredPipeline): PipelineSelectors {
  return {
    sink: equals('connector', pipeline.sink.name),
    byPipeline: equals('pipeline', pipeline.definition.name),
    connectors: oneOf('connector', [pipeline.source?.name, pipeline.sink.name].filter((value): value is string => Boolean(value))),
  };
}

/** Source → topic → sink; the source panels only where a Debezium source runs. */
function flowRow(pipeline: MonitoredPipeline, selectors: PipelineSelectors): DashboardRow {
  const source = pipeline.source;
  const panels = source?.debeziumMatchers?.length ? sourcePanels(pipeline, source, source.debeziumMatchers) : [];
  return { title: `Source → ${pipeline.topic} → sink`, panels: [...panels, ...sinkPanels(pipeline, selectors)] };
}

/** `matchers` pick the source's Debezium series (its server, and its connector tag where it has one). */
function sourcePanels(pipeline: MonitoredPipeline, source: MonitoredConnector, matchers: readonly string[]): PanelBuilder[] {
  return [
    timeseriesPanel({
      title: 'Change events from MongoDB',
      description: `Change events the Debezium source ${source.name} saw, by operation (all collections of ${pipeline.definition.database}).`,
      queries: ['create', 'update', 'delete'].map((operation) => ({
        expr: `sum(rate(${series(`debezium_mongodb_streaming_${operation}_events_seen_total`, ...matchers)}[${RATE_INTERVAL}]))`,
        legend: operation,
      })),
    }),
    timeseriesPanel({
      title: 'Source records written to Kafka',
      description: `Records per second ${source.name} wrote (events and heartbeats).`,
      queries: [{ expr: `sum(rate(${series('kafka_connect_source_task_source_record_write_total', equals('connector', source.name))}[${RATE_INTERVAL}]))`, legend: 'written' }],
    }),
  ];
}

function sinkPanels(pipeline: MonitoredPipeline, { sink }: PipelineSelectors): PanelBuilder[] {
  return [
    timeseriesPanel({
      title: `Sink records read from ${pipeline.topic}`,
      description: `Records per second ${pipeline.sink.name} read (consumer group ${pipeline.consumerGroup}) and handed to the warehouse.`,
      queries: [
        { expr: `sum(rate(${series('kafka_connect_sink_task_sink_record_read_total', sink)}[${RATE_INTERVAL}]))`, legend: 'read' },
        { expr: `sum(rate(${series('kafka_connect_sink_task_sink_record_send_total', sink)}[${RATE_INTERVAL}]))`, legend: 'written' },
      ],
    }),
    timeseriesPanel({
      title: `Warehouse write time (${pipeline.table})`,
      description: 'Time the sink spends writing one batch to the warehouse (put).',
      queries: [
        { expr: `max(${series('kafka_connect_sink_task_put_batch_avg_time_ms', sink)})`, legend: 'average' },
        { expr: `max(${series('kafka_connect_sink_task_put_batch_max_time_ms', sink)})`, legend: 'max' },
      ],
      unit: 'ms',
    }),
  ];
}

function lagRow(pipeline: MonitoredPipeline, { sink, byPipeline }: PipelineSelectors): DashboardRow {
  return {
    title: 'Lag and freshness',
    panels: [
      timeseriesPanel({
        title: 'Sink consumer lag',
        description: `Records of ${pipeline.topic} not yet read by ${pipeline.consumerGroup}.`,
        queries: [{ expr: series(PIPELINE_RECORDED.sinkLagRecords, byPipeline), legend: 'records' }],
        warning: config.sinkLag.warningRecords,
        critical: config.sinkLag.criticalRecords,
      }),
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
      timeseriesPanel({
        title: 'Sink polling',
        description: 'Seconds since each sink task last polled Kafka; near max.poll.interval.ms it is stuck writing.',
        queries: [{ expr: `max by (task) (${series('kafka_connect_sink_consumer_last_poll_seconds_ago', sink)})`, legend: 'task {{task}}' }],
        unit: 's',
        warning: config.sinkLag.notPollingSeconds,
      }),
    ],
  };
}

function errorsRow(pipeline: MonitoredPipeline, { sink, byPipeline, connectors }: PipelineSelectors): DashboardRow {
  return {
    title: `Errors and dead letter queue (${pipeline.deadLetterTopic})`,
    panels: [
      timeseriesPanel({
        title: 'Error rate',
        description: `Failed records as a share of processed records (rollback trigger at ${config.rollback.errorRatio * 100}%).`,
        queries: [{ expr: series(PIPELINE_RECORDED.errorRatio, byPipeline), legend: 'error rate' }],
        unit: 'percentunit',
        critical: config.rollback.errorRatio,
      }),
      timeseriesPanel({
        title: 'Dead-lettered records',
        description: `Records written to ${pipeline.deadLetterTopic}, and failures to write there.`,
        queries: [
          { expr: `sum(increase(${series('kafka_connect_task_error_deadletterqueue_produce_requests', sink)}[${RATE_INTERVAL}]))`, legend: 'dead-lettered' },
          { expr: `sum(increase(${series('kafka_connect_task_error_deadletterqueue_produce_failures', sink)}[${RATE_INTERVAL}]))`, legend: 'failed to dead-letter' },
        ],
      }),
      timeseriesPanel({
        title: 'Task states',
        description: 'State of every task of this pipeline\'s connectors.',
        queries: [{ expr: `${series('kafka_connect_connector_task_status', connectors)} == 1`, legend: '{{connector}}/{{task}} {{status}}' }],
      }),
      timeseriesPanel({
        title: 'Record errors by connector',
        description: 'Failed records per second.',
        queries: [{ expr: series(RECORDED.recordErrorsRate, connectors), legend: '{{connector}}' }],
      }),
    ],
  };
}

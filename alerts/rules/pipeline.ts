import { monitoringConfig as config } from '../config';
import { equals, oneOf, series } from '../promql';
import type { MonitoredPipeline } from '../targets';
import type { AlertRule, RecordingRule, Rule } from '../types';
import { connectorAlerts, connectorLabels } from './connectors';
import { RECORDED } from './platform';

/**
 * Per-pipeline series (recording rules labelled `pipeline`) that alerts, the per-pipeline dashboard
 * and the business dashboard read, so that "lag" or "freshness" means the same thing everywhere.
 */
export const PIPELINE_RECORDED = {
  sinkLagRecords: 'cdc:pipeline_sink_lag_records',
  sinkDrainSeconds: 'cdc:pipeline_sink_drain_seconds',
  sourceLagSeconds: 'cdc:pipeline_source_lag_seconds',
  processingLagSeconds: 'cdc:pipeline_processing_lag_seconds',
  errorRatio: 'cdc:pipeline_error_ratio:rate5m',
  healthy: 'cdc:pipeline_healthy',
} as const;

function pipelineConnectors(pipeline: MonitoredPipeline): string[] {
  return [pipeline.source?.name, pipeline.sink.name].filter((name): name is string => Boolean(name));
}

export function pipelineRecordingRules(pipeline: MonitoredPipeline): RecordingRule[] {
  const labels = { pipeline: pipeline.definition.name };
  const sink = equals('connector', pipeline.sink.name);
  const byPipeline = equals('pipeline', pipeline.definition.name);
  const connectors = oneOf('connector', pipelineConnectors(pipeline));
  const rules: RecordingRule[] = [
    { kind: 'record', record: PIPELINE_RECORDED.sinkLagRecords, labels, expr: `sum(${series(RECORDED.sinkLagRecords, sink)})` },
    {
      kind: 'record',
      record: PIPELINE_RECORDED.sinkDrainSeconds,
      labels,
      expr: `sum(${series(RECORDED.sinkLagRecords, sink)}) / clamp_min(sum(${series(RECORDED.sinkConsumedRate, sink)}), ${config.sinkLag.drainRateFloor})`,
    },
  ];
  if (pipeline.source?.debeziumMatchers?.length) {
    rules.push({
      kind: 'record',
      record: PIPELINE_RECORDED.sourceLagSeconds,
      labels,
      // -1 until the first event: no lag yet, not negative lag.
      expr: `clamp_min(max(${series('debezium_mongodb_streaming_milliseconds_behind_source', ...pipeline.source.debeziumMatchers)}), 0) / 1000`,
    });
    rules.push({
      kind: 'record',
      record: PIPELINE_RECORDED.processingLagSeconds,
      labels,
      expr:
        `(sum(${series(PIPELINE_RECORDED.sourceLagSeconds, byPipeline)}) + sum(${series(PIPELINE_RECORDED.sinkDrainSeconds, byPipeline)})) ` +
        `or sum(${series(PIPELINE_RECORDED.sinkDrainSeconds, byPipeline)}) or sum(${series(PIPELINE_RECORDED.sourceLagSeconds, byPipeline)})`,
    });
  } else {
    rules.push({
      kind: 'record',
      record: PIPELINE_RECORDED.processingLagSeconds,
      labels,
      expr: `sum(${series(PIPELINE_RECORDED.sinkDrainSeconds, byPipeline)})`,
    });
  }
  rules.push({
    kind: 'record',
    record: PIPELINE_RECORDED.errorRatio,
    labels,
    expr: `max(${series(RECORDED.errorRatio, connectors)})`,
  });
  rules.push({
    kind: 'record',
    record: PIPELINE_RECORDED.healthy,
    labels,
    // Healthy: every task of its connectors RUNNING and the data fresher than the SLA. No task at all is unhealthy.
    expr:
      `((sum(${series('kafka_connect_connector_task_status', connectors, equals('status', 'running'))}) ` +
      `== bool sum(${series('kafka_connect_connector_task_status', connectors)})) or vector(0)) ` +
      `* ((max(${series(PIPELINE_RECORDED.processingLagSeconds, byPipeline)}) < bool ${config.sla.freshnessSeconds}) or vector(1))`,
  });
  return rules;
}

export function pipelineAlerts(pipeline: MonitoredPipeline): AlertRule[] {
  const labels = connectorLabels(pipeline.sink);
  return [
    ...connectorAlerts(pipeline.sink),
    ...sinkLagAlerts(pipeline, labels),
    sinkNotPollingAlert(pipeline, labels),
    ...deadLetterAlerts(pipeline, labels),
    ...rollbackAlerts(pipeline, labels),
  ];
}

function sinkLagAlerts(pipeline: MonitoredPipeline, labels: Record<string, string>): AlertRule[] {
  const name = pipeline.definition.name;
  const lag = (severity: 'warning' | 'critical', records: number, duration: string): AlertRule => ({
    kind: 'alert',
    alert: 'CdcSinkConsumerLagHigh',
    expr: `${series(PIPELINE_RECORDED.sinkLagRecords, equals('pipeline', name))} > ${records}`,
    for: duration,
    severity,
    labels,
    summary: `Sink of ${name} is {{ $value | humanize }} records behind ${pipeline.topic}`,
    description:
      `Consumer group ${pipeline.consumerGroup} (connector ${pipeline.sink.name}) has had more than ${records} records ` +
      `to read on ${pipeline.topic} for ${duration}; the warehouse table ${pipeline.table} is falling behind.`,
    runbook: 'lag-recovery.md',
  });
  return [lag('warning', config.sinkLag.warningRecords, config.sinkLag.warningFor), lag('critical', config.sinkLag.criticalRecords, config.sinkLag.criticalFor)];
}

function sinkNotPollingAlert(pipeline: MonitoredPipeline, labels: Record<string, string>): AlertRule {
  return {
    kind: 'alert',
    alert: 'CdcSinkNotPolling',
    expr: `max by (connector, task) (${series('kafka_connect_sink_consumer_last_poll_seconds_ago', equals('connector', pipeline.sink.name))}) > ${config.sinkLag.notPollingSeconds}`,
    for: config.sinkLag.notPollingFor,
    severity: 'warning',
    labels,
    summary: `Task {{ $labels.task }} of ${pipeline.sink.name} has not polled Kafka for {{ $value | humanize }}s`,
    description: `The sink task is stuck writing to the warehouse (put or flush); past max.poll.interval.ms its consumer leaves the group and the connector rebalances.`,
    runbook: 'lag-recovery.md#sink-not-polling',
  };
}

function deadLetterAlerts(pipeline: MonitoredPipeline, labels: Record<string, string>): AlertRule[] {
  const name = pipeline.definition.name;
  return [
    {
      kind: 'alert',
      alert: 'CdcDeadLetterQueueReceiving',
      expr: `sum by (connector) (increase(${series('kafka_connect_task_error_deadletterqueue_produce_requests', equals('connector', pipeline.sink.name))}[${config.errors.deadLetterWindow}])) > 0`,
      severity: 'warning',
      labels,
      summary: `${pipeline.sink.name} dead-lettered {{ $value | humanize }} records to ${pipeline.deadLetterTopic}`,
      description: `Records of ${name} that the sink could not write went to ${pipeline.deadLetterTopic} in the last ${config.errors.deadLetterWindow}; they are missing from ${pipeline.table} until replayed.`,
      runbook: 'dead-letter-queue.md',
    },
    {
      kind: 'alert',
      alert: 'CdcDeadLetterQueueReceiving',
      expr: `sum by (connector) (increase(${series('kafka_connect_task_error_deadletterqueue_produce_requests', equals('connector', pipeline.sink.name))}[${config.errors.deadLetterWindow}])) > ${config.errors.deadLetterCriticalRecords}`,
      severity: 'critical',
      labels,
      summary: `${pipeline.sink.name} dead-lettered {{ $value | humanize }} records in ${config.errors.deadLetterWindow}`,
      description: `More than ${config.errors.deadLetterCriticalRecords} records of ${name} went to ${pipeline.deadLetterTopic} in ${config.errors.deadLetterWindow}: a systematic failure (schema, transform, table), not a bad record.`,
      runbook: 'dead-letter-queue.md',
    },
    {
      kind: 'alert',
      alert: 'CdcDeadLetterQueueProduceFailing',
      expr: `sum by (connector) (increase(${series('kafka_connect_task_error_deadletterqueue_produce_failures', equals('connector', pipeline.sink.name))}[${config.errors.deadLetterWindow}])) > 0`,
      severity: 'critical',
      labels,
      summary: `${pipeline.sink.name} cannot write to its dead letter queue ${pipeline.deadLetterTopic}`,
      description: `Failed records of ${name} could neither be written to ${pipeline.table} nor parked in ${pipeline.deadLetterTopic}.`,
      runbook: 'dead-letter-queue.md#produce-failures',
    },
  ];
}

/** Alerts labelled `rollback_trigger`: each says to move the collection back one migration phase. */
function rollbackAlerts(pipeline: MonitoredPipeline, labels: Record<string, string>): AlertRule[] {
  const name = pipeline.definition.name;
  const byPipeline = equals('pipeline', name);
  const rollbackLabels = { ...labels, rollback_trigger: 'true', phase: pipeline.phase };
  return [
    {
      kind: 'alert',
      alert: 'CdcRollbackProcessingLag',
      expr: `${series(PIPELINE_RECORDED.processingLagSeconds, byPipeline)} > ${config.rollback.processingLagSeconds}`,
      for: config.rollback.processingLagFor,
      severity: 'critical',
      labels: rollbackLabels,
      summary: `${name}: warehouse data about {{ $value | humanizeDuration }} behind MongoDB (rollback trigger)`,
      description:
        `The processing lag of ${name} (source behind MongoDB plus the time to drain the sink backlog) is over ` +
        `${config.rollback.processingLagSeconds / 3600}h. Rollback trigger: move the collection back one migration phase (now ${pipeline.phase}).`,
      runbook: 'rollback-triggers.md#processing-lag',
    },
    {
      kind: 'alert',
      alert: 'CdcRollbackErrorRate',
      expr: `${series(PIPELINE_RECORDED.errorRatio, byPipeline)} > ${config.rollback.errorRatio}`,
      for: config.rollback.errorRatioFor,
      severity: 'critical',
      labels: rollbackLabels,
      summary: `${name}: {{ $value | humanizePercentage }} of records fail (rollback trigger)`,
      description: `More than ${config.rollback.errorRatio * 100}% of the records of ${name} fail in its connectors. Rollback trigger: move the collection back one migration phase (now ${pipeline.phase}).`,
      runbook: 'rollback-triggers.md#error-rate',
    },
  ];
}

export function pipelineRules(pipeline: MonitoredPipeline): Rule[] {
  return [...pipelineRecordingRules(pipeline), ...pipelineAlerts(pipeline)];
}

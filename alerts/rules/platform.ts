import { monitoringConfig as config } from '../config';
import { equals, series } from '../promql';
import type { AlertRule, RecordingRule } from '../types';

/** Connector-level series recorded once for every connector on the workers. */
export const RECORDED = {
  /** Records between each sink consumer's position and the end of its partitions, summed per connector. */
  sinkLagRecords: 'cdc:sink_records_lag:sum',
  sinkConsumedRate: 'cdc:sink_records_consumed:rate5m',
  recordErrorsRate: 'cdc:connector_record_errors:rate5m',
  recordsProcessedRate: 'cdc:connector_records_processed:rate5m',
  errorRatio: 'cdc:connector_error_ratio:rate5m',
} as const;

const DOTTED_TOPIC = 'topic=~".*[.].*"';

export function platformRecordingRules(): RecordingRule[] {
  const window = config.errors.rateWindow;
  const lag = 'kafka_connect_sink_consumer_records_lag';
  return [
    {
      kind: 'record',
      record: RECORDED.sinkLagRecords,
      // The consumer registers per-partition metrics twice for a topic with dots: under its name and
      // with dots turned into underscores (legacy). Keep the dotted one; keep an undotted one only
      // when it has no dotted twin (a topic that really has no dots).
      expr:
        `sum by (connector) (${series(lag, DOTTED_TOPIC)} ` +
        `or (${lag} unless on (connector, task, partition) ${series(lag, DOTTED_TOPIC)}))`,
    },
    {
      kind: 'record',
      record: RECORDED.sinkConsumedRate,
      expr: `sum by (connector) (rate(kafka_connect_sink_consumer_records_consumed_total[${window}]))`,
    },
    {
      kind: 'record',
      record: RECORDED.recordErrorsRate,
      expr: `sum by (connector) (rate(kafka_connect_task_error_total_record_errors[${window}]))`,
    },
    {
      kind: 'record',
      record: RECORDED.recordsProcessedRate,
      // Sinks: records read from Kafka; sources: records polled from the source (heartbeats included).
      expr:
        `sum by (connector) (rate(kafka_connect_sink_task_sink_record_read_total[${window}])) ` +
        `or sum by (connector) (rate(kafka_connect_source_task_source_record_poll_total[${window}]))`,
    },
    {
      kind: 'record',
      record: RECORDED.errorRatio,
      expr: `${RECORDED.recordErrorsRate} / ${RECORDED.recordsProcessedRate}`,
    },
  ];
}

export function platformAlerts(): AlertRule[] {
  const rebalancing = (severity: 'warning' | 'critical', duration: string): AlertRule => ({
    kind: 'alert',
    alert: 'KafkaConnectWorkerRebalancing',
    expr: `max by (instance) (kafka_connect_worker_rebalance_rebalancing) == 1`,
    for: duration,
    severity,
    summary: `Connect worker {{ $labels.instance }} has been rebalancing for ${duration}`,
    description: `While a worker rebalances, its connectors and tasks do not run. A rebalance normally takes seconds; the cooperative protocol may wait for a departed worker up to scheduled.rebalance.max.delay.ms (5 min).`,
    runbook: 'worker-rebalancing.md',
  });
  return [
    {
      kind: 'alert',
      alert: 'KafkaConnectWorkerDown',
      expr: `${series('up', equals('job', config.jobs.connect))} == 0`,
      for: config.worker.downFor,
      severity: 'critical',
      summary: `Connect worker {{ $labels.instance }} is not answering Prometheus`,
      description: `The worker's metrics endpoint has been down for ${config.worker.downFor}: the worker is gone or hung; its tasks move to the other workers after scheduled.rebalance.max.delay.ms.`,
      runbook: 'worker-rebalancing.md#worker-down',
    },
    rebalancing('warning', config.worker.rebalancingWarningFor),
    rebalancing('critical', config.worker.rebalancingCriticalFor),
    supervisorDown(),
  ];
}

/** The supervisor (`cdcctl connectors supervise`, job cdc-supervisor) down, or up without reading the workers. */
function supervisorDown(): AlertRule {
  const job = equals('job', config.jobs.supervisor);
  return {
    kind: 'alert',
    alert: 'CdcSupervisorDown',
    expr: `${series('up', job)} == 0 or (time() - ${series('cdc_supervisor_last_check_timestamp_seconds', job)}) > ${config.supervisor.staleCheckSeconds}`,
    for: config.supervisor.downFor,
    severity: 'warning',
    summary: 'The connector supervisor {{ $labels.instance }} is not supervising',
    description: `For ${config.supervisor.downFor}, the supervisor has not answered Prometheus, or has not read the workers for over ${config.supervisor.staleCheckSeconds} s: no failed connector or task is restarted automatically until it is back (the Cdc*Failed alerts still page).`,
    runbook: 'connector-restart.md#the-supervisor-is-down',
  };
}

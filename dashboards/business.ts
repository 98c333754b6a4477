import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { monitoringConfig as config } from '../alerts/config';
import { equals, series } from '../alerts/promql';
import { PIPELINE_RECORDED } from '../alerts/rules/pipeline';
import type { MonitoringTargets } from '../alerts/targets';
import { dashboardFrame, RATE_INTERVAL, statPanel, timeseriesPanel, withRows, type DashboardRow } from './common';

export const BUSINESS_UID = 'cdc-business';

/** For the BI team: is the warehouse fresh, per collection, and is the processing SLA kept. */
export function businessDashboard(targets: MonitoringTargets): DashboardBuilder {
  const env = targets.environment.name;
  const frame = dashboardFrame({
    uid: `${BUSINESS_UID}-${env}`,
    title: `CDC data freshness and SLA (${env})`,
    description: `Freshness of every warehouse table fed by change data capture, and the share of time each pipeline kept its SLA (data at most ${config.sla.freshnessSeconds}s behind MongoDB, all tasks running).`,
    tags: ['business', env],
  });
  return withRows(frame, [freshnessRow(targets), slaRow(targets)]);
}

/** One stat per collection: the estimated age of its newest data in the warehouse. */
function freshnessRow(targets: MonitoringTargets): DashboardRow {
  return {
    title: 'Data freshness per collection',
    panels: targets.pipelines.map((pipeline) =>
      statPanel({
        title: `${pipeline.definition.collection} → ${pipeline.table}`,
        description: `Estimated age of the newest data in ${pipeline.table} relative to MongoDB (${pipeline.definition.database}.${pipeline.definition.collection}).`,
        queries: [{ expr: series(PIPELINE_RECORDED.processingLagSeconds, equals('pipeline', pipeline.definition.name)), legend: pipeline.definition.name }],
        unit: 's',
        warning: config.sla.freshnessSeconds,
        critical: config.rollback.processingLagSeconds,
      }),
    ),
  };
}

function slaRow(targets: MonitoringTargets): DashboardRow {
  return {
    title: 'Processing SLA',
    panels: [
      statPanel({
        title: 'SLA kept, last 30 days',
        description: 'Share of the last 30 days in which the pipeline was within its SLA.',
        queries: [{ expr: `avg_over_time(${PIPELINE_RECORDED.healthy}[30d])`, legend: '{{pipeline}}' }],
        unit: 'percentunit',
        span: 12,
      }),
      statPanel({
        title: 'SLA kept, last 24 hours',
        description: 'Share of the last day in which the pipeline was within its SLA.',
        queries: [{ expr: `avg_over_time(${PIPELINE_RECORDED.healthy}[1d])`, legend: '{{pipeline}}' }],
        unit: 'percentunit',
        span: 12,
      }),
      timeseriesPanel({
        title: 'Within SLA',
        description: '1 while the pipeline is within its SLA, 0 otherwise.',
        queries: [{ expr: PIPELINE_RECORDED.healthy, legend: '{{pipeline}}' }],
        span: 12,
      }),
      timeseriesPanel({
        title: 'Changes delivered to the warehouse per minute',
        description: 'Records per minute the sinks read, per pipeline.',
        queries: targets.pipelines.map((pipeline) => ({
          expr: `sum(rate(${series('kafka_connect_sink_task_sink_record_read_total', equals('connector', pipeline.sink.name))}[${RATE_INTERVAL}])) * 60`,
          legend: pipeline.definition.name,
        })),
        span: 12,
      }),
    ],
  };
}

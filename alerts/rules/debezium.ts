import { monitoringConfig as config } from '../config';
import { equals, series } from '../promql';
import type { MonitoredConnector } from '../targets';
import type { AlertRule } from '../types';
import { connectorAlerts, connectorLabels } from './connectors';

/** Milliseconds → a Prometheus duration (whole seconds). */
function duration(milliseconds: number): string {
  return `${Math.ceil(milliseconds / 1000)}s`;
}

/** A Prometheus duration of one unit (`5m`, `500ms`) in milliseconds; anything else is refused by name. */
export function parseDuration(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!match) throw new Error(`duration: expected a Prometheus duration like 5m (got ${JSON.stringify(value)})`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** The window over which a heartbeating source must have written something: N heartbeats, at least the minimum. */
export function silentWindow(heartbeatIntervalMs: number): string {
  const window = Math.max(config.debezium.silentHeartbeats * heartbeatIntervalMs, parseDuration(config.debezium.silentMinimumWindow));
  return duration(window);
}

/** Debezium MongoDB source alerts; `server` is the connector's `topic.prefix` (its JMX key). */
export function debeziumAlerts(source: MonitoredConnector, heartbeatIntervalMs: number): AlertRule[] {
  if (!source.debeziumMatchers?.length) throw new Error(`debeziumAlerts: connector ${source.name}: server (topic.prefix) is missing (got undefined)`);
  const matchers = source.debeziumMatchers;
  const debezium: DebeziumSource = { source, series: (metric) => series(metric, ...matchers), labels: connectorLabels(source) };
  return [
    ...connectorAlerts(source),
    ...behindSourceAlerts(debezium),
    heartbeatIntervalMs > 0 ? silentSourceAlert(debezium, heartbeatIntervalMs) : noChangeEventsAlert(debezium),
    ...connectionAlerts(debezium),
    ...queueAlerts(debezium),
  ];
}

/** What every Debezium alert of one source is built from. */
interface DebeziumSource {
  readonly source: MonitoredConnector;
  /** The series of one of the source's Debezium metrics. */
  readonly series: (metric: string) => string;
  readonly labels: Record<string, string>;
}

function behindSourceAlerts({ source, series: debezium, labels }: DebeziumSource): AlertRule[] {
  const behind = (severity: 'warning' | 'critical', milliseconds: number, forDuration: string): AlertRule => ({
    kind: 'alert',
    alert: 'DebeziumBehindSource',
    expr: `max by (server, task) (${debezium('debezium_mongodb_streaming_milliseconds_behind_source')}) > ${milliseconds}`,
    for: forDuration,
    severity,
    labels,
    summary: `${source.name} processes change events {{ $value | humanize }}ms after they happened in MongoDB`,
    description: `Debezium MongoDB source ${source.name} is more than ${milliseconds / 1000}s behind the change stream for ${forDuration}: Kafka is slow to accept records, or the source is under-sized. A source behind for longer than the oplog window must snapshot again.`,
    runbook: 'debezium-source.md#behind-source',
  });
  return [
    behind('warning', config.debezium.behindSourceWarningMs, config.debezium.behindSourceWarningFor),
    behind('critical', config.debezium.behindSourceCriticalMs, config.debezium.behindSourceCriticalFor),
  ];
}

/** With heartbeats a healthy source writes records even when MongoDB is quiet. */
function silentSourceAlert({ source, labels }: DebeziumSource, heartbeatIntervalMs: number): AlertRule {
  return {
    kind: 'alert',
    alert: 'DebeziumSourceSilent',
    expr:
      `sum by (connector, task) (rate(${series('kafka_connect_source_task_source_record_poll_total', equals('connector', source.name))}[${silentWindow(heartbeatIntervalMs)}])) == 0 ` +
      `and on (connector, task) ${series('kafka_connect_connector_task_status', equals('connector', source.name), equals('status', 'running'))} == 1`,
    for: config.debezium.silentFor,
    severity: 'critical',
    labels,
    summary: `${source.name} task {{ $labels.task }} has written nothing, not even heartbeats, for ${silentWindow(heartbeatIntervalMs)}`,
    description: `Heartbeats (every ${heartbeatIntervalMs / 1000}s) make a healthy source write records even when MongoDB is quiet; a RUNNING task that writes none is stuck.`,
    runbook: 'debezium-source.md#no-events',
  };
}

/** Without heartbeats a quiet collection and a stuck source look alike: only a warning. */
function noChangeEventsAlert({ source, series: debezium, labels }: DebeziumSource): AlertRule {
  return {
    kind: 'alert',
    alert: 'DebeziumNoChangeEvents',
    expr: `${debezium('debezium_mongodb_streaming_milliseconds_since_last_event')} > ${config.debezium.noEventsWithoutHeartbeatMs}`,
    for: config.debezium.noEventsFor,
    severity: 'warning',
    labels,
    summary: `${source.name} has seen no change event for {{ $value | humanize }}ms`,
    description: `Heartbeats are off (heartbeat.interval.ms=0), so a quiet collection and a stuck source look alike: check that MongoDB really had no writes.`,
    runbook: 'debezium-source.md#no-events',
  };
}

function connectionAlerts({ source, series: debezium, labels }: DebeziumSource): AlertRule[] {
  return [
    {
      kind: 'alert',
      alert: 'DebeziumDisconnected',
      // Streaming is not connected while the initial snapshot runs: that is not an outage.
      expr:
        `${debezium('debezium_mongodb_streaming_connected')} == 0 ` +
        `unless on (server, task) ${debezium('debezium_mongodb_snapshot_running')} == 1`,
      for: config.debezium.disconnectedFor,
      severity: 'critical',
      labels,
      summary: `${source.name} is not connected to MongoDB`,
      description: `The change stream of ${source.name} has been disconnected for ${config.debezium.disconnectedFor}: network access, credentials (config provider), or the Atlas cluster itself.`,
      runbook: 'debezium-source.md#disconnected',
    },
    {
      kind: 'alert',
      alert: 'DebeziumReconnectingOften',
      expr: `increase(${debezium('debezium_mongodb_streaming_disconnects_total')}[${config.debezium.disconnectsWindow}]) > ${config.debezium.disconnectsWarning}`,
      severity: 'warning',
      labels,
      summary: `${source.name} lost its MongoDB connection {{ $value | humanize }} times in ${config.debezium.disconnectsWindow}`,
      description: `Frequent reconnects: a flapping network path, primary elections or connection limits on the Atlas side.`,
      runbook: 'debezium-source.md#disconnected',
    },
  ];
}

function queueAlerts({ source, series: debezium, labels }: DebeziumSource): AlertRule[] {
  const queue = (severity: 'warning' | 'critical', ratio: number): AlertRule => ({
    kind: 'alert',
    alert: 'DebeziumQueueNearlyFull',
    expr:
      `${debezium('debezium_mongodb_streaming_queue_remaining_capacity')} ` +
      `/ ${debezium('debezium_mongodb_streaming_queue_total_capacity')} < ${ratio}`,
    for: config.debezium.queueFor,
    severity,
    labels,
    summary: `${source.name}: only {{ $value | humanizePercentage }} of the change event queue is free`,
    description: `The queue between the change stream reader and Kafka Connect is filling: records are not written to Kafka as fast as MongoDB produces them (max.queue.size, producer throughput, broker health).`,
    runbook: 'debezium-source.md#queue-nearly-full',
  });
  return [queue('warning', config.debezium.queueFreeWarningRatio), queue('critical', config.debezium.queueFreeCriticalRatio)];
}

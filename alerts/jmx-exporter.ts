import { stringify } from 'yaml';

/**
 * Prometheus JMX exporter (java agent 1.0.1) configuration for the Kafka Connect workers.
 *
 * Only the MBeans that alerts and dashboards read are exported: Connect's own
 * (`kafka.connect:type=…`, attribute names from apache/kafka ConnectMetricsRegistry.java), the sink
 * tasks' consumers (`connector-consumer-<connector>-<task>`, the only source of sink lag, because
 * Connect never fills `sink-record-lag-max`) and Debezium MongoDB's
 * (`debezium.mongodb:type=connector-metrics,context=…,server=…,task=…`). The agent also exports the
 * JVM (`jvm_*`, `process_*`) by itself.
 *
 * Two things of agent 1.x (Prometheus client_java 1.x) shape the names below: a COUNTER's name ends
 * in `_total` (written here in full so that what we write is what Prometheus stores), and a name
 * must not end in `_info`, `_created` or `_bucket` unless it is of that kind.
 */

/** One rule of the exporter's `rules:` list; the first rule whose pattern matches a bean attribute wins. */
export interface JmxExporterRule {
  readonly pattern: string;
  readonly name: string;
  readonly type: 'GAUGE' | 'COUNTER' | 'UNTYPED';
  readonly help: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** A constant value, for string attributes turned into labels (status). */
  readonly value?: number;
  readonly valueFactor?: number;
}

/** Connect's per-task MBean types whose attributes are exported as `kafka_connect_<type>_<attribute>`. */
const TASK_METRIC_TYPES = ['connector-task', 'source-task', 'sink-task', 'task-error'] as const;

/**
 * Debezium MongoDB MBean attributes (the MXBean getters of the pinned plugin: StreamingMetricsMXBean,
 * CommonEventMetricsMXBean, QueueMetricsMXBean, ConnectionMetricsMXBean,
 * MongoDbStreamingChangeEventSourceMetricsMXBean, SnapshotMetricsMXBean) and the metric they become.
 */
export interface DebeziumAttribute {
  readonly attribute: string;
  /** Metric name after `debezium_mongodb_<context>_`. */
  readonly metric: string;
  readonly type: 'GAUGE' | 'COUNTER';
  readonly help: string;
}

const COMMON_EVENT_ATTRIBUTES: readonly DebeziumAttribute[] = [
  { attribute: 'TotalNumberOfEventsSeen', metric: 'events_seen_total', type: 'COUNTER', help: 'Events seen since the task started' },
  { attribute: 'TotalNumberOfCreateEventsSeen', metric: 'create_events_seen_total', type: 'COUNTER', help: 'Create events seen' },
  { attribute: 'TotalNumberOfUpdateEventsSeen', metric: 'update_events_seen_total', type: 'COUNTER', help: 'Update events seen' },
  { attribute: 'TotalNumberOfDeleteEventsSeen', metric: 'delete_events_seen_total', type: 'COUNTER', help: 'Delete events seen' },
  { attribute: 'NumberOfEventsFiltered', metric: 'events_filtered_total', type: 'COUNTER', help: 'Events dropped by include/exclude lists' },
  { attribute: 'NumberOfErroneousEvents', metric: 'erroneous_events_total', type: 'COUNTER', help: 'Events that failed to be processed' },
  { attribute: 'MilliSecondsSinceLastEvent', metric: 'milliseconds_since_last_event', type: 'GAUGE', help: 'Milliseconds since the last event (-1: none yet)' },
  { attribute: 'QueueTotalCapacity', metric: 'queue_total_capacity', type: 'GAUGE', help: 'Capacity of the queue between the change stream reader and Kafka Connect' },
  { attribute: 'QueueRemainingCapacity', metric: 'queue_remaining_capacity', type: 'GAUGE', help: 'Free slots in that queue' },
];

export const DEBEZIUM_STREAMING_ATTRIBUTES: readonly DebeziumAttribute[] = [
  { attribute: 'MilliSecondsBehindSource', metric: 'milliseconds_behind_source', type: 'GAUGE', help: 'Milliseconds between the event in MongoDB and its processing by the connector' },
  { attribute: 'Connected', metric: 'connected', type: 'GAUGE', help: '1 while the connector is connected to MongoDB' },
  { attribute: 'NumberOfDisconnects', metric: 'disconnects_total', type: 'COUNTER', help: 'Disconnects from MongoDB' },
  { attribute: 'NumberOfPrimaryElections', metric: 'primary_elections_total', type: 'COUNTER', help: 'Primary elections seen' },
  ...COMMON_EVENT_ATTRIBUTES,
];

export const DEBEZIUM_SNAPSHOT_ATTRIBUTES: readonly DebeziumAttribute[] = [
  { attribute: 'SnapshotRunning', metric: 'running', type: 'GAUGE', help: '1 while an initial or incremental snapshot runs' },
  { attribute: 'SnapshotCompleted', metric: 'completed', type: 'GAUGE', help: '1 once the snapshot completed' },
  { attribute: 'SnapshotAborted', metric: 'aborted', type: 'GAUGE', help: '1 if the snapshot was aborted' },
  { attribute: 'TotalTableCount', metric: 'collections', type: 'GAUGE', help: 'Collections included in the snapshot' },
  { attribute: 'RemainingTableCount', metric: 'remaining_collections', type: 'GAUGE', help: 'Collections not yet snapshotted' },
  { attribute: 'SnapshotDurationInSeconds', metric: 'duration_seconds', type: 'GAUGE', help: 'Duration of the snapshot so far' },
  ...COMMON_EVENT_ATTRIBUTES,
];

/**
 * The bean as the exporter formats it: keys in the order Debezium registered them. MongoDB's order
 * (`type, context, server, task`) differs from Debezium's other connectors, so generic rules miss it.
 * Extra keys come from the connector's `custom.metric.tags`; `connector=<name>` there is what tells two
 * source connectors with the same `topic.prefix` apart.
 */
const DEBEZIUM_BEAN = (context: string): string =>
  `debezium.mongodb<type=connector-metrics, context=${context}, server=([^,>]+), task=([^,>]+)(?:, connector=([^,>]+))?[^>]*>`;

function debeziumRules(context: 'streaming' | 'snapshot', attributes: readonly DebeziumAttribute[]): JmxExporterRule[] {
  return attributes.map((attribute) => ({
    pattern: `${DEBEZIUM_BEAN(context)}<>${attribute.attribute}:`,
    name: `debezium_mongodb_${context}_${attribute.metric}`,
    type: attribute.type,
    help: `Debezium MongoDB ${context}: ${attribute.help}`,
    labels: { server: '$1', task: '$2', connector: '$3' },
  }));
}

/**
 * The rules, most specific first. The agent wraps each pattern in `^.*(?:…).*$` and matches it against
 * `domain<key=value, …><>attribute: value`, so a pattern naming one attribute ends in `:` lest
 * `records-lag` also match `records-lag-max`.
 */
export function jmxExporterRules(): JmxExporterRule[] {
  return [
    ...connectStatusRules(),
    ...connectTaskRules(),
    ...connectWorkerRules(),
    ...sinkConsumerRules(),
    ...debeziumRules('streaming', DEBEZIUM_STREAMING_ATTRIBUTES),
    ...debeziumRules('snapshot', DEBEZIUM_SNAPSHOT_ATTRIBUTES),
  ];
}

/** Status attributes are strings: one series per state with value 1 (Strimzi's convention). */
function connectStatusRules(): JmxExporterRule[] {
  return [
    {
      pattern: 'kafka.connect<type=connector-metrics, connector=(.+)><>status: ([a-z-]+)',
      name: 'kafka_connect_connector_status',
      type: 'GAUGE',
      value: 1,
      labels: { connector: '$1', status: '$2' },
      help: 'Connector state (running, paused, stopped, failed, restarting, unassigned): 1 for the current one',
    },
    {
      pattern: 'kafka.connect<type=connector-metrics, connector=(.+)><>connector-type: ([a-z]+)',
      name: 'kafka_connect_connector_type',
      type: 'GAUGE',
      value: 1,
      labels: { connector: '$1', connector_type: '$2' },
      help: 'Connector type (source or sink): 1 for the connector type',
    },
    {
      pattern: 'kafka.connect<type=connector-task-metrics, connector=(.+), task=(\\d+)><>status: ([a-z-]+)',
      name: 'kafka_connect_connector_task_status',
      type: 'GAUGE',
      value: 1,
      labels: { connector: '$1', task: '$2', status: '$3' },
      help: 'Task state (running, paused, failed, restarting, unassigned, destroyed): 1 for the current one',
    },
  ];
}

/** Every numeric attribute of the per-task MBeans: `…-total` ones are counters. */
function connectTaskRules(): JmxExporterRule[] {
  const taskTypes = TASK_METRIC_TYPES.join('|');
  return [
    {
      pattern: `kafka.connect<type=(${taskTypes})-metrics, connector=(.+), task=(\\d+)><>([a-z-]+-total)`,
      name: 'kafka_connect_$1_$4',
      type: 'COUNTER',
      labels: { connector: '$2', task: '$3' },
      help: 'Kafka Connect $1 metric',
    },
    {
      pattern: `kafka.connect<type=(${taskTypes})-metrics, connector=(.+), task=(\\d+)><>([a-z-]+)`,
      name: 'kafka_connect_$1_$4',
      type: 'GAUGE',
      labels: { connector: '$2', task: '$3' },
      help: 'Kafka Connect $1 metric',
    },
  ];
}

/** The worker's own MBeans (per connector, overall, rebalances): `…-total` ones are counters. */
function connectWorkerRules(): JmxExporterRule[] {
  return [
    {
      pattern: 'kafka.connect<type=connect-worker-metrics, connector=(.+)><>([a-z-]+)',
      name: 'kafka_connect_worker_$2',
      type: 'GAUGE',
      labels: { connector: '$1' },
      help: 'Kafka Connect worker metric per connector',
    },
    {
      pattern: 'kafka.connect<type=connect-worker-metrics><>([a-z-]+-total)',
      name: 'kafka_connect_worker_$1',
      type: 'COUNTER',
      help: 'Kafka Connect worker metric',
    },
    {
      pattern: 'kafka.connect<type=connect-worker-metrics><>([a-z-]+)',
      name: 'kafka_connect_worker_$1',
      type: 'GAUGE',
      help: 'Kafka Connect worker metric',
    },
    {
      pattern: 'kafka.connect<type=connect-worker-rebalance-metrics><>([a-z-]+-total)',
      name: 'kafka_connect_worker_rebalance_$1',
      type: 'COUNTER',
      help: 'Kafka Connect worker rebalance metric',
    },
    {
      pattern: 'kafka.connect<type=connect-worker-rebalance-metrics><>([a-z-]+)',
      name: 'kafka_connect_worker_rebalance_$1',
      type: 'GAUGE',
      help: 'Kafka Connect worker rebalance metric',
    },
  ];
}

/**
 * Sink lag: the sink task's own consumer measures it at every fetch (records between its position and
 * the log end), per partition. Connect's `sink-record-lag-max` is declared but never filled.
 */
function sinkConsumerRules(): JmxExporterRule[] {
  return [
    {
      pattern:
        'kafka.consumer<type=consumer-fetch-manager-metrics, client-id=connector-consumer-(.+)-(\\d+), topic=(.+), partition=(\\d+)><>records-lag:',
      name: 'kafka_connect_sink_consumer_records_lag',
      type: 'GAUGE',
      labels: { connector: '$1', task: '$2', topic: '$3', partition: '$4' },
      help: 'Records between the sink task consumer position and the partition end, at the last fetch',
    },
    {
      pattern:
        'kafka.consumer<type=consumer-fetch-manager-metrics, client-id=connector-consumer-(.+)-(\\d+)><>(records-consumed-total|bytes-consumed-total):',
      name: 'kafka_connect_sink_consumer_$3',
      type: 'COUNTER',
      labels: { connector: '$1', task: '$2' },
      help: 'Sink task consumer fetch metric',
    },
    {
      pattern:
        'kafka.consumer<type=consumer-metrics, client-id=connector-consumer-(.+)-(\\d+)><>(last-poll-seconds-ago|time-between-poll-max|poll-idle-ratio-avg):',
      name: 'kafka_connect_sink_consumer_$3',
      type: 'GAUGE',
      labels: { connector: '$1', task: '$2' },
      help: 'Sink task consumer poll metric',
    },
  ];
}

/** The exporter reads only these beans (agent 1.x `includeObjectNames`): fewer beans, cheaper scrapes. */
export const JMX_INCLUDED_OBJECT_NAMES: readonly string[] = [
  'kafka.connect:type=connector-metrics,*',
  'kafka.connect:type=connector-task-metrics,*',
  'kafka.connect:type=source-task-metrics,*',
  'kafka.connect:type=sink-task-metrics,*',
  'kafka.connect:type=task-error-metrics,*',
  'kafka.connect:type=connect-worker-metrics,*',
  'kafka.connect:type=connect-worker-rebalance-metrics',
  'kafka.consumer:type=consumer-fetch-manager-metrics,*',
  'kafka.consumer:type=consumer-metrics,*',
  'debezium.mongodb:type=connector-metrics,*',
];

/** The exporter's YAML (file given to `-javaagent:jmx_prometheus_javaagent.jar=<port>:<file>`). */
export function jmxExporterConfigYaml(): string {
  const config = {
    lowercaseOutputName: true,
    lowercaseOutputLabelNames: true,
    includeObjectNames: JMX_INCLUDED_OBJECT_NAMES,
    rules: jmxExporterRules(),
  };
  return `# Generated by cdcctl monitoring render from alerts/jmx-exporter.ts; do not edit.\n${stringify(config, { lineWidth: 0 })}`;
}

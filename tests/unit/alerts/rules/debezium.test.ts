import { debeziumAlerts, parseDuration, silentWindow } from '../../../../alerts/rules/debezium';
import type { MonitoredConnector } from '../../../../alerts/targets';
import type { AlertRule } from '../../../../alerts/types';

/** A Debezium MongoDB source with `topic.prefix=cdc` that tags its MBeans with its connector name. */
const SOURCE: MonitoredConnector = {
  name: 'cdc-app-db-source',
  role: 'source',
  desiredState: 'RUNNING',
  pipelines: ['orders', 'customers'],
  owners: ['bi-platform'],
  server: 'cdc',
  debeziumMatchers: ['server="cdc"', 'connector="cdc-app-db-source"'],
};
const SELECTOR = '{server="cdc",connector="cdc-app-db-source"}';
const LABELS = { connector: 'cdc-app-db-source', pipeline: 'orders,customers', owner: 'bi-platform' };
/** The connector's default heartbeat.interval.ms. */
const HEARTBEAT_MS = 10_000;

const named = (rules: readonly AlertRule[], alert: string, severity?: AlertRule['severity']): AlertRule => {
  const found = rules.filter((rule) => rule.alert === alert && (!severity || rule.severity === severity));
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('durations of the monitoring config', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['15m', 900_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
  ])('reads %s as %p ms', (value, milliseconds) => {
    expect(parseDuration(value)).toBe(milliseconds);
  });

  it.each([
    ['a compound duration', '1h30m'],
    ['a fraction', '1.5m'],
    ['a negative duration', '-5m'],
    ['an ISO 8601 duration', 'PT5M'],
    ['a unit Prometheus spells otherwise', '5min'],
    ['a bare number', '300'],
  ])('refuses %s (%s) by name', (_form, value) => {
    expect(() => parseDuration(value)).toThrow(`duration: expected a Prometheus duration like 5m (got ${JSON.stringify(value)})`);
  });
});

describe('the silence window of a heartbeating source', () => {
  it('is three heartbeat intervals, never under 5m, in whole seconds rounded up', () => {
    expect(silentWindow(HEARTBEAT_MS)).toBe('300s');
    expect(silentWindow(100_000)).toBe('300s');
    expect(silentWindow(100_001)).toBe('301s');
    expect(silentWindow(600_000)).toBe('1800s');
  });
});

describe('Debezium alerts', () => {
  // Built in each test, not when the file loads: a mutation run credits a test only with what runs inside it.
  let rules: AlertRule[];
  beforeEach(() => {
    rules = debeziumAlerts(SOURCE, HEARTBEAT_MS);
  });

  it("follow the source's connector alerts, every one labelled with the connector, its pipelines and owner", () => {
    expect(rules.map((rule) => [rule.alert, rule.severity])).toEqual([
      ['CdcSourceConnectorFailed', 'critical'],
      ['CdcSourceTaskFailed', 'critical'],
      ['CdcSourceRecordErrorsRising', 'warning'],
      ['CdcSourceConnectorRestarting', 'warning'],
      ['CdcSourceConnectorGaveUp', 'critical'],
      ['CdcSourceConnectorNotRunning', 'warning'],
      ['DebeziumBehindSource', 'warning'],
      ['DebeziumBehindSource', 'critical'],
      ['DebeziumSourceSilent', 'critical'],
      ['DebeziumDisconnected', 'critical'],
      ['DebeziumReconnectingOften', 'warning'],
      ['DebeziumQueueNearlyFull', 'warning'],
      ['DebeziumQueueNearlyFull', 'critical'],
    ]);
    for (const rule of rules) expect(rule.labels).toEqual(LABELS);
  });

  it('warn at a minute behind the change stream and page at ten, each after 5m', () => {
    const behind = (severity: AlertRule['severity'], milliseconds: number, seconds: number) => ({
      kind: 'alert',
      alert: 'DebeziumBehindSource',
      expr: `max by (server, task) (debezium_mongodb_streaming_milliseconds_behind_source${SELECTOR}) > ${milliseconds}`,
      for: '5m',
      severity,
      labels: LABELS,
      summary: 'cdc-app-db-source processes change events {{ $value | humanize }}ms after they happened in MongoDB',
      description: `Debezium MongoDB source cdc-app-db-source is more than ${seconds}s behind the change stream for 5m: Kafka is slow to accept records, or the source is under-sized. A source behind for longer than the oplog window must snapshot again.`,
      runbook: 'debezium-source.md#behind-source',
    });
    expect(named(rules, 'DebeziumBehindSource', 'warning')).toEqual(behind('warning', 60000, 60));
    expect(named(rules, 'DebeziumBehindSource', 'critical')).toEqual(behind('critical', 600000, 600));
  });

  it('page on a RUNNING task that wrote nothing, not even heartbeats, over the silence window', () => {
    expect(named(rules, 'DebeziumSourceSilent')).toEqual({
      kind: 'alert',
      alert: 'DebeziumSourceSilent',
      expr:
        'sum by (connector, task) (rate(kafka_connect_source_task_source_record_poll_total{connector="cdc-app-db-source"}[300s])) == 0 ' +
        'and on (connector, task) kafka_connect_connector_task_status{connector="cdc-app-db-source",status="running"} == 1',
      for: '5m',
      severity: 'critical',
      labels: LABELS,
      summary: 'cdc-app-db-source task {{ $labels.task }} has written nothing, not even heartbeats, for 300s',
      description: 'Heartbeats (every 10s) make a healthy source write records even when MongoDB is quiet; a RUNNING task that writes none is stuck.',
      runbook: 'debezium-source.md#no-events',
    });
  });

  it('only warn, after an hour without change events, when heartbeats are off', () => {
    const quiet = debeziumAlerts(SOURCE, 0);
    expect(quiet.some((rule) => rule.alert === 'DebeziumSourceSilent')).toBe(false);
    expect(named(quiet, 'DebeziumNoChangeEvents')).toEqual({
      kind: 'alert',
      alert: 'DebeziumNoChangeEvents',
      expr: `debezium_mongodb_streaming_milliseconds_since_last_event${SELECTOR} > 3600000`,
      for: '10m',
      severity: 'warning',
      labels: LABELS,
      summary: 'cdc-app-db-source has seen no change event for {{ $value | humanize }}ms',
      description: 'Heartbeats are off (heartbeat.interval.ms=0), so a quiet collection and a stuck source look alike: check that MongoDB really had no writes.',
      runbook: 'debezium-source.md#no-events',
    });
    expect(rules.some((rule) => rule.alert === 'DebeziumNoChangeEvents')).toBe(false);
  });

  it('page on a disconnected change stream after 2m, unless the initial snapshot runs', () => {
    expect(named(rules, 'DebeziumDisconnected')).toEqual({
      kind: 'alert',
      alert: 'DebeziumDisconnected',
      expr: `debezium_mongodb_streaming_connected${SELECTOR} == 0 unless on (server, task) debezium_mongodb_snapshot_running${SELECTOR} == 1`,
      for: '2m',
      severity: 'critical',
      labels: LABELS,
      summary: 'cdc-app-db-source is not connected to MongoDB',
      description: 'The change stream of cdc-app-db-source has been disconnected for 2m: network access, credentials (config provider), or the Atlas cluster itself.',
      runbook: 'debezium-source.md#disconnected',
    });
  });

  it('warn at once on more than 3 reconnects in 15m', () => {
    expect(named(rules, 'DebeziumReconnectingOften')).toEqual({
      kind: 'alert',
      alert: 'DebeziumReconnectingOften',
      expr: `increase(debezium_mongodb_streaming_disconnects_total${SELECTOR}[15m]) > 3`,
      severity: 'warning',
      labels: LABELS,
      summary: 'cdc-app-db-source lost its MongoDB connection {{ $value | humanize }} times in 15m',
      description: 'Frequent reconnects: a flapping network path, primary elections or connection limits on the Atlas side.',
      runbook: 'debezium-source.md#disconnected',
    });
  });

  it('warn under 20% and page under 5% of the change event queue free, for 5m', () => {
    const queue = (severity: AlertRule['severity'], ratio: number) => ({
      kind: 'alert',
      alert: 'DebeziumQueueNearlyFull',
      expr: `debezium_mongodb_streaming_queue_remaining_capacity${SELECTOR} / debezium_mongodb_streaming_queue_total_capacity${SELECTOR} < ${ratio}`,
      for: '5m',
      severity,
      labels: LABELS,
      summary: 'cdc-app-db-source: only {{ $value | humanizePercentage }} of the change event queue is free',
      description:
        'The queue between the change stream reader and Kafka Connect is filling: records are not written to Kafka as fast as MongoDB produces them (max.queue.size, producer throughput, broker health).',
      runbook: 'debezium-source.md#queue-nearly-full',
    });
    expect(named(rules, 'DebeziumQueueNearlyFull', 'warning')).toEqual(queue('warning', 0.2));
    expect(named(rules, 'DebeziumQueueNearlyFull', 'critical')).toEqual(queue('critical', 0.05));
  });

  it('refuse a source without a server (topic.prefix) to select its metrics by', () => {
    const message = 'debeziumAlerts: connector cdc-app-db-source: server (topic.prefix) is missing (got undefined)';
    expect(() => debeziumAlerts({ ...SOURCE, server: undefined, debeziumMatchers: undefined }, HEARTBEAT_MS)).toThrow(message);
    expect(() => debeziumAlerts({ ...SOURCE, debeziumMatchers: [] }, HEARTBEAT_MS)).toThrow(message);
  });
});

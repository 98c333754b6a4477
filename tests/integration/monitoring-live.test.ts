/**
 * A wrong metric name is the most common monitoring bug: every metric name that an alert rule or a
 * dashboard panel reads must exist where it will be read.
 *
 * - Worker-side names: in what the test runtime's Prometheus scraped from the real Connect worker
 *   (with the JMX exporter configuration of alerts/jmx-exporter.ts), while a sink connector of this
 *   test runs on an idle topic so that sink, task and consumer metrics exist.
 * - Source-side names (Debezium MongoDB and Connect source tasks): no MongoDB runs here, so no source
 *   task does. The real Debezium and Connect classes of the pinned jars register those MBeans in a
 *   JVM under the real JMX exporter agent with the same configuration (monitoring-metrics-harness.java).
 * - MSK open-monitoring names: only an MSK cluster has them; a unit test checks them against
 *   alerts/msk-open-monitoring.ts (tests/unit/alerts/msk-open-monitoring.test.ts).
 * - Warehouse-side names (`cdc_warehouse_…`): `cdcctl schema exporter` serves them from the warehouse;
 *   checked against what it serves (tests/integration/schema-tools.test.ts runs it live).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ruleFiles } from '../../alerts';
import { jmxExporterConfigYaml } from '../../alerts/jmx-exporter';
import { FRESH_RECORD, newSupervisorState, supervisorMetrics } from '../../connectors/connect/supervise';
import { MSK_OPEN_MONITORING_METRICS } from '../../alerts/msk-open-monitoring';
import { isRecordingRuleName, metricNames, SYNTHETIC_METRICS } from '../../alerts/promql';
import { loadAllEnvironments } from '../../config';
import { contractMetricsText } from '../../warehouse/contract-metrics';
import { ensureTopics, kafkaClient } from '../../local/replay';
import { dashboards } from '../../dashboards';
import { PROMTOOL_ENVIRONMENTS } from '../promtool/environments';
import { panelQueries } from '../unit/dashboards/dashboard-queries';
import { getTestRuntime, TEST_RUNTIME_DIR } from './support/runtime';
import { freePort } from '../../local/processes';
import { waitFor } from './support/wait';

jest.setTimeout(240_000);

const runtime = getTestRuntime();
const SINK = 'monitoring-test-sink';
const TOPIC = 'monitoring-test.idle';
const DEAD_LETTER_TOPIC = 'monitoring-test.dlq';

/** Every expression of every rule and panel, of every environment (and the promtool fixtures, which have all the variants). */
function usedExpressions(): string[] {
  const environments = [...loadAllEnvironments(), ...PROMTOOL_ENVIRONMENTS];
  const rules = environments.flatMap((environment) => ruleFiles(environment).flatMap((file) => file.groups.flatMap((group) => group.rules.map((rule) => rule.expr))));
  const panels = environments.flatMap((environment) => dashboards(environment).flatMap((dashboard) => panelQueries(dashboard.dashboard).map((query) => query.expr)));
  return [...rules, ...panels];
}

const expressions = usedExpressions();
const used = [...new Set(expressions.flatMap(metricNames))].filter((name) => !isRecordingRuleName(name) && !SYNTHETIC_METRICS.has(name)).sort();
const mskOnly = used.filter((name) => name in MSK_OPEN_MONITORING_METRICS);
const sourceOnly = used.filter((name) => name.startsWith('debezium_') || name.startsWith('kafka_connect_source_task_'));
const warehouseOnly = used.filter((name) => name.startsWith('cdc_warehouse_'));
const supervisorOnly = used.filter((name) => name.startsWith('cdc_supervisor_'));
const workerSide = used.filter((name) => !mskOnly.includes(name) && !sourceOnly.includes(name) && !warehouseOnly.includes(name) && !supervisorOnly.includes(name));

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function prometheusUrl(): string {
  if (!runtime.prometheus) throw new Error('the test runtime has no Prometheus: the global set-up installs Debian\'s "prometheus" package; see its output');
  return runtime.prometheus.url.replace(/\/$/, '');
}

async function scrapedNames(): Promise<Set<string>> {
  const body = await getJson<{ data: string[] }>(`${prometheusUrl()}/api/v1/label/__name__/values`);
  return new Set(body.data);
}

describe('metric names against the live worker', () => {
  beforeAll(async () => {
    const kafka = kafkaClient(runtime.kafka.bootstrapServers);
    await ensureTopics(kafka, [TOPIC], 2);
    // The worker resolves the warehouse coordinates from its own environment, as for the local connectors.
    await getJson(`${runtime.connect.url}/connectors/${SINK}/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
        'tasks.max': '1',
        topics: TOPIC,
        'connection.url': '${env:CDC_WAREHOUSE_JDBC_URL}',
        'connection.username': '${env:CDC_WAREHOUSE_USER}',
        'connection.password': '${env:CDC_WAREHOUSE_PASSWORD}',
        'insert.mode': 'upsert',
        'primary.key.mode': 'record_key',
        'collection.name.format': 'monitoring_test_idle',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': DEAD_LETTER_TOPIC,
        'errors.deadletterqueue.topic.replication.factor': '1',
      }),
    });
    // Until Prometheus has scraped the sink's task and consumer metrics (scrape interval 5s).
    await waitFor(
      'the test sink\'s metrics in Prometheus',
      async () => {
        const names = await scrapedNames();
        return ['kafka_connect_sink_consumer_records_lag', 'kafka_connect_connector_task_status', 'kafka_connect_task_error_total_record_errors'].every((name) => names.has(name))
          ? true
          : undefined;
      },
      120_000,
      1_000,
    );
  });

  afterAll(async () => {
    await fetch(`${runtime.connect.url}/connectors/${SINK}`, { method: 'DELETE' }).catch(() => undefined);
  });

  it('finds names in the rules and panels to check (the extraction works)', () => {
    expect(workerSide).toEqual(expect.arrayContaining(['kafka_connect_connector_status', 'kafka_connect_sink_consumer_records_lag', 'jvm_memory_used_bytes']));
    expect(sourceOnly).toEqual(expect.arrayContaining(['debezium_mongodb_streaming_milliseconds_behind_source', 'kafka_connect_source_task_source_record_poll_total']));
    expect(mskOnly).toEqual(expect.arrayContaining(['kafka_server_ReplicaManager_Value', 'node_filesystem_avail_bytes']));
  });

  it('has every worker-side name in what Prometheus scraped from the worker', async () => {
    const names = await scrapedNames();
    expect(workerSide.filter((name) => !names.has(name))).toEqual([]);
  });

  it('evaluates every loaded rule of the local environment without error', async () => {
    const body = await getJson<{ data: { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] } }>(`${prometheusUrl()}/api/v1/rules`);
    const loaded = body.data.groups.map((group) => group.name).sort();
    expect(loaded).toEqual(ruleFiles(loadAllEnvironments().find((environment) => environment.name === 'local')!).flatMap((file) => file.groups.map((group) => group.name)).sort());
    const unhealthy = body.data.groups.flatMap((group) => group.rules.filter((rule) => rule.health === 'err').map((rule) => `${group.name}/${rule.name}: ${rule.lastError}`));
    expect(unhealthy).toEqual([]);
  });

  it('records the sink lag of the test sink from the consumer metrics', async () => {
    const result = await waitFor(
      'cdc:sink_records_lag:sum for the test sink',
      async () => {
        const body = await getJson<{ data: { result: { metric: Record<string, string>; value: [number, string] }[] } }>(
          `${prometheusUrl()}/api/v1/query?query=${encodeURIComponent(`cdc:sink_records_lag:sum{connector="${SINK}"}`)}`,
        );
        return body.data.result.length ? body.data.result : undefined;
      },
      60_000,
      1_000,
    );
    expect(result).toHaveLength(1);
    expect(Number(result[0]!.value[1])).toBe(0);
  });
});

describe('warehouse-side names against the warehouse exporter', () => {
  it('uses only names cdcctl schema exporter serves', () => {
    const served = new Set(contractMetricsText([{ table: 'public.orders', events: 1, lastRecordedSeconds: 1 }], ['public.orders']).split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split('{')[0]));
    expect(warehouseOnly.length).toBeGreaterThan(0);
    expect(warehouseOnly.filter((name) => !served.has(name))).toEqual([]);
  });
});

describe('supervisor names against what cdcctl connectors supervise serves', () => {
  it('uses only names the supervisor serves', () => {
    const state = newSupervisorState();
    state.restartsTotal.set('cdc-orders-sink', 1);
    state.records.set('cdc-orders-sink', { ...FRESH_RECORD, restarts: 1 });
    state.lastCheckAt = Date.now();
    const served = new Set(supervisorMetrics(state).split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(/[{ ]/)[0]));
    expect(supervisorOnly.length).toBeGreaterThan(0);
    expect(supervisorOnly.filter((name) => !served.has(name))).toEqual([]);
  });
});

describe('source-side names from the real Debezium and Connect classes under the real agent', () => {
  let harness: ChildProcess | undefined;
  let metricsUrl = '';

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdc-monitoring-harness-'));
    const config = join(dir, 'jmx-exporter.yaml');
    writeFileSync(config, jmxExporterConfigYaml());
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    const classpath = [join(TEST_RUNTIME_DIR, 'kafka', 'libs', '*'), join(TEST_RUNTIME_DIR, 'plugins', 'debezium-connector-mongodb', '*')].join(':');
    harness = spawn(
      'java',
      [
        `-javaagent:${join(TEST_RUNTIME_DIR, 'agents', 'jmx_prometheus_javaagent.jar')}=127.0.0.1:${port}:${config}`,
        '-cp',
        classpath,
        join(__dirname, 'monitoring-metrics-harness.java'),
        'cdc',
        'cdc-app-db-source',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    harness.stdout?.on('data', (chunk) => (output += String(chunk)));
    harness.stderr?.on('data', (chunk) => (output += String(chunk)));
    await waitFor(
      'the metrics harness to register its MBeans',
      async () => {
        if (harness?.exitCode !== null) throw new Error(`the harness exited (${harness?.exitCode}): ${output}`);
        return output.includes('registered') ? true : undefined;
      },
      90_000,
      500,
    );
  });

  afterAll(() => {
    if (harness?.pid && harness.exitCode === null) harness.kill('SIGTERM');
  });

  it('exports every Debezium and source-task name that rules and panels use', async () => {
    const text = await (await fetch(metricsUrl)).text();
    const exported = new Set(text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(/[{ ]/)[0]!));
    expect(sourceOnly.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('labels Debezium metrics with the server (topic.prefix) and task keys in MongoDB\'s order', async () => {
    const text = await (await fetch(metricsUrl)).text();
    expect(text).toMatch(/^debezium_mongodb_streaming_milliseconds_behind_source\{server="cdc",task="0"\} -1\.0$/m);
  });
});

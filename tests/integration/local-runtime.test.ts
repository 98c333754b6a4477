import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { monitoringConfig } from '../../alerts/config';
import { DEBEZIUM_JDBC_SINK_CLASS } from '../../connectors/catalog/debezium-jdbc-sink';
import { DEBEZIUM_MONGODB_SOURCE_CLASS } from '../../connectors/catalog/debezium-mongodb-source';
import { MONGODB_SINK_CLASS } from '../../connectors/catalog/mongodb-sink';
import { MONGODB_SOURCE_CLASS } from '../../connectors/catalog/mongodb-source';
import { DEFAULT_PORTS, REPOSITORY_ROOT, runtimeLayout } from '../../local/options';
import { maskUrlPassword } from '../../config/secrets';
import { delayProxyStats } from '../../local/delay-proxy';
import { kafkaProxyControlUrl, up } from '../../local/runtime';
import { emptyState, processStartMarker, writeState } from '../../local/state';
import { getTestRuntime, TEST_PORTS, TEST_RUNTIME_DIR, TEST_STATE_DIR, testRuntimeOptions } from './support/runtime';
import { waitFor } from './support/wait';

/** The local runtime as the global set-up brought it up: real Kafka, Connect, PostgreSQL, Prometheus. */

const runtime = getTestRuntime();
/** CDC_TEST_DATABASE_URL makes the warehouse a server of the user's, which the runtime does not run. */
const EXTERNAL_WAREHOUSE = Boolean(process.env.CDC_TEST_DATABASE_URL);

function cdcctl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [path.join(REPOSITORY_ROOT, 'bin', 'cdcctl'), ...args], { encoding: 'utf8', cwd: REPOSITORY_ROOT });
}

describe('cdcctl local status --output json', () => {
  it('shows every service running, with where it listens', () => {
    const result = cdcctl('local', 'status', '--state-dir', TEST_STATE_DIR, '--output', 'json');
    expect(result.status).toBe(0);
    const status = JSON.parse(result.stdout) as { services: Record<string, { state: string; url?: string; pid?: number }> };
    expect(Object.fromEntries(Object.entries(status.services).map(([name, service]) => [name, service.state]))).toEqual({
      kafka: 'running',
      'kafka-proxy': 'running',
      mongodb: 'running',
      warehouse: EXTERNAL_WAREHOUSE ? 'external' : 'running',
      connect: 'running',
      supervisor: 'running',
      prometheus: 'running',
    });
    expect(status.services.kafka.url).toBe(`127.0.0.1:${TEST_PORTS.kafka}`);
    expect(status.services['kafka-proxy'].url).toBe(`127.0.0.1:${TEST_PORTS.kafkaProxy}`);
    expect(status.services.supervisor.url).toBe(`http://127.0.0.1:${TEST_PORTS.supervisor}/metrics`);
    expect(status.services.mongodb.url).toBe(`mongodb://127.0.0.1:${TEST_PORTS.mongodb}`);
    expect(status.services.connect.url).toBe(`http://127.0.0.1:${TEST_PORTS.connect}`);
    expect(status.services.prometheus.url).toBe(`http://127.0.0.1:${TEST_PORTS.prometheus}`);
    expect(status.services.warehouse.url).toMatch(EXTERNAL_WAREHOUSE ? /^postgres(ql)?:\/\// : new RegExp(`^postgres://cdc:[^@]+@127\\.0\\.0\\.1:${TEST_PORTS.postgres}/warehouse$`));
  });

  it('masks the warehouse password in text output', () => {
    const result = cdcctl('local', 'status', '--state-dir', TEST_STATE_DIR);
    const password = decodeURIComponent(new URL(runtime.warehouse.url).password);
    // The embedded warehouse always has a generated password; an external DATABASE_URL may have none.
    if (!EXTERNAL_WAREHOUSE) expect(password.length).toBeGreaterThan(0);
    expect(result.stdout).toContain(maskUrlPassword(runtime.warehouse.url));
    expect(password === '' || !result.stdout.includes(password)).toBe(true);
  });
});

describe('the delay proxy between Connect and Kafka', () => {
  it("carries the worker's Kafka connections, with no delay while no fault sets one", async () => {
    const stats = await delayProxyStats(kafkaProxyControlUrl(TEST_PORTS));
    expect(stats.delay_ms).toBe(0);
    expect(stats.connections).toBeGreaterThan(0);
    expect(stats.bytes_forwarded).toBeGreaterThan(0);
  });
});

describe('the servers', () => {
  it('Connect lists the three connector plugin families', async () => {
    const plugins = (await (await fetch(`${runtime.connect.url}/connector-plugins`)).json()) as { class: string }[];
    expect(plugins.map((plugin) => plugin.class)).toEqual(expect.arrayContaining([DEBEZIUM_MONGODB_SOURCE_CLASS, DEBEZIUM_JDBC_SINK_CLASS, MONGODB_SOURCE_CLASS, MONGODB_SINK_CLASS]));
  });

  it('Connect lists the Debezium MongoDB unwrap transform the sinks use', async () => {
    const plugins = (await (await fetch(`${runtime.connect.url}/connector-plugins?connectorsOnly=false`)).json()) as { class: string; type: string }[];
    expect(plugins).toContainEqual(expect.objectContaining({ class: 'io.debezium.connector.mongodb.transforms.ExtractNewDocumentState', type: 'transformation' }));
  });

  it('the warehouse accepts the URL of the status, and its migrations are applied', async () => {
    const client = new Client({ connectionString: runtime.warehouse.url });
    await client.connect();
    try {
      const result = await client.query<{ n: number }>('select count(*)::int as n from schema_migrations');
      expect(result.rows[0].n).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('Prometheus scrapes the Connect worker: its target is up', async () => {
    const prometheus = runtime.prometheus;
    if (!prometheus) throw new Error('the set-up brought no Prometheus up');
    type Targets = { data: { activeTargets: { labels: { job: string }; health: string; lastError: string }[] } };
    const target = await waitFor(
      'the Connect scrape target to be up',
      async () => {
        const targets = (await (await fetch(`${prometheus.url}/api/v1/targets`)).json()) as Targets;
        return targets.data.activeTargets.find((candidate) => candidate.labels.job === monitoringConfig.jobs.connect && candidate.health === 'up');
      },
      60_000,
      1_000,
    );
    expect(target.lastError).toBe('');
    const query = (await (await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(`up{job="${monitoringConfig.jobs.connect}"}`)}`)).json()) as { data: { result: { value: [number, string] }[] } };
    expect(query.data.result.map((sample) => sample.value[1])).toEqual(['1']);
  }, 90_000);

  it('Prometheus scrapes the supervisor: its target is up and its last check is recent', async () => {
    const prometheus = runtime.prometheus;
    if (!prometheus) throw new Error('the set-up brought no Prometheus up');
    const query = async (expr: string) => ((await (await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: { value: [number, string] }[] } }).data.result;
    const up = await waitFor('the supervisor target to be up', async () => ((await query('up{job="cdc-supervisor"}'))[0]?.value[1] === '1' ? true : undefined), 60_000, 1_000);
    expect(up).toBe(true);
    const age = await waitFor('a check of the supervisor in Prometheus', async () => (await query('time() - cdc_supervisor_last_check_timestamp_seconds'))[0]?.value[1], 60_000, 1_000);
    expect(Number(age)).toBeLessThan(60);
  }, 150_000);
});

describe('cdcctl local up while running', () => {
  it('starts nothing and keeps the same processes', async () => {
    const before = cdcctl('local', 'status', '--state-dir', TEST_STATE_DIR, '--output', 'json');
    const result = await up(testRuntimeOptions());
    expect(result.started).toEqual([]);
    const after = cdcctl('local', 'status', '--state-dir', TEST_STATE_DIR, '--output', 'json');
    expect(JSON.parse(after.stdout)).toEqual(JSON.parse(before.stdout));
  });

  it('refuses another state dir on ports the runtime holds, naming each port and its flag, starting nothing', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdc-other-'));
    try {
      const result = cdcctl('local', 'up', '--state-dir', stateDir, '--runtime-dir', TEST_RUNTIME_DIR, '--kafka-port', String(TEST_PORTS.kafka), '--connect-port', String(TEST_PORTS.connect));
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`port ${TEST_PORTS.kafka} (ports.kafka, --kafka-port) is already in use by another process`);
      expect(result.stderr).toContain(`port ${TEST_PORTS.connect} (ports.connect, --connect-port) is already in use by another process`);
      expect(fs.existsSync(path.join(stateDir, 'state.json'))).toBe(false);
    } finally {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe('a crashed service', () => {
  it('is reported by status as crashed, with the tail of its log, and status exits 1', () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdc-crashed-'));
    try {
      const layout = runtimeLayout({ stateDir, runtimeDir: path.join(stateDir, 'runtime') });
      fs.mkdirSync(layout.logsDir, { recursive: true });
      // A real process that fails the way a worker does, then is gone: its pid stays recorded.
      const crashed = spawnSync(process.execPath, ['-e', 'console.log(process.pid + " " + require("fs").readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ")[19]); console.error("ERROR Stopping due to error (org.apache.kafka.connect.cli.AbstractConnectCli)"); process.exit(1)'], {
        encoding: 'utf8',
      });
      fs.writeFileSync(layout.logFile('connect'), `worker starting\n${crashed.stderr}`);
      const [pid, startMarker] = crashed.stdout.trim().split(' ');
      expect(processStartMarker(Number(pid))).toBeUndefined();
      writeState(layout.stateFile, { ...emptyState(DEFAULT_PORTS, layout.runtimeDir), processes: { connect: { pid: Number(pid), startMarker, startedAt: new Date().toISOString(), stopSignal: 'SIGTERM' } } });

      const result = cdcctl('local', 'status', '--state-dir', stateDir, '--output', 'json');
      expect(result.status).toBe(1);
      const connect = (JSON.parse(result.stdout) as { services: Record<string, { state: string; logTail?: string }> }).services.connect;
      expect(connect.state).toBe('crashed');
      expect(connect.logTail).toContain('ERROR Stopping due to error');

      const text = cdcctl('local', 'status', '--state-dir', stateDir);
      expect(text.stdout).toContain('| ERROR Stopping due to error');
    } finally {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe('a FAILED task is named at once, with its root cause', () => {
  const SINK = 'failing-test-sink';
  const TOPIC = 'failing-test.app_db.orders';

  afterAll(async () => {
    await fetch(`${runtime.connect.url}/connectors/${SINK}`, { method: 'DELETE' }).catch(() => undefined);
  });

  it('by cdcctl local status and cdcctl connectors status, in one line, and by the waits of npm start', async () => {
    const { ensureTopics, kafkaClient, sendRecords } = await import('../../local/replay');
    const { changeEventRecords } = await import('../../local/debezium-events');
    const { createConnectClient } = await import('../../connectors/connect/client');
    const { renderEnvironment } = await import('../../connectors/render');
    const { loadEnvironment } = await import('../../config');
    const { failedConnectorLines } = await import('../../local/reset');
    const kafka = kafkaClient(runtime.kafka.bootstrapServers);
    await ensureTopics(kafka, [TOPIC], 1);
    const producer = kafka.producer();
    await producer.connect();
    await sendRecords(producer, changeEventRecords({ topicPrefix: 'failing-test', database: 'app_db', collection: 'orders', timestampMs: Date.now() }, { kind: 'insert', document: { _id: 'x' } }));
    await producer.disconnect();
    // A table the migrations never made: with schema.evolution=none the sink's task fails on its first batch.
    const template = renderEnvironment(loadEnvironment('local')).find((connector) => connector.name === 'cdc-orders-sink')!;
    const client = createConnectClient({ url: runtime.connect.url });
    await client.createConnector(SINK, { ...template.config, topics: TOPIC, 'collection.name.format': 'no_such_table', 'errors.deadletterqueue.topic.name': 'failing-test.dlq' });
    const failed = await waitFor('the test sink to fail', async () => ((await failedConnectorLines(client, SINK)).length ? failedConnectorLines(client, SINK) : undefined), 90_000, 500);
    expect(failed).toEqual([expect.stringMatching(new RegExp(`^${SINK}: task 0 FAILED: .*no_such_table`))]);

    const local = cdcctl('local', 'status', '--state-dir', TEST_STATE_DIR);
    expect(local.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toContain(`  ${failed[0]}`);
    const connectors = cdcctl('connectors', 'status', '--env', 'local', '--connect-url', runtime.connect.url, SINK);
    expect(connectors.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toContain(failed[0]);
  }, 180_000);
});

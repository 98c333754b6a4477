import { loadEnvironment } from '../../../config';
import type { ConnectClient, LiveConnector } from '../../../connectors/connect/client';
import { definePipeline } from '../../../connectors/pipelines';
import { renderEnvironment, type RenderedConnector } from '../../../connectors/render';
import { waitHealthy, type WaitHealthyOptions } from '../../../gitops/health';

/**
 * The health gate after an apply, against a stand-in of the worker that answers each read with the
 * next scripted state (the last one again once the script runs out). The clock is the test's: each
 * read of the worker takes 10 s of it, so settling and giving up are counted in reads, not waited for.
 */
const staging = loadEnvironment('staging');
const desired = renderEnvironment(staging);
const READ_TAKES_MS = 10_000;

/** The worker right after a successful apply of `connectors`. */
function liveFrom(connectors: readonly RenderedConnector[]): LiveConnector[] {
  return connectors.map((connector) => ({
    name: connector.name,
    config: { ...connector.config, name: connector.name },
    taskCount: 1,
    status: { name: connector.name, connector: { state: connector.state, worker_id: '10.0.3.17:8083' }, tasks: [{ id: 0, state: connector.state, worker_id: '10.0.3.17:8083' }] },
  }));
}

const healthy = liveFrom(desired);
const withOrdersSink = (change: (connector: LiveConnector) => LiveConnector) => healthy.map((connector) => (connector.name === 'cdc-orders-sink' ? change(connector) : connector));
const failedTask = withOrdersSink((connector) => ({
  ...connector,
  status: { ...connector.status!, tasks: [{ id: 0, state: 'FAILED', worker_id: '10.0.3.17:8083', trace: 'org.apache.kafka.connect.errors.ConnectException: org.postgresql.util.PSQLException: Connection to warehouse.staging.internal:5432 refused.\n\tat io.debezium.connector.jdbc.JdbcSinkConnectorTask.put(JdbcSinkConnectorTask.java:120)' }] },
}));
const noTasksYet = withOrdersSink((connector) => ({ ...connector, status: { ...connector.status!, tasks: [] } }));
const batchSizeChanged = withOrdersSink((connector) => ({ ...connector, config: { ...connector.config, 'batch.size': '555' } }));

let clock: number;
let now: jest.SpyInstance;
beforeEach(() => {
  clock = Date.UTC(2026, 10, 30, 9, 0, 0);
  now = jest.spyOn(Date, 'now').mockImplementation(() => clock);
});
afterEach(() => now.mockRestore());

function scriptedWorker(...reads: LiveConnector[][]) {
  let calls = 0;
  const client = {
    url: staging.connect.url,
    listConnectors: async () => {
      clock += READ_TAKES_MS;
      return reads[Math.min(calls++, reads.length - 1)]!;
    },
  } as unknown as ConnectClient;
  return { client, reads: () => calls };
}

async function gate(worker: ReturnType<typeof scriptedWorker>, options: WaitHealthyOptions) {
  const progress: string[] = [];
  const report = await waitHealthy(staging, { client: worker.client, pollIntervalMs: 0, onProgress: (line) => progress.push(line), ...options });
  return { report, progress, reads: worker.reads() };
}

describe('waitHealthy: healthy only after the settle period', () => {
  it('passes once every connector has stayed healthy for exactly the settle period, and not a read earlier', async () => {
    const { report, progress, reads } = await gate(scriptedWorker(healthy), { settleMs: 30_000, timeoutMs: 300_000 });
    // healthy first seen on read 1; reads 2, 3 and 4 come 10, 20 and 30 s later.
    expect(reads).toBe(4);
    expect(report.healthy).toBe(true);
    expect(report.last).toEqual({ failed: [], waiting: [], converged: true });
    expect(progress).toEqual([`all ${desired.length} connectors healthy; settling`]);
    expect(report.markdown).toBe(`### Connectors health: staging\n\n${desired.length} connectors in their wanted state for 30 s, nothing left to change.\n\n`);
  });

  it('passes on the first read when there is no settle period', async () => {
    const { report, reads } = await gate(scriptedWorker(healthy), { settleMs: 0, timeoutMs: 0 });
    expect(reads).toBe(1);
    expect(report.healthy).toBe(true);
  });

  it('is not healthy when the time is up while it still settles', async () => {
    const { report, reads } = await gate(scriptedWorker(healthy), { settleMs: 30_000, timeoutMs: 0 });
    expect(reads).toBe(1);
    expect(report.healthy).toBe(false);
    expect(report.markdown).toBe('### Connectors health: staging\n\nNot healthy:\n\n');
  });

  it('starts the settle period over when a connector stops being healthy', async () => {
    const { report, reads, progress } = await gate(scriptedWorker(healthy, healthy, noTasksYet, healthy), { settleMs: 20_000, timeoutMs: 300_000 });
    // healthy at reads 1-2, not at 3, healthy again from read 4: settled at read 6.
    expect(reads).toBe(6);
    expect(report.healthy).toBe(true);
    expect(progress).toEqual([`all ${desired.length} connectors healthy; settling`, 'waiting: cdc-orders-sink: RUNNING (tasks none), wants RUNNING', `all ${desired.length} connectors healthy; settling`]);
  });

  it('renders only the pipelines it is given', async () => {
    const payments = definePipeline({ name: 'payments', description: 'card payments', database: 'pay_db', collection: 'payments', table: 'payments', owner: 'bi' });
    const only = renderEnvironment(staging, [payments]);
    const { report } = await gate(scriptedWorker(liveFrom(only)), { pipelines: [payments], settleMs: 0, timeoutMs: 0 });
    expect(report.healthy).toBe(true);
    expect(report.markdown).toContain('2 connectors in their wanted state for 0 s');
  });
});

describe('waitHealthy: not healthy', () => {
  it('stops at the first FAILED task, without waiting for the timeout, and names it with the first line of its trace', async () => {
    const { report, reads } = await gate(scriptedWorker(failedTask, healthy), { settleMs: 0, timeoutMs: 300_000 });
    expect(reads).toBe(1);
    expect(report.healthy).toBe(false);
    const problem = 'cdc-orders-sink: task 0 FAILED: org.apache.kafka.connect.errors.ConnectException: org.postgresql.util.PSQLException: Connection to warehouse.staging.internal:5432 refused.';
    expect(report.last.failed).toEqual([problem]);
    expect(report.markdown).toBe(`### Connectors health: staging\n\nNot healthy:\n\n- ${problem}\n- cdc-orders-sink: RUNNING (tasks 0:FAILED), wants RUNNING\n`);
  });

  it('keeps waiting while a connector has no task yet, even though nothing is left to change, and gives up at the timeout', async () => {
    const { report, reads, progress } = await gate(scriptedWorker(noTasksYet), { settleMs: 0, timeoutMs: 30_000 });
    expect(report.last).toEqual({ failed: [], waiting: ['cdc-orders-sink: RUNNING (tasks none), wants RUNNING'], converged: true });
    expect(report.healthy).toBe(false);
    expect(reads).toBe(3);
    // The same state is reported once, not at every read.
    expect(progress).toEqual(['waiting: cdc-orders-sink: RUNNING (tasks none), wants RUNNING']);
    expect(report.markdown).toBe('### Connectors health: staging\n\nNot healthy:\n\n- cdc-orders-sink: RUNNING (tasks none), wants RUNNING\n');
  });

  it('keeps waiting while the live config differs from main, though every connector runs', async () => {
    const { report, progress } = await gate(scriptedWorker(batchSizeChanged), { settleMs: 0, timeoutMs: 10_000 });
    expect(report.last).toEqual({ failed: [], waiting: [], converged: false });
    expect(report.healthy).toBe(false);
    expect(progress).toEqual(['waiting: live state differs from main']);
    expect(report.markdown).toBe('### Connectors health: staging\n\nNot healthy:\n\n- the live state still differs from main (see the plan)\n');
  });

  it('reports each new state as it changes, every reason joined', async () => {
    const bothWrong = batchSizeChanged.map((connector) => (connector.name === 'cdc-orders-sink' ? { ...connector, status: { ...connector.status!, tasks: [] } } : connector));
    const { progress } = await gate(scriptedWorker(bothWrong, bothWrong, noTasksYet), { settleMs: 0, timeoutMs: 40_000 });
    expect(progress).toEqual(['waiting: cdc-orders-sink: RUNNING (tasks none), wants RUNNING; live state differs from main', 'waiting: cdc-orders-sink: RUNNING (tasks none), wants RUNNING']);
  });
});

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatStatusText } from '../../../cli/commands/local';
import { DEFAULT_PORTS, runtimeLayout } from '../../../local/options';
import { waitUntil } from '../../../connectors/connect/poll';
import { startDetached } from '../../../local/processes';
import { down, kafkaClusterId, status, up } from '../../../local/runtime';
import { emptyState, isRecordedProcessAlive, processStartMarker, readState, writeState, type RecordedProcess } from '../../../local/state';
import { generatedSecret } from '../../support/generated-secret';



/**
 * Status and down on a state dir of the test's own, with real (small) processes: no Kafka, no
 * network. A process started here stands for a service; `down` must end exactly it.
 */

let stateDir: string;
const leftovers: number[] = [];
beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdc-runtime-'));
});
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const layout = () => runtimeLayout({ stateDir, runtimeDir: path.join(stateDir, 'runtime') });

function record(processes: ReturnType<typeof emptyState>['processes']): void {
  writeState(layout().stateFile, { ...emptyState(DEFAULT_PORTS, path.join(stateDir, 'runtime')), processes });
}

/** A process that lives until signalled; `ignoreTerm` makes it ignore SIGTERM (a hung service). */
async function longRunning(logFile: string, ignoreTerm = false): Promise<RecordedProcess> {
  // The readiness line is assembled at run time: the log's header line repeats the command itself.
  const script = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} console.log(['service', 'up'].join(' ')); setInterval(() => {}, 1000);`;
  const recorded = await startDetached({ command: process.execPath, args: ['-e', script], logFile });
  leftovers.push(recorded.pid);
  if (!(await waitUntil(() => fs.readFileSync(logFile, 'utf8').includes('service up'), 10_000, 20))) throw new Error(`the test process did not start: ${logFile}`);
  return recorded;
}

async function deadRecord(logFile: string): Promise<RecordedProcess> {
  const child = spawn(process.execPath, ['-e', 'console.error("fatal: out of disk"); process.exit(3)'], { stdio: ['ignore', fs.openSync(logFile, 'a'), fs.openSync(logFile, 'a')] });
  const startMarker = processStartMarker(child.pid as number) ?? 'unknown';
  await new Promise((resolve) => child.once('exit', resolve));
  return { pid: child.pid as number, startMarker, startedAt: '', stopSignal: 'SIGTERM' };
}

describe('status', () => {
  it('says stopped for every service of a state dir never brought up', () => {
    const result = status({ stateDir });
    expect(result.services.kafka.state).toBe('stopped');
    expect(result.services.connect.state).toBe('stopped');
    expect(result.services.warehouse.state).toBe('stopped');
  });

  it('gives where each service listens, from the recorded ports', () => {
    writeState(layout().stateFile, { ...emptyState({ ...DEFAULT_PORTS, kafka: 19999, connect: 18888 }, '/r'), processes: {} });
    const result = status({ stateDir });
    expect(result.services.kafka.url).toBe('127.0.0.1:19999');
    expect(result.services.connect.url).toBe('http://127.0.0.1:18888');
    expect(result.services.connect.metricsUrl).toBe(`http://127.0.0.1:${DEFAULT_PORTS.connectJmx}/metrics`);
  });

  it('reports a running service with its pid', async () => {
    const kafka = await longRunning(layout().logFile('kafka'));
    record({ kafka });
    expect(status({ stateDir }).services.kafka).toMatchObject({ state: 'running', pid: kafka.pid });
  });

  it('reports a recorded process that is gone as crashed, with the tail of its log', async () => {
    fs.mkdirSync(layout().logsDir, { recursive: true });
    record({ connect: await deadRecord(layout().logFile('connect')) });
    const connect = status({ stateDir }).services.connect;
    expect(connect.state).toBe('crashed');
    expect(connect.logTail).toContain('fatal: out of disk');
  });

  it('shows the crashed log tail in text, and masks the warehouse password there', async () => {
    fs.mkdirSync(layout().logsDir, { recursive: true });
    record({ connect: await deadRecord(layout().logFile('connect')) });
    const result = status({ stateDir });
    const password = generatedSecret('password');
    const text = formatStatusText({
      ...result,
      services: { ...result.services, warehouse: { state: 'running', url: `postgres://cdc:${password}@127.0.0.1:5433/warehouse`, logFile: 'w.log' } },
    });
    expect(text).toMatch(/connect\s+\S*crashed/);
    expect(text).toContain('| fatal: out of disk');
    expect(text).toContain('postgres://cdc:****@127.0.0.1:5433/warehouse');
    expect(text).not.toContain(password);
  });

  it('says not-installed for Prometheus when its binary is absent', () => {
    const saved = process.env.PROMETHEUS_BIN;
    process.env.PROMETHEUS_BIN = path.join(stateDir, 'no-such-prometheus');
    try {
      expect(status({ stateDir }).services.prometheus.state).toBe('not-installed');
    } finally {
      if (saved === undefined) delete process.env.PROMETHEUS_BIN;
      else process.env.PROMETHEUS_BIN = saved;
    }
  });
});

describe('exactly-once source level', () => {
  it("is the local environment's (enabled) when nothing was asked or recorded, and shows on the running worker's status line", async () => {
    expect(status({ stateDir }).exactlyOnceSource).toBe('enabled');
    expect(status({ stateDir, exactlyOnceSource: 'preparing' }).exactlyOnceSource).toBe('preparing');
    const connect = await longRunning(layout().logFile('connect'));
    writeState(layout().stateFile, { ...emptyState(DEFAULT_PORTS, path.join(stateDir, 'runtime')), exactlyOnceSource: 'preparing', processes: { connect } });
    expect(status({ stateDir }).exactlyOnceSource).toBe('preparing');
    expect(formatStatusText(status({ stateDir }))).toMatch(/connect .*running .*exactly\.once\.source\.support=preparing/);
    expect(formatStatusText(status({ stateDir }))).not.toMatch(/kafka .*exactly/);
  });

  it('cannot change under a running worker: up names both levels and says to go down first, before starting anything', async () => {
    const connect = await longRunning(layout().logFile('connect'));
    writeState(layout().stateFile, { ...emptyState(DEFAULT_PORTS, path.join(stateDir, 'runtime')), exactlyOnceSource: 'preparing', processes: { connect } });
    const asked = up({ stateDir, exactlyOnceSource: 'enabled', services: ['connect'] });
    await expect(asked).rejects.toThrow(/asked for enabled, but the running Connect worker in .* has preparing/);
    await expect(asked).rejects.toMatchObject({ suggestion: 'cdcctl local down first to change it' });
    // A state file from before the level was recorded: the worker runs at the local environment's.
    writeState(layout().stateFile, { ...emptyState(DEFAULT_PORTS, path.join(stateDir, 'runtime')), processes: { connect } });
    await expect(up({ stateDir, exactlyOnceSource: 'preparing', services: ['connect'] })).rejects.toThrow(/asked for preparing, but the running Connect worker in .* has enabled/);
    expect(readState(layout().stateFile)!.processes.connect!.pid).toBe(connect.pid);
  });
});

describe('down', () => {
  it('stops the recorded processes and forgets them', async () => {
    const kafka = await longRunning(layout().logFile('kafka'));
    const connect = await longRunning(layout().logFile('connect'));
    record({ kafka, connect });
    const results = await down({ stateDir });
    expect(results.map(({ service, result }) => [service, result])).toEqual([
      ['connect', 'stopped'],
      ['kafka', 'stopped'],
    ]);
    expect(isRecordedProcessAlive(kafka)).toBe(false);
    expect(isRecordedProcessAlive(connect)).toBe(false);
    expect(readState(layout().stateFile)?.processes).toEqual({});
  });

  it('kills a process that ignores the polite signal once the timeout passed', async () => {
    const connect = await longRunning(layout().logFile('connect'), true);
    record({ connect });
    const [result] = await down({ stateDir, stopTimeoutMs: 300 });
    expect(result).toMatchObject({ service: 'connect', result: 'killed' });
    expect(isRecordedProcessAlive(connect)).toBe(false);
  });

  it('never signals a pid that now belongs to another process', async () => {
    const stranger = await longRunning(path.join(stateDir, 'stranger.log'));
    record({ kafka: { ...stranger, startMarker: `${stranger.startMarker}0` } });
    const [result] = await down({ stateDir });
    expect(result).toMatchObject({ service: 'kafka', result: 'already-gone' });
    expect(isRecordedProcessAlive(stranger)).toBe(true);
  });

  it('with purgeData also deletes the data once the processes are gone, and keeps the logs', async () => {
    const kafka = await longRunning(layout().logFile('kafka'));
    record({ kafka });
    fs.mkdirSync(layout().kafkaDataDir, { recursive: true });
    fs.writeFileSync(path.join(layout().kafkaDataDir, 'meta.properties'), 'cluster.id=x\n');
    await down({ stateDir }, { purgeData: true });
    expect(isRecordedProcessAlive(kafka)).toBe(false);
    expect(fs.existsSync(layout().dataDir)).toBe(false);
    expect(fs.existsSync(layout().logFile('kafka'))).toBe(true);
  });

  it('does nothing when nothing was recorded, and writes no state file (npm stop before any npm start)', async () => {
    await expect(down({ stateDir })).resolves.toEqual([]);
    expect(fs.existsSync(layout().stateFile)).toBe(false);
    expect(readState(layout().stateFile)).toBeUndefined();
  });

  it('leaves the state file as it was when no recorded process remains', async () => {
    record({});
    const before = fs.readFileSync(layout().stateFile, 'utf8');
    await expect(down({ stateDir })).resolves.toEqual([]);
    expect(fs.readFileSync(layout().stateFile, 'utf8')).toBe(before);
  });
});

describe('kafkaClusterId', () => {
  it('is a 16-byte id in base64url (22 characters) that cannot be read as a flag', () => {
    for (let index = 0; index < 200; index += 1) {
      const id = kafkaClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});

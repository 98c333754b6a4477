import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startScriptedServer, type ScriptedServer } from '../../support/scripted-http-server';
import { runCdcctl } from './run-cdcctl';

const SINK = 'cdc-orders-sink';
const CONFIG = { 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', topics: 'cdc.shop.orders' };
const partition = { kafka_topic: 'cdc.shop.orders', kafka_partition: 0 };
// A stopped connector has no tasks.
const status = (state: string) => ({ name: SINK, connector: { state }, tasks: state === 'STOPPED' ? [] : [{ id: 0, state }], type: 'sink' });

describe('cdcctl connectors offsets restore --output json', () => {
  let worker: ScriptedServer;
  let snapshotFile: string;

  beforeEach(async () => {
    worker = await startScriptedServer();
    worker.script('GET /', { status: 200, body: { version: '3.9.1' } });
    worker.script('GET /connectors?expand=info&expand=status', { status: 200, body: { [SINK]: { info: { name: SINK, config: CONFIG, tasks: [], type: 'sink' }, status: status('RUNNING') } } });
    snapshotFile = path.join(mkdtempSync(path.join(tmpdir(), 'cdcctl-offsets-')), 'snapshot.json');
    const snapshot = { takenAt: '2026-11-01T10:00:00.000Z', worker: worker.url, connectors: { [SINK]: { config: CONFIG, offsets: [{ partition, offset: { kafka_offset: 42 } }] } } };
    writeFileSync(snapshotFile, JSON.stringify(snapshot));
  });
  afterEach(() => worker.close());

  const restore = (...flags: string[]) => runCdcctl(['connectors', 'offsets', 'restore', snapshotFile, '--env', 'local', '--connect-url', worker.url, ...flags]);

  it('a dry run says what it would restore as JSON, and changes nothing', async () => {
    const result = await restore('--dry-run', '--output', 'json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      file: snapshotFile,
      takenAt: '2026-11-01T10:00:00.000Z',
      dryRun: true,
      targets: [{ connector: SINK, kind: 'sink', liveState: 'RUNNING', offsets: [{ partition, offset: { kafka_offset: 42 } }] }],
    });
    expect(worker.requests.map((request) => request.method)).toEqual(['GET', 'GET']);
  });

  it('a restore reports each partition with its offset before and after as JSON, progress on stderr', async () => {
    worker.script(`GET /connectors/${SINK}/offsets`, { status: 200, body: { offsets: [{ partition, offset: { kafka_offset: 90 } }] } }, { status: 200, body: { offsets: [{ partition, offset: { kafka_offset: 42 } }] } });
    worker.script(`PUT /connectors/${SINK}/stop`, { status: 202 });
    worker.script(`PATCH /connectors/${SINK}/offsets`, { status: 200, body: { message: 'The offsets for this connector have been altered successfully' } });
    worker.script(`PUT /connectors/${SINK}/resume`, { status: 202 });
    worker.script(`GET /connectors/${SINK}/status`, { status: 200, body: status('STOPPED') }, { status: 200, body: status('RUNNING') });
    const result = await restore('--output', 'json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      file: snapshotFile,
      takenAt: '2026-11-01T10:00:00.000Z',
      dryRun: false,
      restored: [{ connector: SINK, kind: 'sink', finalState: 'RUNNING', offsets: [{ partition, offset: { kafka_offset: 42 }, was: { kafka_offset: 90 }, inSnapshot: true }] }],
    });
    expect(result.stderr).toContain(`${SINK}: stopping`);
  });

  it('keeps text the default', async () => {
    const result = await restore('--dry-run');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`would restore ${SINK} (sink, now RUNNING):`);
    expect(result.stdout).toContain('kafka_topic=cdc.shop.orders kafka_partition=0: 42');
  });
});

describe('cdcctl connectors offsets export', () => {
  let worker: ScriptedServer;
  let dir: string;
  beforeEach(async () => {
    worker = await startScriptedServer();
    dir = mkdtempSync(path.join(tmpdir(), 'cdcctl-offsets-'));
  });
  afterEach(() => worker.close());

  const exportTo = (...flags: string[]) => {
    worker.script('GET /connectors?expand=info&expand=status', { status: 200, body: { [SINK]: { info: { name: SINK, config: CONFIG, tasks: [], type: 'sink' }, status: status('RUNNING') } } });
    worker.script(`GET /connectors/${SINK}/offsets`, { status: 200, body: { offsets: [{ partition, offset: { kafka_offset: 42 } }] } });
    return runCdcctl(['connectors', 'offsets', 'export', '--env', 'local', '--connect-url', worker.url, ...flags]);
  };
  const snapshotIn = (file: string) => JSON.parse(readFileSync(file, 'utf8')).connectors[SINK].offsets;

  it('writes the snapshot to --file, a file as the flag says', async () => {
    const file = path.join(dir, 'nested', 'offsets.json');
    const result = await exportTo('--file', file);
    expect(result.code).toBe(0);
    expect(snapshotIn(file)).toEqual([{ partition, offset: { kafka_offset: 42 } }]);
    expect(result.stderr).not.toContain('deprecated');
  });

  it('still takes the old --out, with a one-line warning on stderr', async () => {
    const file = path.join(dir, 'offsets.json');
    const result = await exportTo('--out', file);
    expect(result.code).toBe(0);
    expect(snapshotIn(file)).toEqual([{ partition, offset: { kafka_offset: 42 } }]);
    expect(result.stderr.split('\n').filter((line) => line.includes('deprecated'))).toEqual(['warning: offsets export --out is deprecated (--out names a folder elsewhere): use --file']);
    expect(result.stdout).toBe('');
  });

  it('refuses no file at all, and --file and --out naming different files, before asking the worker', async () => {
    expect(await runCdcctl(['connectors', 'offsets', 'export', '--env', 'local', '--connect-url', worker.url])).toMatchObject({ code: 1, stderr: expect.stringContaining("required option '--file <file>' not specified") });
    const both = await runCdcctl(['connectors', 'offsets', 'export', '--env', 'local', '--connect-url', worker.url, '--file', path.join(dir, 'a.json'), '--out', path.join(dir, 'b.json')]);
    expect(both).toMatchObject({ code: 1, stderr: expect.stringContaining('--file and the deprecated --out name different files') });
    expect(worker.requests).toEqual([]);
  });

  it('lists --file in its help, not --out', async () => {
    const help = await runCdcctl(['connectors', 'offsets', 'export', '--help']);
    expect(help.stdout).toContain('--file <file>');
    expect(help.stdout).not.toContain('--out');
  });
});

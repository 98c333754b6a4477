import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEnvironment } from '../../../config';
import { CONNECTOR_MODULES } from '../../../connectors/catalog/generate';
import { renderEnvironment } from '../../../connectors/render';
import { generatedSecret } from '../../support/generated-secret';
import { startScriptedServer, type ScriptedServer } from '../../support/scripted-http-server';
import { runCdcctl } from './run-cdcctl';

const LEAKED = generatedSecret('password');

const ROOT = path.resolve(__dirname, '../../..');

function cdcctl(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/cdcctl'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CDCCTL_RETRIES: '0', ...env },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cdcctl connectors (no worker needed)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cdcctl-'));

  it('render writes one {name, config} file per connector', () => {
    const out = path.join(dir, 'rendered');
    const result = cdcctl(['connectors', 'render', '--env', 'staging', '--out', out]);
    expect(result.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['cdc-app-db-source.json', 'cdc-customers-sink.json', 'cdc-orders-sink.json']);
    expect(Object.keys(JSON.parse(readFileSync(path.join(out, files[0]!), 'utf8')))).toEqual(['name', 'config']);
  });

  it('validate accepts rendered files and exits 0', () => {
    const result = cdcctl(['connectors', 'validate', path.join(dir, 'rendered')]);
    expect(result.code).toBe(0);
  });

  it('validate lists every error as connector: field: problem (got value), masks secrets, exits 1', () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        name: 'hand-written',
        config: { 'connector.class': 'io.debezium.connector.mongodb.MongoDbConnector', 'mongodb.hosts': 'rs0/h:27017', 'mongodb.connection.string': `mongodb://u:${LEAKED}@h`, 'topic.prefix': 'cdc' },
      }),
    );
    const result = cdcctl(['connectors', 'validate', bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('hand-written: mongodb.hosts: is no longer supported by the Debezium MongoDB source connector: use mongodb.connection.string');
    expect(result.stdout).toContain('hand-written: mongodb.connection.string: carries a credential');
    expect(result.stdout + result.stderr).not.toContain(LEAKED);
  });

  it('validate warns of a misspelt key with the key it probably means, and still exits 0', () => {
    const typo = path.join(dir, 'typo.json');
    const rendered = readdirSync(path.join(dir, 'rendered')).find((file) => file.includes('sink'))!;
    const body = JSON.parse(readFileSync(path.join(dir, 'rendered', rendered), 'utf8'));
    writeFileSync(typo, JSON.stringify({ ...body, config: { ...body.config, 'delete.enable': 'true' } }));
    const result = cdcctl(['connectors', 'validate', typo]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`warning: ${body.name}: delete.enable: is not a key the Debezium JDBC sink connector knows: did you mean "delete.enabled"?`);
  });

  it('validate rejects an unknown class unless --allow-unknown-class', () => {
    const custom = path.join(dir, 'custom.json');
    writeFileSync(custom, JSON.stringify({ name: 'c', config: { 'connector.class': 'com.example.Custom' } }));
    expect(cdcctl(['connectors', 'validate', custom]).code).toBe(1);
    expect(cdcctl(['connectors', 'validate', custom, '--allow-unknown-class']).code).toBe(0);
  });

  it('validate reports a file that is not JSON', () => {
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"name": ');
    const result = cdcctl(['connectors', 'validate', broken]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('broken.json: (file): not valid JSON');
  });

  it('plan against an unreachable worker prints one line naming the URL and exits 1, no stack trace', () => {
    const result = cdcctl(['connectors', 'plan', '--env', 'local', '--connect-url', 'http://127.0.0.1:1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: GET http:\/\/127\.0\.0\.1:1\/connectors\?expand=info&expand=status: cannot reach the worker \(ECONNREFUSED\)\n {2}hint: /);
    expect(result.stderr).not.toContain('    at ');
  });

  it('--debug adds the stack trace', () => {
    const result = cdcctl(['connectors', 'plan', '--env', 'local', '--connect-url', 'http://127.0.0.1:1', '--debug']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('    at ');
  });

  it('rejects an unknown environment and an unknown output format', () => {
    const unknown = cdcctl(['connectors', 'plan', '--env', 'prod']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown environment "prod"');
    const format = cdcctl(['connectors', 'plan', '--env', 'local', '--output', 'yaml']);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('--output must be one of text, json, markdown (got yaml)');
  });

  it('names a missing credential variable before sending anything', () => {
    const result = cdcctl(['connectors', 'plan', '--env', 'staging'], { CONNECT_USERNAME: '', CONNECT_PASSWORD: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('needs the environment variable CONNECT_USERNAME');
  });
});

describe('cdcctl connectors catalog generate --check', () => {
  let worker: ScriptedServer;
  const plugins = Object.keys(CONNECTOR_MODULES).map((pluginClass) => ({ class: pluginClass, type: pluginClass.includes('Sink') ? 'sink' : 'source', version: '1.0' }));

  beforeAll(async () => {
    // Every class's config definition: none. The plugin list is scripted per request.
    worker = await startScriptedServer({ status: 200, body: [] });
  });
  afterAll(() => worker.close());

  const generate = (out: string, ...flags: string[]) => {
    worker.script('GET /connector-plugins?connectorsOnly=false', { status: 200, body: plugins });
    return runCdcctl(['connectors', 'catalog', 'generate', '--connect-url', worker.url, '--out', out, ...flags]);
  };

  it('exits 0 when the files match the worker, 2 (not 1) naming the file that differs, and writes nothing', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'cdcctl-catalog-'));
    expect((await generate(out)).code).toBe(0);
    expect(await generate(out, '--check')).toMatchObject({ code: 0, stderr: expect.stringContaining('9 generated files match the worker') });

    const tampered = path.join(out, 'debezium-jdbc-sink.ts');
    writeFileSync(tampered, '// edited by hand\n');
    const check = await generate(out, '--check');
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('1 generated file differs from what the worker reports');
    expect(check.stderr).toContain('debezium-jdbc-sink.ts');
    expect(check.stderr).not.toContain('error');
    expect(readFileSync(tampered, 'utf8')).toBe('// edited by hand\n');
  });

  it('still exits 1 when the worker cannot be asked', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'cdcctl-catalog-'));
    process.env.CDCCTL_RETRIES = '0';
    const result = await runCdcctl(['connectors', 'catalog', 'generate', '--connect-url', 'http://127.0.0.1:1', '--out', out, '--check']).finally(() => delete process.env.CDCCTL_RETRIES);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*cannot reach the worker/m);
  });
});

describe('cdcctl connectors apply --output json', () => {
  let worker: ScriptedServer;
  const local = renderEnvironment(loadEnvironment('local'));
  const running = Object.fromEntries(local.map((connector) => [connector.name, { status: { name: connector.name, connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }], type: 'sink' } }]));

  beforeEach(async () => {
    worker = await startScriptedServer();
    worker.script('GET /connectors?expand=info&expand=status', { status: 200, body: {} });
  });
  afterEach(() => worker.close());

  const apply = (...flags: string[]) => runCdcctl(['connectors', 'apply', '--env', 'local', '--connect-url', worker.url, '--concurrency', '1', ...flags]);

  it('prints the plan it carried out and what it applied as one JSON document on stdout, progress on stderr', async () => {
    worker.script('POST /connectors', ...local.map(() => ({ status: 201, body: {} })));
    worker.script('GET /connectors?expand=status', { status: 200, body: running });
    const result = await apply('--output', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toBe(`${local.length} to create`);
    expect(report.changes.map((change: { action: string }) => change.action)).toEqual(local.map(() => 'create'));
    expect(report.applied).toEqual(local.map((connector) => ({ connector: connector.name, action: 'create' })));
    expect(report).toMatchObject({ notApplied: [], restarted: [] });
    expect(report).not.toHaveProperty('error');
    expect(result.stderr).toContain(`create ${local[0]!.name}`);
  });

  it('on a refused change still prints valid JSON, with what was not applied and the error, and exits 1', async () => {
    worker.script('POST /connectors', { status: 400, body: { error_code: 400, message: 'Connector configuration is invalid' } });
    const result = await apply('--output', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.applied).toEqual([]);
    expect(report.notApplied).toEqual(local.map((connector) => ({ connector: connector.name, action: 'create' })));
    expect(report.error).toContain('Connector configuration is invalid');
    expect(result.stderr).toMatch(/^error: .*Connector configuration is invalid/m);
  });

  it('keeps text the default', async () => {
    worker.script('POST /connectors', ...local.map(() => ({ status: 201, body: {} })));
    worker.script('GET /connectors?expand=status', { status: 200, body: running });
    const result = await apply();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Applied: ${local.length} to create.`);
    expect(() => JSON.parse(result.stdout)).toThrow();
  });

  it('refuses an unknown format before touching the worker', async () => {
    const result = await apply('--output', 'yaml');
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('--output must be one of text, json (got yaml)') });
    expect(worker.requests).toEqual([]);
  });
});

describe('cdcctl connectors status', () => {
  let worker: ScriptedServer;
  const TRACE = 'org.apache.kafka.connect.errors.ConnectException: task failed\nCaused by: org.postgresql.util.PSQLException: relation "no_such_table" does not exist';
  const live = {
    'cdc-orders-sink': { status: { name: 'cdc-orders-sink', connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }, { id: 1, state: 'RUNNING' }] } },
    'cdc-a': { status: { name: 'cdc-a', connector: { state: 'UNASSIGNED' }, tasks: [] } },
    'cdc-customers-sink-with-a-long-name': { status: { name: 'cdc-customers-sink-with-a-long-name', connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'FAILED', trace: TRACE }] } },
    'other-team-connector': { status: { name: 'other-team-connector', connector: { state: 'RUNNING' }, tasks: [] } },
  };
  beforeEach(async () => {
    worker = await startScriptedServer();
  });
  afterEach(() => worker.close());

  const status = (body: unknown, ...args: string[]) => {
    worker.script('GET /connectors?expand=info&expand=status', { status: 200, body });
    return runCdcctl(['connectors', 'status', '--env', 'local', '--connect-url', worker.url, ...args]);
  };
  const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

  it('lines up its columns under a header, padded to the widest value of each, whatever the names and states', async () => {
    const result = await status(live);
    expect(result.code).toBe(0);
    const lines = plain(result.stdout).trimEnd().split('\n');
    const rows = lines.filter((line) => !line.startsWith(' '));
    expect(rows.map((row) => row.split(/ {2,}/))).toEqual([
      ['NAME', 'STATE', 'TASKS'],
      ['cdc-a', 'UNASSIGNED', '-'],
      ['cdc-customers-sink-with-a-long-name', 'RUNNING', '0:FAILED'],
      ['cdc-orders-sink', 'RUNNING', '0:RUNNING 1:RUNNING'],
    ]);
    for (const column of ['STATE', 'TASKS']) {
      const start = rows[0]!.indexOf(column);
      expect(start).toBe('cdc-customers-sink-with-a-long-name'.length + 2 + (column === 'TASKS' ? 'UNASSIGNED'.length + 2 : 0));
      for (const row of rows.slice(1)) expect(row[start - 1]).toBe(' ');
      for (const row of rows.slice(1)) expect(row[start]).not.toBe(' ');
    }
    expect(lines).toContain('    cdc-customers-sink-with-a-long-name: task 0 FAILED: org.postgresql.util.PSQLException: relation "no_such_table" does not exist');
    expect(result.stdout).not.toContain('other-team-connector');
  });

  it('shows a name from the worker as text, escape sequences and all, instead of obeying them', async () => {
    const name = 'cdc-evil\u001b[2J';
    const result = await status({ [name]: { status: { name, connector: { state: 'RUNNING' }, tasks: [] } } });
    expect(result.stdout).not.toContain('\u001b[2J');
    expect(result.stdout).toContain('cdc-evil\\u001b[2J');
  });

  it('says on stderr that there is no managed connector, and prints no table', async () => {
    const result = await status({});
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toContain('no managed connector (named cdc-…)');
  });
});

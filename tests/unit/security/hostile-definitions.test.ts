import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reportError } from '../../../cli/support';
import { loadEnvironment } from '../../../config';
import { MAX_JSON_DEPTH, parseBoundedJson } from '../../../connectors/connect/bounded-json';
import { clientFor } from '../../../connectors/connect/environment-client';
import { sendableToWorker } from '../../../connectors/connect/remote-validation';
import { renderEnvironment, toConnectJson } from '../../../connectors/render';
import { formatIssue, validateConnectorJson } from '../../../connectors/validate';
import { generatedSecret } from '../../support/generated-secret';
import { startScriptedServer, type ScriptedServer } from '../../support/scripted-http-server';

/**
 * Connector definitions and snapshot files written by someone else: nested past any stack, values of
 * any size, names that try to write lines of their own, literal credentials a remote check would
 * have sent on; and the worker URL that would have carried credentials in clear.
 */

const ROOT = path.resolve(__dirname, '../../..');
const workdir = mkdtempSync(path.join(tmpdir(), 'hostile-definitions-'));

function run(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/cdcctl'), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', CDCCTL_RETRIES: '0', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function folderOf(name: string, files: Readonly<Record<string, string>>): string {
  const folder = path.join(workdir, name);
  mkdirSync(folder);
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(folder, file), content);
  return folder;
}

const rendered = renderEnvironment(loadEnvironment('staging'));
const sink = JSON.parse(toConnectJson(rendered.find((connector) => connector.role === 'sink')!)) as { name: string; config: Record<string, string> };
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('JSON nested deeper than any stack', () => {
  it(`is refused beyond ${MAX_JSON_DEPTH} levels, saying where, before anything recurses into it`, () => {
    expect(() => parseBoundedJson(nested(100_000))).toThrow(`nested deeper than ${MAX_JSON_DEPTH} levels (at line 1, column ${MAX_JSON_DEPTH + 1}): refused`);
    expect(parseBoundedJson(nested(MAX_JSON_DEPTH))).toHaveLength(1);
    expect(parseBoundedJson(JSON.stringify({ brackets: '[[[[{{{{'.repeat(100), escaped: '\\"[' }))).toEqual({ brackets: '[[[[{{{{'.repeat(100), escaped: '\\"[' });
  });

  it('validate reports the deep file by name and still reports every other file', async () => {
    const folder = folderOf('deep', {
      'a-deep-value.json': `{"name": "deep", "config": {"connector.class": "x", "topics": ${nested(100_000)}}}`,
      'b-fine.json': JSON.stringify(sink),
      'c-deep-root.json': nested(100_000),
      'd-broken.json': JSON.stringify({ ...sink, name: 'broken', config: { ...sink.config, 'tasks.max': 'many' } }),
    });
    const result = await run(['connectors', 'validate', folder]);
    expect(result.code).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain('Maximum call stack');
    expect(result.stdout).toContain(`${path.join(folder, 'a-deep-value.json')}: (file): not valid JSON: nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(result.stdout).toContain(`${path.join(folder, 'c-deep-root.json')}: (file): not valid JSON: nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(result.stdout).toContain('broken: tasks.max:');
    expect(result.stderr).toContain('problems in 4 connector definitions');
  }, 30_000);

  it('offsets restore refuses a deep snapshot, naming the file', async () => {
    const file = path.join(workdir, 'deep-snapshot.json');
    writeFileSync(file, `{"takenAt": "2030-01-01T00:00:00Z", "worker": "http://w", "connectors": {"c": {"config": {}, "offsets": ${nested(100_000)}}}}`);
    const result = await run(['connectors', 'offsets', 'restore', file, '--env', 'local', '--connect-url', 'http://127.0.0.1:1', '--dry-run']);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('Maximum call stack');
    expect(result.stderr).toContain(`${file}: cannot read the snapshot: nested deeper than ${MAX_JSON_DEPTH} levels`);
  }, 30_000);
});

describe('values and names echoed: capped and escaped', () => {
  it('a 50 MB bad value is shown as its first characters and how much was left out', () => {
    const huge = 'x'.repeat(50 * 1024 * 1024);
    const started = Date.now();
    const lines = validateConnectorJson({ ...sink, config: { ...sink.config, 'tasks.max': huge } }).map(formatIssue);
    expect(Date.now() - started).toBeLessThan(20_000);
    const line = lines.find((candidate) => candidate.includes('tasks.max'))!;
    expect(line.length).toBeLessThan(1_000);
    expect(line).toContain(`more characters not shown`);
  }, 60_000);

  it('names and values holding newlines, escape sequences or NUL stay on their line, shown', async () => {
    const folder = folderOf('names', {
      'newline.json': JSON.stringify({ ...sink, name: 'a\nerror: forged line' }),
      'escape.json': JSON.stringify({ ...sink, name: 'b\u001b[2J\u001b]0;title\u0007' }),
      'nul.json': JSON.stringify({ ...sink, name: 'c\u0000d', config: { ...sink.config, 'tasks.max': 'x\r\nerror: forged value' } }),
    });
    const result = await run(['connectors', 'validate', folder]);
    expect(result.code).toBe(1);
    const output = `${result.stdout}${result.stderr}`;
    expect(output.split('\n').filter((line) => line.startsWith('error: forged'))).toEqual([]);
    expect(output).not.toMatch(/[\u0000\u0007\u001b\r]/);
    expect(result.stdout).toContain('a\\nerror: forged line: name: must not contain control characters');
    expect(result.stdout).toContain('b\\u001b[2J\\u001b]0;title\\u0007: name:');
    expect(result.stdout).toContain('c\\u0000d: name:');
  }, 30_000);

  it('an error message: each line escaped and capped, later lines indented under the first', () => {
    let printed = '';
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stderr.write;
    try {
      reportError(new Error(`a\u001b[31m\u0000${'y'.repeat(10_000)}\nerror: forged line`));
    } finally {
      process.stderr.write = write;
    }
    expect(printed).not.toMatch(/[\u0000\u001b]/);
    expect(printed.split('\n').filter((line) => line.startsWith('error: forged'))).toEqual([]);
    expect(printed).toContain('\n  error: forged line\n');
    expect(printed.length).toBeLessThan(2_500);
  });
});

describe('validate --remote', () => {
  const secret = generatedSecret('password');
  let worker: ScriptedServer;
  beforeEach(async () => {
    worker = await startScriptedServer();
  });
  afterEach(() => worker.close());

  const withLiteral = { ...sink, name: 'cdc-with-literal', config: { ...sink.config, 'connection.password': secret } };
  const validateRoute = `PUT /connector-plugins/${sink.config['connector.class']}/config/validate`;

  it('sends only the definitions the local check passed: a refused one may hold the literal it was refused for', async () => {
    expect(sendableToWorker([{ origin: 'a', json: sink, issues: [] }, { origin: 'b', json: withLiteral, issues: validateConnectorJson(withLiteral) }]).map((body) => body.origin)).toEqual(['a']);
    worker.script(validateRoute, { status: 200, body: { name: sink.config['connector.class'], error_count: 0, configs: [] } });
    const folder = folderOf('remote', { 'fine.json': JSON.stringify(sink), 'literal.json': JSON.stringify(withLiteral) });
    const result = await run(['connectors', 'validate', folder, '--remote', '--env', 'local', '--connect-url', worker.url]);
    expect(result.code).toBe(1);
    expect(worker.requests.map((request) => `${request.method} ${request.path}`)).toEqual([validateRoute]);
    expect(worker.requests.map((request) => JSON.parse(request.body).name)).toEqual([sink.name]);
    expect(worker.requests.some((request) => request.body.includes(secret))).toBe(false);
    expect(result.stdout).toContain('cdc-with-literal: connection.password: carries a credential');
    expect(result.stderr).toContain('1 definition with local errors not sent to the worker');
  }, 30_000);

  it('prints the local problems first, even when the worker cannot be asked', async () => {
    const down = { status: 500, body: { error_code: 500, message: 'worker down' } };
    worker.script(validateRoute, down, down);
    const folder = folderOf('remote-down', { 'fine.json': JSON.stringify(sink), 'literal.json': JSON.stringify(withLiteral) });
    for (const output of ['text', 'json']) {
      const result = await run(['connectors', 'validate', folder, '--remote', '--env', 'local', '--connect-url', worker.url, '--output', output]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('cdc-with-literal');
      expect(result.stdout).toContain('connection.password');
      expect(result.stderr).toContain('worker down');
    }
  }, 30_000);
});

describe("the worker URL carries the environment's credentials only over TLS, and nothing else", () => {
  const credentials = { CONNECT_USERNAME: 'planner', CONNECT_PASSWORD: generatedSecret('password') };

  it('refuses plain http to another machine when the environment sends credentials', () => {
    expect(() => clientFor(loadEnvironment('staging', { connectUrl: 'http://kafka-connect.cdc-platform.svc.cluster.local:8083' }), undefined, credentials)).toThrow(
      'Kafka Connect URL: must be https: credentials would cross the network in clear (got http://kafka-connect.cdc-platform.svc.cluster.local:8083; plain http is accepted for this machine only)',
    );
    expect(clientFor(loadEnvironment('staging', { connectUrl: 'http://127.0.0.1:8083' }), undefined, credentials).url).toBe('http://127.0.0.1:8083');
    expect(clientFor(loadEnvironment('local', { connectUrl: 'http://connect.example.net:8083' })).url).toBe('http://connect.example.net:8083');
  });

  it('refuses a query or a fragment without repeating it', () => {
    const token = generatedSecret('token');
    for (const connectUrl of [`https://connect.example.net/?token=${token}`, `https://connect.example.net/#${token}`]) {
      const create = () => clientFor(loadEnvironment('staging', { connectUrl }), undefined, credentials);
      expect(create).toThrow(/must not carry a query or a fragment/);
      expect(create).not.toThrow(token);
    }
  });

  it("staging and production name their workers' https URL", () => {
    for (const name of ['staging', 'production']) expect(new URL(loadEnvironment(name).connect.url).protocol).toBe('https:');
  });
});

describe('what restore prints from a snapshot file', () => {
  it('shows the worker the snapshot names as outside text', async () => {
    const file = path.join(workdir, 'hostile-snapshot.json');
    writeFileSync(file, JSON.stringify({ takenAt: '2030-01-01T00:00:00Z', worker: `http://w\u001b[2J/?password=${generatedSecret('p')}`, connectors: {} }));
    const result = await run(['connectors', 'offsets', 'restore', file, '--env', 'local', '--connect-url', 'http://127.0.0.1:1', '--dry-run']);
    expect(result.stderr).not.toMatch(/\u001b/);
    expect(result.stderr).toContain('the snapshot was taken on http://w\\u001b[2J/?password=****');
    expect(readFileSync(file, 'utf8')).toContain('password=');
  }, 30_000);
});

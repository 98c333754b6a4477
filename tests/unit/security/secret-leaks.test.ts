import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatStatusJson, formatStatusText } from '../../../cli/commands/local';
import { reportError } from '../../../cli/support';
import { loadEnvironment } from '../../../config';
import { maskCredentials, maskUrlPassword } from '../../../config/secrets';
import type { ConnectClient, LiveConnector } from '../../../connectors/connect/client';
import { formatPlanJson, formatPlanMarkdown, formatPlanText } from '../../../connectors/connect/format-plan';
import { serializeOffsetsSnapshot } from '../../../connectors/connect/offsets-snapshot';
import { diff } from '../../../connectors/connect/plan';
import { renderEnvironment } from '../../../connectors/render';
import { formatIssue, validateConnectorJson } from '../../../connectors/validate';
import { planEnvironment } from '../../../gitops/connectors-plan';
import { writeOutputFile } from '../../../gitops/outputs';
import type { RuntimeStatus, ServiceStatus } from '../../../local/runtime';
import { DEFAULT_PORTS } from '../../../local/options';
import { generatedSecret } from '../../support/generated-secret';
import { startScriptedServer, type ScriptedServer } from '../../support/scripted-http-server';

/**
 * One generated secret, planted in every form a credential takes in a URL or a connector config,
 * sent down every path that prints or stores something: validate (text and JSON), plans (text,
 * JSON, Markdown), errors, the offsets snapshot file, local status (text and JSON, which npm start
 * prints too), migrate validate's messages and the pull-request section. None may show it.
 */

const SECRET = generatedSecret('leak');
const ROOT = path.resolve(__dirname, '../../..');

/** Every way a password hides in a URL. */
const URL_FORMS: Readonly<Record<string, string>> = {
  "a URI's user info": `postgres://cdc:${SECRET}@db.internal:5432/bi`,
  'user info with an unescaped /': `postgres://cdc:x/${SECRET}@db.internal:5432/bi`,
  'a password query parameter': `postgresql://db.internal/bi?user=cdc&password=${SECRET}`,
  'an sslpassword query parameter': `postgresql://cdc@db.internal/bi?sslmode=verify-full&sslpassword=${SECRET}`,
  'a token query parameter': `https://hooks.example.net/notify?token=${SECRET}`,
  'a token in the fragment': `https://app.example.net/callback#access_token=${SECRET}&expires_in=3600`,
  "a JDBC URL's ;password=": `jdbc:sqlserver://db.internal:1433;databaseName=bi;password=${SECRET};user=cdc`,
  "a JDBC URL's ?password=": `jdbc:postgresql://db.internal:5432/bi?user=cdc&password=${SECRET}`,
  'a JDBC URL without //': `jdbc:postgresql:bi?password=${SECRET}`,
  "Oracle's user/password@": `jdbc:oracle:thin:cdc/${SECRET}@db.internal:1521/BI`,
  "Oracle's quoted user/\"password\"@": `jdbc:oracle:thin:cdc/"${SECRET}"@db.internal:1521/BI`,
  'an AWS session token': `mongodb://db.internal/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:${SECRET}`,
};

/** A JDBC sink config with the URL form under `connection.url` and the secret under every credential key. */
function sinkConfig(url: string): Record<string, string> {
  return {
    'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
    topics: 'cdc.shop.orders',
    'connection.url': url,
    'connection.username': 'cdc',
    'connection.password': SECRET,
    'value.converter.basic.auth.user.info': `cdc:${SECRET}`,
    'consumer.override.sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="cdc" password="${SECRET}";`,
    'transforms.note.note': `see ${url}`,
  };
}

/** Each output path's text, by name; the test lists the paths that show the secret. */
const outputs = new Map<string, string>();
const record = (name: string, text: string) => outputs.set(name, `${outputs.get(name) ?? ''}${text}\n`);

function run(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/cdcctl'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', CDCCTL_RETRIES: '0', CONNECT_USERNAME: 'planner', CONNECT_PASSWORD: generatedSecret('connect-password'), ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function captureStderr(work: () => void): string {
  const write = process.stderr.write;
  let captured = '';
  process.stderr.write = ((chunk: string) => ((captured += chunk), true)) as typeof process.stderr.write;
  try {
    work();
  } finally {
    process.stderr.write = write;
  }
  return captured;
}

function liveConnector(name: string, config: Record<string, string>): LiveConnector {
  return { name, config: { ...config, name }, taskCount: 1, status: { name, connector: { state: 'RUNNING', worker_id: 'w:8083' }, tasks: [{ id: 0, state: 'RUNNING', worker_id: 'w:8083' }], type: 'sink' } };
}

let worker: ScriptedServer;
const workdir = mkdtempSync(path.join(tmpdir(), 'secret-leaks-'));

beforeAll(async () => {
  worker = await startScriptedServer();
});
afterAll(() => worker.close());

describe('a generated secret in every credential form', () => {
  it('validate, text and JSON: each form under connection.url is an error, shown masked', async () => {
    const folder = path.join(workdir, 'definitions');
    mkdirSync(folder);
    Object.values(URL_FORMS).forEach((url, index) => writeFileSync(path.join(folder, `form-${index}.json`), JSON.stringify({ name: `form-${index}`, config: sinkConfig(url) })));
    const text = await run(['connectors', 'validate', folder]);
    const json = await run(['connectors', 'validate', folder, '--output', 'json']);
    record('validate (text)', text.output);
    record('validate (json)', json.output);
    expect([text.code, json.code]).toEqual([1, 1]);
    // Every form a validator can be sure of is refused; the unescaped / is only masked.
    const refused = Object.keys(URL_FORMS).filter((_form, index) => text.output.includes(`form-${index}: connection.url: carries a credential`));
    expect(Object.keys(URL_FORMS).filter((form) => !refused.includes(form))).toEqual(['user info with an unescaped /', 'an sslpassword query parameter', 'a token query parameter', 'a token in the fragment']);
    expect(JSON.parse(json.output.slice(0, json.output.lastIndexOf('}') + 1)).valid).toBe(false);
  }, 60_000);

  it('formatIssue, for a worker message quoting each form', () => {
    for (const url of Object.values(URL_FORMS)) {
      record('validate issue lines', formatIssue({ connector: 'c', field: 'connection.url', message: `worker: cannot connect to ${url}`, value: url, severity: 'error' }));
      for (const issue of validateConnectorJson({ name: 'c', config: sinkConfig(url) })) record('validate issue lines', formatIssue(issue));
    }
  });

  it('plans, text, JSON and Markdown: a live config and a desired one holding every form', () => {
    const staging = loadEnvironment('staging');
    const desired = renderEnvironment(staging).map((connector, index) => ({ ...connector, config: { ...connector.config, ...sinkConfig(Object.values(URL_FORMS)[index]!) } }));
    const live = renderEnvironment(staging).map((connector, index) => liveConnector(connector.name, { ...connector.config, ...sinkConfig(Object.values(URL_FORMS)[index + 3]!) }));
    for (const url of Object.values(URL_FORMS)) live.push(liveConnector(`cdc-orphan-${live.length}`, sinkConfig(url)));
    const plan = diff(desired, live, { managedPrefix: 'cdc-', prune: true });
    const plain = { green: String, yellow: String, red: String, dim: String, bold: String };
    record('plan (text)', formatPlanText(plan, plain));
    record('plan (json)', formatPlanJson(plan));
    record('plan (markdown)', formatPlanMarkdown(plan, 'Connectors plan: staging', 2));
    expect(plan.changes.some((change) => change.action === 'update')).toBe(true);
  });

  it('errors: every form in a message, printed by the one error handler', () => {
    for (const url of Object.values(URL_FORMS)) record('errors (handler)', captureStderr(() => reportError(Object.assign(new Error(`cannot reach ${url}\nretrying ${url}`), { suggestion: `check ${url}` }))));
  });

  it('errors: a password in --connect-url, in the user info or the query, is refused before any request; CONNECT_PASSWORD is what would be sent', async () => {
    const port = new URL(worker.url).port;
    const commands = [['connectors', 'plan'], ['connectors', 'status'], ['connectors', 'validate', '--remote'], ['connectors', 'offsets', 'export', '--file', path.join(workdir, 'never.json')], ['gitops', 'connectors-plan']];
    const urls = [`http://admin:${SECRET}@127.0.0.1:${port}`, `http://127.0.0.1:${port}/?password=${SECRET}`, `http://127.0.0.1:${port}/#access_token=${SECRET}`];
    const runs = urls.flatMap((connectUrl, index) =>
      commands.map(async (command) => {
        const args = command[0] === 'gitops' ? [...command, '--out', path.join(workdir, `section-${index}.md`)] : command;
        const result = await run([...args, '--env', 'staging', '--connect-url', connectUrl]);
        record(`errors (${command.slice(0, 2).join(' ')})`, result.output);
        return [command.slice(0, 2).join(' '), result.code];
      }),
    );
    expect(await Promise.all(runs)).toEqual(urls.flatMap(() => commands.map((command) => [command.slice(0, 2).join(' '), 1])));
    for (const index of urls.keys()) record('the pull-request section', readFileSync(path.join(workdir, `section-${index}.md`), 'utf8'));
    expect(worker.requests).toEqual([]);
  }, 120_000);

  it('the offsets snapshot file: the worker URL and every config', async () => {
    const configs = Object.values(URL_FORMS).map((url) => sinkConfig(url));
    record(
      'offsets snapshot (serialized)',
      serializeOffsetsSnapshot({
        takenAt: '2030-01-01T00:00:00.000Z',
        worker: `https://connect.example.net:8083/?token=${SECRET}`,
        connectors: Object.fromEntries(configs.map((config, index) => [`c${index}`, { config, offsets: [] }])),
      }),
    );
    const expanded = Object.fromEntries(configs.map((config, index) => [`local-c${index}`, { info: { name: `local-c${index}`, config, tasks: [], type: 'sink' }, status: { name: `local-c${index}`, connector: { state: 'RUNNING', worker_id: 'w' }, tasks: [], type: 'sink' } }]));
    worker.script('GET /connectors?expand=info&expand=status', { status: 200, body: expanded });
    for (const name of Object.keys(expanded)) worker.script(`GET /connectors/${name}/offsets`, { status: 200, body: { offsets: [] } });
    const file = path.join(workdir, 'snapshot.json');
    const result = await run(['connectors', 'offsets', 'export', '--env', 'local', '--connect-url', worker.url, '--file', file]);
    expect(result.code).toBe(0);
    record('offsets snapshot (file)', readFileSync(file, 'utf8'));
    record('offsets export', result.output);
    worker.requests.length = 0;
  }, 60_000);

  it("local status, text and JSON (npm start prints the text): the user's DATABASE_URL masked in every form", () => {
    for (const url of Object.values(URL_FORMS)) {
      const service = (state: ServiceStatus['state'], extra: Partial<ServiceStatus> = {}): ServiceStatus => ({ state, logFile: '/dev/null', ...extra });
      const runtime: RuntimeStatus = {
        stateDir: workdir,
        ports: DEFAULT_PORTS,
        brokers: 1,
        exactlyOnceSource: 'enabled',
        services: {
          kafka: service('running', { url: '127.0.0.1:9092' }),
          'kafka-proxy': service('running', { url: '127.0.0.1:9193' }),
          mongodb: service('stopped'),
          warehouse: service('external', { url, note: 'DATABASE_URL' }),
          connect: service('crashed', { logTail: `ERROR connecting to ${url}\n\u001b[2Jcleared` }),
          supervisor: service('stopped'),
          prometheus: service('not-installed'),
        },
      };
      record('local status (text)', formatStatusText(runtime));
      record('local status (json)', formatStatusJson(runtime));
    }
  });

  it('migrate validate: the warehouse URL in its messages, whatever the form', async () => {
    for (const databaseUrl of [`postgres://cdc:${SECRET}@127.0.0.1:1/bi?sslpassword=${SECRET}`, `postgresql://127.0.0.1:1/bi?user=cdc&password=${SECRET}`, `postgres://cdc:${SECRET}@127.0.0.1:notaport/bi`]) {
      const result = await run(['migrate', 'validate', '--collection', 'orders', '--database-url', databaseUrl], { DATABASE_URL: '' });
      expect(result.code).toBe(1);
      record('migrate validate', result.output);
    }
  }, 60_000);

  it('the pull-request section and step summary: a worker answering with every form', async () => {
    const staging = loadEnvironment('staging');
    const live = Object.values(URL_FORMS).map((url, index) => liveConnector(`cdc-live-${index}`, sinkConfig(url)));
    const client = { listConnectors: async () => live } as unknown as ConnectClient;
    const report = await planEnvironment(staging, { client, prune: true });
    record('the pull-request section', report.markdown);
    record('connectors-plan (text)', report.text);
    const failing = { listConnectors: async () => Promise.reject(new Error(`GET ${Object.values(URL_FORMS).join(' ')} failed`)) } as unknown as ConnectClient;
    const failed = await planEnvironment(staging, { client: failing });
    record('the pull-request section', failed.markdown);
    const file = path.join(workdir, 'written-section.md');
    await writeOutputFile(file, `a step's text: ${Object.values(URL_FORMS).join('\n')}`);
    record('the pull-request section', readFileSync(file, 'utf8'));
  });

  it('shows the secret nowhere', () => {
    expect([...outputs.keys()]).toEqual(expect.arrayContaining(['validate (text)', 'validate (json)', 'plan (text)', 'plan (json)', 'plan (markdown)', 'errors (handler)', 'offsets snapshot (file)', 'local status (text)', 'local status (json)', 'migrate validate', 'the pull-request section']));
    expect([...outputs].filter(([, text]) => text.includes(SECRET)).map(([name, text]) => `${name}: …${text.slice(Math.max(0, text.indexOf(SECRET) - 80), text.indexOf(SECRET) + 20)}`)).toEqual([]);
  });
});

describe('the one URL mask', () => {
  it.each(Object.entries(URL_FORMS))('masks %s, keeping the rest of the URL', (form, url) => {
    // Up to the last @ before the query: a password with an unescaped / is masked whole.
    const password = form === 'user info with an unescaped /' ? `x/${SECRET}` : SECRET;
    expect(maskUrlPassword(url)).toBe(url.replace(password, '****'));
  });

  it('masks a URL inside text and leaves what carries no password alone', () => {
    expect(maskCredentials(`warehouse ${URL_FORMS["a URI's user info"]}: connection refused`)).toBe('warehouse postgres://cdc:****@db.internal:5432/bi: connection refused');
    for (const clean of ['postgres://cdc@127.0.0.1:5433/warehouse', 'https://kafka-connect.cdc-platform.svc.cluster.local:8083', 'jdbc:postgresql://db/bi?user=cdc&sslmode=require', 'mongodb://h/?authSource=admin']) expect(maskUrlPassword(clean)).toBe(clean);
  });

  it('keeps a config-provider placeholder in the password’s place', () => {
    const placeholder = '${dir:/etc/connect-secrets:warehouse-password}';
    expect(maskUrlPassword(`jdbc:postgresql://db/bi?password=${placeholder}`)).toBe(`jdbc:postgresql://db/bi?password=${placeholder}`);
  });
});

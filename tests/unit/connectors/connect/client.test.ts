import { backoffCeiling, createConnectClient, MAX_RETRY_AFTER_MS } from '../../../../connectors/connect/client';
import { ConnectError } from '../../../../connectors/connect/errors';
import { startScriptedServer, type ScriptedServer } from '../../../support/scripted-http-server';
import { generatedSecret } from '../../../support/generated-secret';

/**
 * The Connect client's retry rules against a scripted HTTP server (the faults here — a lost answer,
 * a 503 with Retry-After, a rebalance 409 on cue — are ones a real worker cannot be made to produce).
 */
let server: ScriptedServer;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(() => server.close());

const fast = { backoffMs: 1, maxBackoffMs: 5 };
const CONFIG = { 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', topics: 't' };
const rebalance = { status: 409, body: { error_code: 409, message: 'Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)' } };
const exists = { status: 409, body: { error_code: 409, message: 'Connector sink already exists' } };

describe('which answers are retried', () => {
  it.each([
    ['a 500', { status: 500, body: { error_code: 500, message: 'boom' } }],
    ['a 503', { status: 503, body: { error_code: 503, message: 'unavailable' } }],
    ['a 409 rebalance', rebalance],
  ])('retries %s and then succeeds', async (_what, failure) => {
    server.script('GET /connectors/sink/status', failure, { status: 200, body: { name: 'sink', connector: { state: 'RUNNING' }, tasks: [] } });
    const client = createConnectClient({ url: server.url, ...fast });
    await expect(client.status('sink')).resolves.toMatchObject({ name: 'sink' });
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ['a 400', { status: 400, body: { error_code: 400, message: 'bad config' } }],
    ['a 404', { status: 404, body: { error_code: 404, message: 'Connector sink not found' } }],
    ['a 401', { status: 401, body: { error_code: 401, message: 'no' } }],
    ['a 409 "already exists"', exists],
  ])('does not retry %s', async (_what, failure) => {
    server.script('POST /connectors', failure);
    const client = createConnectClient({ url: server.url, ...fast });
    await expect(client.createConnector('sink', CONFIG)).rejects.toBeInstanceOf(ConnectError);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after `retries` retries, with the last status in the error', async () => {
    for (let i = 0; i < 4; i++) server.script('GET /connectors/sink/status', { status: 502, body: { error_code: 502, message: `gateway ${i}` } });
    const client = createConnectClient({ url: server.url, retries: 3, ...fast });
    const error = await client.status('sink').catch((caught: ConnectError) => caught);
    expect(server.requests).toHaveLength(4);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).status).toBe(502);
    expect((error as ConnectError).message).toContain('gateway 3');
  });

  it('retries a request whose answer never came (a timeout) and names the network error when all fail', async () => {
    server.script('GET /connectors/sink/status', { status: 200, body: {}, delayMs: 500 }, { status: 200, body: {}, delayMs: 500 });
    const client = createConnectClient({ url: server.url, timeoutMs: 50, retries: 1, ...fast });
    await expect(client.status('sink')).rejects.toThrow(/cannot reach the worker \(ECONNABORTED\)/);
    expect(server.requests).toHaveLength(2);
  });
});

describe('how long it waits between attempts', () => {
  it('doubles the backoff ceiling per attempt up to the maximum', () => {
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffCeiling(attempt, 250, 5_000))).toEqual([250, 500, 1_000, 2_000, 4_000, 5_000]);
  });

  it('waits a random share of the ceiling (full jitter) between attempts: base·2^attempt, capped', async () => {
    for (let i = 0; i < 3; i++) server.script('GET /connectors/sink/status', rebalance);
    // The share drawn is pinned, and the waits are read from the timers the client sets (not timed: a loaded machine adds its own).
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.75);
    const timers = jest.spyOn(global, 'setTimeout');
    try {
      const client = createConnectClient({ url: server.url, retries: 3, backoffMs: 40, maxBackoffMs: 60 });
      await client.status('sink').catch(() => undefined);
      const waits = timers.mock.calls.map(([, ms]) => ms).filter((ms) => [30, 45].includes(ms as number));
      // Ceilings 40, 60 (80 capped), 60 (160 capped): three quarters of each.
      expect(waits).toEqual([30, 45, 45]);
      expect(server.requests).toHaveLength(4);
    } finally {
      random.mockRestore();
      timers.mockRestore();
    }
  });

  it("waits the server's Retry-After before the next attempt", async () => {
    server.script('GET /connectors/sink/status', { status: 503, body: {}, headers: { 'retry-after': '1' } }, { status: 200, body: { name: 'sink', connector: { state: 'RUNNING' }, tasks: [] } });
    const client = createConnectClient({ url: server.url, ...fast });
    await client.status('sink');
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('fails at once when Retry-After asks for longer than it will wait', async () => {
    server.script('GET /connectors/sink/status', { status: 503, body: {}, headers: { 'retry-after': String(MAX_RETRY_AFTER_MS / 1000 + 1) } });
    const client = createConnectClient({ url: server.url, ...fast });
    await expect(client.status('sink')).rejects.toThrow(/503/);
    expect(server.requests).toHaveLength(1);
  });
});

describe('a create whose first answer was lost', () => {
  it('is a success when the retry meets "already exists" with the config it sent', async () => {
    server.script('POST /connectors', { status: 201, body: {}, delayMs: 2_000 }, exists);
    server.script('GET /connectors/sink/config', { status: 200, body: { ...CONFIG, name: 'sink' } });
    const client = createConnectClient({ url: server.url, timeoutMs: 800, ...fast });
    await expect(client.createConnector('sink', CONFIG)).resolves.toBeUndefined();
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /connectors', 'POST /connectors', 'GET /connectors/sink/config']);
  });

  it('is the "already exists" error when the connector that exists has another config', async () => {
    server.script('POST /connectors', { status: 500, body: { error_code: 500, message: 'lost' } }, exists);
    server.script('GET /connectors/sink/config', { status: 200, body: { ...CONFIG, topics: 'other', name: 'sink' } });
    const client = createConnectClient({ url: server.url, ...fast });
    await expect(client.createConnector('sink', CONFIG)).rejects.toThrow(/409 Connector sink already exists/);
  });

  it('is the "already exists" error on a first attempt, without reading the config', async () => {
    server.script('POST /connectors', exists);
    const client = createConnectClient({ url: server.url, ...fast });
    await expect(client.createConnector('sink', CONFIG)).rejects.toThrow(/already exists/);
    expect(server.requests).toHaveLength(1);
  });
});

describe('answers', () => {
  it('refuses a 2xx body of the wrong shape, naming the endpoint', async () => {
    server.script('GET /connectors/sink/status', { status: 200, body: { unexpected: true } });
    const client = createConnectClient({ url: server.url, ...fast });
    await expect(client.status('sink')).rejects.toThrow(/GET \/connectors\/sink\/status: unexpected response from the worker/);
  });

  it('encodes connector names in paths', async () => {
    server.script('PUT /connectors/a%20b/pause', { status: 202 });
    await createConnectClient({ url: server.url, ...fast }).pause('a b');
    expect(server.requests[0]!.path).toBe('/connectors/a%20b/pause');
  });
});

describe('a hostile worker', () => {
  let elsewhere: ScriptedServer;
  beforeEach(async () => {
    elsewhere = await startScriptedServer({ status: 200, body: {} });
  });
  afterEach(() => elsewhere.close());

  it('a plan is not made against the host a redirect names: the 3xx is an error naming it', async () => {
    server.script('GET /connectors?expand=info&expand=status', { status: 307, headers: { location: `${elsewhere.url}/connectors?expand=info&expand=status` } });
    const client = createConnectClient({ url: server.url, headers: { authorization: `Bearer ${generatedSecret('token')}` }, ...fast });
    await expect(client.listConnectors()).rejects.toThrow(`307 redirect to ${new URL(elsewhere.url).host} refused`);
    expect(elsewhere.requests).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('a PUT body is not replayed to another host', async () => {
    server.script('PUT /connectors/sink/config', { status: 308, headers: { location: `${elsewhere.url}/connectors/sink/config` } });
    await expect(createConnectClient({ url: server.url, ...fast }).putConfig('sink', CONFIG)).rejects.toThrow(/308 redirect to .* refused/);
    expect(elsewhere.requests).toEqual([]);
  });

  it('a redirect loop is one request and says so, not "cannot reach" after 132', async () => {
    for (let i = 0; i < 200; i++) server.script('GET /connectors/sink/status', { status: 302, headers: { location: '/connectors/sink/status' } });
    const error = (await createConnectClient({ url: server.url, ...fast }).status('sink').catch((caught: unknown) => caught)) as ConnectError;
    expect(error.message).toMatch(/302 redirect to 127\.0\.0\.1:\d+ refused/);
    expect(error.message).not.toMatch(/cannot reach/);
    expect(server.requests).toHaveLength(1);
  });

  it('a 1 GiB answer is cut at the limit, once: a size error is not retried', async () => {
    server.script('GET /connectors?expand=info&expand=status', { status: 200, flood: 1024 ** 3 });
    const client = createConnectClient({ url: server.url, maxResponseBytes: 1024 * 1024, ...fast });
    await expect(client.listConnectors()).rejects.toThrow(`the answer is larger than ${1024 * 1024} bytes: refused`);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.answer.bytesSent).toBeLessThan(64 * 1024 * 1024);
  });

  it('an answer without end is cut at the limit too', async () => {
    server.script('GET /connectors/sink/status', { status: 200, flood: 'endless' });
    await expect(createConnectClient({ url: server.url, maxResponseBytes: 256 * 1024, ...fast }).status('sink')).rejects.toThrow(/larger than 262144 bytes/);
  });

  it('one byte now and then never ends a request: the overall deadline does', async () => {
    server.script('GET /connectors/sink/status', { status: 200, drip: { chunk: ' ', everyMs: 20 } });
    const client = createConnectClient({ url: server.url, timeoutMs: 1_000, deadlineMs: 300, retries: 0, ...fast });
    await expect(client.status('sink')).rejects.toThrow('no complete answer within 300 ms');
  });

  it("a proxy's 502 page reaches the message with its control characters shown, not obeyed, and capped", async () => {
    const page = `<html><body>\u001b[2J\u001b[31mBad gateway\u0007\r\n${'x'.repeat(5_000)}</body></html>`;
    server.script('GET /connectors/sink/status', { status: 502, raw: page, headers: { 'content-type': 'text/html' } });
    const error = (await createConnectClient({ url: server.url, retries: 0, ...fast }).status('sink').catch((caught: unknown) => caught)) as ConnectError;
    expect(error.message).toContain('502 <html><body>Bad gateway\\u0007\\n');
    expect(error.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(error.message.length).toBeLessThan(800);
  });
});

describe('the worker URL, checked before any request', () => {
  const password = generatedSecret('password');
  it.each([
    ['file:///etc/passwd', 'must be an http(s) URL (got "file:///etc/passwd")'],
    ['ftp://connect:8083', 'must be an http(s) URL'],
    [`http://admin:${password}@connect:8083`, 'must not carry credentials'],
    ['not a url', 'not a URL'],
  ])('refuses %s', (url, message) => {
    const requests: string[] = [];
    const create = () => createConnectClient({ url, onRequest: (method, path) => requests.push(`${method} ${path}`) });
    expect(create).toThrow(message);
    expect(create).not.toThrow(password);
    expect(requests).toEqual([]);
  });

  it('takes http and https URLs', () => {
    expect(createConnectClient({ url: 'https://connect.internal:8443/' }).url).toBe('https://connect.internal:8443');
    expect(createConnectClient({ url: 'http://127.0.0.1:8083' }).url).toBe('http://127.0.0.1:8083');
  });
});

describe('the REST endpoints each call reaches', () => {
  const status = { name: 'a b', connector: { state: 'RUNNING' }, tasks: [] };
  const OFFSETS = { offsets: [{ partition: { server_id: 'app' }, offset: { ord: 1 } }] };
  const CLASS = 'io.debezium.connector.jdbc.JdbcSinkConnector';
  const validation = { name: CLASS, error_count: 0, configs: [{ value: { name: 'topics', value: 't', errors: [] } }] };
  type Call = (client: ReturnType<typeof createConnectClient>) => Promise<unknown>;

  it.each<[string, Call, string, unknown, unknown]>([
    ['serverInfo', (client) => client.serverInfo(), 'GET /', { version: '3.9.0', commit: 'c' }, undefined],
    ['createConnector', (client) => client.createConnector('a b', CONFIG), 'POST /connectors', {}, { name: 'a b', config: CONFIG, initial_state: 'RUNNING' }],
    ['createConnector, paused', (client) => client.createConnector('a b', CONFIG, 'PAUSED'), 'POST /connectors', {}, { name: 'a b', config: CONFIG, initial_state: 'PAUSED' }],
    ['putConfig', (client) => client.putConfig('a b', CONFIG), 'PUT /connectors/a%20b/config', {}, CONFIG],
    ['deleteConnector', (client) => client.deleteConnector('a b'), 'DELETE /connectors/a%20b', {}, undefined],
    ['resume', (client) => client.resume('a b'), 'PUT /connectors/a%20b/resume', {}, undefined],
    ['stop', (client) => client.stop('a b'), 'PUT /connectors/a%20b/stop', {}, undefined],
    ['restart', (client) => client.restart('a b'), 'POST /connectors/a%20b/restart?includeTasks=false&onlyFailed=false', {}, undefined],
    ['restart, failed tasks too', (client) => client.restart('a b', { includeTasks: true, onlyFailed: true }), 'POST /connectors/a%20b/restart?includeTasks=true&onlyFailed=true', {}, undefined],
    ['status', (client) => client.status('a b'), 'GET /connectors/a%20b/status', status, undefined],
    ['getConfig', (client) => client.getConfig('a b'), 'GET /connectors/a%20b/config', CONFIG, undefined],
    ['getOffsets', (client) => client.getOffsets('a b'), 'GET /connectors/a%20b/offsets', OFFSETS, undefined],
    ['patchOffsets', (client) => client.patchOffsets('a b', OFFSETS), 'PATCH /connectors/a%20b/offsets', {}, OFFSETS],
    ['resetOffsets', (client) => client.resetOffsets('a b'), 'DELETE /connectors/a%20b/offsets', {}, undefined],
    ['validate', (client) => client.validate(CLASS, CONFIG), `PUT /connector-plugins/${CLASS}/config/validate`, validation, CONFIG],
    ['listPlugins', (client) => client.listPlugins(), 'GET /connector-plugins?connectorsOnly=false', [{ class: CLASS, type: 'sink' }], undefined],
    ['pluginConfig', (client) => client.pluginConfig(CLASS), `GET /connector-plugins/${CLASS}/config`, [{ name: 'topics' }], undefined],
  ])('%s: %s', async (_call, call, route, answer, sent) => {
    server.script(route, { status: 200, body: answer });
    const result = await call(createConnectClient({ url: server.url, ...fast }));
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([route]);
    if (sent !== undefined) expect(JSON.parse(server.requests[0]!.body)).toEqual(sent);
    // A read returns the worker's answer; a write returns nothing.
    expect(result).toEqual(route.startsWith('GET ') || route.endsWith('/validate') ? answer : undefined);
  });

  it('sends a JSON content type even without a body (Connect answers 415 to a bodiless PUT without it)', async () => {
    server.script('PUT /connectors/a/pause', { status: 202 });
    await createConnectClient({ url: server.url, ...fast }).pause('a');
    expect(server.requests[0]!.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json' });
  });

  it('reads every connector in one request, by name, a connector without info as one with no config and no task', async () => {
    server.script('GET /connectors?expand=info&expand=status', {
      status: 200,
      body: {
        zeta: { info: { name: 'zeta', config: CONFIG, tasks: [{ connector: 'zeta', task: 0 }, { connector: 'zeta', task: 1 }] }, status },
        alpha: { status },
      },
    });
    expect(await createConnectClient({ url: server.url, ...fast }).listConnectors()).toEqual([
      { name: 'alpha', config: {}, taskCount: 0, status },
      { name: 'zeta', config: CONFIG, taskCount: 2, status },
    ]);
  });

  it('reads every status in one request, leaving out a connector the worker gave no status for', async () => {
    server.script('GET /connectors?expand=status', { status: 200, body: { a: { status }, b: {} } });
    const statuses = await createConnectClient({ url: server.url, ...fast }).listStatuses();
    expect([...statuses]).toEqual([['a', status]]);
  });

  it('names the connector, the request and the status in an error, with what to do', async () => {
    server.script('PUT /connectors/sink/resume', { status: 404, body: { error_code: 404, message: 'Connector sink not found' } });
    const error = (await createConnectClient({ url: server.url, ...fast }).resume('sink').catch((caught: unknown) => caught)) as ConnectError;
    expect(error.message).toBe(`sink: PUT ${server.url}/connectors/sink/resume: 404 Connector sink not found`);
    expect(error).toMatchObject({ status: 404, suggestion: expect.stringContaining('does not exist'), details: { connector: 'sink', method: 'PUT' } });
  });

  it('says which field of an answer was of the wrong shape', async () => {
    server.script('GET /connectors/sink/status', { status: 200, body: { name: 'sink', connector: { state: 'SLEEPING' }, tasks: [] } });
    const error = (await createConnectClient({ url: server.url, ...fast }).status('sink').catch((caught: unknown) => caught)) as ConnectError;
    expect(error.message).toMatch(/unexpected response from the worker: .*RUNNING/);
    expect(error).toMatchObject({ status: 200, details: { connector: 'sink', url: `${server.url}/connectors/sink/status` } });
  });

  it('treats a Retry-After that is not a number of seconds as absent: the usual backoff', async () => {
    server.script('GET /connectors/sink/status', { status: 503, body: {}, headers: { 'retry-after': 'Wed, 21 Oct 2037 07:28:00 GMT' } }, { status: 200, body: { name: 'sink', connector: { state: 'RUNNING' }, tasks: [] } });
    await createConnectClient({ url: server.url, ...fast }).status('sink');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeLessThan(500);
  });
});

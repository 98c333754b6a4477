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

  it('names a worker nobody listens for as unreachable, with the network error, after its retries', async () => {
    const closed = await startScriptedServer();
    await closed.close();
    const client = createConnectClient({ url: closed.url, retries: 1, ...fast });
    await expect(client.status('sink')).rejects.toThrow(/^sink: GET http:\/\/127\.0\.0\.1:\d+\/connectors\/sink\/status: cannot reach the worker \(ECONNREFUSED\)$/);
  });

  it('retries a request whose answer never came (a timeout) and names the network error when all fail', async () => {
    server.script('GET /connectors/sink/status', { status: 200, body: {}, delayMs: 500 }, { status: 200, body: {}, delayMs: 500 });
    const client = createConnectClient({ url: server.url, timeoutMs: 50, retries: 1, ...fast });
    await expect(client.status('sink')).rejects.toThrow(/: no answer within 50 ms \(ECONNABORTED\)$/);
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

  it('takes only a 409 as "already exists": a 400 whose message says so is the worker refusing the config', async () => {
    const refused = { status: 400, body: { error_code: 400, message: 'Connector configuration is invalid and contains the following 1 error(s):\ntopic.creation.default.partitions: topic cdc.app_db.orders already exists with 6 partitions' } };
    server.script('POST /connectors', { status: 500, body: { error_code: 500, message: 'Request timed out' } }, refused);
    server.script('GET /connectors/sink/config', { status: 200, body: { ...CONFIG, name: 'sink' } });
    const client = createConnectClient({ url: server.url, ...fast });
    await expect(client.createConnector('sink', CONFIG)).rejects.toThrow(/: 400 Connector configuration is invalid/);
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /connectors', 'POST /connectors']);
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

  it('a login page answered with 200 is named as not JSON, its start shown with escapes shown, not a schema complaint', async () => {
    const page = `<html><head><title>Sign in\u001b[2J</title></head><body>${'x'.repeat(5_000)}</body></html>`;
    server.script('GET /connectors/sink/status', { status: 200, raw: page, headers: { 'content-type': 'text/html' } });
    const error = (await createConnectClient({ url: server.url, retries: 0, ...fast }).status('sink').catch((caught: unknown) => caught)) as ConnectError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.message).toMatch(/^GET \/connectors\/sink\/status: unexpected response from the worker: the answer is not JSON: <html><head><title>Sign in\\u001b\[2J<\/title>/);
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('the worker URL, checked before any request', () => {
  const password = generatedSecret('password');
  // Named by a label, not by the URL: a test's name is its id in mutation runs, and must not carry the password.
  it.each([
    ['a file URL', 'file:///etc/passwd', 'must be an http(s) URL (got "file:///etc/passwd")'],
    ['an FTP URL', 'ftp://connect:8083', 'must be an http(s) URL'],
    ['a URL with a user and password', `http://admin:${password}@connect:8083`, 'must not carry credentials'],
    ['text that is no URL', 'not a url', 'not a URL'],
  ])('refuses %s', (_label, url, message) => {
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

/**
 * The timers the client sets, recorded (a loaded machine times nothing here), with the share of the
 * backoff drawn pinned; a timer of one of the `instant` lengths runs at once instead of waiting.
 */
async function withRecordedWaits<T>(share: number, instant: readonly number[], run: (waits: number[]) => Promise<T>): Promise<T> {
  const waits: number[] = [];
  const realSetTimeout = global.setTimeout;
  const random = jest.spyOn(Math, 'random').mockReturnValue(share);
  const timers = jest.spyOn(global, 'setTimeout').mockImplementation(((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    waits.push(ms ?? 0);
    return realSetTimeout(callback, instant.includes(ms ?? 0) ? 0 : ms, ...args);
  }) as typeof setTimeout);
  try {
    return await run(waits);
  } finally {
    random.mockRestore();
    timers.mockRestore();
  }
}

/** A share of the backoff that is exact in binary, so the waits compare exactly. */
const SHARE = 1 / 1024;

describe('Retry-After, read as a whole number of seconds', () => {
  const running = { status: 200, body: { name: 'cdc-orders-sink', connector: { state: 'RUNNING', worker_id: '10.0.3.17:8083' }, tasks: [] } };

  it('waits exactly the longest Retry-After it accepts, and tries again', async () => {
    server.script('GET /connectors/cdc-orders-sink/status', { status: 503, body: { error_code: 503, message: 'Request timed out' }, headers: { 'retry-after': String(MAX_RETRY_AFTER_MS / 1000) } }, running);
    await withRecordedWaits(0.5, [MAX_RETRY_AFTER_MS], async (waits) => {
      await expect(createConnectClient({ url: server.url, ...fast }).status('cdc-orders-sink')).resolves.toMatchObject({ name: 'cdc-orders-sink' });
      expect(waits).toContain(MAX_RETRY_AFTER_MS);
    });
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ['a fraction', '1.5'],
    ['a negative number', '-1'],
    ['a number with a unit', '30s'],
  ])('takes %s for no Retry-After: the usual backoff', async (_what, header) => {
    server.script('GET /connectors/cdc-orders-sink/status', { status: 503, body: {}, headers: { 'retry-after': header } }, running);
    await withRecordedWaits(SHARE, [], async (waits) => {
      await createConnectClient({ url: server.url, backoffMs: 400, maxBackoffMs: 5_000 }).status('cdc-orders-sink');
      expect(waits).toContain(400 * SHARE);
      expect(waits.filter((ms) => ms >= 400 * SHARE && ms < 5_000)).toEqual([400 * SHARE]);
    });
    expect(server.requests).toHaveLength(2);
  });
});

describe('the defaults: 5 retries, 250 ms doubling up to 5 s', () => {
  it('waits a share of 250, 500, 1000, 2000 and 4000 ms, then gives up after the sixth attempt', async () => {
    for (let i = 0; i < 6; i++) server.script('GET /connectors/cdc-orders-sink/status', rebalance);
    await withRecordedWaits(SHARE, [], async (waits) => {
      await expect(createConnectClient({ url: server.url }).status('cdc-orders-sink')).rejects.toThrow(/409 Cannot complete request momentarily/);
      expect(waits.filter((ms) => ms < 10)).toEqual([250, 500, 1_000, 2_000, 4_000].map((ceiling) => ceiling * SHARE));
    });
    expect(server.requests).toHaveLength(6);
  });

  it('caps the backoff at 5 s', async () => {
    for (let i = 0; i < 8; i++) server.script('GET /connectors/cdc-orders-sink/status', rebalance);
    await withRecordedWaits(SHARE, [], async (waits) => {
      await createConnectClient({ url: server.url, retries: 7 }).status('cdc-orders-sink').catch(() => undefined);
      expect(waits.filter((ms) => ms < 10)).toEqual([250, 500, 1_000, 2_000, 4_000, 5_000, 5_000].map((ceiling) => ceiling * SHARE));
    });
  });

  it('gives each attempt at least a minute to complete, longer when the per-request timeout is longer', async () => {
    server.script('GET /', { status: 200, body: { version: '3.9.0', commit: '84ee4c11b8f9a4d7', kafka_cluster_id: 'pNv5Q7xXRvO6Vb4E9ZyZ2g' } }, { status: 200, body: { version: '3.9.0' } });
    const deadlines = jest.spyOn(AbortSignal, 'timeout');
    try {
      await createConnectClient({ url: server.url }).serverInfo();
      await createConnectClient({ url: server.url, timeoutMs: 90_000 }).serverInfo();
      expect(deadlines.mock.calls.map(([ms]) => ms)).toEqual([60_000, 90_000]);
    } finally {
      deadlines.mockRestore();
    }
  });
});

describe('what each failure says', () => {
  const NAME = 'cdc-orders-sink';
  const notFound = { status: 404, body: { error_code: 404, message: `Connector ${NAME} not found` } };
  type Call = (client: ReturnType<typeof createConnectClient>) => Promise<unknown>;

  it.each<[string, Call, string]>([
    ['deleteConnector', (client) => client.deleteConnector(NAME), `DELETE /connectors/${NAME}`],
    ['pause', (client) => client.pause(NAME), `PUT /connectors/${NAME}/pause`],
    ['resume', (client) => client.resume(NAME), `PUT /connectors/${NAME}/resume`],
    ['stop', (client) => client.stop(NAME), `PUT /connectors/${NAME}/stop`],
    ['restart', (client) => client.restart(NAME, { includeTasks: true, onlyFailed: true }), `POST /connectors/${NAME}/restart?includeTasks=true&onlyFailed=true`],
    ['status', (client) => client.status(NAME), `GET /connectors/${NAME}/status`],
    ['getConfig', (client) => client.getConfig(NAME), `GET /connectors/${NAME}/config`],
    ['getOffsets', (client) => client.getOffsets(NAME), `GET /connectors/${NAME}/offsets`],
    ['patchOffsets', (client) => client.patchOffsets(NAME, { offsets: [] }), `PATCH /connectors/${NAME}/offsets`],
    ['resetOffsets', (client) => client.resetOffsets(NAME), `DELETE /connectors/${NAME}/offsets`],
    ['putConfig', (client) => client.putConfig(NAME, CONFIG), `PUT /connectors/${NAME}/config`],
  ])('%s names the connector, the method and the URL', async (_call, call, route) => {
    server.script(route, notFound);
    const error = (await call(createConnectClient({ url: server.url, ...fast })).catch((caught: unknown) => caught)) as ConnectError;
    const [method, path] = route.split(' ');
    expect(error.message).toBe(`${NAME}: ${method} ${server.url}${path}: 404 Connector ${NAME} not found`);
    expect(error.details.connector).toBe(NAME);
  });

  it.each<[string, Call, string]>([
    ['serverInfo', (client) => client.serverInfo(), 'GET /'],
    ['listConnectors', (client) => client.listConnectors(), 'GET /connectors?expand=info&expand=status'],
    ['listStatuses', (client) => client.listStatuses(), 'GET /connectors?expand=status'],
    ['listPlugins', (client) => client.listPlugins(), 'GET /connector-plugins?connectorsOnly=false'],
    ['pluginConfig', (client) => client.pluginConfig('io.debezium.connector.jdbc.JdbcSinkConnector'), 'GET /connector-plugins/io.debezium.connector.jdbc.JdbcSinkConnector/config'],
  ])('%s names the method and the URL, and no connector', async (_call, call, route) => {
    server.script(route, { status: 401, body: { error_code: 401, message: 'Unauthorized' } });
    const error = (await call(createConnectClient({ url: server.url, ...fast })).catch((caught: unknown) => caught)) as ConnectError;
    const [method, path] = route.split(' ');
    expect(error.message).toBe(`${method} ${server.url}${path}: 401 Unauthorized`);
    expect(error.suggestion).toMatch(/credentials/);
  });

  it('is the bare status when the worker sent no message', async () => {
    server.script('GET /connectors/cdc-orders-sink/status', { status: 503, raw: '' });
    const error = (await createConnectClient({ url: server.url, retries: 0, ...fast }).status('cdc-orders-sink').catch((caught: unknown) => caught)) as ConnectError;
    expect(error.message).toBe(`cdc-orders-sink: GET ${server.url}/connectors/cdc-orders-sink/status: 503`);
  });

  it('says what to do about a redirect: point the URL at the worker itself', async () => {
    server.script('GET /connectors?expand=status', { status: 301, headers: { location: 'https://connect.internal:8443/connectors?expand=status' } });
    const error = (await createConnectClient({ url: server.url, ...fast }).listStatuses().catch((caught: unknown) => caught)) as ConnectError;
    expect(error.message).toBe(`GET ${server.url}/connectors?expand=status: 301 redirect to connect.internal:8443 refused (requests go to the configured worker only)`);
    expect(error.suggestion).toBe("point --connect-url (or the environment's connect.url) at the worker itself");
  });

  it('asks whether the URL is a supported worker when an answer has the wrong shape', async () => {
    server.script('GET /', { status: 200, body: '<html><body>Grafana</body></html>' });
    const error = (await createConnectClient({ url: server.url, ...fast }).serverInfo().catch((caught: unknown) => caught)) as ConnectError;
    expect(error.suggestion).toBe('is the URL a Kafka Connect worker of a supported version (Kafka ≥ 3.7)?');
  });
});

describe('which statuses are redirects', () => {
  it('refuses 300 as a redirect', async () => {
    server.script('GET /connectors/cdc-orders-sink/status', { status: 300, headers: { location: '/connectors/cdc-orders-sink/status' } });
    await expect(createConnectClient({ url: server.url, ...fast }).status('cdc-orders-sink')).rejects.toThrow(/300 redirect to .* refused/);
    expect(server.requests).toHaveLength(1);
  });

  it('reads 400 as the error it is, not a redirect', async () => {
    server.script('PUT /connectors/cdc-orders-sink/config', { status: 400, body: { error_code: 400, message: 'Connector configuration is invalid and contains the following 1 error(s):\nMissing required configuration "connection.url" which has no default value.' } });
    const error = (await createConnectClient({ url: server.url, ...fast }).putConfig('cdc-orders-sink', CONFIG).catch((caught: unknown) => caught)) as ConnectError;
    expect(error.message).toMatch(/: 400 Connector configuration is invalid/);
    expect(error.suggestion).toMatch(/validate --remote/);
  });
});

describe('the worker URL, refused', () => {
  it('says no request was sent, and what to give instead', () => {
    const error = (() => {
      try {
        createConnectClient({ url: 'ftp://connect:8083' });
      } catch (caught) {
        return caught;
      }
    })() as ConnectError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.message).toMatch(/^Kafka Connect URL: /);
    expect(error.details).toMatchObject({ method: '(none sent)', url: '(refused)', suggestion: "give --connect-url (or the environment's connect.url) the worker's http(s) REST URL" });
  });

  it('drops every trailing slash of the URL', () => {
    expect(createConnectClient({ url: 'http://connect:8083//' }).url).toBe('http://connect:8083');
  });
});

describe('a create whose first answer was lost, compared as Connect returns the config', () => {
  const sent = { 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', topics: 'cdc.app_db.orders', 'tasks.max': '1', 'connection.url': 'jdbc:postgresql://warehouse:5432/analytics' };

  it('is a success whatever the order of the keys the worker returns', async () => {
    server.script('POST /connectors', { status: 500, body: { error_code: 500, message: 'Request timed out' } }, { status: 409, body: { error_code: 409, message: 'Connector cdc-orders-sink already exists' } });
    const reordered = Object.fromEntries(Object.entries({ ...sent, name: 'cdc-orders-sink' }).reverse());
    server.script('GET /connectors/cdc-orders-sink/config', { status: 200, body: reordered });
    await expect(createConnectClient({ url: server.url, ...fast }).createConnector('cdc-orders-sink', sent)).resolves.toBeUndefined();
  });

  it('is the error of reading the config back when that fails, naming the connector and the GET', async () => {
    server.script('POST /connectors', { status: 500, body: { error_code: 500, message: 'Request timed out' } }, { status: 409, body: { error_code: 409, message: 'Connector cdc-orders-sink already exists' } });
    server.script('GET /connectors/cdc-orders-sink/config', { status: 404, body: { error_code: 404, message: 'Connector cdc-orders-sink not found' } });
    await expect(createConnectClient({ url: server.url, ...fast }).createConnector('cdc-orders-sink', sent)).rejects.toThrow(`cdc-orders-sink: GET ${server.url}/connectors/cdc-orders-sink/config: 404 Connector cdc-orders-sink not found`);
  });
});

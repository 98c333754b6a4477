import { AdminApiError, createAdminApiClient, type AdminApiClient, type AdminLogEntry } from '../../../migration/admin-api';
import { startFakeAtlasAdminApi, type FakeAtlasAdminApi } from '../../support/fake-atlas-admin-api';
import { FUNCTION_IDS, fakeState, GROUP_ID, HISTORY_LOST, KEYS, STANDARD_APP, TRIGGERS, TRIGGERS_APP } from './atlas-fixture';
import { generatedSecret } from '../../support/generated-secret';
import { startScriptedServer, type ScriptedServer } from '../../support/scripted-http-server';

// The Admin API cannot run here: these tests talk to an HTTP FAKE of it on loopback.
const NOW = new Date('2026-03-01T12:00:00.000Z');
const APP_ID = TRIGGERS_APP._id;
let fake: FakeAtlasAdminApi;
let waits: number[];

function client(overrides: Partial<Parameters<typeof createAdminApiClient>[0]> = {}): AdminApiClient {
  return createAdminApiClient({ baseUrl: fake.url, ...KEYS, sleep: async (ms) => void waits.push(ms), retryBaseDelayMs: 10, ...overrides });
}

beforeEach(async () => {
  fake = await startFakeAtlasAdminApi(fakeState(NOW));
  waits = [];
});
afterEach(() => fake.close());

describe('Admin API client: the session', () => {
  it('logs in with the key pair in the body and lists apps with the access token', async () => {
    const apps = await client().listApps(GROUP_ID);
    expect(apps.map((app) => app._id)).toEqual([APP_ID, STANDARD_APP._id]);
    const [login, list] = fake.requests;
    expect(login).toMatchObject({ method: 'POST', path: '/api/admin/v3.0/auth/providers/mongodb-cloud/login', status: 200 });
    expect(JSON.parse(login!.body)).toEqual({ username: KEYS.publicKey, apiKey: KEYS.privateKey });
    expect(list).toMatchObject({ credential: 'access', status: 200 });
    // The private key travels in one request body only: never in a URL.
    expect(fake.requests.filter((request) => JSON.stringify(request).includes(KEYS.privateKey))).toHaveLength(1);
    expect(fake.requests.some((request) => request.path.includes(KEYS.privateKey) || Object.values(request.query).includes(KEYS.privateKey))).toBe(false);
  });

  it('refreshes the session on 401 and repeats the request once', async () => {
    const api = client();
    await api.listApps(GROUP_ID);
    fake.expireAccessTokens();
    const triggers = await api.listTriggers(GROUP_ID, APP_ID);
    expect(triggers.length).toBeGreaterThan(5);
    expect(fake.requests.map((request) => `${request.method} ${request.path.replace('/api/admin/v3.0', '')} ${request.status}`)).toEqual([
      'POST /auth/providers/mongodb-cloud/login 200',
      `GET /groups/${GROUP_ID}/apps 200`,
      `GET /groups/${GROUP_ID}/apps/${APP_ID}/triggers 401`,
      'POST /auth/session 201',
      `GET /groups/${GROUP_ID}/apps/${APP_ID}/triggers 200`,
    ]);
  });

  it('logs in again when the refresh token is refused too', async () => {
    const api = client();
    await api.listApps(GROUP_ID);
    fake.expireSession();
    await api.listApps(GROUP_ID);
    const paths = fake.requests.map((request) => `${request.path.replace('/api/admin/v3.0', '')} ${request.status}`);
    expect(paths.slice(2)).toEqual([`/groups/${GROUP_ID}/apps 401`, '/auth/session 401', '/auth/providers/mongodb-cloud/login 200', `/groups/${GROUP_ID}/apps 200`]);
  });

  it('reports a refused key pair without showing it', async () => {
    const wrongKey = generatedSecret('wrong-key');
    const error = (await createAdminApiClient({ baseUrl: fake.url, publicKey: KEYS.publicKey, privateKey: wrongKey })
      .listApps(GROUP_ID)
      .catch((caught: unknown) => caught)) as AdminApiError;
    expect(error.status).toBe(401);
    expect(error.suggestion).toMatch(/ATLAS_PUBLIC_KEY/);
    expect(`${error.message} ${error.suggestion}`).not.toContain(wrongKey);
  });
});

describe('Admin API client: retries and what a response must be', () => {
  it('retries 429 (honouring Retry-After) and 5xx with backoff, then succeeds', async () => {
    fake.inject(/\/functions$/, { status: 429, body: { error: 'slow down' }, headers: { 'retry-after': '2' } });
    fake.inject(/\/functions$/, { status: 503, body: 'upstream unavailable' }, 2);
    const functions = await client().listFunctions(GROUP_ID, APP_ID);
    expect(functions.map((fn) => fn._id)).toContain(FUNCTION_IDS.orders);
    expect(waits[0]).toBe(2000);
    expect(waits).toHaveLength(3);
    // Exponential ceiling with jitter: the second wait is 10–20 ms, the third 20–40 ms.
    expect(waits[1]).toBeGreaterThanOrEqual(10);
    expect(waits[1]).toBeLessThanOrEqual(20);
    expect(waits[2]).toBeGreaterThanOrEqual(20);
    expect(waits[2]).toBeLessThanOrEqual(40);
  });

  it('gives up after maxRetries with the status and a hint', async () => {
    fake.inject(/\/apps$/, { status: 500, body: { error: 'internal', error_code: 'InternalServerError' } }, 10);
    const error = await client({ maxRetries: 2 }).listApps(GROUP_ID).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ status: 500, message: 'HTTP 500: internal (InternalServerError)', suggestion: 'gave up after 2 retries' });
    expect(waits).toHaveLength(2);
  });

  it('rejects a response that does not have the documented shape, saying which field', async () => {
    fake.inject(/\/apps$/, { status: 200, body: [{ name: 'no id here' }] });
    await expect(client().listApps(GROUP_ID)).rejects.toThrow(/documented shape: 0\._id: /);
  });

  it('rejects a body that is not JSON', async () => {
    fake.inject(new RegExp(`/functions/${FUNCTION_IDS.orders}$`), { status: 200, body: `{"_id": "${FUNCTION_IDS.orders}", "source": ` });
    await expect(client().getFunction(GROUP_ID, APP_ID, FUNCTION_IDS.orders)).rejects.toThrow(/documented shape/);
  });

  it('fails a response larger than the configured limit instead of reading it all', async () => {
    fake.inject(new RegExp(`/functions/${FUNCTION_IDS.orders}$`), { status: 200, body: { _id: FUNCTION_IDS.orders, name: 'huge', source: 'x'.repeat(200_000) } });
    await expect(client({ maxResponseBytes: 100_000 }).getFunction(GROUP_ID, APP_ID, FUNCTION_IDS.orders)).rejects.toThrow(/larger than 100000 bytes/);
  });
});

describe('Admin API client: apps of both products (adminListApplications)', () => {
  it('asks for the standard and the atlas apps in one request, so the Atlas UI\'s triggers app is among them', async () => {
    const apps = await client().listApps(GROUP_ID);
    expect(fake.requests.at(-1)!.query).toEqual({ product: 'standard,atlas' });
    expect(apps.find((app) => app._id === TRIGGERS_APP._id)).toMatchObject({ name: 'Triggers', product: 'atlas', client_app_id: TRIGGERS_APP.client_app_id });
    expect(apps.find((app) => app._id === STANDARD_APP._id)).toMatchObject({ name: 'shop-app', product: 'standard' });
  });

  it('reads a function list in the FunctionSummary shape, which has no private', async () => {
    const functions = await client().listFunctions(GROUP_ID, APP_ID);
    expect(functions[0]).toEqual({ _id: FUNCTION_IDS.orders, name: 'syncOrders', last_modified: expect.any(Number) });
    expect((await client().getFunction(GROUP_ID, APP_ID, FUNCTION_IDS.orders)).private).toBe(false);
  });
});

describe('Admin API client: log pages', () => {
  it('reads TRIGGER_FAILURE entries by type, each naming its trigger by event_subscription_id', async () => {
    const seen: AdminLogEntry[] = [];
    const startDate = new Date(NOW.getTime() - 7 * 86_400_000).toISOString();
    const scan = await client().scanLogs(GROUP_ID, APP_ID, { type: 'TRIGGER_FAILURE', errorsOnly: true, startDate }, (entry) => seen.push(entry));
    expect(scan).toEqual({ pages: 1, entries: 3, malformedEntries: 0 });
    expect(fake.requests.at(-1)!.query).toMatchObject({ type: 'TRIGGER_FAILURE', errors_only: 'true', limit: '100' });
    expect(seen.filter((entry) => entry.event_subscription_id === TRIGGERS.orders._id).map((entry) => entry.error)).toEqual([HISTORY_LOST, HISTORY_LOST]);
  });

  it('reads every log page once, following nextEndDate and nextSkip across equal timestamps', async () => {
    const seen: AdminLogEntry[] = [];
    const scan = await client().scanLogs(GROUP_ID, APP_ID, { type: 'DB_TRIGGER', errorsOnly: false, startDate: new Date(NOW.getTime() - 7 * 86_400_000).toISOString() }, (entry) => seen.push(entry));
    // 250 syncOrders + 3 onPaymentPaid successes inside the window; the 8-day-old entry is outside.
    expect(scan).toEqual({ pages: 3, entries: 253, malformedEntries: 0 });
    expect(new Set(seen.map((entry) => `${entry.started}|${entry.completed}`)).size).toBe(253);
    const pageRequests = fake.requests.filter((request) => request.path.endsWith('/logs'));
    // The boundary splits four entries of one instant: two were on page one, so page two skips two.
    expect(pageRequests[1]!.query).toMatchObject({ end_date: expect.any(String), skip: '2' });
    expect(pageRequests.every((request) => request.query.type === 'DB_TRIGGER' && !('errors_only' in request.query))).toBe(true);
  });

  it('asks for errors with errors_only and counts entries of the wrong shape', async () => {
    fake.inject(/\/logs$/, { status: 200, body: { logs: [{ started: 12 }, { started: NOW.toISOString(), error: 'boom', event_subscription_id: TRIGGERS.orders._id }] } });
    const seen: AdminLogEntry[] = [];
    const scan = await client().scanLogs(GROUP_ID, APP_ID, { type: 'DB_TRIGGER', errorsOnly: true, startDate: '2026-01-01T00:00:00Z' }, (entry) => seen.push(entry));
    expect(scan).toEqual({ pages: 1, entries: 1, malformedEntries: 1 });
    expect(fake.requests.at(-1)!.query.errors_only).toBe('true');
  });

  it('stops on a repeated page cursor and at the page limit, saying so', async () => {
    const looping = { status: 200, body: { logs: [], nextEndDate: '2026-02-01T00:00:00.000Z', nextSkip: 1 } };
    fake.inject(/\/logs$/, looping, 5);
    const scan = await client().scanLogs(GROUP_ID, APP_ID, { type: 'DB_TRIGGER', errorsOnly: false, startDate: '2026-01-01T00:00:00Z' }, () => undefined);
    expect(scan.truncated).toMatch(/repeated the page cursor/);
    const limited = await client().scanLogs(GROUP_ID, APP_ID, { type: 'DB_TRIGGER', errorsOnly: false, startDate: '2026-01-01T00:00:00Z', maxPages: 1 }, () => undefined);
    expect(limited).toMatchObject({ pages: 1, truncated: expect.stringMatching(/after 1 pages/) });
  });
});

describe('Admin API client: a hostile server', () => {
  const LOGIN = 'POST /api/admin/v3.0/auth/providers/mongodb-cloud/login';
  let hostile: ScriptedServer;
  let elsewhere: ScriptedServer;
  beforeEach(async () => {
    hostile = await startScriptedServer();
    elsewhere = await startScriptedServer({ status: 200, body: { access_token: 'a', refresh_token: 'r' } });
  });
  afterEach(async () => {
    await hostile.close();
    await elsewhere.close();
  });
  const hostileClient = (overrides: Partial<Parameters<typeof createAdminApiClient>[0]> = {}) =>
    createAdminApiClient({ baseUrl: `${hostile.url}/api/admin/v3.0`, ...KEYS, sleep: async () => undefined, ...overrides });

  it.each([307, 308, 302])('a login answered %i to another host does not send the key pair there, and names the host', async (status) => {
    hostile.script(LOGIN, { status, headers: { location: `${elsewhere.url}/steal` } });
    const error = (await hostileClient().listApps(GROUP_ID).catch((caught: unknown) => caught)) as AdminApiError;
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error.message).toBe(`HTTP ${status}: a redirect to ${new URL(elsewhere.url).host}, refused: credentialed calls follow no redirects`);
    expect(elsewhere.requests).toEqual([]);
    expect(hostile.requests).toHaveLength(1);
    expect(`${error.message} ${error.suggestion}`).not.toContain(KEYS.privateKey);
  });

  it('refuses a plain-http --api-url that is not this machine, before sending anything', () => {
    expect(() => createAdminApiClient({ baseUrl: 'http://admin.example.net/api/admin/v3.0', ...KEYS })).toThrow(/--api-url must be https/);
    expect(() => createAdminApiClient({ baseUrl: 'file:///etc/passwd', ...KEYS })).toThrow(/--api-url must be an http\(s\) URL/);
    expect(createAdminApiClient({ baseUrl: 'https://services.example.net/api/admin/v3.0', ...KEYS }).baseUrl).toBe('https://services.example.net/api/admin/v3.0');
    expect(createAdminApiClient({ baseUrl: 'http://localhost:1/api/admin/v3.0', ...KEYS }).baseUrl).toBe('http://localhost:1/api/admin/v3.0');
  });

  it('a body that arrives a byte at a time ends at the overall deadline, not never', async () => {
    hostile.script(LOGIN, { status: 200, drip: { chunk: ' ', everyMs: 20 } });
    const error = await hostileClient({ timeoutMs: 1_000, deadlineMs: 300, maxRetries: 0 }).listApps(GROUP_ID).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ message: 'no response after 1 attempts: no complete response within 300 ms' });
  });

  it('an error page full of escapes is shown, not obeyed', async () => {
    hostile.script(LOGIN, { status: 400, raw: '\u001b]0;owned\u0007<h1>\u001b[31mno\u001b[0m</h1>' });
    const error = (await hostileClient({ maxRetries: 0 }).listApps(GROUP_ID).catch((caught: unknown) => caught)) as AdminApiError;
    expect(error.message).toBe('HTTP 400: <h1>no</h1>');
  });
});

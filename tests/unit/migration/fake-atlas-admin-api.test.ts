import { startFakeAtlasAdminApi, type FakeAtlasAdminApi, type FakeAtlasState } from '../../support/fake-atlas-admin-api';
import { fakeState, FUNCTION_IDS, GROUP_ID, KEYS, STANDARD_APP, TRIGGERS, TRIGGERS_APP } from './atlas-fixture';

/**
 * The fake Admin API the inventory tests run against, held to the API's OpenAPI description
 * (mongodb/docs-app-services `source/openapi-admin-v3.yaml`): a fake that drifts from it would let
 * the client drift too. Raw HTTP, no client in between.
 */
const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY_MS = 86_400_000;
const OBJECT_ID = /^[0-9a-f]{24}$/;
let fake: FakeAtlasAdminApi;
let accessToken: string;

/** A GET with the session; the body as served (each test reads the fields it checks). */
async function get(path: string, query: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const url = `${fake.url}${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: response.status, body: await response.json() };
}

const logsOf = (query: Record<string, string>) => get(`/groups/${GROUP_ID}/apps/${TRIGGERS_APP._id}/logs`, query);

/** The fake serving `state`, and a session with it. */
async function start(state: FakeAtlasState): Promise<void> {
  fake = await startFakeAtlasAdminApi(state);
  const login = await fetch(`${fake.url}/auth/providers/mongodb-cloud/login`, { method: 'POST', body: JSON.stringify({ username: KEYS.publicKey, apiKey: KEYS.privateKey }) });
  accessToken = ((await login.json()) as { access_token: string }).access_token;
}

beforeEach(() => start(fakeState(NOW)));
afterEach(() => fake.close());

describe('fake Admin API: adminListApplications', () => {
  it('lists the standard apps only when product is absent, as the spec says it does by default', async () => {
    const { body } = await get(`/groups/${GROUP_ID}/apps`);
    expect(body.map((app: { name: string }) => app.name)).toEqual(['shop-app']);
  });

  it('lists the apps of each product named, one or several comma-separated, and refuses an unknown one', async () => {
    expect((await get(`/groups/${GROUP_ID}/apps`, { product: 'atlas' })).body.map((app: { _id: string }) => app._id)).toEqual([TRIGGERS_APP._id]);
    expect((await get(`/groups/${GROUP_ID}/apps`, { product: 'standard,atlas' })).body).toHaveLength(2);
    expect((await get(`/groups/${GROUP_ID}/apps`, { product: 'data-api' })).body).toEqual([]);
    expect((await get(`/groups/${GROUP_ID}/apps`, { product: 'triggers' })).status).toBe(400);
  });

  it('serves each app as an AppInstance, its ids ObjectId-shaped', async () => {
    const [app] = (await get(`/groups/${GROUP_ID}/apps`, { product: 'atlas' })).body;
    expect(Object.keys(app).sort()).toEqual(
      ['_id', 'client_app_id', 'deployment_model', 'domain_id', 'environment', 'group_id', 'last_modified', 'last_used', 'location', 'name', 'product', 'provider_region'].sort(),
    );
    expect(app).toMatchObject({ _id: expect.stringMatching(OBJECT_ID), domain_id: expect.stringMatching(OBJECT_ID), group_id: GROUP_ID, product: 'atlas', last_used: expect.any(Number) });
  });
});

describe('fake Admin API: triggers and functions', () => {
  it('lists whole Trigger objects: event_processors always, the function duplicated both ways, disabled defaulted', async () => {
    const { body } = await get(`/groups/${GROUP_ID}/apps/${TRIGGERS_APP._id}/triggers`);
    const byName = (name: string) => body.find((trigger: { name?: string }) => trigger.name === name);
    // Created with function_id only: the backend copies it to event_processors.FUNCTION.config.
    expect(byName('onPaymentPaid')).toMatchObject({ function_id: FUNCTION_IDS.payments, event_processors: { FUNCTION: { config: { function_id: FUNCTION_IDS.payments } } } });
    expect(byName('orders/archive\\x')).toMatchObject({ disabled: false, event_processors: {} });
    for (const trigger of Object.values(TRIGGERS)) expect(byName(trigger.name)._id).toMatch(OBJECT_ID);
    // Malformed items stay as they were, for the inventory to survive.
    expect(body).toContain('not even an object');
  });

  it('copies event_processors.FUNCTION.config to function_id and function_name when only the processor was given', async () => {
    const created = { _id: '64b0c0ffee0000000000d201', name: 'viaProcessor', type: 'SCHEDULED', config: { schedule: '* * * * *' }, event_processors: { FUNCTION: { config: { function_id: FUNCTION_IDS.rollup, function_name: 'nightlyRollup' } } } };
    await fake.close();
    await start(fakeState(NOW, { triggers: { [TRIGGERS_APP._id]: [created] } }));
    expect((await get(`/groups/${GROUP_ID}/apps/${TRIGGERS_APP._id}/triggers`)).body).toEqual([{ ...created, disabled: false, function_id: FUNCTION_IDS.rollup, function_name: 'nightlyRollup' }]);
  });

  it('lists functions as FunctionSummary (_id, name, last_modified) and serves one as Function', async () => {
    const { body } = await get(`/groups/${GROUP_ID}/apps/${STANDARD_APP._id}/functions`);
    expect(body).toEqual([{ _id: FUNCTION_IDS.invoices, name: 'syncInvoices', last_modified: expect.any(Number) }]);
    const one = await get(`/groups/${GROUP_ID}/apps/${STANDARD_APP._id}/functions/${FUNCTION_IDS.invoices}`);
    expect(one.body).toMatchObject({ _id: FUNCTION_IDS.invoices, name: 'syncInvoices', private: false, source: expect.any(String) });
  });
});

describe('fake Admin API: adminGetLogs', () => {
  it('takes a limit of 1 to 100 only', async () => {
    for (const limit of ['0', '101', '2.5']) expect((await logsOf({ limit })).status).toBe(400);
    expect((await logsOf({ limit: '1', type: 'DB_TRIGGER' })).body.logs).toHaveLength(1);
  });

  it('pages with camelCase nextEndDate (the next end_date) and nextSkip, absent on the last page', async () => {
    const first = (await logsOf({ type: 'DB_TRIGGER', limit: '100' })).body;
    expect(first).toMatchObject({ nextEndDate: expect.any(String) });
    expect(Object.keys(first)).not.toContain('next_end_date');
    const last = (await logsOf({ type: 'SCHEDULED_TRIGGER' })).body;
    expect(Object.keys(last)).toEqual(['logs']);
  });

  it('serves entries with BaseLog ids, ObjectId-shaped', async () => {
    const [entry] = (await logsOf({ type: 'TRIGGER_FAILURE', errors_only: 'true', limit: '1' })).body.logs;
    for (const field of ['_id', 'co_id', 'domain_id', 'app_id', 'group_id', 'event_subscription_id']) expect(entry[field]).toMatch(OBJECT_ID);
    expect(entry).toMatchObject({ type: 'TRIGGER_FAILURE', app_id: TRIGGERS_APP._id, group_id: GROUP_ID, error: expect.any(String) });
  });

  it('keeps logs 10 days: an older entry is gone whatever start_date asks for', async () => {
    const startDate = new Date(NOW.getTime() - 30 * DAY_MS).toISOString();
    const { body } = await logsOf({ type: 'DB_TRIGGER', start_date: startDate, end_date: new Date(NOW.getTime() - 9 * DAY_MS).toISOString() });
    // The fixture has an entry 12 days old; none from before the retention is served.
    expect(body.logs).toEqual([]);
  });
});

describe('fake Admin API: adminCreateSession', () => {
  it('refuses an access token in place of the refresh token with the spec\'s message', async () => {
    const response = await fetch(`${fake.url}/auth/session`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid refresh token: incorrect token type' });
  });
});

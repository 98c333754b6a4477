import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A FAKE of the Atlas App Services Admin API (`/api/admin/v3.0`), for tests only: the real API
 * cannot run on these machines. It serves the endpoints the inventory reads (login, session refresh,
 * apps, triggers, functions, paged logs) in the shapes of the API's OpenAPI description
 * (mongodb/docs-app-services, `source/openapi-admin-v3.yaml`), each route naming its operationId;
 * it checks the key pair and bearer tokens, and lets a test expire tokens, inject failures (429,
 * 5xx, malformed bodies) and read back every request it received. It listens on loopback only.
 */

/** `adminListApplications` query `product` enum, and `AppInstance.product`. */
export const APP_PRODUCTS = ['standard', 'atlas', 'data-api', 'device-sync'] as const;
export type AppProduct = (typeof APP_PRODUCTS)[number];

/**
 * "App Services retains logs for 10 days, after which they are deleted" (docs-app-services
 * `source/activity.txt`). Stated here apart from the client's own constant: a fake that read the
 * client's figure could not catch the client getting it wrong.
 */
const LOG_RETENTION_MS = 10 * 86_400_000;

export interface FakeApp {
  readonly _id: string;
  readonly name: string;
  readonly client_app_id: string;
  /** @default 'standard' (what an App Services app is; `atlas` is the app the Atlas UI keeps its triggers in) */
  readonly product?: AppProduct;
}

export interface FakeFunction {
  readonly _id: string;
  readonly name: string;
  readonly private?: boolean;
  readonly source: string;
}

/** A log entry as the API stores it; `started` orders the pages. The fake adds BaseLog's ids. */
export interface FakeLogEntry {
  readonly type: string;
  readonly started: string;
  readonly completed?: string;
  readonly error?: string;
  readonly error_code?: string;
  readonly event_subscription_id?: string;
  readonly event_subscription_name?: string;
  readonly function_name?: string;
  readonly [extra: string]: unknown;
}

export interface FakeAtlasState {
  readonly publicKey: string;
  readonly privateKey: string;
  readonly groupId: string;
  readonly apps: readonly FakeApp[];
  /**
   * Per app id: the triggers as they were created. The list serves each object that has a name and
   * a type whole, as the backend stores it (see wholeTrigger); anything else as given (malformed
   * items included on purpose).
   */
  readonly triggers: Readonly<Record<string, readonly unknown[]>>;
  readonly functions: Readonly<Record<string, readonly FakeFunction[]>>;
  readonly logs: Readonly<Record<string, readonly FakeLogEntry[]>>;
  /** The fake's clock: logs older than 10 days before it are gone. */
  readonly now: Date;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Which credential the request carried. */
  readonly credential: 'none' | 'access' | 'refresh' | 'invalid';
  readonly body: string;
  readonly status: number;
}

export interface InjectedResponse {
  readonly status: number;
  /** A JSON value, or a string sent as is (to send broken JSON). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FakeAtlasAdminApi {
  /** Base URL including `/api/admin/v3.0`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Every access token issued so far stops working (the next call gets 401). */
  expireAccessTokens(): void;
  /** Refresh tokens stop working too: the client must log in again. */
  expireSession(): void;
  /** The next `times` requests whose path matches get this response instead. */
  inject(pathPattern: RegExp, response: InjectedResponse, times?: number): void;
  close(): Promise<void>;
}

const BASE = '/api/admin/v3.0';

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** A 24-hex id (an ObjectId's shape, as every id the API hands out): `prefix` in front, `serial` at the end. */
function objectId(prefix: string, serial: number): string {
  const tail = serial.toString(16);
  return `${prefix}${'0'.repeat(Math.max(0, 24 - prefix.length - tail.length))}${tail}`.slice(0, 24);
}

function invalidParameter(message: string): { status: number; body: unknown } {
  // The spec documents the bounds, not the error the real API answers with (assumed 400).
  return { status: 400, body: { error: message, error_code: 'InvalidParameter' } };
}

/**
 * The entries of one app a log query selects: its `type`, error or non-error by the presence of
 * `errors_only`, `start_date` exclusive, `end_date` inclusive, and nothing older than the
 * retention; newest first. (The spec's `limit` text says "ascending order by date"; the logs guide
 * says a bare request returns "the 100 most recent", and its pager walks back with `end_date`: the
 * fake does the latter.)
 */
function matchingLogs(all: readonly FakeLogEntry[], query: Record<string, string>, now: Date): FakeLogEntry[] | { status: number; body: unknown } {
  const start = query.start_date ? Date.parse(query.start_date) : -Infinity;
  const end = query.end_date ? Date.parse(query.end_date) : Infinity;
  if (Number.isNaN(start) || Number.isNaN(end)) return invalidParameter('invalid date');
  const kept = now.getTime() - LOG_RETENTION_MS;
  const errorsOnly = 'errors_only' in query;
  return all
    .filter((entry) => (query.type ? entry.type === query.type : true))
    .filter((entry) => Boolean(entry.error) === errorsOnly)
    .filter((entry) => Date.parse(entry.started) > Math.max(start, kept) && Date.parse(entry.started) <= end)
    .sort((a, b) => Date.parse(b.started) - Date.parse(a.started));
}

/** An entry with BaseLog's ids (`_id`, `co_id`, `domain_id`, `app_id`, `group_id`), ObjectId-shaped. */
function wholeLogEntry(entry: FakeLogEntry, app: FakeApp, groupId: string, all: readonly FakeLogEntry[]): unknown {
  const serial = all.indexOf(entry);
  return { _id: objectId('10', serial), co_id: objectId('c0', serial), domain_id: domainIdOf(app), app_id: app._id, group_id: groupId, ...entry };
}

/**
 * `adminGetLogs`: `limit` 1–100 (refused otherwise), `skip`, and a paginated answer's camelCase
 * `nextEndDate` (the next page's `end_date`) and `nextSkip` (entries of that instant already sent);
 * both absent on the last page, `nextSkip` absent when 0.
 */
function logsPage(app: FakeApp, state: FakeAtlasState, query: Record<string, string>): { status: number; body: unknown } {
  const limit = query.limit === undefined ? 100 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalidParameter('limit must be between 1 and 100');
  const skip = Number(query.skip ?? 0);
  if (!Number.isInteger(skip) || skip < 0) return invalidParameter('skip must be a whole number');
  const all = state.logs[app._id] ?? [];
  const matching = matchingLogs(all, query, state.now);
  if (!Array.isArray(matching)) return matching;
  const page = matching.slice(skip, skip + limit).map((entry) => wholeLogEntry(entry, app, state.groupId, all));
  const rest = matching.slice(skip + limit);
  if (rest.length === 0) return { status: 200, body: { logs: page } };
  const nextEndDate = rest[0]!.started;
  const firstAtBoundary = matching.findIndex((entry) => entry.started === nextEndDate);
  const nextSkip = skip + page.length - firstAtBoundary;
  return { status: 200, body: { logs: page, nextEndDate, ...(nextSkip > 0 ? { nextSkip } : {}) } };
}

type Reply = (status: number, payload: unknown, headers?: Record<string, string>) => void;

interface Tokens {
  readonly access: Set<string>;
  readonly refresh: Set<string>;
}

function token(): string {
  return randomBytes(16).toString('hex');
}

/** `adminLogin` with the key pair and `adminCreateSession` (201); undefined when the path is not an auth endpoint. */
function authRoute(state: FakeAtlasState, tokens: Tokens, request: { method?: string; path: string; body: string; credential: RecordedRequest['credential'] }, reply: Reply): true | undefined {
  if (request.method === 'POST' && request.path === '/auth/providers/mongodb-cloud/login') {
    let credentials: { username?: unknown; apiKey?: unknown } = {};
    try {
      credentials = JSON.parse(request.body);
    } catch {
      reply(400, { error: 'invalid JSON', error_code: 'BadRequest' });
      return true;
    }
    if (credentials.username !== state.publicKey || credentials.apiKey !== state.privateKey) {
      reply(401, { error: 'invalid username/password', error_code: 'InvalidPassword' });
      return true;
    }
    const access = token();
    const refresh = token();
    tokens.access.add(access);
    tokens.refresh.add(refresh);
    reply(200, { access_token: access, refresh_token: refresh, user_id: objectId('a0', 1), device_id: '000000000000000000000000' });
    return true;
  }
  if (request.method === 'POST' && request.path === '/auth/session') {
    if (request.credential === 'access') {
      reply(401, { error: 'invalid refresh token: incorrect token type', error_code: 'InvalidSession' });
      return true;
    }
    if (request.credential !== 'refresh') {
      reply(401, { error: 'invalid session: failed to find refresh token', error_code: 'InvalidSession' });
      return true;
    }
    const access = token();
    tokens.access.add(access);
    reply(201, { access_token: access });
    return true;
  }
  return undefined;
}

function domainIdOf(app: FakeApp): string {
  return objectId(app._id.slice(0, 20), 0xd);
}

/** `AppInstance`, every field the spec lists. */
function appInstance(app: FakeApp, groupId: string): unknown {
  return {
    _id: app._id,
    client_app_id: app.client_app_id,
    domain_id: domainIdOf(app),
    group_id: groupId,
    last_used: 1_700_000_000,
    last_modified: 1_690_000_000,
    product: app.product ?? 'standard',
    name: app.name,
    provider_region: 'aws-us-east-1',
    location: 'US-VA',
    deployment_model: 'GLOBAL',
    environment: '',
  };
}

/**
 * `adminListApplications`: the apps of the products in `product` (comma-separated), `standard` only
 * when it is absent. An unknown product is refused (assumed: the spec gives the enum, not the error).
 */
function appsOfProducts(state: FakeAtlasState, product: string | undefined): { status: number; body: unknown } {
  const wanted = product === undefined ? ['standard'] : product.split(',');
  const unknown = wanted.filter((name) => !(APP_PRODUCTS as readonly string[]).includes(name));
  if (unknown.length) return invalidParameter(`unknown product ${unknown.join(', ')}`);
  return { status: 200, body: state.apps.filter((app) => wanted.includes(app.product ?? 'standard')).map((app) => appInstance(app, state.groupId)) };
}

/**
 * A `Trigger` as the backend keeps it (BaseTrigger): `disabled` defaulted, and `function_id` /
 * `function_name` duplicated to `event_processors.FUNCTION.config` and back, whichever was given
 * ("The App Services backend duplicates the value to the configuration location where you did not
 * define it"); `event_processors` always present. `config` is served as created, missing or not.
 */
function wholeTrigger(created: unknown): unknown {
  if (!created || typeof created !== 'object' || Array.isArray(created)) return created;
  const trigger = created as Record<string, unknown> & { event_processors?: Record<string, unknown> };
  if (typeof trigger.name !== 'string' || typeof trigger.type !== 'string') return created;
  const processors = { ...(trigger.event_processors ?? {}) };
  const processorConfig = ((processors.FUNCTION as { config?: Record<string, unknown> } | undefined)?.config ?? {}) as Record<string, unknown>;
  const functionFields = Object.fromEntries(
    (['function_id', 'function_name'] as const).map((key) => [key, trigger[key] ?? processorConfig[key]]).filter(([, value]) => value !== undefined),
  );
  if (Object.keys(functionFields).length) processors.FUNCTION = { config: { ...processorConfig, ...functionFields } };
  return { disabled: false, ...trigger, ...functionFields, event_processors: processors };
}

/** An app's triggers (`adminListTriggers`), functions (`adminListFunctions`, `adminGetFunction`) and logs (`adminGetLogs`). */
function appRoute(state: FakeAtlasState, app: FakeApp, rest: string | undefined, query: Record<string, string>, reply: Reply): void {
  if (rest === '/triggers') return reply(200, (state.triggers[app._id] ?? []).map(wholeTrigger));
  // FunctionSummary: `_id`, `name`, `last_modified`; no `private`, no `source`.
  if (rest === '/functions') return reply(200, (state.functions[app._id] ?? []).map(({ _id, name }) => ({ _id, name, last_modified: 1_700_000_000 })));
  const functionMatch = /^\/functions\/([^/]+)$/.exec(rest ?? '');
  if (functionMatch) {
    const found = (state.functions[app._id] ?? []).find((candidate) => candidate._id === decodeURIComponent(functionMatch[1]!));
    if (!found) return reply(404, { error: 'function not found', error_code: 'FunctionNotFound' });
    return reply(200, { ...found, private: found.private ?? false, run_as_system: true, can_evaluate: {} });
  }
  if (rest === '/logs') {
    const page = logsPage(app, state, query);
    return reply(page.status, page.body);
  }
  return reply(404, { error: 'not found', error_code: 'NotFound' });
}

/** `/groups/{groupId}/apps` and below, for a request that carries a valid access token. */
function groupRoute(state: FakeAtlasState, path: string, query: Record<string, string>, reply: Reply): void {
  const groupMatch = /^\/groups\/([^/]+)\/apps(?:\/([^/]+)(\/.*)?)?$/.exec(path);
  if (!groupMatch || decodeURIComponent(groupMatch[1]!) !== state.groupId) return reply(404, { error: 'group not found', error_code: 'GroupNotFound' });
  const [, , appId, rest] = groupMatch;
  if (!appId) {
    const listed = appsOfProducts(state, query.product);
    return reply(listed.status, listed.body);
  }
  // `{appId}` is the app's `_id` (parameter AppId), whatever its product.
  const app = state.apps.find((candidate) => candidate._id === decodeURIComponent(appId));
  if (!app) return reply(404, { error: 'app not found', error_code: 'AppNotFound' });
  return appRoute(state, app, rest, query, reply);
}

export async function startFakeAtlasAdminApi(state: FakeAtlasState): Promise<FakeAtlasAdminApi> {
  const tokens: Tokens = { access: new Set(), refresh: new Set() };
  const injections: Array<{ pattern: RegExp; response: InjectedResponse; remaining: number }> = [];
  const requests: RecordedRequest[] = [];

  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams.entries());
    const body = await readBody(request);
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const credential: RecordedRequest['credential'] = !bearer ? 'none' : tokens.access.has(bearer) ? 'access' : tokens.refresh.has(bearer) ? 'refresh' : 'invalid';
    const reply: Reply = (status, payload, headers) => {
      requests.push({ method: request.method ?? '?', path: url.pathname, query, credential, body, status });
      send(response, status, payload, headers);
    };

    const injected = injections.find((candidate) => candidate.remaining > 0 && candidate.pattern.test(url.pathname));
    if (injected) {
      injected.remaining -= 1;
      return reply(injected.response.status, injected.response.body ?? '', { ...injected.response.headers });
    }
    if (!url.pathname.startsWith(BASE)) return reply(404, { error: 'not found', error_code: 'NotFound' });
    const path = url.pathname.slice(BASE.length);
    if (authRoute(state, tokens, { method: request.method, path, body, credential }, reply)) return;
    if (credential !== 'access') return reply(401, { error: 'invalid session: access token expired', error_code: 'InvalidSession' });
    return groupRoute(state, path, query, reply);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${BASE}`,
    requests,
    expireAccessTokens: () => tokens.access.clear(),
    expireSession: () => {
      tokens.access.clear();
      tokens.refresh.clear();
    },
    inject: (pattern, injectedResponse, times = 1) => injections.push({ pattern, response: injectedResponse, remaining: times }),
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

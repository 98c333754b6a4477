import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A FAKE of the Atlas App Services Admin API (`/api/admin/v3.0`), for tests only: the real API
 * cannot run on these machines. It serves the documented shapes of the endpoints the inventory
 * reads (login, session refresh, apps, triggers, functions, paged logs), checks the key pair and
 * bearer tokens, and lets a test expire tokens, inject failures (429, 5xx, malformed bodies) and
 * read back every request it received. It listens on loopback only.
 */
export interface FakeApp {
  readonly _id: string;
  readonly name: string;
  readonly client_app_id?: string;
}

export interface FakeFunction {
  readonly _id: string;
  readonly name: string;
  readonly private?: boolean;
  readonly source: string;
}

/** A log entry as the API stores it; `started` orders the pages. */
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
  /** Per app id: the items `GET …/triggers` returns, as given (malformed items included on purpose). */
  readonly triggers: Readonly<Record<string, readonly unknown[]>>;
  readonly functions: Readonly<Record<string, readonly FakeFunction[]>>;
  readonly logs: Readonly<Record<string, readonly FakeLogEntry[]>>;
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

/** The documented paging: newest first, `end_date` inclusive, `nextEndDate`/`nextSkip` for the next page. */
function logsPage(all: readonly FakeLogEntry[], query: Record<string, string>): { status: number; body: unknown } {
  const limit = query.limit === undefined ? 100 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return { status: 400, body: { error: 'limit must be between 1 and 100', error_code: 'InvalidParameter' } };
  const start = query.start_date ? Date.parse(query.start_date) : -Infinity;
  const end = query.end_date ? Date.parse(query.end_date) : Infinity;
  if (Number.isNaN(start) || Number.isNaN(end)) return { status: 400, body: { error: 'invalid date', error_code: 'InvalidParameter' } };
  const errorsOnly = 'errors_only' in query;
  const matching = all
    .filter((entry) => (query.type ? entry.type === query.type : true))
    .filter((entry) => Boolean(entry.error) === errorsOnly)
    .filter((entry) => Date.parse(entry.started) > start && Date.parse(entry.started) <= end)
    .sort((a, b) => Date.parse(b.started) - Date.parse(a.started));
  const skip = Number(query.skip ?? 0);
  const page = matching.slice(skip, skip + limit);
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

/** Login with the key pair and session refresh; undefined when the path is not an auth endpoint. */
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
    reply(200, { access_token: access, refresh_token: refresh, user_id: 'fake-user', device_id: '000000000000000000000000' });
    return true;
  }
  if (request.method === 'POST' && request.path === '/auth/session') {
    if (request.credential !== 'refresh') {
      reply(401, { error: 'invalid session', error_code: 'InvalidSession' });
      return true;
    }
    const access = token();
    tokens.access.add(access);
    reply(201, { access_token: access });
    return true;
  }
  return undefined;
}

/** An app's triggers, functions (listed and one by one) and logs. */
function appRoute(state: FakeAtlasState, app: FakeApp, rest: string | undefined, query: Record<string, string>, reply: Reply): void {
  if (rest === '/triggers') return reply(200, state.triggers[app._id] ?? []);
  if (rest === '/functions') {
    return reply(200, (state.functions[app._id] ?? []).map(({ _id, name, private: isPrivate }) => ({ _id, name, private: isPrivate ?? false, last_modified: 1700000000 })));
  }
  const functionMatch = /^\/functions\/([^/]+)$/.exec(rest ?? '');
  if (functionMatch) {
    const found = (state.functions[app._id] ?? []).find((candidate) => candidate._id === decodeURIComponent(functionMatch[1]!));
    if (!found) return reply(404, { error: 'function not found', error_code: 'FunctionNotFound' });
    return reply(200, { ...found, private: found.private ?? false, run_as_system: true, can_evaluate: {} });
  }
  if (rest === '/logs') {
    const page = logsPage(state.logs[app._id] ?? [], query);
    return reply(page.status, page.body);
  }
  return reply(404, { error: 'not found', error_code: 'NotFound' });
}

/** `/groups/{group}/apps` and below, for a request that carries a valid access token. */
function groupRoute(state: FakeAtlasState, path: string, query: Record<string, string>, reply: Reply): void {
  const groupMatch = /^\/groups\/([^/]+)\/apps(?:\/([^/]+)(\/.*)?)?$/.exec(path);
  if (!groupMatch || decodeURIComponent(groupMatch[1]!) !== state.groupId) return reply(404, { error: 'group not found', error_code: 'GroupNotFound' });
  const [, , appId, rest] = groupMatch;
  if (!appId) return reply(200, state.apps.map((app) => ({ ...app, group_id: state.groupId, location: 'US-VA', deployment_model: 'GLOBAL' })));
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

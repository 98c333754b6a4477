import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { z } from 'zod';
import { redirectHost, serviceUrlProblem } from '../connectors/connect/service-url';
import { printable } from '../connectors/connect/untrusted-text';

/**
 * The App Services Admin API (`/api/admin/v3.0`), read-only, as much of it as the inventory needs:
 * API-key login, session refresh, apps, triggers, functions (with source) and paged logs. Every
 * response is zod-parsed; 401 refreshes the session once (then logs in again), 429 and 5xx and
 * network errors are retried with backoff and jitter. Credentials never leave this module: they are
 * not logged, not put in errors, not returned, and never sent anywhere but the base URL: it must
 * be https (plain http for this machine only), and a redirect is refused, not followed.
 *
 * Shapes follow the API's OpenAPI description (mongodb/docs-app-services, `source/openapi-admin-v3.yaml`,
 * `info.version` 3.0); each schema names the operationId or component it comes from.
 */
export const ATLAS_ADMIN_API_URL = 'https://services.cloud.mongodb.com/api/admin/v3.0';

export interface AdminApiClientOptions {
  /** Base URL of the Admin API, up to and including `/api/admin/v3.0`. @default ATLAS_ADMIN_API_URL */
  readonly baseUrl?: string;
  /** Atlas programmatic API key pair (read from ATLAS_PUBLIC_KEY / ATLAS_PRIVATE_KEY by the CLI). */
  readonly publicKey: string;
  readonly privateKey: string;
  /** Per-request timeout: how long the connection may stay silent. @default 30000 */
  readonly timeoutMs?: number;
  /** Overall deadline of one attempt, its whole answer read (a slow body is not a silent one). @default 120000 */
  readonly deadlineMs?: number;
  /** Retries of one request after a 429, a 5xx or a network error. @default 5 */
  readonly maxRetries?: number;
  /** First backoff delay; doubles per retry, with jitter. @default 500 */
  readonly retryBaseDelayMs?: number;
  /** Longest single wait, including a server's Retry-After. @default 30000 */
  readonly retryMaxDelayMs?: number;
  /** Responses larger than this fail (a function source of hundreds of MiB is not read into memory). @default 33554432 (32 MiB) */
  readonly maxResponseBytes?: number;
  /** Called before each request with the method and path (no query, no credentials). */
  readonly onRequest?: (method: string, path: string) => void;
  /** Waits between retries; tests pass a recorder. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

export class AdminApiError extends Error {
  override name = 'AdminApiError';
  constructor(
    message: string,
    readonly method: string,
    readonly path: string,
    readonly status?: number,
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

// ---- Response shapes (documented fields; unknown fields are accepted and ignored) ----

/** `adminLogin`, `POST /auth/providers/mongodb-cloud/login`: 200 with both tokens. */
const loginResponseSchema = z.looseObject({ access_token: z.string().min(1), refresh_token: z.string().min(1) });
/** `adminCreateSession`, `POST /auth/session` with the refresh token: 201 with a new access token. */
const sessionResponseSchema = z.looseObject({ access_token: z.string().min(1) });

/**
 * The products whose apps can hold triggers: `standard` (App Services apps, the only ones listed when
 * `product` is absent) and `atlas` (the app the Atlas UI keeps its triggers in, named "Triggers").
 * `adminListApplications`, query `product` (style simple, explode false: one comma-separated value).
 * `data-api` and `device-sync` apps are left out: their products are past end of life.
 */
export const TRIGGER_APP_PRODUCTS = ['standard', 'atlas'] as const;

/** `AppInstance` (App + `_id`, `client_app_id`, `group_id`, `product`, …), as `adminListApplications` lists it. */
export const appSchema = z.looseObject({
  _id: z.string().min(1),
  name: z.string(),
  client_app_id: z.string().optional(),
  group_id: z.string().optional(),
  product: z.string().optional(),
});
export type AdminApp = z.infer<typeof appSchema>;

/**
 * `Trigger` (`_id` + BaseTrigger), an item of `adminListTriggers`. Lenient where BaseTrigger requires
 * (`config`, `event_processors`): the inventory checks `config` per type so one bad trigger does not
 * hide the others.
 */
export const triggerSchema = z.looseObject({
  _id: z.string().min(1),
  name: z.string().min(1),
  type: z.string().min(1),
  disabled: z.boolean().optional(),
  function_id: z.string().optional(),
  function_name: z.string().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  event_processors: z.record(z.string(), z.unknown()).optional(),
});
export type AdminTrigger = z.infer<typeof triggerSchema>;

/** `DatabaseTrigger.config`; `service_id` and `operation_types` are required there, optional here (see triggerSchema). */
export const databaseTriggerConfigSchema = z.looseObject({
  service_id: z.string().optional(),
  database: z.string().optional(),
  collection: z.string().optional(),
  operation_types: z.array(z.string()).optional(),
  match: z.record(z.string(), z.unknown()).optional(),
  project: z.record(z.string(), z.unknown()).optional(),
  full_document: z.boolean().optional(),
  full_document_before_change: z.boolean().optional(),
  tolerate_resume_errors: z.boolean().optional(),
  unordered: z.boolean().optional(),
  skip_catchup_events: z.boolean().optional(),
  maximum_throughput: z.boolean().optional(),
});
export type DatabaseTriggerConfig = z.infer<typeof databaseTriggerConfigSchema>;

/** `ScheduledTrigger.config`. */
export const scheduledTriggerConfigSchema = z.looseObject({ schedule: z.string().min(1), skip_catchup_events: z.boolean().optional() });
/**
 * `AuthenticationTrigger.config`: the schema types `providers` as one string, its example (and every
 * exported app config) as an array of them; both are read.
 */
export const authenticationTriggerConfigSchema = z.looseObject({ operation_type: z.string().optional(), providers: z.union([z.string(), z.array(z.string())]).optional() });

/** `FunctionSummary`, an item of `adminListFunctions`: no `private`, no `source`. */
const functionSummarySchema = z.looseObject({ _id: z.string().min(1), name: z.string(), last_modified: z.number().optional() });
export type AdminFunctionSummary = z.infer<typeof functionSummarySchema>;
/** `Function` (`_id` + FunctionConstructor), from `adminGetFunction`. */
const functionSchema = z.looseObject({ _id: z.string().min(1), name: z.string(), private: z.boolean().optional(), source: z.string() });
export type AdminFunction = z.infer<typeof functionSchema>;

/**
 * One `AppLog` entry (`adminGetLogs`), only the fields the baseline reads, each optional so that odd
 * entries are counted, not fatal: BaseLog's `type`, `started`, `completed`; TriggerLog's and
 * TriggerFailure's `event_subscription_id` (the trigger's `_id`) and `event_subscription_name`;
 * `error` (TriggerFailure, and a failed execution's).
 */
export const logEntrySchema = z.looseObject({
  type: z.string().optional(),
  started: z.string().optional(),
  completed: z.string().optional(),
  error: z.string().nullish(),
  error_code: z.string().nullish(),
  event_subscription_id: z.string().nullish(),
  event_subscription_name: z.string().nullish(),
  function_name: z.string().nullish(),
});
export type AdminLogEntry = z.infer<typeof logEntrySchema>;

/**
 * `adminGetLogs` 200. The schema marks `nextEndDate` and `nextSkip` required, its descriptions (and
 * the logs guide) say they come only with a paginated answer: absent means the last page.
 */
const logsPageSchema = z.looseObject({
  logs: z.array(z.unknown()).nullish(),
  nextEndDate: z.string().min(1).optional(),
  nextSkip: z.number().int().nonnegative().optional(),
});

/** `adminGetLogs` query `limit`: minimum 1, maximum 100. */
const LOG_PAGE_LIMIT = 100;

/**
 * The `adminGetLogs` `type` values the baseline reads: each trigger kind's executions, and
 * TRIGGER_FAILURE, the trigger itself failing (no function ran). One type per request; no parameter
 * selects a trigger (`co_id` is a request's correlation id), so entries are told apart by their
 * `event_subscription_id`.
 */
export const LOG_TYPES = ['DB_TRIGGER', 'SCHEDULED_TRIGGER', 'AUTH_TRIGGER', 'TRIGGER_FAILURE'] as const;
export type TriggerLogType = (typeof LOG_TYPES)[number];

/**
 * How far back the logs go: "App Services retains logs for 10 days, after which they are deleted"
 * (docs-app-services `source/activity.txt`, Log Retention, with `log-retention-time` of `snooty.toml`).
 */
export const LOG_RETENTION_DAYS = 10;

export interface LogQuery {
  readonly type: TriggerLogType;
  /**
   * `adminGetLogs` returns only error entries when `errors_only` is present (whatever its value) and
   * only non-error entries when it is absent: a full count needs both queries.
   */
  readonly errorsOnly: boolean;
  /** ISO 8601, exclusive. Entries older than LOG_RETENTION_DAYS are gone whatever it says. */
  readonly startDate: string;
  /** ISO 8601, inclusive. @default now (the server's) */
  readonly endDate?: string;
  /** Pages read at most; the result says when it stopped early. @default 1000 */
  readonly maxPages?: number;
}

export interface LogScan {
  readonly pages: number;
  readonly entries: number;
  /** Entries that did not match the documented shape (counted, skipped). */
  readonly malformedEntries: number;
  /** Why the scan stopped before the last page, if it did. */
  readonly truncated?: string;
}

export interface AdminApiClient {
  readonly baseUrl: string;
  /** The project's apps of every product in TRIGGER_APP_PRODUCTS, in one request. */
  listApps(groupId: string): Promise<AdminApp[]>;
  /** Raw items: the inventory parses each with `triggerSchema`, so one malformed trigger is reported, not fatal. */
  listTriggers(groupId: string, appId: string): Promise<unknown[]>;
  listFunctions(groupId: string, appId: string): Promise<AdminFunctionSummary[]>;
  getFunction(groupId: string, appId: string, functionId: string): Promise<AdminFunction>;
  /** Reads every page of a log query, calling `onEntry` per entry, so that memory stays flat. */
  scanLogs(groupId: string, appId: string, query: LogQuery, onEntry: (entry: AdminLogEntry) => void): Promise<LogScan>;
}

type AuthMode = 'access' | 'refresh' | 'none';

interface RequestSpec<T> {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly schema: z.ZodType<T>;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly body?: unknown;
  readonly auth: AuthMode;
}

function segment(value: string, what: string): string {
  if (!value) throw new AdminApiError(`${what} is empty`, 'GET', '(not sent)');
  return encodeURIComponent(value);
}

/** The start of what the server sent, for an error message: its control characters shown, not obeyed. */
function excerpt(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data ?? '');
  return printable(text.length > 300 ? `${text.slice(0, 300)}…` : text);
}

function serverMessage(data: unknown): string | undefined {
  if (data && typeof data === 'object') {
    const { error, error_code: code } = data as { error?: unknown; error_code?: unknown };
    if (typeof error === 'string') return printable(typeof code === 'string' ? `${error} (${code})` : error, { maxLength: 300 });
  }
  return undefined;
}

/** The options with every default resolved. */
type ResolvedClientOptions = Required<Omit<AdminApiClientOptions, 'onRequest'>> & Pick<AdminApiClientOptions, 'onRequest'>;

function resolveClientOptions(options: AdminApiClientOptions): ResolvedClientOptions {
  return {
    ...options,
    baseUrl: options.baseUrl ?? ATLAS_ADMIN_API_URL,
    timeoutMs: options.timeoutMs ?? 30_000,
    deadlineMs: options.deadlineMs ?? 120_000,
    maxRetries: options.maxRetries ?? 5,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000,
    maxResponseBytes: options.maxResponseBytes ?? 32 * 1024 * 1024,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
  };
}

/** One client's state: its options, its HTTP instance and the session's tokens (never leave this module). */
interface ClientContext {
  readonly options: ResolvedClientOptions;
  readonly http: AxiosInstance;
  readonly session: { accessToken?: string; refreshToken?: string };
}

/** Every status comes back as a response: `send` decides what each one means. */
function createHttp(options: ResolvedClientOptions): AxiosInstance {
  return axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    timeout: options.timeoutMs,
    maxContentLength: options.maxResponseBytes,
    maxBodyLength: 1024 * 1024,
    // The login's body carries the private key: a redirect would carry it elsewhere. `send` refuses 3xx.
    maxRedirects: 0,
    validateStatus: () => true,
    headers: { accept: 'application/json' },
  });
}

async function login(context: ClientContext): Promise<void> {
  const { publicKey, privateKey } = context.options;
  const session = await send(context, {
    method: 'POST',
    path: '/auth/providers/mongodb-cloud/login',
    schema: loginResponseSchema,
    body: { username: publicKey, apiKey: privateKey },
    auth: 'none',
  });
  context.session.accessToken = session.access_token;
  context.session.refreshToken = session.refresh_token;
}

/** A new access token from the refresh token; a refused refresh (expired session) means logging in again. */
async function refresh(context: ClientContext): Promise<void> {
  if (!context.session.refreshToken) return login(context);
  try {
    const session = await send(context, { method: 'POST', path: '/auth/session', schema: sessionResponseSchema, auth: 'refresh' });
    context.session.accessToken = session.access_token;
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 401) return login(context);
    throw error;
  }
}

/** A server's Retry-After when it gives one, else exponential backoff with jitter; capped either way. */
function backoff(options: ResolvedClientOptions, attempt: number, response?: AxiosResponse): number {
  const retryAfter = Number(response?.headers?.['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(retryAfter * 1000, options.retryMaxDelayMs);
  const ceiling = Math.min(options.retryMaxDelayMs, options.retryBaseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * One attempt of a request, logging in first when there is no session. A network error is retried
 * (after its backoff: the result is undefined) until the retries are spent; a response too large
 * never is.
 */
async function attemptRequest<T>(context: ClientContext, spec: RequestSpec<T>, attempt: number): Promise<AxiosResponse | undefined> {
  const { options, session } = context;
  if (spec.auth === 'access' && !session.accessToken) await login(context);
  const token = spec.auth === 'access' ? session.accessToken : spec.auth === 'refresh' ? session.refreshToken : undefined;
  options.onRequest?.(spec.method, spec.path);
  const signal = AbortSignal.timeout(options.deadlineMs);
  try {
    return await context.http.request({ method: spec.method, url: spec.path, params: spec.params, data: spec.body, headers: token ? { authorization: `Bearer ${token}` } : {}, signal });
  } catch (error) {
    const message = signal.aborted ? `no complete response within ${options.deadlineMs} ms` : (error as Error).message;
    if (/maxContentLength/i.test(message)) {
      throw new AdminApiError(`response larger than ${options.maxResponseBytes} bytes`, spec.method, spec.path, undefined, 'raise maxResponseBytes if this object is legitimately that large');
    }
    if (attempt < options.maxRetries) {
      await options.sleep(backoff(options, attempt));
      return undefined;
    }
    throw new AdminApiError(`no response after ${attempt + 1} attempts: ${message}`, spec.method, spec.path, undefined, `check that ${options.baseUrl} is reachable`);
  }
}

function statusSuggestion(status: number, auth: AuthMode, maxRetries: number): string | undefined {
  if (status === 401) return auth === 'none' ? 'check ATLAS_PUBLIC_KEY / ATLAS_PRIVATE_KEY: the key pair was refused' : 'the session expired and could not be renewed';
  if (status === 403) return 'the API key needs the Project Owner (or App Services Admin) role on this project';
  if (status === 404) return 'check --project (the Atlas project id) and --app';
  if (status === 429 || status >= 500) return `gave up after ${maxRetries} retries`;
  return undefined;
}

function statusError(spec: RequestSpec<unknown>, response: AxiosResponse, maxRetries: number): AdminApiError {
  const detail = serverMessage(response.data) ?? excerpt(response.data);
  return new AdminApiError(`HTTP ${response.status}${detail ? `: ${detail}` : ''}`, spec.method, spec.path, response.status, statusSuggestion(response.status, spec.auth, maxRetries));
}

function redirectError(spec: RequestSpec<unknown>, response: AxiosResponse, baseUrl: string): AdminApiError {
  return new AdminApiError(
    `HTTP ${response.status}: a redirect to ${redirectHost(response.headers?.location, baseUrl)}, refused: credentialed calls follow no redirects`,
    spec.method,
    spec.path,
    response.status,
    `give --api-url the Admin API's own URL (${ATLAS_ADMIN_API_URL})`,
  );
}

/** The body through the endpoint's schema; the first five problems named with their fields. */
function parseBody<T>(spec: RequestSpec<T>, response: AxiosResponse): T {
  const parsed = spec.schema.safeParse(response.data);
  if (parsed.success) return parsed.data;
  const { issues } = parsed.error;
  const problems = issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new AdminApiError(
    `response does not have the documented shape: ${problems.join('; ')}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''} (got ${excerpt(response.data)})`,
    spec.method,
    spec.path,
    response.status,
  );
}

/** A request with its retries: 401 refreshes the session once (not counted as a retry); 429 and 5xx back off. */
async function send<T>(context: ClientContext, spec: RequestSpec<T>): Promise<T> {
  const { maxRetries, sleep } = context.options;
  let refreshed = false;
  for (let attempt = 0; ; attempt += 1) {
    const response = await attemptRequest(context, spec, attempt);
    if (!response) continue;
    const { status } = response;
    if (status >= 300 && status < 400) throw redirectError(spec, response, context.options.baseUrl);
    if (status === 401 && spec.auth === 'access' && !refreshed) {
      refreshed = true;
      await refresh(context);
      attempt -= 1; // a refreshed session is not a retry
      continue;
    }
    if ((status === 429 || status >= 500) && attempt < maxRetries) {
      await sleep(backoff(context.options, attempt, response));
      continue;
    }
    if (status < 200 || status >= 300) throw statusError(spec, response, maxRetries);
    return parseBody(spec, response);
  }
}

function appPath(groupId: string, appId: string): string {
  return `/groups/${segment(groupId, 'project id')}/apps/${segment(appId, 'app id')}`;
}

function logPageParams(query: LogQuery, endDate: string | undefined, skip: number | undefined): Record<string, string | number> {
  const params: Record<string, string | number> = { type: query.type, start_date: query.startDate, limit: LOG_PAGE_LIMIT };
  if (query.errorsOnly) params.errors_only = 'true';
  if (endDate) params.end_date = endDate;
  if (skip) params.skip = skip;
  return params;
}

/**
 * Every page of a log query (`adminGetLogs`), each entry handed to `onEntry` as it is read: a page's
 * `nextEndDate` is the next request's `end_date` (inclusive), its `nextSkip` the next `skip`.
 */
async function scanLogs(context: ClientContext, groupId: string, appId: string, query: LogQuery, onEntry: (entry: AdminLogEntry) => void): Promise<LogScan> {
  const maxPages = query.maxPages ?? 1000;
  let endDate = query.endDate;
  let skip: number | undefined;
  const scan = { pages: 0, entries: 0, malformedEntries: 0 };
  const seenCursors = new Set<string>();
  for (;;) {
    const page = await send(context, { method: 'GET', path: `${appPath(groupId, appId)}/logs`, schema: logsPageSchema, params: logPageParams(query, endDate, skip), auth: 'access' });
    scan.pages += 1;
    for (const raw of page.logs ?? []) {
      const entry = logEntrySchema.safeParse(raw);
      if (entry.success) {
        scan.entries += 1;
        onEntry(entry.data);
      } else scan.malformedEntries += 1;
    }
    if (!page.nextEndDate) return { ...scan };
    const cursor = `${page.nextEndDate}|${page.nextSkip ?? 0}`;
    // A server that hands back a cursor it gave before would page forever.
    if (seenCursors.has(cursor)) return { ...scan, truncated: `the API repeated the page cursor ${cursor}` };
    seenCursors.add(cursor);
    if (scan.pages >= maxPages) return { ...scan, truncated: `stopped after ${maxPages} pages (raise --max-log-pages)` };
    endDate = page.nextEndDate;
    skip = page.nextSkip;
  }
}

export function createAdminApiClient(options: AdminApiClientOptions): AdminApiClient {
  if (!options.publicKey || !options.privateKey) {
    throw new AdminApiError('the Atlas API key pair is incomplete (public and private key are both required)', 'POST', '/auth/providers/mongodb-cloud/login');
  }
  const resolved = resolveClientOptions(options);
  const urlProblem = serviceUrlProblem(resolved.baseUrl, { httpsUnlessLoopback: true });
  if (urlProblem) throw new AdminApiError(`--api-url ${urlProblem}`, 'POST', '/auth/providers/mongodb-cloud/login', undefined, `the default is ${ATLAS_ADMIN_API_URL}`);
  const context: ClientContext = { options: resolved, http: createHttp(resolved), session: {} };
  const get = <T>(path: string, schema: z.ZodType<T>, params?: RequestSpec<T>['params']) => send(context, { method: 'GET', path, schema, params, auth: 'access' });
  return {
    baseUrl: resolved.baseUrl,
    listApps: (groupId) => get(`/groups/${segment(groupId, 'project id')}/apps`, z.array(appSchema), { product: TRIGGER_APP_PRODUCTS.join(',') }),
    listTriggers: (groupId, appId) => get(`${appPath(groupId, appId)}/triggers`, z.array(z.unknown())),
    listFunctions: (groupId, appId) => get(`${appPath(groupId, appId)}/functions`, z.array(functionSummarySchema)),
    getFunction: (groupId, appId, functionId) => get(`${appPath(groupId, appId)}/functions/${segment(functionId, 'function id')}`, functionSchema),
    scanLogs: (groupId, appId, query, onEntry) => scanLogs(context, groupId, appId, query, onEntry),
  };
}

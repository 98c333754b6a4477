import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { z } from 'zod';

/**
 * The App Services Admin API (`/api/admin/v3.0`), read-only, as much of it as the inventory needs:
 * API-key login, session refresh, apps, triggers, functions (with source) and paged logs. Every
 * response is zod-parsed; 401 refreshes the session once (then logs in again), 429 and 5xx and
 * network errors are retried with backoff and jitter. Credentials never leave this module: they are
 * not logged, not put in errors, not returned.
 */
export const ATLAS_ADMIN_API_URL = 'https://services.cloud.mongodb.com/api/admin/v3.0';

export interface AdminApiClientOptions {
  /** Base URL of the Admin API, up to and including `/api/admin/v3.0`. @default ATLAS_ADMIN_API_URL */
  readonly baseUrl?: string;
  /** Atlas programmatic API key pair (read from ATLAS_PUBLIC_KEY / ATLAS_PRIVATE_KEY by the CLI). */
  readonly publicKey: string;
  readonly privateKey: string;
  /** Per-request timeout. @default 30000 */
  readonly timeoutMs?: number;
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

const loginResponseSchema = z.looseObject({ access_token: z.string().min(1), refresh_token: z.string().min(1) });
const sessionResponseSchema = z.looseObject({ access_token: z.string().min(1) });

export const appSchema = z.looseObject({
  _id: z.string().min(1),
  name: z.string(),
  client_app_id: z.string().optional(),
  group_id: z.string().optional(),
});
export type AdminApp = z.infer<typeof appSchema>;

/** A trigger as listed; its `config` is checked per type by the inventory so one bad trigger does not hide the others. */
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

export const scheduledTriggerConfigSchema = z.looseObject({ schedule: z.string().min(1), skip_catchup_events: z.boolean().optional() });
export const authenticationTriggerConfigSchema = z.looseObject({ operation_type: z.string().optional(), providers: z.array(z.string()).optional() });

const functionSummarySchema = z.looseObject({ _id: z.string().min(1), name: z.string(), private: z.boolean().optional() });
export type AdminFunctionSummary = z.infer<typeof functionSummarySchema>;
const functionSchema = functionSummarySchema.extend({ source: z.string() });
export type AdminFunction = z.infer<typeof functionSchema>;

/** One log entry; only the fields the baseline reads, each optional so that odd entries are counted, not fatal. */
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

const logsPageSchema = z.looseObject({
  logs: z.array(z.unknown()).nullish(),
  nextEndDate: z.string().min(1).optional(),
  nextSkip: z.number().int().nonnegative().optional(),
});

export const LOG_TYPES = ['DB_TRIGGER', 'SCHEDULED_TRIGGER', 'AUTH_TRIGGER'] as const;
export type TriggerLogType = (typeof LOG_TYPES)[number];

export interface LogQuery {
  readonly type: TriggerLogType;
  /**
   * The endpoint returns only error entries when `errors_only` is present (whatever its value) and
   * only non-error entries when it is absent: a full count needs both queries.
   */
  readonly errorsOnly: boolean;
  /** ISO 8601, exclusive. */
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

function excerpt(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data ?? '');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function serverMessage(data: unknown): string | undefined {
  if (data && typeof data === 'object') {
    const { error, error_code: code } = data as { error?: unknown; error_code?: unknown };
    if (typeof error === 'string') return typeof code === 'string' ? `${error} (${code})` : error;
  }
  return undefined;
}

export function createAdminApiClient(options: AdminApiClientOptions): AdminApiClient {
  const {
    baseUrl = ATLAS_ADMIN_API_URL,
    publicKey,
    privateKey,
    timeoutMs = 30_000,
    maxRetries = 5,
    retryBaseDelayMs = 500,
    retryMaxDelayMs = 30_000,
    maxResponseBytes = 32 * 1024 * 1024,
    onRequest,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  } = options;
  if (!publicKey || !privateKey) {
    throw new AdminApiError('the Atlas API key pair is incomplete (public and private key are both required)', 'POST', '/auth/providers/mongodb-cloud/login');
  }
  const http: AxiosInstance = axios.create({
    baseURL: baseUrl.replace(/\/+$/, ''),
    timeout: timeoutMs,
    maxContentLength: maxResponseBytes,
    maxBodyLength: 1024 * 1024,
    validateStatus: () => true,
    headers: { accept: 'application/json' },
  });
  let accessToken: string | undefined;
  let refreshToken: string | undefined;

  async function login(): Promise<void> {
    const session = await send({
      method: 'POST',
      path: '/auth/providers/mongodb-cloud/login',
      schema: loginResponseSchema,
      body: { username: publicKey, apiKey: privateKey },
      auth: 'none',
    });
    accessToken = session.access_token;
    refreshToken = session.refresh_token;
  }

  /** A new access token from the refresh token; a refused refresh (expired session) means logging in again. */
  async function refresh(): Promise<void> {
    if (!refreshToken) return login();
    try {
      const session = await send({ method: 'POST', path: '/auth/session', schema: sessionResponseSchema, auth: 'refresh' });
      accessToken = session.access_token;
    } catch (error) {
      if (error instanceof AdminApiError && error.status === 401) return login();
      throw error;
    }
  }

  function backoff(attempt: number, response?: AxiosResponse): number {
    const retryAfter = Number(response?.headers?.['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(retryAfter * 1000, retryMaxDelayMs);
    const ceiling = Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  async function send<T>(spec: RequestSpec<T>): Promise<T> {
    let refreshed = false;
    for (let attempt = 0; ; attempt += 1) {
      if (spec.auth === 'access' && !accessToken) await login();
      const token = spec.auth === 'access' ? accessToken : spec.auth === 'refresh' ? refreshToken : undefined;
      onRequest?.(spec.method, spec.path);
      let response: AxiosResponse;
      try {
        response = await http.request({
          method: spec.method,
          url: spec.path,
          params: spec.params,
          data: spec.body,
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
      } catch (error) {
        const message = (error as Error).message;
        if (/maxContentLength/i.test(message)) {
          throw new AdminApiError(`response larger than ${maxResponseBytes} bytes`, spec.method, spec.path, undefined, 'raise maxResponseBytes if this object is legitimately that large');
        }
        if (attempt < maxRetries) {
          await sleep(backoff(attempt));
          continue;
        }
        throw new AdminApiError(`no response after ${attempt + 1} attempts: ${message}`, spec.method, spec.path, undefined, `check that ${baseUrl} is reachable`);
      }
      const { status } = response;
      if (status === 401 && spec.auth === 'access' && !refreshed) {
        refreshed = true;
        await refresh();
        attempt -= 1; // a refreshed session is not a retry
        continue;
      }
      if ((status === 429 || status >= 500) && attempt < maxRetries) {
        await sleep(backoff(attempt, response));
        continue;
      }
      if (status < 200 || status >= 300) {
        const detail = serverMessage(response.data) ?? excerpt(response.data);
        const suggestion =
          status === 401
            ? spec.auth === 'none'
              ? 'check ATLAS_PUBLIC_KEY / ATLAS_PRIVATE_KEY: the key pair was refused'
              : 'the session expired and could not be renewed'
            : status === 403
              ? 'the API key needs the Project Owner (or App Services Admin) role on this project'
              : status === 404
                ? 'check --project (the Atlas project id) and --app'
                : status === 429 || status >= 500
                  ? `gave up after ${maxRetries} retries`
                  : undefined;
        throw new AdminApiError(`HTTP ${status}${detail ? `: ${detail}` : ''}`, spec.method, spec.path, status, suggestion);
      }
      const parsed = spec.schema.safeParse(response.data);
      if (!parsed.success) {
        const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
        throw new AdminApiError(
          `response does not have the documented shape: ${problems.join('; ')}${parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : ''} (got ${excerpt(response.data)})`,
          spec.method,
          spec.path,
          status,
        );
      }
      return parsed.data;
    }
  }

  const appPath = (groupId: string, appId: string) => `/groups/${segment(groupId, 'project id')}/apps/${segment(appId, 'app id')}`;

  return {
    baseUrl,
    listApps: (groupId) => send({ method: 'GET', path: `/groups/${segment(groupId, 'project id')}/apps`, schema: z.array(appSchema), auth: 'access' }),
    listTriggers: (groupId, appId) => send({ method: 'GET', path: `${appPath(groupId, appId)}/triggers`, schema: z.array(z.unknown()), auth: 'access' }),
    listFunctions: (groupId, appId) => send({ method: 'GET', path: `${appPath(groupId, appId)}/functions`, schema: z.array(functionSummarySchema), auth: 'access' }),
    getFunction: (groupId, appId, functionId) =>
      send({ method: 'GET', path: `${appPath(groupId, appId)}/functions/${segment(functionId, 'function id')}`, schema: functionSchema, auth: 'access' }),
    async scanLogs(groupId, appId, query, onEntry) {
      const maxPages = query.maxPages ?? 1000;
      let endDate = query.endDate;
      let skip: number | undefined;
      let pages = 0;
      let entries = 0;
      let malformedEntries = 0;
      const seenCursors = new Set<string>();
      for (;;) {
        const params: Record<string, string | number> = { type: query.type, start_date: query.startDate, limit: 100 };
        if (query.errorsOnly) params.errors_only = 'true';
        if (endDate) params.end_date = endDate;
        if (skip) params.skip = skip;
        const page = await send({ method: 'GET', path: `${appPath(groupId, appId)}/logs`, schema: logsPageSchema, params, auth: 'access' });
        pages += 1;
        for (const raw of page.logs ?? []) {
          const entry = logEntrySchema.safeParse(raw);
          if (entry.success) {
            entries += 1;
            onEntry(entry.data);
          } else malformedEntries += 1;
        }
        if (!page.nextEndDate) return { pages, entries, malformedEntries };
        const cursor = `${page.nextEndDate}|${page.nextSkip ?? 0}`;
        // A server that hands back a cursor it gave before would page forever.
        if (seenCursors.has(cursor)) return { pages, entries, malformedEntries, truncated: `the API repeated the page cursor ${cursor}` };
        seenCursors.add(cursor);
        if (pages >= maxPages) return { pages, entries, malformedEntries, truncated: `stopped after ${maxPages} pages (raise --max-log-pages)` };
        endDate = page.nextEndDate;
        skip = page.nextSkip;
      }
    },
  };
}

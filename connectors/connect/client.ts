import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { z } from 'zod';
import { ConnectError, connectMessage, suggestionFor } from './errors';
import { redirectHost, serviceUrlProblem } from './service-url';
import { connectorOffsetsSchema, type ConnectorOffsets } from './offsets-snapshot';
import { sleep } from './poll';
import { shownText } from '../secrets';

export const connectorStateSchema = z.enum(['RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'UNASSIGNED', 'RESTARTING']);
export type LiveState = z.infer<typeof connectorStateSchema>;

const taskStatusSchema = z.object({ id: z.number(), state: connectorStateSchema, worker_id: z.string().optional(), trace: z.string().optional() });

export const connectorStatusSchema = z.object({
  name: z.string(),
  connector: z.object({ state: connectorStateSchema, worker_id: z.string().optional(), trace: z.string().optional() }),
  tasks: z.array(taskStatusSchema),
  type: z.string().optional(),
});
export type ConnectorStatus = z.infer<typeof connectorStatusSchema>;

const connectorInfoSchema = z.object({
  name: z.string(),
  config: z.record(z.string(), z.string()),
  tasks: z.array(z.object({ connector: z.string(), task: z.number() })),
  type: z.string().optional(),
});

const expandedSchema = z.record(
  z.string(),
  z.object({ info: connectorInfoSchema.optional(), status: connectorStatusSchema.optional() }),
);

export interface LiveConnector {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  readonly taskCount: number;
  readonly status?: ConnectorStatus;
}


const validationSchema = z.object({
  name: z.string(),
  error_count: z.number(),
  configs: z.array(
    z.object({
      definition: z.object({ name: z.string(), type: z.string().optional() }).passthrough().optional(),
      value: z.object({ name: z.string(), value: z.string().nullable().optional(), errors: z.array(z.string()) }).passthrough(),
    }),
  ),
});
export type RemoteValidation = z.infer<typeof validationSchema>;

const pluginSchema = z.object({ class: z.string(), type: z.string(), version: z.string().optional() });
const serverInfoSchema = z.object({ version: z.string(), commit: z.string().optional(), kafka_cluster_id: z.string().optional() });

export interface ConnectClientOptions {
  /** The worker's REST URL: http or https, without credentials (they come as `headers`). */
  readonly url: string;
  /** Per-request timeout: how long the connection may stay silent. @default 15000 */
  readonly timeoutMs?: number;
  /**
   * Overall deadline of one attempt, its whole answer read: a server sending a byte now and then
   * is never silent for long, and would otherwise hold a request for ever. @default max(60000, timeoutMs)
   */
  readonly deadlineMs?: number;
  /** A larger answer is refused, not retried: a worker's largest answer (every connector, expanded) is far smaller. @default 33554432 (32 MiB) */
  readonly maxResponseBytes?: number;
  /**
   * Retries after the first attempt on network errors, 5xx and 409 rebalance (never on 409 "already
   * exists"), after the server's `Retry-After` when it sends one (up to MAX_RETRY_AFTER_MS), else a
   * full-jitter backoff. @default 5
   */
  readonly retries?: number;
  /** First backoff; doubles with full jitter up to maxBackoffMs. @default 250 */
  readonly backoffMs?: number;
  /** @default 5000 */
  readonly maxBackoffMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Called once per HTTP request sent (benchmarks and tests count reads and writes with it). */
  readonly onRequest?: (method: string, path: string) => void;
}

/** 409 means either "rebalance in progress" (retry) or "already exists" (never retry). */
function isRetryable(status: number | undefined, body: unknown): boolean {
  if (status === undefined) return true;
  if (status >= 500) return true;
  if (status === 409) return !isAlreadyExists(status, body);
  return false;
}

function isAlreadyExists(status: number | undefined, body: unknown): boolean {
  return status === 409 && /already exists/i.test(connectMessage(body) ?? '');
}

/** Full jitter: a random wait below min(max, base·2^attempt), so that many clients do not retry in step. */
export function backoffCeiling(attempt: number, backoffMs: number, maxBackoffMs: number): number {
  return Math.min(maxBackoffMs, backoffMs * 2 ** attempt);
}

const encode = encodeURIComponent;

interface Answer {
  readonly status?: number;
  readonly body?: unknown;
  readonly networkError?: string;
  /** Why the answer is refused whatever the retries (a redirect, a body too large). */
  readonly refused?: string;
  /** The answer began but did not end within the deadline (retried like a network error). */
  readonly incomplete?: string;
  /** `Retry-After` in milliseconds, when the answer carried it as seconds. */
  readonly retryAfterMs?: number;
}

/** A `Retry-After` longer than this is not waited for: the request fails and says so. */
export const MAX_RETRY_AFTER_MS = 60_000;

function retryAfterMs(header: unknown): number | undefined {
  const seconds = typeof header === 'string' && /^\d+$/.test(header.trim()) ? Number(header) : undefined;
  return seconds === undefined ? undefined : seconds * 1000;
}

interface RequestConfig extends AxiosRequestConfig {
  readonly connector?: string;
  /**
   * Called when a retry of a request that may have been carried out already (a POST whose answer was
   * lost) meets 409 "already exists": true when what exists is what was sent, so the request succeeded.
   */
  readonly alreadyDone?: () => Promise<boolean>;
}

export type ConnectClient = ReturnType<typeof createConnectClient>;

function checkedBaseUrl(url: string): string {
  const problem = serviceUrlProblem(url);
  if (problem) {
    throw new ConnectError(`Kafka Connect URL: ${problem}`, { method: '(none sent)', url: '(refused)', suggestion: "give --connect-url (or the environment's connect.url) the worker's http(s) REST URL" });
  }
  return url.replace(/\/+$/, '');
}

/** The HTTP side: one request with the retry rules, its answer parsed or turned into a ConnectError. */
function createTransport(options: ConnectClientOptions) {
  const { timeoutMs = 15_000, retries = 5, backoffMs = 250, maxBackoffMs = 5_000, maxResponseBytes = 32 * 1024 * 1024 } = options;
  const deadlineMs = options.deadlineMs ?? Math.max(60_000, timeoutMs);
  const baseURL = checkedBaseUrl(options.url);
  const http: AxiosInstance = axios.create({
    baseURL,
    timeout: timeoutMs,
    // Connect answers 415 to a PUT without a JSON content type, even for bodiless ones (pause/resume/stop).
    headers: { accept: 'application/json', 'content-type': 'application/json', ...options.headers },
    validateStatus: () => true,
    proxy: false,
    // Credentials and configs go to the configured worker only: a redirect is an answer, and refused.
    maxRedirects: 0,
    maxContentLength: maxResponseBytes,
    maxBodyLength: maxResponseBytes,
  });

  async function send(method: string, path: string, config: RequestConfig): Promise<Answer> {
    options.onRequest?.(method, path);
    const signal = AbortSignal.timeout(deadlineMs);
    try {
      const response = await http.request({ method, url: path, signal, ...config });
      if (response.status >= 300 && response.status < 400) {
        return { status: response.status, refused: `${response.status} redirect to ${redirectHost(response.headers.location, baseURL)} refused (requests go to the configured worker only)` };
      }
      return { status: response.status, body: response.data, retryAfterMs: retryAfterMs(response.headers['retry-after']) };
    } catch (error) {
      if (signal.aborted) return { incomplete: `no complete answer within ${deadlineMs} ms` };
      if (/maxContentLength/i.test((error as Error).message ?? '')) return { refused: `the answer is larger than ${maxResponseBytes} bytes: refused` };
      return { networkError: (error as { code?: string; message?: string }).code ?? (error as Error).message };
    }
  }

  /** A worker that was reached but stayed silent (axios' ECONNABORTED) is not called unreachable. */
  const networkFailure = (code: string) => (code === 'ECONNABORTED' ? `no answer within ${timeoutMs} ms (ECONNABORTED)` : `cannot reach the worker (${code})`);

  function parsed<T>(method: string, path: string, schema: z.ZodType<T> | null, answer: Answer, config: RequestConfig): T {
    if (!schema) return undefined as T;
    const result = schema.safeParse(answer.body);
    if (result.success) return result.data;
    // A login page or a proxy's error page is text, not JSON: say so, with its start, rather than a schema's complaint.
    const why = typeof answer.body === 'string' ? `the answer is not JSON: ${shownText(answer.body, 80)}` : (result.error.issues[0]?.message ?? 'shape mismatch');
    throw new ConnectError(`${method} ${path}: unexpected response from the worker: ${why}`, {
      method, url: `${baseURL}${path}`, status: answer.status, body: answer.body, connector: config.connector,
      suggestion: 'is the URL a Kafka Connect worker of a supported version (Kafka ≥ 3.7)?',
    });
  }

  function failure(method: string, path: string, answer: Answer, config: RequestConfig): ConnectError {
    const url = `${baseURL}${path}`;
    const message = connectMessage(answer.body);
    const what = answer.refused ?? answer.incomplete ?? (answer.networkError ? networkFailure(answer.networkError) : `${answer.status} ${message ?? ''}`.trim());
    const subject = config.connector ? `${config.connector}: ` : '';
    return new ConnectError(`${subject}${method} ${url}: ${what}`, {
      method, url, status: answer.status, body: answer.body, connector: config.connector,
      suggestion: answer.refused ? "point --connect-url (or the environment's connect.url) at the worker itself" : suggestionFor(answer.status, message),
    });
  }

  async function request<T>(method: string, path: string, schema: z.ZodType<T> | null, config: RequestConfig = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const answer = await send(method, path, config);
      if (answer.refused) throw failure(method, path, answer, config);
      if (answer.status !== undefined && answer.status < 300) return parsed(method, path, schema, answer, config);
      if (attempt > 0 && config.alreadyDone && isAlreadyExists(answer.status, answer.body) && (await config.alreadyDone())) return undefined as T;
      const waitMs = answer.retryAfterMs ?? Math.random() * backoffCeiling(attempt, backoffMs, maxBackoffMs);
      if (attempt < retries && isRetryable(answer.status, answer.body) && waitMs <= MAX_RETRY_AFTER_MS) {
        await sleep(waitMs);
        continue;
      }
      throw failure(method, path, answer, config);
    }
  }

  return { url: baseURL, request };
}

type Request = ReturnType<typeof createTransport>['request'];

/** Whether the live connector's config is the one sent (Connect adds `name` itself). */
async function existsAsSent(request: Request, name: string, config: Readonly<Record<string, string>>): Promise<boolean> {
  const live = await request('GET', `/connectors/${encode(name)}/config`, z.record(z.string(), z.string()), { connector: name });
  const strip = (entries: Readonly<Record<string, string>>) => JSON.stringify(Object.entries(entries).filter(([key]) => key !== 'name').sort(([a], [b]) => a.localeCompare(b)));
  return strip(live) === strip(config);
}

/** One function per Kafka Connect REST endpoint; every response is zod-parsed. */
export function createConnectClient(options: ConnectClientOptions) {
  const { url, request } = createTransport(options);
  return {
    url,
    serverInfo: () => request('GET', '/', serverInfoSchema),

    /** The whole live state in one read: config, tasks and status of every connector. */
    async listConnectors(): Promise<LiveConnector[]> {
      const expanded = await request('GET', '/connectors?expand=info&expand=status', expandedSchema);
      return Object.entries(expanded)
        .map(([name, entry]) => ({ name, config: entry.info?.config ?? {}, taskCount: entry.info?.tasks.length ?? 0, status: entry.status }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    /** Statuses of every connector in one read (used while waiting for a desired state). */
    async listStatuses(): Promise<Map<string, ConnectorStatus>> {
      const expanded = await request('GET', '/connectors?expand=status', expandedSchema);
      return new Map(Object.entries(expanded).flatMap(([name, entry]) => (entry.status ? [[name, entry.status] as const] : [])));
    },

    /**
     * `POST /connectors` is not idempotent: when an attempt's answer is lost (timeout, 5xx) the retry
     * may meet 409 "already exists" for the connector the first attempt created. That is a success when
     * the live config is the one sent, and the error it is otherwise.
     */
    createConnector: (name: string, config: Record<string, string>, initialState: 'RUNNING' | 'PAUSED' | 'STOPPED' = 'RUNNING') =>
      request('POST', '/connectors', null, { data: { name, config, initial_state: initialState }, connector: name, alreadyDone: () => existsAsSent(request, name, config) }),
    putConfig: (name: string, config: Record<string, string>) =>
      request('PUT', `/connectors/${encode(name)}/config`, null, { data: config, connector: name }),
    deleteConnector: (name: string) => request('DELETE', `/connectors/${encode(name)}`, null, { connector: name }),
    pause: (name: string) => request('PUT', `/connectors/${encode(name)}/pause`, null, { connector: name }),
    resume: (name: string) => request('PUT', `/connectors/${encode(name)}/resume`, null, { connector: name }),
    stop: (name: string) => request('PUT', `/connectors/${encode(name)}/stop`, null, { connector: name }),
    restart: (name: string, opts: { includeTasks?: boolean; onlyFailed?: boolean } = {}) =>
      request('POST', `/connectors/${encode(name)}/restart?includeTasks=${Boolean(opts.includeTasks)}&onlyFailed=${Boolean(opts.onlyFailed)}`, null, { connector: name }),
    status: (name: string) => request('GET', `/connectors/${encode(name)}/status`, connectorStatusSchema, { connector: name }),
    getConfig: (name: string) => request('GET', `/connectors/${encode(name)}/config`, z.record(z.string(), z.string()), { connector: name }),
    getOffsets: (name: string) => request('GET', `/connectors/${encode(name)}/offsets`, connectorOffsetsSchema, { connector: name }),
    patchOffsets: (name: string, offsets: ConnectorOffsets) =>
      request('PATCH', `/connectors/${encode(name)}/offsets`, null, { data: offsets, connector: name }),
    /** KIP-875's reset: a stopped sink's committed offsets go, so it reads its topics from the earliest offset again. */
    resetOffsets: (name: string) => request('DELETE', `/connectors/${encode(name)}/offsets`, null, { connector: name }),
    validate: (connectorClass: string, config: Record<string, string>) =>
      request('PUT', `/connector-plugins/${encode(connectorClass)}/config/validate`, validationSchema, { data: config }),
    listPlugins: () => request('GET', '/connector-plugins?connectorsOnly=false', z.array(pluginSchema)),
    pluginConfig: (connectorClass: string) => request('GET', `/connector-plugins/${encode(connectorClass)}/config`, z.array(z.record(z.string(), z.unknown()))),
  };
}

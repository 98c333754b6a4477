import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { z } from 'zod';
import { ConnectError, connectMessage, suggestionFor } from './errors';

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

const offsetsSchema = z.object({
  offsets: z.array(z.object({ partition: z.record(z.string(), z.unknown()), offset: z.record(z.string(), z.unknown()).nullable() })),
});
export type ConnectorOffsets = z.infer<typeof offsetsSchema>;

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
  readonly url: string;
  /** Per-request timeout. @default 15000 */
  readonly timeoutMs?: number;
  /** Retries after the first attempt on network errors, 5xx and 409 rebalance. @default 5 */
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
  if (status === 409) return !/already exists/i.test(connectMessage(body) ?? '');
  return false;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const encode = encodeURIComponent;

export type ConnectClient = ReturnType<typeof createConnectClient>;

/** One function per Kafka Connect REST endpoint; every response is zod-parsed. */
export function createConnectClient(options: ConnectClientOptions) {
  const { timeoutMs = 15_000, retries = 5, backoffMs = 250, maxBackoffMs = 5_000 } = options;
  const baseURL = options.url.replace(/\/+$/, '');
  const http: AxiosInstance = axios.create({
    baseURL,
    timeout: timeoutMs,
    // Connect answers 415 to a PUT without a JSON content type, even for bodiless ones (pause/resume/stop).
    headers: { accept: 'application/json', 'content-type': 'application/json', ...options.headers },
    validateStatus: () => true,
    proxy: false,
  });

  async function request<T>(method: string, path: string, schema: z.ZodType<T> | null, config: AxiosRequestConfig & { connector?: string; okStatuses?: number[] } = {}): Promise<T> {
    const url = `${baseURL}${path}`;
    for (let attempt = 0; ; attempt++) {
      options.onRequest?.(method, path);
      let status: number | undefined;
      let body: unknown;
      let networkError: string | undefined;
      try {
        const response = await http.request({ method, url: path, ...config });
        status = response.status;
        body = response.data;
      } catch (error) {
        networkError = (error as { code?: string; message?: string }).code ?? (error as Error).message;
      }
      const ok = status !== undefined && (status < 300 || config.okStatuses?.includes(status));
      if (ok) {
        if (!schema) return undefined as T;
        const parsed = schema.safeParse(body);
        if (!parsed.success) {
          throw new ConnectError(`${method} ${path}: unexpected response from the worker: ${parsed.error.issues[0]?.message ?? 'shape mismatch'}`, {
            method, url, status, body, connector: config.connector,
            suggestion: 'is the URL a Kafka Connect worker of a supported version (Kafka ≥ 3.7)?',
          });
        }
        return parsed.data;
      }
      if (attempt < retries && isRetryable(status, body)) {
        const ceiling = Math.min(maxBackoffMs, backoffMs * 2 ** attempt);
        await sleep(Math.random() * ceiling);
        continue;
      }
      const what = networkError ? `cannot reach the worker (${networkError})` : `${status} ${connectMessage(body) ?? ''}`.trim();
      const subject = config.connector ? `${config.connector}: ` : '';
      throw new ConnectError(`${subject}${method} ${url}: ${what}`, {
        method, url, status, body, connector: config.connector, suggestion: suggestionFor(status, connectMessage(body)),
      });
    }
  }

  return {
    url: baseURL,
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

    createConnector: (name: string, config: Record<string, string>, initialState: 'RUNNING' | 'PAUSED' | 'STOPPED' = 'RUNNING') =>
      request('POST', '/connectors', null, { data: { name, config, initial_state: initialState }, connector: name }),
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
    getOffsets: (name: string) => request('GET', `/connectors/${encode(name)}/offsets`, offsetsSchema, { connector: name }),
    patchOffsets: (name: string, offsets: ConnectorOffsets) =>
      request('PATCH', `/connectors/${encode(name)}/offsets`, null, { data: offsets, connector: name }),
    validate: (connectorClass: string, config: Record<string, string>) =>
      request('PUT', `/connector-plugins/${encode(connectorClass)}/config/validate`, validationSchema, { data: config }),
    listPlugins: () => request('GET', '/connector-plugins?connectorsOnly=false', z.array(pluginSchema)),
    pluginConfig: (connectorClass: string) => request('GET', `/connector-plugins/${encode(connectorClass)}/config`, z.array(z.record(z.string(), z.unknown()))),
  };
}

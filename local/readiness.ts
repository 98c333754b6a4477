import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { DEBEZIUM_JDBC_SINK_CLASS } from '../connectors/catalog/debezium-jdbc-sink';
import { DEBEZIUM_MONGODB_SOURCE_CLASS } from '../connectors/catalog/debezium-mongodb-source';
import { MONGODB_SINK_CLASS } from '../connectors/catalog/mongodb-sink';
import { MONGODB_SOURCE_CLASS } from '../connectors/catalog/mongodb-source';

/**
 * Readiness checks: each answers `true` or the reason it is not ready yet (shown when a wait times
 * out). Every HTTP answer is parsed before use.
 */

/** The connector plugins the runtime installs; Connect is ready only once it lists all of them. */
export const REQUIRED_CONNECTOR_PLUGINS = [DEBEZIUM_MONGODB_SOURCE_CLASS, DEBEZIUM_JDBC_SINK_CLASS, MONGODB_SOURCE_CLASS, MONGODB_SINK_CLASS] as const;

const HTTP_TIMEOUT_MS = 3_000;

/** The brokers answer a metadata request, have a controller (KRaft quorum formed) and all `brokers` are registered. */
export async function kafkaReady(bootstrapServers: string, brokers = 1): Promise<true | string> {
  const admin = new Kafka({ clientId: 'cdcctl-local-ready', brokers: bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: HTTP_TIMEOUT_MS }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.controller === null) return 'no controller elected yet';
    return cluster.brokers.length >= brokers ? true : `${cluster.brokers.length} of ${brokers} brokers registered`;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const connectRootSchema = z.looseObject({ version: z.string(), kafka_cluster_id: z.string() });
const connectorPluginsSchema = z.array(z.looseObject({ class: z.string(), type: z.string(), version: z.string().optional() }));

/** `GET /` answers and `GET /connector-plugins` lists every required plugin. */
export async function connectReady(connectUrl: string): Promise<true | string> {
  const root = await getJson(`${connectUrl}/`, connectRootSchema);
  if (typeof root === 'string') return root;
  const plugins = await getJson(`${connectUrl}/connector-plugins`, connectorPluginsSchema);
  if (typeof plugins === 'string') return plugins;
  const listed = new Set(plugins.map((plugin) => plugin.class));
  const missing = REQUIRED_CONNECTOR_PLUGINS.filter((plugin) => !listed.has(plugin));
  return missing.length === 0 ? true : `plugins not listed yet: ${missing.join(', ')}`;
}

export async function prometheusReady(prometheusUrl: string): Promise<true | string> {
  try {
    const response = await fetch(`${prometheusUrl}/-/ready`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    return response.ok ? true : `GET /-/ready answered ${response.status}`;
  } catch (error) {
    return describeFetchError(error);
  }
}

async function getJson<T>(url: string, schema: z.ZodType<T>): Promise<T | string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    return describeFetchError(error);
  }
  if (!response.ok) return `GET ${url} answered ${response.status}`;
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  return parsed.success ? parsed.data : `GET ${url}: unexpected answer (${parsed.error.issues[0]?.message ?? 'unparsable'})`;
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).message;
}

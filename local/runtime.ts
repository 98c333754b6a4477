import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jmxExporterConfigYaml } from '../alerts/jmx-exporter';
import { loadEnvironment } from '../config';
import type { ExactlyOnceSourceLevel } from '../config/delivery';
import { writeLocalPrometheusRules } from './prometheus-rules';
import { connectWorkerProperties, kafkaServerProperties, log4jProperties, prometheusConfig } from './config-files';
import { installRuntime, javaCommand, type InstallResult } from './install';
import {
  BROKER_SERVICES,
  LocalRuntimeError,
  PORT_FLAGS,
  REPOSITORY_ROOT,
  SERVICES,
  bootstrapServers,
  brokerNodes,
  resolveRuntimeOptions,
  runtimeServices,
  proxiedBootstrapServers,
  proxiedListeners,
  runtimeLayout,
  type ResolvedPorts,
  type ResolvedRuntimeOptions,
  type RuntimeLayout,
  type RuntimeOptions,
  type BrokerService,
  type BrokerNode,
  type ServiceName,
} from './options';
import { WAREHOUSE_DATABASE, createWarehouseDatabase, embeddedWarehouseUrl, postgresReady, prepareEmbeddedPostgres, relocatedWarehouseHome, warehouseCredentials, warehouseWorkerEnvironment } from './postgres';
import { waitUntil } from '../connectors/connect/poll';
import { isPortFree, runToCompletion, startDetached, stopRecordedProcess, waitForReady, type DetachedCommand } from './processes';
import { findPrometheus, PROMETHEUS_MISSING_HINT } from './prometheus';
import { connectReady, kafkaReady, prometheusReady } from './readiness';
import { STANDIN_NOTE, standInConnectionString, standInReady, standInServeCommand, standInWorkerEnvironment } from './standin-writer';
import { classifyService, emptyState, isRecordedProcessAlive, readState, tailFile, withLock, writeState, type RuntimeState, type ServiceState } from './state';

/**
 * The local runtime: a KRaft Kafka, the MongoDB stand-in (mongo-java-server, not MongoDB), a Kafka Connect worker with the real plugins and the JMX agent,
 * the warehouse's PostgreSQL and Prometheus, as detached processes recorded in `<stateDir>/state.json`.
 * `up` starts what is not running, `down` ends exactly the recorded processes, `status` tells each
 * service's state without changing anything.
 */

export interface ServiceStatus {
  /** `external`: the warehouse is the user's DATABASE_URL. `not-installed`: Prometheus is absent. */
  readonly state: ServiceState | 'external' | 'not-installed';
  /**
   * Where it listens: Kafka's bootstrap address (`127.0.0.1:9092`), an http URL, or the warehouse's
   * `postgres://` URL (with the local, generated password; mask it before printing as text).
   */
  readonly url?: string;
  /** The Connect worker's Prometheus metrics (its JMX agent). */
  readonly metricsUrl?: string;
  readonly pid?: number;
  readonly logFile: string;
  /** The end of the log of a crashed service. */
  readonly logTail?: string;
  readonly note?: string;
}

/** The brokers beyond the first: a runtime of one node has no entry for them. */
type FurtherBroker = Exclude<BrokerService, 'kafka'>;

export interface RuntimeStatus {
  readonly stateDir: string;
  readonly ports: ResolvedPorts;
  /** Kafka nodes: 1, or 3 (`kafka`, `kafka-2`, `kafka-3`). */
  readonly brokers: number;
  /** The Connect worker's `exactly.once.source.support`: what it was started with, else what it would start with. */
  readonly exactlyOnceSource: ExactlyOnceSourceLevel;
  /** Each service of the runtime; `kafka`'s url lists every broker (the bootstrap servers). */
  readonly services: Readonly<Record<Exclude<ServiceName, FurtherBroker>, ServiceStatus>> & Readonly<Partial<Record<FurtherBroker, ServiceStatus>>>;
}

export interface UpResult {
  /** Services started by this call (empty when everything already ran). */
  readonly started: readonly ServiceName[];
  readonly status: RuntimeStatus;
  readonly install?: InstallResult;
}

const CRASH_LOG_LINES = 20;

export async function install(options: RuntimeOptions = {}): Promise<InstallResult> {
  const resolved = resolveRuntimeOptions(options);
  const result = await installRuntime(resolved);
  if (!result.ranMaven) resolved.onProgress(`runtime already installed in ${result.runtimeDir}`);
  return result;
}

/** Starts every service that is not running; a second call while all run changes nothing. */
export async function up(options: RuntimeOptions = {}): Promise<UpResult> {
  const resolved = resolveRuntimeOptions(options);
  const layout = runtimeLayout(resolved);
  const progress = elapsedProgress(resolved.onProgress);
  return withLock(layout.lockFile, 'local up', async () => {
    const previous = readState(layout.stateFile);
    const running = new Set(SERVICES.filter((service) => previous && classifyService(previous.processes[service]) === 'running'));
    const ports = portsToUse(options, resolved, previous, running);
    const brokers = brokersToUse(options, resolved, previous, running, layout);
    const exactlyOnceSource = exactlyOnceSourceToUse(resolved, previous, running, layout);
    const warehouseExternal = resolved.databaseUrl !== undefined;
    checkWarehouseMode(previous, running, warehouseExternal, layout);
    const prometheusInstalled = findPrometheus() !== undefined;
    const wanted = runtimeServices(brokers).filter(
      (service) => resolved.services.includes(service) && (service !== 'warehouse' || !warehouseExternal) && (service !== 'prometheus' || prometheusInstalled),
    );
    const toStart = wanted.filter((service) => !running.has(service));
    if (warehouseExternal) await checkExternalWarehouse(resolved.databaseUrl as string);
    if (toStart.length === 0) {
      progress(`the local runtime in ${layout.stateDir} is already running; nothing changed`);
      return { started: [], status: status({ ...options, stateDir: resolved.stateDir }) };
    }
    await checkPortsFree(ports, brokers, toStart, warehouseExternal);

    // Services that still run keep the jars they started from: the others join them.
    const runtimeDir = previous && running.size > 0 ? previous.runtimeDir : resolved.runtimeDir;
    const installResult = await installRuntime({ ...resolved, runtimeDir, onProgress: progress });
    const state: RuntimeState = { ...(previous ?? emptyState(ports, runtimeDir)), ports, runtimeDir, brokers, exactlyOnceSource, externalWarehouse: warehouseExternal };
    const startLayout = runtimeLayout({ stateDir: resolved.stateDir, runtimeDir });
    // Records of processes that are gone would only say "crashed" from now on: this start replaces them.
    for (const service of toStart) delete state.processes[service];
    writeState(layout.stateFile, state);
    await writeConfigFiles(startLayout, ports, brokers, exactlyOnceSource);

    const context: StartContext = { resolved, layout: startLayout, state, ports, progress };
    const started: ServiceName[] = [];
    for (const service of toStart) {
      if (await startService(context, service)) started.push(service);
    }
    if (!prometheusInstalled) progress(`Prometheus skipped: it is not installed (${PROMETHEUS_MISSING_HINT})`);
    progress(`local runtime up: ${started.length > 0 ? `started ${started.join(', ')}` : 'nothing to start'}`);
    return { started, status: status({ ...options, stateDir: resolved.stateDir }), install: installResult };
  });
}

export interface DownOptions {
  /** Also delete `<stateDir>/data` (Kafka's log, the warehouse, Prometheus' TSDB) once every process is gone; logs stay. @default false */
  readonly purgeData?: boolean;
}

export interface StoppedProcess {
  readonly service: ServiceName;
  readonly pid: number;
  readonly result: 'stopped' | 'killed' | 'already-gone';
}

/** Ends exactly the recorded processes, in reverse start order; returns how each ended. */
export async function down(options: RuntimeOptions = {}, downOptions: DownOptions = {}): Promise<StoppedProcess[]> {
  const resolved = resolveRuntimeOptions(options);
  const layout = runtimeLayout(resolved);
  const progress = elapsedProgress(resolved.onProgress);
  return withLock(layout.lockFile, 'local down', async () => {
    const state = readState(layout.stateFile);
    const results: StoppedProcess[] = [];
    // No state file: nothing was started here, and none is written (an `up` after it starts afresh).
    for (const group of state ? stopGroups() : []) {
      const stopping = group.filter((service) => state!.processes[service]);
      if (stopping.length === 0) continue;
      results.push(...(await Promise.all(stopping.map((service) => stopService(state!, service, resolved.stopTimeoutMs, progress)))));
      writeState(layout.stateFile, state!);
    }
    if (results.length === 0) progress(`no process recorded in ${layout.stateDir}: nothing to stop`);
    if (downOptions.purgeData) {
      fs.rmSync(layout.dataDir, { recursive: true, force: true });
      // A root-run warehouse whose state dir its OS user could not reach keeps its data elsewhere.
      fs.rmSync(relocatedWarehouseHome(layout), { recursive: true, force: true });
      progress(`deleted ${layout.dataDir}`);
    }
    return results;
  });
}

/**
 * The services in reverse start order, the Kafka nodes as one group: a node stopped after the
 * others finds no quorum for its controlled shutdown and waits out the whole stop timeout.
 */
function stopGroups(): ServiceName[][] {
  const others = [...SERVICES].reverse().filter((service) => !(BROKER_SERVICES as readonly string[]).includes(service));
  // Right after the service started right after the nodes (they start together, first).
  const kafkaAt = others.indexOf(SERVICES[BROKER_SERVICES.length]!) + 1;
  return [...others.slice(0, kafkaAt).map((service) => [service]), [...BROKER_SERVICES], ...others.slice(kafkaAt).map((service) => [service])];
}

async function stopService(state: RuntimeState, service: ServiceName, timeoutMs: number, progress: (message: string) => void): Promise<StoppedProcess> {
  const recorded = state.processes[service]!;
  progress(`stopping ${service} (pid ${recorded.pid})`);
  const result = await stopRecordedProcess(recorded, timeoutMs);
  if (result === 'killed') progress(`${service} did not stop within ${timeoutMs / 1000} s: killed`);
  delete state.processes[service];
  return { service, pid: recorded.pid, result };
}

/** How a restart is made a fault (the fault tests): killed with SIGKILL instead of stopped, kept down a while. */
export interface RestartFault {
  /** SIGKILL, no polite stop: the process gets no chance to flush or commit. @default false */
  readonly kill?: boolean;
  /** How long it stays down before it starts again. @default 0 */
  readonly downForMs?: number;
  /** Runs once the process is gone and before it starts again: what a fault test observes of the outage itself. @default nothing */
  readonly whileDown?: () => Promise<unknown>;
}

/** Stops one service (if it runs) and starts it again with the same ports and configuration. */
export async function restart(options: RuntimeOptions, service: ServiceName, fault: RestartFault = {}): Promise<RuntimeStatus> {
  const downForMs = fault.downForMs ?? 0;
  const resolved = resolveRuntimeOptions(options);
  const layout = runtimeLayout(resolved);
  const progress = elapsedProgress(resolved.onProgress);
  return withLock(layout.lockFile, `local restart ${service}`, async () => {
    const state = readState(layout.stateFile);
    if (!state) throw new LocalRuntimeError(`nothing recorded in ${layout.stateDir}`, 'cdcctl local up');
    if (service === 'warehouse' && state.externalWarehouse) throw new LocalRuntimeError('the warehouse is an external server (DATABASE_URL): this tool does not run it');
    if (!runtimeServices(state.brokers).includes(service)) throw new LocalRuntimeError(`the runtime in ${layout.stateDir} runs ${state.brokers} broker(s): ${service} is not one of its services`, 'cdcctl local up --brokers 3 (after cdcctl local down --purge)');
    const recorded = state.processes[service];
    if (recorded && fault.kill && isRecordedProcessAlive(recorded)) {
      progress(`killing ${service} (pid ${recorded.pid}, SIGKILL)`);
      process.kill(recorded.pid, 'SIGKILL');
    }
    if (recorded) {
      progress(`stopping ${service} (pid ${recorded.pid})`);
      await stopRecordedProcess(recorded, resolved.stopTimeoutMs);
      delete state.processes[service];
      writeState(layout.stateFile, state);
    }
    const ports = recordedPorts(resolved, state);
    if (recorded) await waitForPortsReleased(ports, state.brokers, [service], state.externalWarehouse, resolved.stopTimeoutMs);
    await fault.whileDown?.();
    if (downForMs > 0) {
      progress(`${service} stays down for ${Math.round(downForMs / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, downForMs));
    }
    await checkPortsFree(ports, state.brokers, [service], state.externalWarehouse);
    await startService({ resolved: { ...resolved, runtimeDir: state.runtimeDir }, layout: runtimeLayout({ ...resolved, runtimeDir: state.runtimeDir }), state, ports, progress }, service);
    return status(options);
  });
}

/** Each service's state and where it listens; changes nothing. */
export function status(options: RuntimeOptions = {}): RuntimeStatus {
  const resolved = resolveRuntimeOptions(options);
  const state = readState(runtimeLayout(resolved).stateFile);
  const layout = runtimeLayout({ stateDir: resolved.stateDir, runtimeDir: state?.runtimeDir ?? resolved.runtimeDir });
  const ports = state ? recordedPorts(resolved, state) : resolved.ports;
  const externalWarehouse = state?.externalWarehouse ?? resolved.databaseUrl !== undefined;
  const brokers = state?.brokers ?? resolved.brokers;
  const exactlyOnceSource = state?.exactlyOnceSource ?? resolved.exactlyOnceSource ?? localExactlyOnceSource();
  const serviceStatus = (service: ServiceName): ServiceStatus =>
    SERVICE_DESCRIPTIONS[service].status({
      resolved,
      layout,
      ports,
      brokers,
      externalWarehouse,
      recorded: (url, extra) => recordedServiceStatus(service, state, layout, url, extra),
    });
  return {
    stateDir: resolved.stateDir,
    ports,
    brokers,
    exactlyOnceSource,
    services: Object.fromEntries(runtimeServices(brokers).map((service) => [service, serviceStatus(service)])) as RuntimeStatus['services'],
  };
}

/** A service's status from its recorded process: running, stopped, or crashed with the tail of its log. */
function recordedServiceStatus(service: ServiceName, state: RuntimeState | undefined, layout: RuntimeLayout, url: string | undefined, extra: Partial<ServiceStatus> = {}): ServiceStatus {
  const recorded = state?.processes[service];
  const serviceState = classifyService(recorded);
  return {
    state: serviceState,
    url,
    pid: recorded?.pid,
    logFile: layout.logFile(service),
    ...(serviceState === 'crashed' ? { logTail: tailFile(layout.logFile(service), CRASH_LOG_LINES), note: `pid ${recorded?.pid} is gone without cdcctl local down` } : {}),
    ...extra,
  };
}

/** The last `lines` lines of a service's log (or of the Maven install). */
export function logs(options: RuntimeOptions, service: ServiceName | 'install', lines = 100): string {
  const layout = runtimeLayout(resolveRuntimeOptions(options));
  const file = layout.logFile(service);
  if (!fs.existsSync(file)) throw new LocalRuntimeError(`no log for ${service} yet (${file})`, 'cdcctl local up');
  return tailFile(file, lines);
}

/** The ports a state file recorded; one recorded before a service existed takes the resolved port for it. */
function recordedPorts(resolved: ResolvedRuntimeOptions, state: RuntimeState): ResolvedPorts {
  return { ...resolved.ports, ...definedPorts(state.ports) };
}

function definedPorts(ports: Partial<ResolvedPorts>): Partial<ResolvedPorts> {
  return Object.fromEntries(Object.entries(ports).filter(([, port]) => port !== undefined));
}

/** The ports to use: a running runtime keeps its own; asking for others while it runs is an error. */
function portsToUse(options: RuntimeOptions, resolved: ResolvedRuntimeOptions, previous: RuntimeState | undefined, running: ReadonlySet<ServiceName>): ResolvedPorts {
  if (!previous || running.size === 0) return resolved.ports;
  const recorded = recordedPorts(resolved, previous);
  const conflicts = (Object.entries(options.ports ?? {}) as [keyof ResolvedPorts, number | undefined][])
    .filter(([name, port]) => port !== undefined && previous.ports[name] !== undefined && port !== previous.ports[name])
    .map(([name, port]) => `ports.${name} (${PORT_FLAGS[name]}): asked for ${port}, but the running runtime uses ${previous.ports[name]}`);
  if (conflicts.length > 0) throw new LocalRuntimeError(conflicts.join('\n'), 'cdcctl local down first to change ports');
  return recorded;
}

/**
 * The broker count: a running runtime keeps its own (asking for another is an error), and storage
 * formatted for one quorum cannot serve another (one node's standalone quorum is not three voters').
 */
function brokersToUse(options: RuntimeOptions, resolved: ResolvedRuntimeOptions, previous: RuntimeState | undefined, running: ReadonlySet<ServiceName>, layout: RuntimeLayout): number {
  if (!previous) return resolved.brokers;
  const asked = options.brokers ?? (running.size > 0 ? previous.brokers : resolved.brokers);
  if (asked === previous.brokers) return asked;
  if (running.size > 0) throw new LocalRuntimeError(`brokers (--brokers): asked for ${asked}, but the running runtime in ${layout.stateDir} has ${previous.brokers}`, 'cdcctl local down first to change the broker count');
  if (fs.existsSync(layout.kafkaDataDir)) {
    throw new LocalRuntimeError(`brokers (--brokers): asked for ${asked}, but Kafka's storage in ${layout.kafkaDataDir} was formatted for ${previous.brokers}`, `cdcctl local down --purge first (it deletes the data), or --brokers ${previous.brokers}`);
  }
  return asked;
}

/** The local environment's level (config/environments/local.ts): the worker's when nothing else is asked or recorded. */
const localExactlyOnceSource = (): ExactlyOnceSourceLevel => loadEnvironment('local').connect.exactlyOnceSource;

/**
 * The worker's exactly-once source level: a running worker keeps the one it started with (asking for
 * another is an error); a worker about to start takes the one asked for, else the local environment's.
 */
function exactlyOnceSourceToUse(resolved: ResolvedRuntimeOptions, previous: RuntimeState | undefined, running: ReadonlySet<ServiceName>, layout: RuntimeLayout): ExactlyOnceSourceLevel {
  if (previous && running.has('connect')) {
    const recorded = previous.exactlyOnceSource ?? localExactlyOnceSource();
    if (resolved.exactlyOnceSource !== undefined && resolved.exactlyOnceSource !== recorded) {
      throw new LocalRuntimeError(`exactly-once source support (--exactly-once-source): asked for ${resolved.exactlyOnceSource}, but the running Connect worker in ${layout.stateDir} has ${recorded}`, 'cdcctl local down first to change it');
    }
    return recorded;
  }
  return resolved.exactlyOnceSource ?? localExactlyOnceSource();
}

function checkWarehouseMode(previous: RuntimeState | undefined, running: ReadonlySet<ServiceName>, external: boolean, layout: RuntimeLayout): void {
  if (!previous) return;
  if (external && running.has('warehouse')) {
    throw new LocalRuntimeError(`DATABASE_URL is set, but the runtime in ${layout.stateDir} runs its own PostgreSQL`, 'cdcctl local down first, or unset DATABASE_URL');
  }
  if (!external && previous.externalWarehouse && running.has('connect')) {
    throw new LocalRuntimeError(`the runtime in ${layout.stateDir} runs with DATABASE_URL, which is not set now`, 'set DATABASE_URL as before, or cdcctl local down first');
  }
}

async function checkExternalWarehouse(databaseUrl: string): Promise<void> {
  const ready = await postgresReady(databaseUrl);
  if (ready !== true) throw new LocalRuntimeError(`the warehouse at DATABASE_URL does not answer: ${ready}`, 'check DATABASE_URL, or unset it to let this tool run its own PostgreSQL');
}

/** Every port of every service about to start must be free: all taken ones are reported at once. */
async function checkPortsFree(ports: ResolvedPorts, brokers: number, services: readonly ServiceName[], warehouseExternal: boolean): Promise<void> {
  const taken: string[] = [];
  for (const { port, setting } of portsOf(ports, brokers, services, warehouseExternal)) {
    if (!(await isPortFree(port))) taken.push(`port ${port} (${setting}) is already in use by another process`);
  }
  if (taken.length > 0) throw new LocalRuntimeError(taken.join('\n'), `stop what listens there, or choose other ports with ${taken.length > 1 ? 'those flags' : 'that flag'}`);
}

/**
 * A JVM's main thread can be gone (the pid a zombie, "stopped" for us) while its other threads still
 * hold its ports for a moment: a restart waits for them before it checks them.
 */
async function waitForPortsReleased(ports: ResolvedPorts, brokers: number, services: readonly ServiceName[], warehouseExternal: boolean, timeoutMs: number): Promise<void> {
  const used = portsOf(ports, brokers, services, warehouseExternal);
  await waitUntil(async () => (await Promise.all(used.map(({ port }) => isPortFree(port)))).every(Boolean), timeoutMs, 200);
}

/** A port a service binds, and the setting it comes from (named when it is taken). */
interface PortUse {
  readonly port: number;
  readonly setting: string;
}

/** The port a setting names, described as the errors name it. */
const portSetting = (ports: ResolvedPorts, name: keyof ResolvedPorts): PortUse => ({ port: ports[name], setting: `ports.${name}, ${PORT_FLAGS[name]}` });

function portsOf(ports: ResolvedPorts, brokers: number, services: readonly ServiceName[], warehouseExternal: boolean): PortUse[] {
  return services.flatMap((service) => SERVICE_DESCRIPTIONS[service].ports({ ports, brokers, warehouseExternal }));
}

async function writeConfigFiles(layout: RuntimeLayout, ports: ResolvedPorts, brokers: number, exactlyOnceSource: ExactlyOnceSourceLevel): Promise<void> {
  fs.mkdirSync(layout.configDir, { recursive: true });
  for (const node of brokerNodes(ports, brokers)) fs.writeFileSync(layout.kafkaNodeProperties(node.nodeId), kafkaServerProperties(ports, layout, { nodeId: node.nodeId, brokers }));
  const local = loadEnvironment('local');
  fs.writeFileSync(layout.connectProperties, connectWorkerProperties(ports, layout, local.sink, exactlyOnceSource, brokers));
  fs.writeFileSync(layout.log4jProperties, log4jProperties());
  fs.writeFileSync(layout.jmxExporterConfig, jmxExporterConfigYaml());
  fs.rmSync(layout.prometheusRulesDir, { recursive: true, force: true });
  fs.mkdirSync(layout.prometheusRulesDir, { recursive: true });
  const ruleFiles = await writeLocalPrometheusRules(layout.prometheusRulesDir);
  fs.writeFileSync(layout.prometheusConfig, prometheusConfig(ports, ruleFiles.map((file) => path.resolve(layout.prometheusRulesDir, file))));
}

interface StartContext {
  readonly resolved: ResolvedRuntimeOptions;
  readonly layout: RuntimeLayout;
  readonly state: RuntimeState;
  readonly ports: ResolvedPorts;
  readonly progress: (message: string) => void;
}

interface StatusContext {
  readonly resolved: ResolvedRuntimeOptions;
  readonly layout: RuntimeLayout;
  readonly ports: ResolvedPorts;
  readonly brokers: number;
  readonly externalWarehouse: boolean;
  /** The service's status from its recorded process, listening at `url`. */
  recorded(url: string | undefined, extra?: Partial<ServiceStatus>): ServiceStatus;
}

/** Starts `command` as the service's process, records its pid at once, and waits until `isReady`. */
type LaunchAndWait = (command: Omit<DetachedCommand, 'logFile'>, isReady: () => Promise<true | string>) => Promise<void>;

/** One service: how it starts, the ports it binds, its status entry. Start, the port checks and `status` read it here. */
interface ServiceDescription {
  /** The ports it binds: checked free before it starts, awaited released after a restart stopped it. */
  ports(context: { readonly ports: ResolvedPorts; readonly brokers: number; readonly warehouseExternal: boolean }): PortUse[];
  /** Its entry in `status`: state, where it listens, notes. */
  status(context: StatusContext): ServiceStatus;
  /** Starts it and waits until it is ready; false when it cannot run on this machine. */
  start(context: StartContext, launchAndWait: LaunchAndWait): Promise<boolean>;
}

/** The delay proxy's control endpoint (`GET`/`PUT`): its delay, connections and bytes forwarded. */
export const kafkaProxyControlUrl = (ports: Pick<ResolvedPorts, 'kafkaProxyControl'>): string => `http://127.0.0.1:${ports.kafkaProxyControl}/delay`;
const connectUrl = (ports: ResolvedPorts): string => `http://127.0.0.1:${ports.connect}`;
const connectMetricsUrl = (ports: ResolvedPorts): string => `http://127.0.0.1:${ports.connectJmx}/metrics`;
const prometheusUrl = (ports: ResolvedPorts): string => `http://127.0.0.1:${ports.prometheus}`;
const supervisorMetricsUrl = (ports: ResolvedPorts): string => `http://127.0.0.1:${ports.supervisor}/metrics`;

/** The services, keyed by name (SERVICES gives their start order): adding one is adding an entry here. */
const SERVICE_DESCRIPTIONS: Readonly<Record<ServiceName, ServiceDescription>> = {
  kafka: brokerDescription('kafka'),
  'kafka-2': brokerDescription('kafka-2'),
  'kafka-3': brokerDescription('kafka-3'),
  'kafka-proxy': {
    ports: ({ ports, brokers }) => [
      portSetting(ports, 'kafkaProxy'),
      ...proxiedListeners(ports, brokers)
        .slice(1)
        .map((route) => ({ port: route.proxyPort, setting: `${route.service}'s proxy port, ${PORT_FLAGS.kafkaProxy} + ${route.proxyPort - ports.kafkaProxy}` })),
      portSetting(ports, 'kafkaProxyControl'),
    ],
    status: ({ ports, brokers, recorded }) =>
      recorded(proxiedBootstrapServers(ports, brokers), {
        note: `Connect's path to Kafka (${routesText(ports, brokers)}); delay 0 unless a fault sets it (${kafkaProxyControlUrl(ports)})`,
      }),
    start: startKafkaProxy,
  },
  mongodb: {
    ports: ({ ports }) => [portSetting(ports, 'mongodb')],
    status: ({ ports, recorded }) => recorded(standInConnectionString(ports.mongodb), { note: STANDIN_NOTE }),
    start: startStandIn,
  },
  warehouse: {
    ports: ({ ports, warehouseExternal }) => (warehouseExternal ? [] : [portSetting(ports, 'postgres')]),
    status: warehouseStatus,
    start: startWarehouse,
  },
  connect: {
    ports: ({ ports }) => [portSetting(ports, 'connect'), portSetting(ports, 'connectJmx')],
    status: ({ ports, recorded }) => recorded(connectUrl(ports), { metricsUrl: connectMetricsUrl(ports) }),
    start: startConnect,
  },
  supervisor: {
    ports: ({ ports }) => [portSetting(ports, 'supervisor')],
    status: ({ ports, recorded }) => recorded(supervisorMetricsUrl(ports), { note: 'cdcctl connectors supervise: restarts failed cdc-* connectors and tasks with backoff' }),
    start: startSupervisor,
  },
  prometheus: {
    ports: ({ ports }) => [portSetting(ports, 'prometheus')],
    status: prometheusStatus,
    start: startPrometheus,
  },
};

/** Starts one service, records its pid at once (so `down` can end it even if the wait fails), waits until ready. */
async function startService(context: StartContext, service: ServiceName): Promise<boolean> {
  const { layout, state, progress, resolved } = context;
  const launchAndWait: LaunchAndWait = async (command, isReady) => {
    const recorded = await startDetached({ ...command, logFile: layout.logFile(service) });
    state.processes[service] = recorded;
    writeState(layout.stateFile, state);
    progress(`${service} started (pid ${recorded.pid}), waiting until it is ready`);
    await waitForReady(service, recorded, layout.logFile(service), resolved.readyTimeoutMs, isReady);
  };
  return SERVICE_DESCRIPTIONS[service].start(context, launchAndWait);
}

/**
 * Kafka node `service`: its ports (node 1's are the settings; the others' derive from them, see
 * brokerNodes), its status, its start. Its status' url is where it listens; node 1's lists every
 * broker, the bootstrap servers clients are given.
 */
function brokerDescription(service: BrokerService): ServiceDescription {
  const nodeOf = (ports: ResolvedPorts, brokers: number): BrokerNode => brokerNodes(ports, Math.max(brokers, BROKER_SERVICES.indexOf(service) + 1))[BROKER_SERVICES.indexOf(service)]!;
  return {
    ports: ({ ports, brokers }) => {
      if (service === 'kafka') return [portSetting(ports, 'kafka'), portSetting(ports, 'kafkaController'), portSetting(ports, 'kafkaConnectListener')];
      const node = nodeOf(ports, brokers);
      const route = proxiedListeners(ports, Math.max(brokers, node.nodeId))[node.nodeId - 1]!;
      return [
        { port: node.port, setting: `${service}'s port, ${PORT_FLAGS.kafka} + ${node.port - ports.kafka}` },
        { port: node.controllerPort, setting: `${service}'s controller port, ${PORT_FLAGS.kafkaController} + ${node.controllerPort - ports.kafkaController}` },
        { port: route.listenerPort, setting: `${service}'s Connect listener port, ${PORT_FLAGS.kafkaConnectListener} + ${route.listenerPort - ports.kafkaConnectListener}` },
      ];
    },
    status: ({ ports, brokers, recorded }) =>
      service === 'kafka' && brokers > 1
        ? recorded(bootstrapServers(ports, brokers), { note: `node 1 of ${brokers} (broker and controller); the url lists every broker` })
        : recorded(`127.0.0.1:${nodeOf(ports, brokers).port}`, brokers > 1 ? { note: `node ${nodeOf(ports, brokers).nodeId} of ${brokers} (broker and controller)` } : {}),
    start: (context, launchAndWait) => startKafkaNode(context, nodeOf(context.ports, context.state.brokers), launchAndWait),
  };
}

/**
 * One Kafka node. Alone, or with every other node of its quorum running, it is ready once the
 * cluster answers with all its brokers. One of three started while the others are not up yet (a
 * first `up`) cannot join a quorum that is not there: it is ready once its controller listener is
 * bound, and the last node's wait is the whole cluster's.
 */
async function startKafkaNode({ layout, state, ports, progress }: StartContext, node: BrokerNode, launchAndWait: LaunchAndWait): Promise<boolean> {
  const brokers = state.brokers;
  formatKafkaStorage(layout, state, node, progress);
  const bootstrap = bootstrapServers(ports, brokers);
  const others = brokerNodes(ports, brokers).filter((other) => other.nodeId !== node.nodeId);
  const quorumUp = others.every((other) => classifyService(state.processes[other.service]) === 'running');
  const isReady = quorumUp ? () => kafkaReady(bootstrap, brokers) : async () => ((await isPortFree(node.controllerPort)) ? `controller port ${node.controllerPort} not bound yet` : true);
  await launchAndWait(javaProcess(layout, '-Xmx512m', [], 'kafka.Kafka', layout.kafkaNodeProperties(node.nodeId)), isReady);
  progress(quorumUp ? `${node.service} ready on 127.0.0.1:${node.port}${brokers > 1 ? ` (all ${brokers} brokers: ${bootstrap})` : ''}` : `${node.service} listening on 127.0.0.1:${node.port}, waiting for the other nodes of its quorum`);
  return true;
}

/** Each proxy port and the node's CONNECT listener it forwards to: `9193 → 9192, 9195 → 9194`. */
const routesText = (ports: ResolvedPorts, brokers: number): string =>
  proxiedListeners(ports, brokers)
    .map((route) => `127.0.0.1:${route.proxyPort} → ${route.listenerPort}`)
    .join(', ');

/**
 * The delaying TCP proxy (local/delay-proxy.ts) in front of every broker's CONNECT listener, as one
 * node process of its own: a proxy port per broker, one control endpoint setting the delay of all.
 */
async function startKafkaProxy({ ports, state, progress }: StartContext, launchAndWait: LaunchAndWait): Promise<boolean> {
  const controlUrl = kafkaProxyControlUrl(ports);
  const routes = proxiedListeners(ports, state.brokers).map((route) => `${route.proxyPort}:${route.listenerPort}`);
  const args = [path.join(REPOSITORY_ROOT, 'bin', 'run-ts'), path.join(REPOSITORY_ROOT, 'local', 'delay-proxy-service.ts'), String(ports.kafkaProxyControl), ...routes];
  await launchAndWait({ command: process.execPath, args, cwd: REPOSITORY_ROOT }, async () => ((await fetch(controlUrl).then((response) => response.ok, () => false)) ? true : `no answer from ${controlUrl} yet`));
  progress(`kafka-proxy ready: ${routesText(ports, state.brokers)}, control on ${controlUrl}`);
  return true;
}

async function startStandIn({ layout, ports, progress }: StartContext, launchAndWait: LaunchAndWait): Promise<boolean> {
  await launchAndWait(standInServeCommand(layout, { port: ports.mongodb }), () => standInReady(ports.mongodb));
  progress(`mongodb ready on ${standInConnectionString(ports.mongodb)} (${STANDIN_NOTE})`);
  return true;
}

async function startWarehouse({ layout, ports, progress }: StartContext, launchAndWait: LaunchAndWait): Promise<boolean> {
  const prepared = prepareEmbeddedPostgres(layout, ports.postgres, progress);
  const adminUrl = embeddedWarehouseUrl(prepared.credentials, ports.postgres, 'postgres');
  await launchAndWait(prepared.command, () => postgresReady(adminUrl));
  await createWarehouseDatabase(prepared.credentials, ports.postgres);
  progress(`warehouse (PostgreSQL) ready on 127.0.0.1:${ports.postgres}, database ${prepared.credentials.database}`);
  return true;
}

async function startConnect({ resolved, layout, state, ports, progress }: StartContext, launchAndWait: LaunchAndWait): Promise<boolean> {
  const databaseUrl = state.externalWarehouse ? resolved.databaseUrl : embeddedWarehouseUrl(warehouseCredentials(layout), ports.postgres);
  if (!databaseUrl) throw new LocalRuntimeError('the runtime was brought up with DATABASE_URL, which is not set now', 'set DATABASE_URL as before');
  const agent = `-javaagent:${layout.jmxAgentJar}=127.0.0.1:${ports.connectJmx}:${layout.jmxExporterConfig}`;
  const command = javaProcess(layout, '-Xmx1g', [agent], 'org.apache.kafka.connect.cli.ConnectDistributed', layout.connectProperties);
  const url = connectUrl(ports);
  // The worker resolves the connectors' ${env:CDC_WAREHOUSE_…} and ${env:CDC_STANDIN_…} placeholders from its own environment.
  const env = { ...process.env, ...warehouseWorkerEnvironment(databaseUrl), ...standInWorkerEnvironment(ports.mongodb) };
  await launchAndWait({ ...command, env }, () => connectReady(url));
  progress(`connect ready on ${url} (plugins listed), metrics on ${connectMetricsUrl(ports)}`);
  return true;
}

/**
 * `cdcctl connectors supervise --env local` against this runtime's worker: Connect never restarts a
 * FAILED connector or task, the supervisor does (with backoff, the local environment's policy), and
 * serves its metrics for Prometheus.
 */
async function startSupervisor({ ports, progress }: StartContext, launchAndWait: LaunchAndWait): Promise<boolean> {
  const url = supervisorMetricsUrl(ports);
  const args = [path.join(REPOSITORY_ROOT, 'bin', 'cdcctl'), 'connectors', 'supervise', '--env', 'local', '--connect-url', connectUrl(ports), '--metrics-port', String(ports.supervisor), '--no-color'];
  await launchAndWait({ command: process.execPath, args, cwd: REPOSITORY_ROOT }, async () => ((await fetch(url).then((response) => response.ok, () => false)) ? true : `no answer from ${url} yet`));
  progress(`supervisor ready, metrics on ${url}`);
  return true;
}

async function startPrometheus({ layout, ports, progress }: StartContext, launchAndWait: LaunchAndWait): Promise<boolean> {
  const binary = findPrometheus();
  if (!binary) return false;
  const url = prometheusUrl(ports);
  const args = [
    `--config.file=${layout.prometheusConfig}`,
    `--storage.tsdb.path=${layout.prometheusDataDir}`,
    '--storage.tsdb.retention.time=2d',
    `--web.listen-address=127.0.0.1:${ports.prometheus}`,
    '--web.enable-lifecycle',
  ];
  await launchAndWait({ command: binary, args }, () => prometheusReady(url));
  progress(`prometheus ready on ${url}`);
  return true;
}

/** The user's DATABASE_URL, or the PostgreSQL this tool runs. */
function warehouseStatus({ resolved, layout, ports, externalWarehouse, recorded }: StatusContext): ServiceStatus {
  if (externalWarehouse) {
    return { state: 'external', url: resolved.databaseUrl, logFile: layout.logFile('warehouse'), note: resolved.databaseUrl ? 'DATABASE_URL' : 'DATABASE_URL (not set in this shell)' };
  }
  // Before the first start there are no credentials yet: where it will listen, without them.
  return recorded(fs.existsSync(layout.postgresCredentials) ? embeddedWarehouseUrl(warehouseCredentials(layout), ports.postgres) : `postgres://127.0.0.1:${ports.postgres}/${WAREHOUSE_DATABASE}`);
}

/** A Prometheus that is not running and not installed says so, with where to get it. */
function prometheusStatus({ ports, recorded }: StatusContext): ServiceStatus {
  const prometheus = recorded(prometheusUrl(ports));
  return prometheus.state === 'stopped' && !findPrometheus() ? { ...prometheus, state: 'not-installed', note: PROMETHEUS_MISSING_HINT } : prometheus;
}

function javaProcess(layout: RuntimeLayout, heap: string, agents: readonly string[], mainClass: string, propertiesFile: string): Omit<DetachedCommand, 'logFile'> {
  return {
    command: javaCommand(),
    args: [heap, ...agents, `-Dlog4j2.configurationFile=${layout.log4jProperties}`, '-cp', `${layout.kafkaLibs}/*`, mainClass, propertiesFile],
    cwd: layout.stateDir,
  };
}

/**
 * KRaft storage is formatted once per node, with a cluster id kept in the state. One node is a
 * standalone (dynamic) quorum; three are the static voters their server.properties list.
 */
function formatKafkaStorage(layout: RuntimeLayout, state: RuntimeState, node: BrokerNode, progress: (message: string) => void): void {
  const dataDir = layout.kafkaNodeDataDir(node.nodeId);
  if (fs.existsSync(path.join(dataDir, 'meta.properties'))) return;
  const clusterId = state.kafkaClusterId ?? kafkaClusterId();
  progress(`formatting Kafka's KRaft storage in ${dataDir} (cluster ${clusterId})`);
  runToCompletion(
    javaCommand(),
    [
      '-Xmx256m',
      `-Dlog4j2.configurationFile=${layout.log4jProperties}`,
      '-cp',
      `${layout.kafkaLibs}/*`,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      layout.kafkaNodeProperties(node.nodeId),
      ...(state.brokers === 1 ? ['--standalone'] : []),
    ],
    layout.logFile(node.service),
    { what: 'kafka storage format' },
  );
  state.kafkaClusterId = clusterId;
  writeState(layout.stateFile, state);
}

/**
 * A cluster id as `kafka-storage random-uuid` makes it (a random UUID, base64url without padding,
 * never starting with '-'), without starting a JVM for it.
 */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Prefixes each progress line with the seconds since the command began. */
function elapsedProgress(onProgress: (message: string) => void): (message: string) => void {
  const started = Date.now();
  return (message) => onProgress(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);
}

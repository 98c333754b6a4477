import type { Command } from 'commander';
import { pc } from '../colors';
import { CliError, EXIT, progress } from '../support';
import { createConnectClient } from '../../connectors/connect/client';
import { failedConnectorLines } from '../../local/reset';
import { shownText } from '../../connectors/secrets';
import { PORT_FLAGS, SERVICES, type RuntimeOptions, type RuntimePorts, type ServiceName } from '../../local/options';
import { maskCredentials, maskUrlPassword } from '../../config/secrets';
import { EXACTLY_ONCE_SOURCE_LEVELS, type ExactlyOnceSourceLevel } from '../../config/delivery';
import { down, install, logs, restart, status, up, type RuntimeStatus, type ServiceStatus } from '../../local/runtime';

/** `cdcctl local …`: the local runtime (Kafka, the MongoDB stand-in, Connect with the real plugins, PostgreSQL, Prometheus). */

export interface RuntimeFlags {
  stateDir?: string;
  runtimeDir?: string;
  kafkaPort?: string;
  kafkaControllerPort?: string;
  kafkaConnectListenerPort?: string;
  kafkaProxyPort?: string;
  kafkaProxyControlPort?: string;
  connectPort?: string;
  connectJmxPort?: string;
  prometheusPort?: string;
  supervisorPort?: string;
  postgresPort?: string;
  mongodbPort?: string;
  /** `up` and `start` only. */
  brokers?: string;
  /** `up` and `start` only. */
  exactlyOnceSource?: string;
}

const PORT_FLAG_KEYS: Readonly<Record<keyof RuntimePorts, keyof RuntimeFlags>> = {
  kafka: 'kafkaPort',
  kafkaController: 'kafkaControllerPort',
  kafkaConnectListener: 'kafkaConnectListenerPort',
  kafkaProxy: 'kafkaProxyPort',
  kafkaProxyControl: 'kafkaProxyControlPort',
  connect: 'connectPort',
  connectJmx: 'connectJmxPort',
  prometheus: 'prometheusPort',
  supervisor: 'supervisorPort',
  postgres: 'postgresPort',
  mongodb: 'mongodbPort',
};

/** --state-dir and --runtime-dir, for every local command. */
export function addStateFlags(command: Command): Command {
  return command
    .option('--state-dir <dir>', 'where data, logs, pids and configuration live (default: .local at the repository root)')
    .option('--runtime-dir <dir>', 'where Maven installs Kafka, the plugins and the JMX agent (default: <state-dir>/runtime)');
}

/** The port flags of `up` (and of `start`, which brings the runtime up first), --brokers and --exactly-once-source. */
export function addPortFlags(command: Command): Command {
  return command
    .option(
      '--exactly-once-source <level>',
      `the Connect worker's exactly.once.source.support: ${EXACTLY_ONCE_SOURCE_LEVELS.join(' or ')} (preparing: KIP-618's first rolling step, sources deliver at least once; a running worker keeps its level) (default: the local environment's, enabled)`,
    )
    .option('--brokers <n>', 'Kafka nodes: 1, or 3 as on MSK (replication factor 3, min.insync.replicas 2; nodes 2 and 3 on the Kafka and controller ports + 2 and + 4) (default 1)')
    .option(`${PORT_FLAGS.kafka} <port>`, "Kafka's bootstrap port (default 9092)")
    .option(`${PORT_FLAGS.kafkaController} <port>`, 'the KRaft controller port (default 9093)')
    .option(`${PORT_FLAGS.kafkaConnectListener} <port>`, "the broker's listener for the Connect worker alone, reached through the delay proxy; node n's + 2(n - 1) (default 9192)")
    .option(`${PORT_FLAGS.kafkaProxy} <port>`, "the delay proxy between Connect and Kafka: the worker's bootstrap server; node n's + 2(n - 1) (default 9193)")
    .option(`${PORT_FLAGS.kafkaProxyControl} <port>`, "the delay proxy's control endpoint, GET/PUT /delay (default 9198)")
    .option(`${PORT_FLAGS.connect} <port>`, "Kafka Connect's REST port (default 8083)")
    .option(`${PORT_FLAGS.connectJmx} <port>`, "the Connect worker's metrics port (JMX exporter agent; default 9404)")
    .option(`${PORT_FLAGS.prometheus} <port>`, "Prometheus' port (default 9090)")
    .option(`${PORT_FLAGS.supervisor} <port>`, "the supervisor's metrics port (cdcctl connectors supervise; default 9406)")
    .option(`${PORT_FLAGS.postgres} <port>`, 'the port of the PostgreSQL this tool starts when DATABASE_URL is not set (default 5433)')
    .option(`${PORT_FLAGS.mongodb} <port>`, 'the MongoDB stand-in (mongo-java-server, in memory, not MongoDB; loopback only; default 27018)');
}

/**
 * Runtime options from the flags; the warehouse comes from DATABASE_URL (an environment variable,
 * not a flag, so its password never shows in a process list). Progress goes to stderr.
 */
export function runtimeOptionsFrom(flags: RuntimeFlags): RuntimeOptions {
  const problems: string[] = [];
  const ports: Record<string, number> = {};
  for (const [name, key] of Object.entries(PORT_FLAG_KEYS) as [keyof RuntimePorts, keyof RuntimeFlags][]) {
    const raw = flags[key];
    if (raw === undefined) continue;
    if (!/^\d+$/.test(raw)) problems.push(`${PORT_FLAGS[name]} must be a port number (got ${JSON.stringify(raw)})`);
    else ports[name] = Number(raw);
  }
  if (flags.brokers !== undefined && !/^\d+$/.test(flags.brokers)) problems.push(`--brokers must be 1 or 3 (got ${JSON.stringify(flags.brokers)})`);
  if (flags.exactlyOnceSource !== undefined && !(EXACTLY_ONCE_SOURCE_LEVELS as readonly string[]).includes(flags.exactlyOnceSource)) {
    problems.push(`--exactly-once-source must be ${EXACTLY_ONCE_SOURCE_LEVELS.join(' or ')} (got ${JSON.stringify(flags.exactlyOnceSource)})`);
  }
  if (problems.length > 0) throw new CliError(problems.join('\n'));
  return {
    stateDir: flags.stateDir,
    runtimeDir: flags.runtimeDir,
    ports,
    brokers: flags.brokers === undefined ? undefined : Number(flags.brokers),
    exactlyOnceSource: flags.exactlyOnceSource as ExactlyOnceSourceLevel | undefined,
    databaseUrl: process.env.DATABASE_URL || undefined,
    onProgress: progress,
  };
}

const STATE_COLOURS: Readonly<Record<ServiceStatus['state'], (text: string) => string>> = {
  running: pc.green,
  stopped: pc.dim,
  crashed: pc.red,
  external: pc.cyan,
  'not-installed': pc.yellow,
};

/** Text form of the status: the warehouse password masked, crashed services with their log's tail. */
export function formatStatusText(runtime: RuntimeStatus): string {
  const lines = [`local runtime in ${runtime.stateDir}`];
  for (const service of SERVICES) {
    const entry = runtime.services[service];
    // A runtime of one broker has no kafka-2 or kafka-3.
    if (!entry) continue;
    const url = entry.url === undefined ? '' : service === 'warehouse' ? maskUrlPassword(entry.url) : entry.url;
    const exactlyOnce = service === 'connect' && entry.state === 'running' ? `exactly.once.source.support=${runtime.exactlyOnceSource}` : '';
    const details = [url, entry.metricsUrl ? `metrics ${entry.metricsUrl}` : '', exactlyOnce, entry.pid && entry.state === 'running' ? `pid ${entry.pid}` : '', entry.note ?? '']
      .filter(Boolean)
      .join('  ');
    lines.push(`  ${service.padEnd(11)} ${STATE_COLOURS[entry.state](entry.state.padEnd(13))} ${details}`);
    if (entry.state === 'crashed') {
      lines.push(pc.dim(`    last lines of ${entry.logFile}:`));
      // A log line may hold what a service was given (a connection string) and terminal escapes.
      lines.push(...(entry.logTail || '(empty log)').split('\n').map((line) => `    | ${shownText(line, 1_000)}`));
    }
  }
  return lines.join('\n');
}

/**
 * The status as JSON, for scripts on this machine: the warehouse URL of the PostgreSQL this tool
 * runs is whole (its generated local password is what a script connects with); the user's own
 * DATABASE_URL is masked (its password, and any password-like query parameter, is theirs already),
 * and so is every credential a crashed service's log tail quotes.
 */
export function formatStatusJson(runtime: RuntimeStatus): string {
  const services = Object.fromEntries(
    Object.entries(runtime.services).map(([name, entry]) => [
      name,
      {
        ...entry,
        ...(entry.state === 'external' && entry.url ? { url: maskUrlPassword(entry.url) } : {}),
        // A crashed service's log may quote what it was given (a connection string).
        ...(entry.logTail ? { logTail: maskCredentials(entry.logTail) } : {}),
      },
    ]),
  );
  return `${JSON.stringify({ ...runtime, services }, null, 2)}\n`;
}

/** Every FAILED connector or task of the running worker, one line each with its root cause; none when Connect does not run. */
async function failedConnectors(runtime: RuntimeStatus): Promise<string[]> {
  const { connect } = runtime.services;
  if (connect.state !== 'running' || !connect.url) return [];
  return failedConnectorLines(createConnectClient({ url: connect.url, timeoutMs: 5_000, retries: 0 }), '').catch((error: Error) => [`connect: cannot read the connectors: ${error.message}`]);
}

function parseService(name: string, allowed: readonly string[]): ServiceName {
  if (!allowed.includes(name)) throw new CliError(`unknown service "${name}" (known: ${allowed.join(', ')})`);
  return name as ServiceName;
}

/** Registers `cdcctl local …` and returns the group, so that other commands (`local start`) can join it. */
export function registerLocalCommands(program: Command): Command {
  const local = program.command('local').description('the local runtime: Kafka, a MongoDB stand-in (mongo-java-server), Kafka Connect with the real plugins, PostgreSQL and Prometheus');

  addStateFlags(local.command('install').description('fetch Kafka, the connector plugins and the JMX agent with Maven (skipped when already installed)')).action(
    async (flags: RuntimeFlags) => {
      await install(runtimeOptionsFrom(flags));
    },
  );

  addPortFlags(addStateFlags(local.command('up').description('start what is not running: Kafka (KRaft), the MongoDB stand-in (mongo-java-server, not MongoDB), PostgreSQL (or DATABASE_URL), Connect, Prometheus'))).action(
    async (flags: RuntimeFlags) => {
      const result = await up(runtimeOptionsFrom(flags));
      process.stdout.write(`${formatStatusText(result.status)}\n`);
    },
  );

  addStateFlags(
    local
      .command('down')
      .description('stop exactly the processes `up` started (recorded pids), last started first')
      .option('--purge', "also delete the data (Kafka's topics, the warehouse, Prometheus' samples); logs are kept"),
  ).action(async (flags: RuntimeFlags & { purge?: boolean }) => {
    const results = await down(runtimeOptionsFrom(flags), { purgeData: flags.purge });
    for (const { service, pid, result } of results) process.stdout.write(`${service.padEnd(11)} pid ${pid}: ${result}\n`);
  });

  addStateFlags(
    local
      .command('status')
      .description("each service's state (running, stopped, crashed) and where it listens, and every FAILED connector or task with its root cause; exit 1 when a service crashed")
      .option('--output <format>', "text|json (json carries the warehouse URL with its local password; DATABASE_URL's is masked)", 'text'),
  ).action(async (flags: RuntimeFlags & { output: string }) => {
    if (!['text', 'json'].includes(flags.output)) throw new CliError(`--output must be one of text, json (got ${flags.output})`);
    const runtime = status(runtimeOptionsFrom(flags));
    process.stdout.write(flags.output === 'json' ? formatStatusJson(runtime) : `${formatStatusText(runtime)}\n`);
    if (Object.values(runtime.services).some((service) => service.state === 'crashed')) process.exitCode = EXIT.error;
    // The runtime may run while a pipeline does not: each FAILED connector or task in one line, with its root cause.
    const failed = await failedConnectors(runtime);
    if (failed.length) (flags.output === 'json' ? process.stderr : process.stdout).write(`${pc.red('FAILED')}:\n${failed.map((line) => `  ${line}`).join('\n')}\n`);
  });

  addStateFlags(
    local
      .command('logs')
      .description("the end of a service's log")
      .argument('<service>', `${SERVICES.join('|')}|install`)
      .option('--lines <n>', 'how many lines', '100'),
  ).action((service: string, flags: RuntimeFlags & { lines: string }) => {
    const lines = Number(flags.lines);
    if (!Number.isInteger(lines) || lines < 1) throw new CliError(`--lines must be a whole number ≥ 1 (got ${flags.lines})`);
    const text = logs(runtimeOptionsFrom(flags), parseService(service, [...SERVICES, 'install']), lines);
    process.stdout.write(text ? `${text}\n` : '');
  });

  addStateFlags(
    local.command('restart').description('stop one service and start it again with the same ports').argument('<service>', SERVICES.join('|')),
  ).action(async (service: string, flags: RuntimeFlags) => {
    const runtime = await restart(runtimeOptionsFrom(flags), parseService(service, SERVICES));
    process.stdout.write(`${formatStatusText(runtime)}\n`);
  });

  return local;
}

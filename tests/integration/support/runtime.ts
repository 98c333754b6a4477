import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPOSITORY_ROOT, type ResolvedPorts, type RuntimeOptions } from '../../../local/options';
import { restart } from '../../../local/runtime';

/**
 * The servers the integration tests run against: a runtime of their own in `.local/test` on ports
 * of their own, so tests run while a developer's `npm start` runtime runs. Jest's global set-up
 * brings it up and writes where everything listens; tests read that with `getTestRuntime()`.
 */

export interface TestRuntime {
  readonly kafka: { readonly bootstrapServers: string };
  readonly connect: { readonly url: string; readonly metricsUrl: string };
  /** `postgres://` URL of the warehouse database (migrations applied). */
  readonly warehouse: { readonly url: string };
  /** Present when Prometheus runs (the set-up installs it, so in practice always). */
  readonly prometheus?: { readonly url: string };
  readonly stateDir: string;
}

export const TEST_STATE_DIR = path.join(REPOSITORY_ROOT, '.local', 'test');
/** Maven's output is shared with the developer's runtime: the same pinned jars, installed once. */
export const TEST_RUNTIME_DIR = path.join(REPOSITORY_ROOT, '.local', 'runtime');
const TEST_RUNTIME_FILE = path.join(TEST_STATE_DIR, 'test-runtime.json');

/**
 * Away from the defaults (9092, 8083, …) and from each other. CDC_TEST_PORT_OFFSET shifts them all,
 * so that two checkouts can run their integration tests side by side.
 */
const PORT_OFFSET = Number(process.env.CDC_TEST_PORT_OFFSET ?? 0);
export const TEST_PORTS: ResolvedPorts = {
  kafka: 29092 + PORT_OFFSET,
  kafkaController: 29093 + PORT_OFFSET,
  kafkaConnectListener: 29192 + PORT_OFFSET,
  kafkaProxy: 29193 + PORT_OFFSET,
  kafkaProxyControl: 29198 + PORT_OFFSET,
  connect: 28083 + PORT_OFFSET,
  connectJmx: 29404 + PORT_OFFSET,
  prometheus: 29090 + PORT_OFFSET,
  supervisor: 29406 + PORT_OFFSET,
  postgres: 25433 + PORT_OFFSET,
  mongodb: 27019 + PORT_OFFSET,
};

/** A second runtime for the tests that need three brokers: its own state dir, ports 1000 above the test runtime's. */
export const BROKERS_TEST_STATE_DIR = path.join(REPOSITORY_ROOT, '.local', 'test-brokers');
export const BROKERS_TEST_PORTS: ResolvedPorts = Object.fromEntries(Object.entries(TEST_PORTS).map(([name, port]) => [name, port + 1000])) as ResolvedPorts;

/**
 * Three Kafka nodes, the warehouse and Connect, and nothing else (the faults supervise in-process):
 * what broker-kill needs, from the runtime code `cdcctl local up --brokers 3` runs.
 */
export function brokersTestRuntimeOptions(onProgress?: (message: string) => void): RuntimeOptions {
  return {
    stateDir: BROKERS_TEST_STATE_DIR,
    runtimeDir: TEST_RUNTIME_DIR,
    ports: BROKERS_TEST_PORTS,
    brokers: 3,
    services: ['kafka', 'kafka-2', 'kafka-3', 'kafka-proxy', 'warehouse', 'connect'],
    onProgress,
  };
}

/**
 * The test runtime's options. The warehouse is the runtime's own PostgreSQL unless
 * CDC_TEST_DATABASE_URL names another (tests create and fill tables there; DATABASE_URL, which a
 * developer may point at a real warehouse, is deliberately not used).
 */
export function testRuntimeOptions(onProgress?: (message: string) => void): RuntimeOptions {
  return {
    stateDir: TEST_STATE_DIR,
    runtimeDir: TEST_RUNTIME_DIR,
    ports: TEST_PORTS,
    databaseUrl: process.env.CDC_TEST_DATABASE_URL || undefined,
    onProgress,
  };
}

export function writeTestRuntime(runtime: TestRuntime): void {
  fs.mkdirSync(path.dirname(TEST_RUNTIME_FILE), { recursive: true });
  fs.writeFileSync(TEST_RUNTIME_FILE, `${JSON.stringify(runtime, null, 2)}\n`, { mode: 0o600 });
}

export function removeTestRuntime(): void {
  fs.rmSync(TEST_RUNTIME_FILE, { force: true });
}

/** Where the test runtime's servers listen, as the global set-up wrote it. */
export function getTestRuntime(): TestRuntime {
  let text: string;
  try {
    text = fs.readFileSync(TEST_RUNTIME_FILE, 'utf8');
  } catch {
    throw new Error(`${TEST_RUNTIME_FILE} is missing: integration tests run through jest's "integration" project, whose global set-up brings the test runtime up and writes it`);
  }
  return JSON.parse(text) as TestRuntime;
}

/** Stops the test runtime's Connect worker and starts it again (same ports, same internal topics). */
export async function restartConnect(): Promise<void> {
  await restart(testRuntimeOptions(), 'connect');
}

import * as path from 'node:path';
import { DEFAULT_PORTS, DEFAULT_STATE_DIR, LocalRuntimeError, SERVICES, bootstrapServers, brokerNodes, proxiedBootstrapServers, proxiedListeners, replicationFor, resolveRuntimeOptions, runtimeLayout } from '../../../local/options';
import { generatedSecret } from '../../support/generated-secret';

const LEAKED = generatedSecret('password');

describe('resolveRuntimeOptions', () => {
  it('defaults to .local at the repository root and the documented ports', () => {
    const options = resolveRuntimeOptions();
    expect(options.stateDir).toBe(DEFAULT_STATE_DIR);
    expect(path.basename(options.stateDir)).toBe('.local');
    expect(options.runtimeDir).toBe(path.join(DEFAULT_STATE_DIR, 'runtime'));
    expect(options.ports).toEqual({ kafka: 9092, kafkaController: 9093, kafkaConnectListener: 9192, kafkaProxy: 9193, kafkaProxyControl: 9198, connect: 8083, connectJmx: 9404, prometheus: 9090, supervisor: 9406, postgres: 5433, mongodb: 27018 });
  });

  it('starts the delay proxy after Kafka, whose Connect listener it forwards to, and before Connect, which reaches Kafka only through it', () => {
    expect(SERVICES.indexOf('kafka-proxy')).toBeGreaterThan(SERVICES.indexOf('kafka'));
    expect(SERVICES.indexOf('kafka-proxy')).toBeLessThan(SERVICES.indexOf('connect'));
  });

  it('overrides only the ports given', () => {
    expect(resolveRuntimeOptions({ ports: { kafka: 29092, connect: undefined } }).ports).toEqual({ ...DEFAULT_PORTS, kafka: 29092 });
  });

  it('reports every invalid port at once, naming the setting, its flag and the value', () => {
    let error: unknown;
    try {
      resolveRuntimeOptions({ ports: { kafka: 0, prometheus: 70_000 } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LocalRuntimeError);
    expect((error as Error).message).toContain('ports.kafka (--kafka-port): must be an integer from 1 to 65535 (got 0)');
    expect((error as Error).message).toContain('ports.prometheus (--prometheus-port): must be an integer from 1 to 65535 (got 70000)');
  });

  it('refuses two services on one port', () => {
    expect(() => resolveRuntimeOptions({ ports: { connect: 9092 } })).toThrow('ports.kafka and ports.connect are all set to 9092');
  });

  it('checks DATABASE_URL without echoing it', () => {
    expect(() => resolveRuntimeOptions({ databaseUrl: `mysql://u:${LEAKED}@h/db` })).toThrow('must start with postgres:// or postgresql://');
    expect(() => resolveRuntimeOptions({ databaseUrl: `postgres://u:${LEAKED}@h:5432` })).toThrow('names no database');
    expect(() => resolveRuntimeOptions({ databaseUrl: 'not a url secret' })).toThrow(/not a URL \(got a value of 16 characters\)/);
    expect(() => resolveRuntimeOptions({ databaseUrl: `postgres://u:${LEAKED}@h:5432` })).not.toThrow(LEAKED);
    expect(resolveRuntimeOptions({ databaseUrl: `postgres://u:${LEAKED}@h:5432/db` }).databaseUrl).toBe(`postgres://u:${LEAKED}@h:5432/db`);
  });
});

describe('exactly-once source level', () => {
  it('is left to the local environment unless asked, and refuses a level the platform does not offer, naming the flag', () => {
    expect(resolveRuntimeOptions().exactlyOnceSource).toBeUndefined();
    expect(resolveRuntimeOptions({ exactlyOnceSource: 'preparing' }).exactlyOnceSource).toBe('preparing');
    expect(() => resolveRuntimeOptions({ exactlyOnceSource: 'disabled' as never })).toThrow('exactly-once source support (--exactly-once-source): must be preparing or enabled (got "disabled")');
  });
});

describe('brokers', () => {
  it('defaults to one node, whose services leave out kafka-2 and kafka-3', () => {
    const options = resolveRuntimeOptions();
    expect(options.brokers).toBe(1);
    expect(options.services).toEqual(['kafka', 'kafka-proxy', 'mongodb', 'warehouse', 'connect', 'supervisor', 'prometheus']);
  });

  it('runs three nodes when asked, each a service of its own, and one delay proxy for all three', () => {
    expect(resolveRuntimeOptions({ brokers: 3 }).services).toEqual(['kafka', 'kafka-2', 'kafka-3', 'kafka-proxy', 'mongodb', 'warehouse', 'connect', 'supervisor', 'prometheus']);
  });

  it('keeps only the services asked for, never a broker beyond the count', () => {
    expect(resolveRuntimeOptions({ brokers: 1, services: ['kafka', 'kafka-3', 'connect'] }).services).toEqual(['kafka', 'connect']);
  });

  it('refuses a count other than 1 or 3, naming the flag and the value', () => {
    expect(() => resolveRuntimeOptions({ brokers: 2 })).toThrow('brokers (--brokers): must be 1 or 3 (got 2)');
    expect(() => resolveRuntimeOptions({ brokers: 0 })).toThrow('(got 0)');
  });

  it('derives nodes 2 and 3 from the Kafka and controller ports, + 2 and + 4', () => {
    expect(brokerNodes({ kafka: 29092, kafkaController: 29093 }, 3)).toEqual([
      { nodeId: 1, service: 'kafka', port: 29092, controllerPort: 29093 },
      { nodeId: 2, service: 'kafka-2', port: 29094, controllerPort: 29095 },
      { nodeId: 3, service: 'kafka-3', port: 29096, controllerPort: 29097 },
    ]);
    expect(bootstrapServers({ kafka: 29092 }, 3)).toBe('127.0.0.1:29092,127.0.0.1:29094,127.0.0.1:29096');
    expect(bootstrapServers({ kafka: 29092 }, 1)).toBe('127.0.0.1:29092');
  });

  it("refuses a further broker's derived port taken by another setting, but not with one broker", () => {
    expect(() => resolveRuntimeOptions({ brokers: 3, ports: { connect: 9094 } })).toThrow("ports.connect and kafka-2's port are all set to 9094");
    expect(() => resolveRuntimeOptions({ brokers: 1, ports: { connect: 9094 } })).not.toThrow();
    expect(() => resolveRuntimeOptions({ brokers: 3, ports: { kafka: 65_534, kafkaController: 9093 } })).toThrow("kafka-3's port (--kafka-port + 4): must be an integer from 1 to 65535 (got 65538)");
  });

  it("gives each node a Connect listener and a proxy port of its own, + 2 and + 4 as the nodes' ports", () => {
    expect(proxiedListeners({ kafkaConnectListener: 29192, kafkaProxy: 29193 }, 3)).toEqual([
      { nodeId: 1, service: 'kafka', listenerPort: 29192, proxyPort: 29193 },
      { nodeId: 2, service: 'kafka-2', listenerPort: 29194, proxyPort: 29195 },
      { nodeId: 3, service: 'kafka-3', listenerPort: 29196, proxyPort: 29197 },
    ]);
    expect(proxiedBootstrapServers({ kafkaConnectListener: 29192, kafkaProxy: 29193 }, 3)).toBe('127.0.0.1:29193,127.0.0.1:29195,127.0.0.1:29197');
    expect(proxiedBootstrapServers({ kafkaConnectListener: 29192, kafkaProxy: 29193 }, 1)).toBe('127.0.0.1:29193');
  });

  it("keeps every default port of three nodes, their listeners and the proxy's, apart: 9092–9097, 9192–9198", () => {
    const nodes = brokerNodes(DEFAULT_PORTS, 3).flatMap((node) => [node.port, node.controllerPort]);
    const proxied = proxiedListeners(DEFAULT_PORTS, 3).flatMap((route) => [route.listenerPort, route.proxyPort]);
    expect(nodes).toEqual([9092, 9093, 9094, 9095, 9096, 9097]);
    expect(proxied.sort()).toEqual([9192, 9193, 9194, 9195, 9196, 9197]);
    expect(DEFAULT_PORTS.kafkaProxyControl).toBe(9198);
    expect(() => resolveRuntimeOptions({ brokers: 3 })).not.toThrow();
  });

  it("refuses a port set on a further broker's derived proxy or listener port, naming both", () => {
    expect(() => resolveRuntimeOptions({ brokers: 3, ports: { kafkaProxyControl: 9195 } })).toThrow("ports.kafkaProxyControl and kafka-2's proxy port are all set to 9195");
    expect(() => resolveRuntimeOptions({ brokers: 1, ports: { kafkaProxyControl: 9195 } })).not.toThrow();
    expect(() => resolveRuntimeOptions({ brokers: 3, ports: { kafkaProxy: 9096 } })).toThrow("ports.kafkaProxy and kafka-3's port are all set to 9096");
    expect(() => resolveRuntimeOptions({ brokers: 3, ports: { connect: 9196 } })).toThrow("ports.connect and kafka-3's Connect listener port are all set to 9196");
  });

  it('replicates three times with min ISR 2 on three brokers, once on one', () => {
    expect(replicationFor(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(replicationFor(1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
  });
});

describe('runtimeLayout', () => {
  it('keeps everything under the state dir, the runtime where asked', () => {
    const layout = runtimeLayout({ stateDir: '/s', runtimeDir: '/shared/runtime' });
    expect(layout.stateFile).toBe('/s/state.json');
    expect(layout.logFile('connect')).toBe('/s/logs/connect.log');
    expect(layout.kafkaDataDir).toBe('/s/data/kafka');
    expect([1, 2, 3].map(layout.kafkaNodeDataDir)).toEqual(['/s/data/kafka', '/s/data/kafka-2', '/s/data/kafka-3']);
    expect([1, 2].map(layout.kafkaNodeProperties)).toEqual(['/s/config/server.properties', '/s/config/server-2.properties']);
    expect(layout.pluginsDir).toBe('/shared/runtime/plugins');
    expect(layout.kafkaLibs).toBe('/shared/runtime/kafka/libs');
  });

  it("gives PostgreSQL's data dir a parent of its own (handed to the postgres OS user when root)", () => {
    const layout = runtimeLayout({ stateDir: '/s', runtimeDir: '/r' });
    expect(path.dirname(layout.postgresDataDir)).toBe('/s/data/postgres');
  });
});

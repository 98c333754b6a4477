import * as path from 'node:path';
import { DEFAULT_PORTS, DEFAULT_STATE_DIR, LocalRuntimeError, SERVICES, resolveRuntimeOptions, runtimeLayout } from '../../../local/options';
import { generatedSecret } from '../../support/generated-secret';

const LEAKED = generatedSecret('password');

describe('resolveRuntimeOptions', () => {
  it('defaults to .local at the repository root and the documented ports', () => {
    const options = resolveRuntimeOptions();
    expect(options.stateDir).toBe(DEFAULT_STATE_DIR);
    expect(path.basename(options.stateDir)).toBe('.local');
    expect(options.runtimeDir).toBe(path.join(DEFAULT_STATE_DIR, 'runtime'));
    expect(options.ports).toEqual({ kafka: 9092, kafkaController: 9093, kafkaConnectListener: 9094, kafkaProxy: 9095, kafkaProxyControl: 9096, connect: 8083, connectJmx: 9404, prometheus: 9090, supervisor: 9406, postgres: 5433, mongodb: 27018 });
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

describe('runtimeLayout', () => {
  it('keeps everything under the state dir, the runtime where asked', () => {
    const layout = runtimeLayout({ stateDir: '/s', runtimeDir: '/shared/runtime' });
    expect(layout.stateFile).toBe('/s/state.json');
    expect(layout.logFile('connect')).toBe('/s/logs/connect.log');
    expect(layout.kafkaDataDir).toBe('/s/data/kafka');
    expect(layout.pluginsDir).toBe('/shared/runtime/plugins');
    expect(layout.kafkaLibs).toBe('/shared/runtime/kafka/libs');
  });

  it("gives PostgreSQL's data dir a parent of its own (handed to the postgres OS user when root)", () => {
    const layout = runtimeLayout({ stateDir: '/s', runtimeDir: '/r' });
    expect(path.dirname(layout.postgresDataDir)).toBe('/s/data/postgres');
  });
});

import { NETWORK_DELAY_MS, runFaultScenarios, type FaultResult } from '../../local/faults';
import { kafkaClient } from '../../local/replay';
import { down, status, up, type RuntimeStatus } from '../../local/runtime';
import { CONNECT_INTERNAL_TOPICS } from '../../local/config-files';
import { applyWarehouseMigrations } from '../../warehouse/migrate';
import { brokersTestRuntimeOptions } from './support/runtime';

/**
 * broker-kill (local/faults.ts, `cdcctl local faults --scenario broker-kill`) on a runtime of three
 * Kafka nodes of its own (`.local/test-brokers`, `cdcctl local up --brokers 3`): the leader of the
 * scenario topic's first partition is SIGKILLed while orders stream, stays down 15 s and starts
 * again; every order must be a row with its values, and the broker must have died and come back.
 * Then network-delay on the same three brokers: the worker reaches each through a proxy port of its
 * own, one control endpoint delaying all of them.
 */
jest.setTimeout(900_000);

const log = (message: string) => process.stderr.write(`[broker-kill] ${message}\n`);
const options = brokersTestRuntimeOptions(log);
let started: RuntimeStatus;
let result: FaultResult;
let delayed: FaultResult;

beforeAll(async () => {
  started = (await up(options)).status;
  await applyWarehouseMigrations(started.services.warehouse.url!);
  [result, delayed] = await runFaultScenarios(options, ['broker-kill', 'network-delay'], { events: 300, faultMs: 15_000, onProgress: log });
});

afterAll(async () => {
  // Even when the set-up failed: exactly the processes this runtime recorded, and its data.
  await down(options, { purgeData: true });
}, 120_000);

describe('a runtime of three brokers', () => {
  it('runs each node as a process of its own, and gives clients every broker', () => {
    const pids = (['kafka', 'kafka-2', 'kafka-3'] as const).map((service) => started.services[service]?.state === 'running' && started.services[service]?.pid);
    expect(new Set(pids).size).toBe(3);
    expect(pids.every((pid) => typeof pid === 'number')).toBe(true);
    expect(started.services.kafka.url?.split(',')).toHaveLength(3);
  });

  it("replicates Connect's internal topics and the consumer offsets three times, with min.insync.replicas 2", async () => {
    const admin = kafkaClient(started.services.kafka.url!).admin();
    await admin.connect();
    try {
      const topics = [...Object.values(CONNECT_INTERNAL_TOPICS), '__consumer_offsets'];
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const replicas = Object.fromEntries(metadata.map((topic) => [topic.name, [...new Set(topic.partitions.map((partition) => partition.replicas.length))]]));
      expect(replicas).toEqual(Object.fromEntries(topics.map((topic) => [topic, [3]])));
      const configs = await admin.describeConfigs({ resources: [{ type: 2, name: CONNECT_INTERNAL_TOPICS.offset, configNames: ['min.insync.replicas'] }], includeSynonyms: false });
      expect(configs.resources[0]?.configEntries.find((entry) => entry.configName === 'min.insync.replicas')?.configValue).toBe('2');
    } finally {
      await admin.disconnect();
    }
  });
});

describe('broker-kill', () => {
  it('loses nothing: every order is a row with its values, and no person was needed', () => {
    expect(result).toMatchObject({ name: 'broker-kill', events: 300, rows: 300, lost: 0, manual_steps: 0 });
  });

  it('killed a broker that really died and came back, into every ISR of the scenario topic', () => {
    const broker = result.broker!;
    expect(broker.pid_after).not.toBe(broker.pid_before);
    expect(broker.back_in_isr).toBe(true);
    expect(status(options).services[broker.service]).toMatchObject({ state: 'running', pid: broker.pid_after });
  });
});

describe('network-delay on three brokers', () => {
  it('loses nothing, and a Kafka request through the proxy came back at least twice the delay later', () => {
    expect(delayed).toMatchObject({ name: 'network-delay', events: 300, rows: 300, lost: 0, manual_steps: 0 });
    expect(delayed.observed!.round_trip_through_proxy_ms).toBeGreaterThanOrEqual(2 * NETWORK_DELAY_MS - 1);
    expect(delayed.observed!.rows_during_fault).toBeGreaterThan(0);
  });

  it("gives the worker every broker through the proxy: one proxy port per node, each node's CONNECT listener behind it", () => {
    const proxy = status(options).services['kafka-proxy'];
    expect(proxy.state).toBe('running');
    expect(proxy.url?.split(',')).toHaveLength(3);
  });
});

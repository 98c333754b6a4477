import { parse } from 'yaml';
import { monitoringConfig } from '../../../alerts/config';
import {
  CONNECT_GROUP_ID,
  connectWorkerProperties,
  kafkaServerProperties,
  log4jProperties,
  prometheusConfig,
  propertiesText,
} from '../../../local/config-files';
import { DEFAULT_PORTS, runtimeLayout } from '../../../local/options';

describe('the local worker and large documents', () => {
  it('gives every connector producer the sizes of the stacks (no producer.override.* needed)', () => {
    const properties = readProperties(connectWorkerProperties({ kafkaConnectListener: 29192, kafkaProxy: 29193, connect: 28083 }, runtimeLayout({ stateDir: '/s', runtimeDir: '/s/r' })));
    expect(properties).toMatchObject({ 'producer.max.request.size': String(64 * 1024 * 1024), 'producer.buffer.memory': String(128 * 1024 * 1024), 'producer.compression.type': 'zstd' });
  });
});

/** Java properties text → map (the generators' output read back as the JVM reads it, minus escapes). */
function readProperties(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return Object.fromEntries(entries);
}

const layout = runtimeLayout({ stateDir: '/state', runtimeDir: '/state/runtime' });
const ports = { ...DEFAULT_PORTS, kafka: 29092, kafkaController: 29093, kafkaConnectListener: 29192, kafkaProxy: 29193, connect: 28083, connectJmx: 29404, prometheus: 29090, supervisor: 29406 };

describe('kafkaServerProperties', () => {
  const properties = readProperties(kafkaServerProperties(ports, layout));

  it("takes MongoDB's largest documents on every topic by default", () => {
    expect(properties['message.max.bytes']).toBe(String(64 * 1024 * 1024));
  });

  it('runs one node as broker and controller, its quorum being itself on the controller port', () => {
    expect(properties['process.roles']).toBe('broker,controller');
    expect(properties['node.id']).toBe('1');
    expect(properties['controller.quorum.bootstrap.servers']).toBe('127.0.0.1:29093');
    expect(properties['controller.listener.names']).toBe('CONTROLLER');
  });

  it('listens on loopback only, on the configured ports', () => {
    expect(properties.listeners).toBe('PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093,CONNECT://127.0.0.1:29192');
    expect(properties['listener.security.protocol.map']).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,CONNECT:PLAINTEXT');
  });

  it("advertises its Connect listener at the delay proxy's port, so the worker's clients reconnect through the proxy, and keeps the brokers' own traffic on PLAINTEXT", () => {
    expect(properties['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:29092,CONNECT://127.0.0.1:29193');
    expect(properties['inter.broker.listener.name']).toBe('PLAINTEXT');
  });

  it('keeps its data in the state dir', () => {
    expect(properties['log.dirs']).toBe('/state/data/kafka');
  });

  it('gives every internal topic one replica, as one node must', () => {
    expect(properties['offsets.topic.replication.factor']).toBe('1');
    expect(properties['transaction.state.log.replication.factor']).toBe('1');
    expect(properties['transaction.state.log.min.isr']).toBe('1');
    expect(properties['group.initial.rebalance.delay.ms']).toBe('0');
  });
});

describe('kafkaServerProperties of three brokers', () => {
  const node = (nodeId: number) => readProperties(kafkaServerProperties(ports, layout, { nodeId, brokers: 3 }));

  it('makes the three nodes static voters of one quorum, each on its own ports', () => {
    expect(node(2)['node.id']).toBe('2');
    expect(node(2)['controller.quorum.voters']).toBe('1@127.0.0.1:29093,2@127.0.0.1:29095,3@127.0.0.1:29097');
    expect(node(2)['controller.quorum.bootstrap.servers']).toBeUndefined();
    expect(node(3).listeners).toBe('PLAINTEXT://127.0.0.1:29096,CONTROLLER://127.0.0.1:29097,CONNECT://127.0.0.1:29196');
    expect(node(3)['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:29096,CONNECT://127.0.0.1:29197');
  });

  it("gives each node a CONNECT listener of its own, advertised at that node's own delay proxy port", () => {
    expect([1, 2, 3].map((nodeId) => node(nodeId).listeners.split(',')[2])).toEqual(['CONNECT://127.0.0.1:29192', 'CONNECT://127.0.0.1:29194', 'CONNECT://127.0.0.1:29196']);
    expect([1, 2, 3].map((nodeId) => node(nodeId)['advertised.listeners'].split(',')[1])).toEqual(['CONNECT://127.0.0.1:29193', 'CONNECT://127.0.0.1:29195', 'CONNECT://127.0.0.1:29197']);
  });

  it('keeps each node in a data dir of its own', () => {
    expect([1, 2, 3].map((nodeId) => node(nodeId)['log.dirs'])).toEqual(['/state/data/kafka', '/state/data/kafka-2', '/state/data/kafka-3']);
  });

  it('replicates topics, offsets and transactions three times with min ISR 2, as MSK', () => {
    expect(node(1)).toMatchObject({
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
    });
  });

  it('leaves the topic defaults to Kafka on one broker', () => {
    const one = readProperties(kafkaServerProperties(ports, layout));
    expect(one['default.replication.factor']).toBeUndefined();
    expect(one['min.insync.replicas']).toBeUndefined();
  });

  it('refuses a node beyond the count', () => {
    expect(() => kafkaServerProperties(ports, layout, { nodeId: 2, brokers: 1 })).toThrow('node 2 is not one of 1');
  });
});

describe('connectWorkerProperties', () => {
  const properties = readProperties(connectWorkerProperties(ports, layout));

  it('joins the local broker through the delay proxy as a distributed worker with replication factor 1 internal topics', () => {
    expect(properties['bootstrap.servers']).toBe('127.0.0.1:29193');
    expect(properties['group.id']).toBe(CONNECT_GROUP_ID);
    for (const kind of ['config', 'offset', 'status']) {
      expect(properties[`${kind}.storage.topic`]).toMatch(/^_connect-/);
      expect(properties[`${kind}.storage.replication.factor`]).toBe('1');
    }
  });

  it('admits no client override from a connector config, as the deployed workers do, and sets the sinks\' poll size itself', () => {
    expect(properties['connector.client.config.override.policy']).toBe('None');
    expect(properties['consumer.max.poll.records']).toBe('1000');
    expect(readProperties(connectWorkerProperties(ports, layout, { maxPollRecords: 250 }))['consumer.max.poll.records']).toBe('250');
  });

  it("bootstraps from every broker through its delay proxy port and replicates Connect's internal topics three times on three brokers", () => {
    const three = readProperties(connectWorkerProperties(ports, layout, { maxPollRecords: 250 }, 'enabled', 3));
    expect(three['bootstrap.servers']).toBe('127.0.0.1:29193,127.0.0.1:29195,127.0.0.1:29197');
    expect([three['config.storage.replication.factor'], three['offset.storage.replication.factor'], three['status.storage.replication.factor']]).toEqual(['3', '3', '3']);
    expect(properties['config.storage.replication.factor']).toBe('1');
  });

  it('serves REST on loopback at the configured port and loads plugins from the runtime', () => {
    expect(properties.listeners).toBe('http://127.0.0.1:28083');
    expect(properties['plugin.path']).toBe('/state/runtime/plugins');
    expect(properties['plugin.discovery']).toBe('service_load');
  });

  it('resolves secrets through the env, file and dir config providers', () => {
    expect(properties['config.providers']).toBe('env,file,dir');
    expect(properties['config.providers.env.class']).toBe('org.apache.kafka.common.config.provider.EnvVarConfigProvider');
    expect(properties['config.providers.file.class']).toBe('org.apache.kafka.common.config.provider.FileConfigProvider');
    expect(properties['config.providers.dir.class']).toBe('org.apache.kafka.common.config.provider.DirectoryConfigProvider');
  });

  it('delivers as the deployed workers do: acks=all, idempotent, at most 5 in flight, Connect\'s delivery timeout, default retries', () => {
    expect(properties['producer.acks']).toBe('all');
    expect(properties['producer.enable.idempotence']).toBe('true');
    expect(properties['producer.max.in.flight.requests.per.connection']).toBe('5');
    expect(properties['producer.delivery.timeout.ms']).toBe('2147483647');
    expect(properties).not.toHaveProperty('producer.retries');
  });

  it("takes the local environment's exactly-once source level (KIP-618's preparing step when given)", () => {
    expect(readProperties(connectWorkerProperties(ports, layout, { maxPollRecords: 1000 }, 'preparing'))['exactly.once.source.support']).toBe('preparing');
  });

  it('runs sources exactly-once and lets sinks read only committed records', () => {
    expect(properties['exactly.once.source.support']).toBe('enabled');
    expect(properties['consumer.isolation.level']).toBe('read_committed');
  });

  it('uses JSON converters and flushes offsets every second', () => {
    expect(properties['key.converter']).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(properties['value.converter']).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(properties['offset.flush.interval.ms']).toBe('1000');
  });
});

describe('propertiesText', () => {
  it('escapes backslashes, which Java reads as escapes', () => {
    expect(propertiesText('h', { 'log.dirs': 'C:\\data' })).toBe('# h\nlog.dirs=C:\\\\data\n');
  });
});

describe('log4jProperties', () => {
  it('logs to stdout (the service log file) and keeps Connect at INFO under a quieter Kafka', () => {
    const text = log4jProperties();
    expect(text).toContain('appender.stdout.type = Console');
    expect(text).toMatch(/logger\.quiet\d+\.name = org\.apache\.kafka\n/);
    expect(text).toContain('logger.connect.name = org.apache.kafka.connect\nlogger.connect.level = INFO');
  });
});

describe('prometheusConfig', () => {
  const config = parse(prometheusConfig(ports, ['/state/config/prometheus-rules/a.yaml', '/state/config/prometheus-rules/b.yaml'])) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };

  it('scrapes the Connect JMX agent under the job the alert rules select on, the supervisor, and itself', () => {
    const targets = Object.fromEntries(config.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((entry) => entry.targets)]));
    expect(targets).toEqual({ [monitoringConfig.jobs.connect]: ['127.0.0.1:29404'], 'cdc-supervisor': ['127.0.0.1:29406'], prometheus: ['127.0.0.1:29090'] });
  });

  it('scrapes and evaluates every 5 s', () => {
    expect(config.global).toEqual({ scrape_interval: '5s', evaluation_interval: '5s' });
  });

  it('loads the given rule files', () => {
    expect(config.rule_files).toEqual(['/state/config/prometheus-rules/a.yaml', '/state/config/prometheus-rules/b.yaml']);
  });
});

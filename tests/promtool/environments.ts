import { parseEnvironment, type Environment, type EnvironmentInput } from '../../config';

/**
 * Fixed environments for the promtool tests, so that a phase change in config/environments does
 * not change what these tests expect. `promtool` has everything (Debezium sources with heartbeats,
 * MSK, both pipelines streaming); `promtool-quiet` turns heartbeats off; `promtool-replay` has no
 * MongoDB (sinks only, like local).
 */
const base: EnvironmentInput = {
  name: 'promtool',
  connect: { url: 'http://127.0.0.1:8083' },
  kafka: { bootstrapServers: 'b-1.promtool.abc123.c2.kafka.eu-west-1.amazonaws.com:9098', replicationFactor: 3 },
  topicPrefix: 'cdc',
  managedConnectorPrefix: 'cdc-',
  mongodb: { kind: 'atlas', connectionString: '${dir:/etc/connect-secrets:mongodb-uri}' },
  warehouse: {
    jdbcUrl: 'jdbc:postgresql://warehouse.promtool.internal:5432/bi',
    username: 'cdc_sink',
    password: '${dir:/etc/connect-secrets:warehouse-password}',
  },
  source: { heartbeatIntervalMs: 10_000 },
  collections: { orders: { phase: 'stream' }, customers: { phase: 'stream' } },
};

export const PROMTOOL_ENVIRONMENTS: readonly Environment[] = [
  parseEnvironment(base),
  parseEnvironment({ ...base, name: 'promtool-quiet', source: { heartbeatIntervalMs: 0 } }),
  parseEnvironment({ ...base, name: 'promtool-replay', kafka: { bootstrapServers: '127.0.0.1:9092', replicationFactor: 1 }, mongodb: { kind: 'replay' } }),
];

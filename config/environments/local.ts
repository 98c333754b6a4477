import type { EnvironmentInput } from '../schema';

/**
 * The laptop/CI environment that `npm start` brings up (local/). No MongoDB server can run
 * here, so change events are replayed into the source topics in Debezium's exact format.
 * Warehouse coordinates come from the worker's own environment (the local runtime sets them).
 */
export const local: EnvironmentInput = {
  name: 'local',
  connect: {
    url: 'http://127.0.0.1:8083',
    concurrency: 8,
    waitTimeoutMs: 60_000,
    // A laptop's faults are short (a stopped warehouse, a killed worker): restart within seconds.
    supervisor: { restartUnitMs: 2_000, maxRestartDelayMs: 30_000, maxRestarts: 20, healthyResetMs: 60_000, intervalMs: 2_000 },
  },
  kafka: { bootstrapServers: '127.0.0.1:9092', replicationFactor: 1 },
  topicPrefix: 'cdc',
  managedConnectorPrefix: 'cdc-',
  mongodb: { kind: 'replay' },
  warehouse: {
    jdbcUrl: '${env:CDC_WAREHOUSE_JDBC_URL}',
    username: '${env:CDC_WAREHOUSE_USER}',
    password: '${env:CDC_WAREHOUSE_PASSWORD}',
  },
  source: { pollIntervalMs: 50 },
  sink: { batchSize: 1000, tasksMax: 1 },
  collections: {
    orders: { phase: 'stream' },
    customers: { phase: 'stream' },
  },
  /**
   * A developer's own AWS sandbox account: only the kafka stack, with its state on the laptop, to try
   * an MSK change before staging. The laptop runtime above (local/) does not use it.
   */
  infrastructure: {
    stateBackend: { kind: 'local' },
    aws: { region: 'eu-west-1', accountId: '111122223333', tags: { purpose: 'sandbox' } },
    network: {
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-0123456789abc0001', 'subnet-0123456789abc0002', 'subnet-0123456789abc0003'],
      connectWorkersSecurityGroupIds: ['sg-0123456789abc0101'],
    },
    kafka: {
      brokerInstanceType: 'kafka.m7g.large',
      brokerCount: 3,
      storageGiB: 20,
      retentionHours: 24,
      authentication: { iam: true, scram: true },
      enhancedMonitoring: 'DEFAULT',
      brokerLogRetentionDays: 7,
    },
  },
};

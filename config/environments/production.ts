import type { EnvironmentInput } from '../schema';

export const production: EnvironmentInput = {
  name: 'production',
  connect: {
    url: 'http://kafka-connect.cdc-platform.svc.cluster.local:8083',
    auth: { kind: 'basic', usernameEnv: 'CONNECT_USERNAME', passwordEnv: 'CONNECT_PASSWORD' },
    concurrency: 4,
  },
  kafka: { bootstrapServers: 'b-1.cdc-production.kafka.eu-west-1.amazonaws.com:9098', replicationFactor: 3 },
  topicPrefix: 'cdc',
  managedConnectorPrefix: 'cdc-',
  mongodb: { kind: 'atlas', connectionString: '${dir:/etc/connect-secrets:mongodb-uri}' },
  warehouse: {
    jdbcUrl: 'jdbc:postgresql://warehouse.production.internal:5432/bi',
    username: 'cdc_sink',
    password: '${dir:/etc/connect-secrets:warehouse-password}',
    schema: 'public',
  },
  source: { pollIntervalMs: 100 },
  sink: { batchSize: 2000, tasksMax: 3 },
  collections: {
    orders: { phase: 'shadow' },
    customers: { phase: 'trigger' },
  },
};

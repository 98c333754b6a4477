import type { EnvironmentInput } from '../schema';

export const staging: EnvironmentInput = {
  name: 'staging',
  connect: {
    url: 'http://kafka-connect.cdc-platform.svc.cluster.local:8083',
    auth: { kind: 'basic', usernameEnv: 'CONNECT_USERNAME', passwordEnv: 'CONNECT_PASSWORD' },
  },
  kafka: { bootstrapServers: 'b-1.cdc-staging.kafka.eu-west-1.amazonaws.com:9098', replicationFactor: 3 },
  topicPrefix: 'cdc',
  managedConnectorPrefix: 'cdc-',
  mongodb: { kind: 'atlas', connectionString: '${dir:/etc/connect-secrets:mongodb-uri}' },
  warehouse: {
    jdbcUrl: 'jdbc:postgresql://warehouse.staging.internal:5432/bi',
    username: 'cdc_sink',
    password: '${dir:/etc/connect-secrets:warehouse-password}',
    schema: 'public',
  },
  source: { pollIntervalMs: 100 },
  sink: { batchSize: 1000, tasksMax: 2 },
  collections: {
    orders: { phase: 'shadow' },
    customers: { phase: 'shadow' },
  },
};

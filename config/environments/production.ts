import type { EnvironmentInput } from '../schema';

export const production: EnvironmentInput = {
  name: 'production',
  connect: {
    url: 'https://kafka-connect.cdc-platform.svc.cluster.local:8083',
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
  infrastructure: {
    stateBackend: {
      kind: 's3',
      bucket: 'acme-cdc-terraform-state',
      region: 'eu-west-1',
      keyPrefix: 'mongo-cdc-platform/production',
      // The dedicated state key (made with the bucket, outside the stacks): the atlas stack's state holds a password.
      kmsKeyId: 'alias/cdc-terraform-state',
    },
    aws: { region: 'eu-west-1', accountId: '123456789012', tags: { 'cost-center': 'bi-platform' } },
    network: {
      vpcId: 'vpc-0f1e2d3c4b5a69788',
      subnetIds: ['subnet-0f1e2d3c4b5a60001', 'subnet-0f1e2d3c4b5a60002', 'subnet-0f1e2d3c4b5a60003'],
      connectWorkersSecurityGroupIds: ['sg-0f1e2d3c4b5a60101'],
      prometheusSecurityGroupIds: ['sg-0f1e2d3c4b5a60201'],
    },
    kafka: {
      brokerInstanceType: 'kafka.m7g.xlarge',
      brokerCount: 6,
      storageGiB: 1000,
      partitions: 12,
      retentionHours: 168,
      authentication: { iam: true, scram: false },
      enhancedMonitoring: 'PER_TOPIC_PER_BROKER',
      brokerLogRetentionDays: 90,
    },
    connect: {
      kubeconfigContext: 'eks-production',
      namespace: 'cdc-platform',
      replicas: 3,
      resources: { cpuRequest: '2', memoryRequest: '4Gi', cpuLimit: '4', memoryLimit: '8Gi' },
      kafkaAuthentication: 'iam',
      oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/9D8C7B6A5F4E3D2C1B0A99887766554E',
      restClients: {
        gitopsRunner: { namespace: 'gitops', podLabels: { 'app.kubernetes.io/name': 'gitops-runner' } },
        prometheus: { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      },
      // The cdcctl image the platform team's pipeline builds from this repository, tagged with its release.
      supervisor: { image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/mongo-cdc-platform/cdcctl:0.1.0' },
      secrets: [{ file: 'warehouse-password', secretName: 'cdc-platform/production/warehouse', jsonKey: 'password' }],
    },
    monitoring: {
      receiver: { kind: 'pagerduty', routingKeySecret: { name: 'alertmanager-pagerduty', key: 'routing-key' } },
      grafana: { adminSecret: { name: 'grafana-admin', userKey: 'user', passwordKey: 'password' } },
      runbookBaseUrl: 'https://github.com/acme/mongo-cdc-platform/blob/main/docs/runbooks',
    },
    atlas: {
      projectId: '64b0c0ffee0000000000a002',
      clusterName: 'app-production',
      appId: '64b0c0ffee0000000000b002',
      triggerServiceId: '64b0c0ffee0000000000c002',
      network: { kind: 'privateEndpoint' },
      triggers: [
        {
          id: '64b0c0ffee0000000000e011',
          name: 'syncOrdersToWarehouse',
          pipeline: 'orders',
          function: { id: '64b0c0ffee0000000000d011', name: 'syncOrdersToWarehouse' },
          operationTypes: ['INSERT', 'UPDATE', 'REPLACE', 'DELETE'],
        },
        {
          id: '64b0c0ffee0000000000e012',
          name: 'syncCustomersToWarehouse',
          pipeline: 'customers',
          function: { id: '64b0c0ffee0000000000d012', name: 'syncCustomersToWarehouse' },
          operationTypes: ['INSERT', 'UPDATE', 'REPLACE'],
          project: { 'fullDocument.password_hash': 0 },
        },
      ],
    },
  },
};

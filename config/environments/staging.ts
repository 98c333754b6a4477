import type { EnvironmentInput } from '../schema';

export const staging: EnvironmentInput = {
  name: 'staging',
  connect: {
    url: 'https://kafka-connect.cdc-platform.svc.cluster.local:8083',
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
  infrastructure: {
    // State under the dedicated state key (made with the bucket, outside the stacks): the atlas stack's state holds a password.
    stateBackend: { kind: 's3', bucket: 'acme-cdc-terraform-state', region: 'eu-west-1', keyPrefix: 'mongo-cdc-platform/staging', kmsKeyId: 'alias/cdc-terraform-state' },
    aws: { region: 'eu-west-1', accountId: '210987654321', tags: { 'cost-center': 'bi-platform' } },
    network: {
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'],
      connectWorkersSecurityGroupIds: ['sg-0a1b2c3d4e5f60101'],
    },
    kafka: {
      brokerInstanceType: 'kafka.m7g.large',
      brokerCount: 3,
      storageGiB: 200,
      partitions: 6,
      retentionHours: 72,
      authentication: { iam: true, scram: true },
    },
    connect: {
      kubeconfigContext: 'eks-staging',
      namespace: 'cdc-platform',
      replicas: 2,
      kafkaAuthentication: 'iam',
      oidcProviderArn: 'arn:aws:iam::210987654321:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5C0FFEE0A1B2C3D4E5F60718293A4B5C',
      restClients: {
        gitopsRunner: { namespace: 'gitops', podLabels: { 'app.kubernetes.io/name': 'gitops-runner' } },
        prometheus: { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      },
      // The cdcctl image the platform team's pipeline builds from this repository, tagged with its release.
      supervisor: { image: '210987654321.dkr.ecr.eu-west-1.amazonaws.com/mongo-cdc-platform/cdcctl:0.1.0' },
      secrets: [{ file: 'warehouse-password', secretName: 'cdc-platform/staging/warehouse', jsonKey: 'password' }],
    },
    monitoring: {
      receiver: { kind: 'slack', channel: '#cdc-alerts-staging', webhookUrlSecret: { name: 'alertmanager-slack', key: 'webhook-url' } },
      grafana: { adminSecret: { name: 'grafana-admin', userKey: 'user', passwordKey: 'password' } },
      runbookBaseUrl: 'https://github.com/acme/mongo-cdc-platform/blob/main/docs/runbooks',
    },
    atlas: {
      projectId: '64b0c0ffee0000000000a001',
      clusterName: 'app-staging',
      appId: '64b0c0ffee0000000000b001',
      triggerServiceId: '64b0c0ffee0000000000c001',
      network: { kind: 'accessList', entries: [{ cidrBlock: '203.0.113.10/32', comment: 'staging NAT gateway (eu-west-1a)' }] },
      triggers: [
        {
          id: '64b0c0ffee0000000000e001',
          name: 'syncOrdersToWarehouse',
          pipeline: 'orders',
          function: { id: '64b0c0ffee0000000000d001', name: 'syncOrdersToWarehouse' },
          operationTypes: ['INSERT', 'UPDATE', 'REPLACE', 'DELETE'],
        },
        {
          id: '64b0c0ffee0000000000e002',
          name: 'syncCustomersToWarehouse',
          pipeline: 'customers',
          function: { id: '64b0c0ffee0000000000d002', name: 'syncCustomersToWarehouse' },
          operationTypes: ['INSERT', 'UPDATE', 'REPLACE'],
          project: { 'fullDocument.password_hash': 0 },
        },
      ],
    },
  },
};

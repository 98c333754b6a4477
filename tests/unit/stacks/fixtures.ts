import { Testing, type TerraformStack } from 'cdktf';
import { parseEnvironment, type Environment, type EnvironmentInput } from '../../../config';
import { APP_CONTEXT } from '../../../stacks/app';

/**
 * A complete environment for the stack tests, independent of config/environments/*, so that a test
 * states the one setting it varies. `change` edits a deep copy of the input before parsing.
 */
export function baseEnvironmentInput(): EnvironmentInput {
  return {
    name: 'test',
    connect: { url: 'https://kafka-connect.cdc-platform.svc.cluster.local:8083', auth: { kind: 'basic', usernameEnv: 'CONNECT_USERNAME', passwordEnv: 'CONNECT_PASSWORD' } },
    kafka: { bootstrapServers: 'b-1.cdc-test.kafka.eu-west-1.amazonaws.com:9098', replicationFactor: 3 },
    topicPrefix: 'cdc',
    managedConnectorPrefix: 'cdc-',
    mongodb: { kind: 'atlas', connectionString: '${dir:/etc/connect-secrets:mongodb-uri}' },
    warehouse: {
      jdbcUrl: 'jdbc:postgresql://warehouse.test.internal:5432/bi',
      username: 'cdc_sink',
      password: '${dir:/etc/connect-secrets:warehouse-password}',
    },
    collections: { orders: { phase: 'shadow' }, customers: { phase: 'stream' } },
    infrastructure: {
      stateBackend: { kind: 's3', bucket: 'test-state', region: 'eu-west-1', kmsKeyId: 'alias/cdc-terraform-state' },
      aws: { region: 'eu-west-1', accountId: '123456789012' },
      network: {
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: ['subnet-00000000000000001', 'subnet-00000000000000002', 'subnet-00000000000000003'],
        connectWorkersSecurityGroupIds: ['sg-00000000000000101'],
      },
      kafka: {},
      connect: {
        kubeconfigContext: 'test-cluster',
        oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789',
        restClients: {
          gitopsRunner: { namespace: 'gitops', podLabels: { app: 'runner' } },
          prometheus: { namespace: 'monitoring', podLabels: { app: 'prometheus' } },
        },
        secrets: [{ file: 'warehouse-password', secretName: 'test/warehouse', jsonKey: 'password' }],
        supervisor: { image: 'registry.test/cdc/cdcctl:1.0.0' },
      },
      atlas: {
        projectId: '0123456789abcdef01234567',
        clusterName: 'app-test',
        appId: '0123456789abcdef0123aaaa',
        triggerServiceId: '0123456789abcdef0123bbbb',
        network: { kind: 'accessList', entries: [{ cidrBlock: '203.0.113.7/32', comment: 'test NAT' }] },
        triggers: [
          {
            id: '0123456789abcdef0123c001',
            name: 'syncOrders',
            pipeline: 'orders',
            function: { id: '0123456789abcdef0123d001', name: 'syncOrders' },
            operationTypes: ['INSERT', 'UPDATE'],
          },
        ],
      },
    },
  };
}

/** Mutable view of the input for `change` callbacks (the config types are deeply optional after parsing). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type InputDraft = any;

export function environment(change: (input: InputDraft) => void = () => undefined): Environment {
  const input = structuredClone(baseEnvironmentInput());
  change(input);
  return parseEnvironment(input);
}

/** The synthesized JSON of a stack built in a test app (same logical-id flags as main.ts). */
export function synth(build: (app: ReturnType<typeof Testing.app>) => TerraformStack): string {
  const app = Testing.app({ context: { ...APP_CONTEXT } });
  return Testing.synth(build(app));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Synthesized = Record<string, any>;

export function parsed(json: string): Synthesized {
  return JSON.parse(json) as Synthesized;
}

/** Every resource of a type in the synthesized JSON. */
export function resources(json: string, type: string): Synthesized[] {
  return Object.values(parsed(json).resource?.[type] ?? {});
}

export function onlyResource(json: string, type: string): Synthesized {
  const found = resources(json, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

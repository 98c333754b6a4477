import { createHash } from 'node:crypto';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { DataAwsMskCluster } from '@cdktf/provider-aws/lib/data-aws-msk-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { jmxExporterConfigYaml } from '../alerts/jmx-exporter';
import { versions, type Environment } from '../config';
import type { AwsSettings, ConnectSettings } from '../config/infrastructure';
import { arnPrefix, configureAwsProvider, configureTerraform, policyDocument, requireSetting, terraformLiteral, type PolicyStatement } from './common';
import {
  CONNECT_METRICS_PORT,
  CONNECT_REST_PORT,
  JMX_EXPORTER_CONFIG_FILE,
  imageEnvironmentVariables,
  jvmEnvironmentVariables,
  mountedSecretFiles,
  workerProperties,
  type MountedSecretFile,
} from './connect-worker-config';
import { CONNECT_APP_NAME, CONNECT_SECRETS_DIRECTORY, connectGroupId, connectIamRoleName, connectInternalTopics, mskClusterName } from './names';

export interface ConnectStackProps {
  readonly environment: Environment;
}

/** The Secrets Store CSI driver mounts Secrets Manager secrets as files; nothing lands in a Kubernetes Secret. */
export const SECRETS_STORE_CSI_DRIVER = 'secrets-store.csi.k8s.io';
const SECRET_PROVIDER_CLASS_NAME = `${CONNECT_APP_NAME}-secrets`;

/** The `objects` parameter of the AWS provider for the Secrets Store CSI driver: one entry per secret. */
export function secretProviderObjects(files: readonly MountedSecretFile[]): string {
  const bySecret = new Map<string, MountedSecretFile[]>();
  for (const file of files) bySecret.set(file.secretName, [...(bySecret.get(file.secretName) ?? []), file]);
  const objects = [...bySecret.entries()].map(([secretName, secretFiles]) => {
    const whole = secretFiles.find((file) => !file.jsonKey);
    const keys = secretFiles.filter((file) => file.jsonKey);
    return {
      objectName: secretName,
      objectType: 'secretsmanager',
      // The driver also writes the whole secret; name that file after the secret when no mapping claims it.
      objectAlias: whole?.file ?? `${secretName.replace(/[^A-Za-z0-9._-]/g, '_')}.json`,
      ...(keys.length > 0 ? { jmesPath: keys.map((file) => ({ path: file.jsonKey, objectAlias: file.file })) } : {}),
    };
  });
  return stringify(objects, { lineWidth: 0 });
}

function secretArn(aws: AwsSettings, secretName: string): string {
  // Secrets Manager appends six random characters to every secret's ARN.
  return `${arnPrefix(aws, 'secretsmanager')}:secret:${secretName}-??????`;
}

/** What the workers' IAM role may do: read their mounted secrets and, with IAM auth, use their part of MSK. */
export function connectRolePolicyStatements(environment: Environment, aws: AwsSettings, connect: ConnectSettings): PolicyStatement[] {
  const files = mountedSecretFiles(environment);
  const statements: PolicyStatement[] = [];
  if (files.length > 0) {
    statements.push(
      {
        Sid: 'ReadMountedSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: [...new Set(files.map((file) => secretArn(aws, file.secretName)))],
      },
      {
        Sid: 'DecryptMountedSecrets',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: `${arnPrefix(aws, 'kms')}:key/*`,
        Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${aws.region}.amazonaws.com` } },
      },
    );
  }
  if (connect.kafkaAuthentication === 'iam') {
    const kafka = arnPrefix(aws, 'kafka');
    const cluster = mskClusterName(environment);
    const topics = connectInternalTopics(environment);
    const topicPatterns = [
      `${environment.topicPrefix}.*`,
      `__debezium-heartbeat.${environment.topicPrefix}`,
      topics.configs,
      topics.offsets,
      topics.status,
    ];
    statements.push(
      {
        Sid: 'ConnectToTheCluster',
        Effect: 'Allow',
        Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'],
        Resource: `${kafka}:cluster/${cluster}/*`,
      },
      {
        Sid: 'UseThePlatformTopics',
        Effect: 'Allow',
        Action: [
          'kafka-cluster:CreateTopic',
          'kafka-cluster:DescribeTopic',
          'kafka-cluster:DescribeTopicDynamicConfiguration',
          'kafka-cluster:ReadData',
          'kafka-cluster:WriteData',
        ],
        Resource: topicPatterns.map((topic) => `${kafka}:topic/${cluster}/*/${topic}`),
      },
      {
        Sid: 'UseTheWorkerAndSinkGroups',
        Effect: 'Allow',
        Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
        Resource: [connectGroupId(environment), `connect-${environment.managedConnectorPrefix}*`].map((group) => `${kafka}:group/${cluster}/*/${group}`),
      },
    );
  }
  return statements;
}

/**
 * `connect-<environment>`: Kafka Connect in distributed mode on the platform team's Kubernetes
 * cluster — namespace, worker configuration, a Deployment of the pinned image with the JMX exporter
 * agent, probes on the REST port, non-root and read-only; a ClusterIP Service, a PodDisruptionBudget,
 * a NetworkPolicy admitting only the GitOps runner, Prometheus and the workers themselves; Secrets
 * Manager secrets mounted for the `dir` config provider; the IAM role of its service account.
 */
export class ConnectStack extends TerraformStack {
  readonly deployment: DeploymentV1;

  constructor(scope: Construct, id: string, props: ConnectStackProps) {
    super(scope, id);
    const { environment } = props;
    const infrastructure = environment.infrastructure;
    const aws = requireSetting(infrastructure.aws, 'aws', environment);
    const connect = requireSetting(infrastructure.connect, 'connect', environment);
    const kafka = requireSetting(infrastructure.kafka, 'kafka', environment);
    const stateBackend = requireSetting(infrastructure.stateBackend, 'stateBackend', environment);
    const namespace = connect.namespace;
    const selectorLabels = { 'app.kubernetes.io/name': CONNECT_APP_NAME, 'app.kubernetes.io/instance': `cdc-${environment.name}` };
    const labels = { ...selectorLabels, 'app.kubernetes.io/part-of': 'mongo-cdc-platform', 'app.kubernetes.io/managed-by': 'cdktf' };

    configureTerraform(this, id, stateBackend);
    configureAwsProvider(this, environment, aws);
    new KubernetesProvider(this, 'kubernetes', { configPath: connect.kubeconfigPath, configContext: connect.kubeconfigContext });

    // The kafka stack owns the cluster; read it by its name so the two stacks share no state.
    const cluster = new DataAwsMskCluster(this, 'cluster', { clusterName: mskClusterName(environment) });
    const bootstrapServers = connect.kafkaAuthentication === 'iam' ? cluster.bootstrapBrokersSaslIam : cluster.bootstrapBrokersSaslScram;

    // IAM roles for service accounts: only this namespace's service account may assume the role.
    const issuer = connect.oidcProviderArn.slice(connect.oidcProviderArn.indexOf(':oidc-provider/') + ':oidc-provider/'.length);
    const role = new IamRole(this, 'worker-role', {
      name: connectIamRoleName(environment),
      description: `Kafka Connect workers of ${environment.name} (service account ${namespace}/${CONNECT_APP_NAME})`,
      assumeRolePolicy: policyDocument([
        {
          Effect: 'Allow',
          Principal: { Federated: connect.oidcProviderArn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${CONNECT_APP_NAME}`,
              [`${issuer}:aud`]: 'sts.amazonaws.com',
            },
          },
        },
      ]),
    });
    new IamRolePolicy(this, 'worker-role-policy', {
      name: 'kafka-connect-workers',
      role: role.name,
      policy: policyDocument(connectRolePolicyStatements(environment, aws, connect)),
    });

    const namespaceResource = new NamespaceV1(this, 'namespace', {
      metadata: {
        name: namespace,
        labels: {
          'app.kubernetes.io/part-of': 'mongo-cdc-platform',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    });
    const metadata = (name: string) => ({ name, namespace: namespaceResource.metadata.name, labels });

    const serviceAccount = new ServiceAccountV1(this, 'service-account', {
      metadata: { ...metadata(CONNECT_APP_NAME), annotations: { 'eks.amazonaws.com/role-arn': role.arn } },
      automountServiceAccountToken: false,
    });

    const workerEnvironment = {
      ...imageEnvironmentVariables(workerProperties(environment, connect, kafka)),
      ...jvmEnvironmentVariables(connect),
    };
    const workerConfig = new ConfigMapV1(this, 'worker-config', {
      metadata: metadata(`${CONNECT_APP_NAME}-worker`),
      data: {
        ...Object.fromEntries(Object.entries(workerEnvironment).map(([name, value]) => [name, terraformLiteral(value)])),
        ...imageEnvironmentVariables({ 'bootstrap.servers': bootstrapServers }),
      },
    });
    const jmxExporterYaml = jmxExporterConfigYaml();
    const jmxExporterConfig = new ConfigMapV1(this, 'jmx-exporter-config', {
      metadata: metadata(`${CONNECT_APP_NAME}-jmx-exporter`),
      data: { 'config.yaml': terraformLiteral(jmxExporterYaml) },
    });

    const secretObjects = secretProviderObjects(mountedSecretFiles(environment));
    const secretProviderClass = new Manifest(this, 'secret-provider-class', {
      manifest: {
        apiVersion: 'secrets-store.csi.x-k8s.io/v1',
        kind: 'SecretProviderClass',
        metadata: { name: SECRET_PROVIDER_CLASS_NAME, namespace, labels },
        spec: { provider: 'aws', parameters: { region: aws.region, objects: terraformLiteral(secretObjects) } },
      },
      dependsOn: [namespaceResource],
    });

    // A changed worker configuration must roll the pods: the ConfigMaps are read only at start. (The
    // bootstrap servers are a Terraform reference here, not a value, and stay out of the checksum.)
    const configChecksum = createHash('sha256')
      .update(JSON.stringify([workerEnvironment, jmxExporterYaml, secretObjects]))
      .digest('hex');

    // The image writes its generated properties, data and logs: those paths (and /tmp) get their own volumes.
    const writablePaths = { 'kafka-config': '/kafka/config', 'kafka-data': '/kafka/data', 'kafka-logs': '/kafka/logs', tmp: '/tmp' };
    const probe = (periodSeconds: number, failureThreshold: number) => ({
      httpGet: { path: '/health', port: 'rest' },
      periodSeconds,
      failureThreshold,
      timeoutSeconds: 5,
    });

    this.deployment = new DeploymentV1(this, 'deployment', {
      metadata: metadata(CONNECT_APP_NAME),
      spec: {
        replicas: String(connect.replicas),
        selector: { matchLabels: selectorLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: '0' } },
        template: {
          metadata: { labels, annotations: { 'cdc-platform/config-checksum': configChecksum } },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 60,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: String(connect.runAsUser),
              runAsGroup: String(connect.runAsUser),
              fsGroup: String(connect.runAsUser),
              seccompProfile: { type: 'RuntimeDefault' },
            },
            topologySpreadConstraint: [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: [{ matchLabels: selectorLabels }],
              },
            ],
            container: [
              {
                name: 'connect',
                image: versions.connectImage,
                imagePullPolicy: 'IfNotPresent',
                port: [
                  { name: 'rest', containerPort: CONNECT_REST_PORT, protocol: 'TCP' },
                  { name: 'metrics', containerPort: CONNECT_METRICS_PORT, protocol: 'TCP' },
                ],
                envFrom: [{ configMapRef: { name: workerConfig.metadata.name } }],
                // Followers forward REST calls to the leader at the address it advertises: the pod's own.
                env: [{ name: 'ADVERTISED_HOST_NAME', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
                resources: {
                  requests: { cpu: connect.resources.cpuRequest, memory: connect.resources.memoryRequest },
                  limits: { cpu: connect.resources.cpuLimit, memory: connect.resources.memoryLimit },
                },
                // GET /health (KIP-1017) answers 200 once the worker has joined its group and is serving.
                startupProbe: probe(10, 30),
                readinessProbe: probe(10, 3),
                livenessProbe: probe(20, 3),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  readOnlyRootFilesystem: connect.readOnlyRootFilesystem,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMount: [
                  { name: 'connect-secrets', mountPath: CONNECT_SECRETS_DIRECTORY, readOnly: true },
                  { name: 'jmx-exporter', mountPath: JMX_EXPORTER_CONFIG_FILE.slice(0, JMX_EXPORTER_CONFIG_FILE.lastIndexOf('/')), readOnly: true },
                  ...Object.entries(writablePaths).map(([name, mountPath]) => ({ name, mountPath })),
                ],
              },
            ],
            volume: [
              {
                name: 'connect-secrets',
                csi: {
                  driver: SECRETS_STORE_CSI_DRIVER,
                  readOnly: true,
                  volumeAttributes: { secretProviderClass: SECRET_PROVIDER_CLASS_NAME },
                },
              },
              { name: 'jmx-exporter', configMap: { name: jmxExporterConfig.metadata.name } },
              ...Object.keys(writablePaths).map((name) => ({ name, emptyDir: {} })),
            ],
          },
        },
      },
      dependsOn: [secretProviderClass],
    });

    new ServiceV1(this, 'service', {
      metadata: metadata(CONNECT_APP_NAME),
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels,
        port: [
          { name: 'rest', port: CONNECT_REST_PORT, targetPort: 'rest', protocol: 'TCP' },
          { name: 'metrics', port: CONNECT_METRICS_PORT, targetPort: 'metrics', protocol: 'TCP' },
        ],
      },
    });

    new PodDisruptionBudgetV1(this, 'disruption-budget', {
      metadata: metadata(CONNECT_APP_NAME),
      spec: { maxUnavailable: '1', selector: { matchLabels: selectorLabels } },
    });

    const podsOf = (client: ConnectSettings['restClients']['gitopsRunner']) => ({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': client.namespace } },
      podSelector: { matchLabels: client.podLabels },
    });
    const ports = (...numbers: number[]) => numbers.map((port) => ({ port: String(port), protocol: 'TCP' }));
    new NetworkPolicyV1(this, 'network-policy', {
      metadata: metadata(CONNECT_APP_NAME),
      spec: {
        podSelector: { matchLabels: selectorLabels },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [podsOf(connect.restClients.gitopsRunner)], ports: ports(CONNECT_REST_PORT) },
          { from: [podsOf(connect.restClients.prometheus)], ports: ports(CONNECT_REST_PORT, CONNECT_METRICS_PORT) },
          // Distributed mode: a follower forwards connector changes to the leader's REST port.
          { from: [{ podSelector: { matchLabels: selectorLabels } }], ports: ports(CONNECT_REST_PORT) },
        ],
      },
    });
  }
}

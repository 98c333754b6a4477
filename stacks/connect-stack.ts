import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { Fn, TerraformStack } from 'cdktf';
import { DataAwsMskCluster } from '@cdktf/provider-aws/lib/data-aws-msk-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { jmxExporterConfigYaml } from '../alerts/jmx-exporter';
import { versions, type Environment } from '../config';
import type { AwsSettings, ConnectSettings, KafkaSettings, StateBackendSettings } from '../config/infrastructure';
import { accountAdministersKeyThroughIam, arnPrefix, configureAwsProvider, configureTerraform, policyDocument, requireSetting, terraformLiteral, type PolicyStatement } from './common';
import {
  CONNECT_METRICS_PORT,
  CONNECT_REST_AUTH_DIRECTORY,
  CONNECT_REST_AUTH_FILES,
  CONNECT_REST_JAAS_FILE,
  CONNECT_REST_PORT,
  CONNECT_REST_TLS_DIRECTORY,
  CONNECT_REST_USERNAME,
  JMX_EXPORTER_CONFIG_FILE,
  imageEnvironmentVariables,
  jvmEnvironmentVariables,
  mountedSecretFiles,
  restAuthSecretFiles,
  restJaasConfig,
  restKeystorePasswordVariables,
  SCRAM_PASSWORD_FILE,
  stackProvidedSecretFiles,
  workerProperties,
  type MountedSecretFile,
} from './connect-worker-config';
import { SUPERVISOR_CA_DIRECTORY, SUPERVISOR_METRICS_PORT, supervisorArgs, supervisorEnvironmentVariables, supervisorSecretObjects } from './connect-supervisor';
import { GeneratedSecret } from './constructs/generated-secret';
import { HardenedWorkload, type WorkloadProbe } from './constructs/hardened-workload';
import { CERTIFICATE_FILES, KEYSTORE_PASSWORD_KEY, WorkloadCertificate } from './constructs/workload-certificate';
import {
  CONNECT_APP_NAME,
  CONNECT_SECRETS_DIRECTORY,
  CONNECT_SUPERVISOR_APP_NAME,
  atlasKeyAlias,
  connectGroupId,
  connectIamRoleName,
  connectInternalTopics,
  connectKeyAlias,
  connectRestCredentialsSecretName,
  kafkaKeyAlias,
  mskClusterName,
} from './names';

export interface ConnectStackProps {
  readonly environment: Environment;
}

/** The Secrets Store CSI driver mounts Secrets Manager secrets as files; nothing lands in a Kubernetes Secret. */
export const SECRETS_STORE_CSI_DRIVER = 'secrets-store.csi.k8s.io';
const SECRET_PROVIDER_CLASS_NAME = `${CONNECT_APP_NAME}-secrets`;
/** The REST API's credentials, in a SecretProviderClass and a mount of their own (no config provider reads them). */
const REST_AUTH_SECRET_PROVIDER_CLASS_NAME = `${CONNECT_APP_NAME}-rest-auth`;

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

/**
 * The KMS keys the workers' mounted secrets are encrypted with, by alias: the kafka stack's (the
 * SCRAM password), the atlas stack's (the MongoDB URI) and the connect stack's own (the REST
 * credentials). A secret of `connect.secrets` is encrypted with Secrets Manager's AWS-managed key
 * (whose policy admits the account through Secrets Manager, no IAM grant needed) or with the
 * connect stack's key.
 */
export function workerSecretKeyAliases(environment: Environment): string[] {
  const stackFiles = stackProvidedSecretFiles(environment).map((file) => file.file);
  return [
    ...(stackFiles.includes(SCRAM_PASSWORD_FILE) ? [kafkaKeyAlias(environment)] : []),
    ...(environment.infrastructure.atlas ? [atlasKeyAlias(environment)] : []),
    connectKeyAlias(environment),
  ];
}

/** What the workers' IAM role may do: read their mounted secrets and, with IAM auth, use their part of MSK. */
export function connectRolePolicyStatements(environment: Environment, aws: AwsSettings, connect: ConnectSettings): PolicyStatement[] {
  const files = [...mountedSecretFiles(environment), ...restAuthSecretFiles(environment)];
  const statements: PolicyStatement[] = [
    {
      Sid: 'ReadMountedSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: [...new Set(files.map((file) => secretArn(aws, file.secretName)))],
    },
    {
      // Only the keys of the platform's secrets, and only for Secrets Manager reading them.
      Sid: 'DecryptMountedSecrets',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: `${arnPrefix(aws, 'kms')}:key/*`,
      Condition: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${aws.region}.amazonaws.com` },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': workerSecretKeyAliases(environment) },
      },
    },
  ];
  if (connect.kafkaAuthentication === 'iam') statements.push(...mskIamStatements(environment, aws));
  return statements;
}

/** With MSK IAM: the workers' part of the cluster, its topics, groups and transactional ids, nothing more. */
function mskIamStatements(environment: Environment, aws: AwsSettings): PolicyStatement[] {
  const kafka = arnPrefix(aws, 'kafka');
  const cluster = mskClusterName(environment);
  const topics = connectInternalTopics(environment);
  const group = connectGroupId(environment);
  const topicPatterns = [`${environment.topicPrefix}.*`, `__debezium-heartbeat.${environment.topicPrefix}`, topics.configs, topics.offsets, topics.status];
  return [
    {
      Sid: 'ConnectToTheCluster',
      Effect: 'Allow',
      Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'],
      Resource: `${kafka}:cluster/${cluster}/*`,
    },
    {
      Sid: 'UseThePlatformTopics',
      Effect: 'Allow',
      Action: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic', 'kafka-cluster:DescribeTopicDynamicConfiguration', 'kafka-cluster:ReadData', 'kafka-cluster:WriteData'],
      Resource: topicPatterns.map((topic) => `${kafka}:topic/${cluster}/*/${topic}`),
    },
    {
      Sid: 'UseTheWorkerAndSinkGroups',
      Effect: 'Allow',
      Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
      Resource: [group, `connect-${environment.managedConnectorPrefix}*`].map((name) => `${kafka}:group/${cluster}/*/${name}`),
    },
    {
      // Exactly-once sources (config/delivery.ts): each task's transactional producer is
      // `<group.id>-<connector>-<task>` and the leader writes the config topic as `connect-cluster-<group.id>`
      // (Kafka 4.1 Worker.taskTransactionalId, DistributedConfig.transactionalProducerId); fencing a
      // connector's earlier tasks alters their ids too.
      Sid: 'UseTheWorkerTransactionalIds',
      Effect: 'Allow',
      Action: ['kafka-cluster:AlterTransactionalId', 'kafka-cluster:DescribeTransactionalId'],
      Resource: [`${group}-*`, `connect-cluster-${group}`].map((id) => `${kafka}:transactional-id/${cluster}/*/${id}`),
    },
  ];
}

/**
 * The REST API's files: the certificate's stores and CA (only those keys of its Secret: not the PEM
 * key), the credentials from their own SecretProviderClass, and the JAAS file.
 */
function restVolumes(certificate: WorkloadCertificate) {
  const items = Object.values(CERTIFICATE_FILES).map((file) => ({ key: file, path: file }));
  return [
    { name: 'rest-tls', source: { secret: { secretName: certificate.secretName, items, defaultMode: '0440' } }, mounts: [{ mountPath: CONNECT_REST_TLS_DIRECTORY, readOnly: true }] },
    {
      name: 'rest-auth',
      source: { csi: { driver: SECRETS_STORE_CSI_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: REST_AUTH_SECRET_PROVIDER_CLASS_NAME } } },
      mounts: [{ mountPath: CONNECT_REST_AUTH_DIRECTORY, readOnly: true }],
    },
    { name: 'rest-jaas', configMapId: 'rest-jaas-config', mounts: [{ mountPath: path.posix.dirname(CONNECT_REST_JAAS_FILE), readOnly: true }] },
  ];
}

/** A NetworkPolicy source: the pods of a REST client (the GitOps runner, Prometheus) in their namespace. */
function podsOf(client: ConnectSettings['restClients']['gitopsRunner']) {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': client.namespace } },
    podSelector: { matchLabels: client.podLabels },
  };
}

/** The image writes its generated properties, data and logs: those paths (and /tmp) get their own volumes. */
const WRITABLE_PATHS = { 'kafka-config': '/kafka/config', 'kafka-data': '/kafka/data', 'kafka-logs': '/kafka/logs', tmp: '/tmp' };

/** What every step of the connect stack reads. */
interface ConnectContext {
  readonly environment: Environment;
  readonly aws: AwsSettings;
  readonly connect: ConnectSettings;
  readonly kafka: KafkaSettings;
  readonly stateBackend: StateBackendSettings;
  /** The workers' pods: what the Deployment, Service, PodDisruptionBudget and NetworkPolicy select. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** Labels of every Kubernetes resource of the workers. */
  readonly labels: Readonly<Record<string, string>>;
  /** The supervisor's pod: what its Deployment and NetworkPolicy select, and the workers' NetworkPolicy admits. */
  readonly supervisorSelectorLabels: Readonly<Record<string, string>>;
}

function connectContext(environment: Environment): ConnectContext {
  const { infrastructure } = environment;
  const aws = requireSetting(infrastructure.aws, 'aws', environment);
  const connect = requireSetting(infrastructure.connect, 'connect', environment);
  const kafka = requireSetting(infrastructure.kafka, 'kafka', environment);
  const stateBackend = requireSetting(infrastructure.stateBackend, 'stateBackend', environment);
  const selectorLabels = { 'app.kubernetes.io/name': CONNECT_APP_NAME, 'app.kubernetes.io/instance': `cdc-${environment.name}` };
  const labels = { ...selectorLabels, 'app.kubernetes.io/part-of': 'mongo-cdc-platform', 'app.kubernetes.io/managed-by': 'cdktf' };
  const supervisorSelectorLabels = { 'app.kubernetes.io/name': CONNECT_SUPERVISOR_APP_NAME, 'app.kubernetes.io/instance': `cdc-${environment.name}` };
  return { environment, aws, connect, kafka, stateBackend, selectorLabels, labels, supervisorSelectorLabels };
}

/** What the workers read at start: their environment, the JMX exporter's rules, the secrets to mount. */
interface WorkerConfiguration {
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly jmxExporterYaml: string;
  /** The SecretProviderClass's `objects`. */
  readonly secretObjects: string;
  /** The REST credentials' SecretProviderClass's `objects`. */
  readonly restAuthObjects: string;
  /** The REST extension's JAAS file. */
  readonly restJaas: string;
  /**
   * Changes with any of them, so that a changed configuration rolls the pods. (The bootstrap servers
   * are a Terraform reference here, not a value, and stay out of it.)
   */
  readonly checksum: string;
}

function workerConfiguration(context: ConnectContext): WorkerConfiguration {
  const { environment, connect, kafka } = context;
  const environmentVariables = { ...imageEnvironmentVariables(workerProperties(environment, connect, kafka)), ...jvmEnvironmentVariables(connect) };
  const jmxExporterYaml = jmxExporterConfigYaml();
  const secretObjects = secretProviderObjects(mountedSecretFiles(environment));
  const restAuthObjects = secretProviderObjects(restAuthSecretFiles(environment));
  const restJaas = restJaasConfig();
  const checksum = createHash('sha256').update(JSON.stringify([environmentVariables, jmxExporterYaml, secretObjects, restAuthObjects, restJaas])).digest('hex');
  return { environmentVariables, jmxExporterYaml, secretObjects, restAuthObjects, restJaas, checksum };
}

/** The Kubernetes resources of the stack that the workers' Deployment refers to. */
interface WorkerDependencies {
  readonly namespace: NamespaceV1;
  readonly serviceAccount: ServiceAccountV1;
  readonly secretProviderClasses: readonly Manifest[];
  readonly certificate: WorkloadCertificate;
  readonly bootstrapServers: string;
}

/** Metadata of the workers' Kubernetes resources, each referring to the namespace (so Terraform creates it first). */
function workerMetadata(context: ConnectContext, namespace: NamespaceV1) {
  return { name: CONNECT_APP_NAME, namespace: namespace.metadata.name, labels: context.labels };
}

/**
 * GET /health (KIP-1017) answers 200 once the worker has joined its group and is serving. It sits
 * behind the REST API's TLS and Basic authentication like every other endpoint, which an httpGet
 * probe cannot pass without a password in the pod spec: the probe runs curl in the container (the
 * image carries it), credentials from the mounted file through curl's config on stdin (never in a
 * process's arguments), the certificate checked against the workers' CA under the Service's name.
 */
function healthProbe(namespace: string, periodSeconds: number, failureThreshold: number): WorkloadProbe {
  const host = `${CONNECT_APP_NAME}.${namespace}.svc`;
  const check = [
    `printf 'user = "%s"\\n' "$(cat ${CONNECT_REST_AUTH_DIRECTORY}/${CONNECT_REST_AUTH_FILES.client})"`,
    `| curl --config - --fail --silent --show-error --max-time 4 --cacert ${CONNECT_REST_TLS_DIRECTORY}/${CERTIFICATE_FILES.ca}`,
    `--resolve ${host}:${CONNECT_REST_PORT}:127.0.0.1 https://${host}:${CONNECT_REST_PORT}/health`,
  ].join(' ');
  return { exec: { command: ['/bin/sh', '-c', check] }, periodSeconds, failureThreshold, timeoutSeconds: 5 };
}

/**
 * `connect-<environment>`: Kafka Connect in distributed mode on the platform team's Kubernetes
 * cluster — namespace, worker configuration, a Deployment of the pinned image with the JMX exporter
 * agent, probes on the REST port, non-root and read-only (a HardenedWorkload); a ClusterIP Service,
 * a PodDisruptionBudget, a NetworkPolicy admitting the GitOps runner and the workers themselves to
 * the REST port and Prometheus to the metrics port; the REST API over TLS (a cert-manager
 * certificate from a CA of the workers' own) with Basic authentication checked by the workers
 * (Kafka's BasicAuthSecurityRestExtension, the password generated into Secrets Manager); Secrets
 * Manager secrets mounted for the `dir` config provider; the IAM role of its service account; and the
 * supervisor (`cdcctl connectors supervise`) that restarts failed connectors and tasks, beside them.
 */
export class ConnectStack extends TerraformStack {
  readonly deployment: DeploymentV1;
  /** The supervisor's Deployment (`cdcctl connectors supervise`). */
  readonly supervisor: DeploymentV1;

  constructor(scope: Construct, id: string, props: ConnectStackProps) {
    super(scope, id);
    const context = connectContext(props.environment);
    const { environment, aws, connect } = context;

    configureTerraform(this, id, context.stateBackend);
    configureAwsProvider(this, environment, aws);
    new KubernetesProvider(this, 'kubernetes', { configPath: connect.kubeconfigPath, configContext: connect.kubeconfigContext });

    const bootstrapServers = this.bootstrapServers(context);
    const role = this.workerRole(context);
    const namespace = this.namespace(context);
    const serviceAccount = this.serviceAccount(context, namespace, role);
    const configuration = workerConfiguration(context);
    const secretProviderClasses = [
      this.secretProviderClass(context, 'secret-provider-class', SECRET_PROVIDER_CLASS_NAME, configuration.secretObjects, namespace),
      this.secretProviderClass(context, 'rest-auth-secret-provider-class', REST_AUTH_SECRET_PROVIDER_CLASS_NAME, configuration.restAuthObjects, namespace, supervisorSecretObjects()),
    ];
    this.restCredentials(context);
    const certificate = new WorkloadCertificate(this, 'rest-certificate', { name: CONNECT_APP_NAME, namespace: context.connect.namespace, labels: context.labels, dependsOn: [namespace] });
    this.deployment = this.workers(context, configuration, { namespace, serviceAccount, secretProviderClasses, certificate, bootstrapServers }).deployment;
    this.disruptionBudget(context, namespace);
    this.networkPolicy(context, namespace);
    this.supervisor = this.supervisorWorkload(context, namespace, certificate).deployment;
    this.supervisorNetworkPolicy(context, namespace);
  }

  /**
   * The REST API's one user and its password, generated into Secrets Manager (never in the plan or
   * the state) under a key of the workers' own, as the files the workers and the probe read: the
   * users file of PropertyFileLoginModule (`user=password`) and `user:password`. The GitOps apply's
   * CONNECT_USERNAME / CONNECT_PASSWORD are copied from it.
   */
  private restCredentials(context: ConnectContext): GeneratedSecret {
    const { environment, aws } = context;
    const key = new KmsKey(this, 'key', {
      description: `Kafka Connect REST credentials of ${environment.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([accountAdministersKeyThroughIam(aws.accountId)]),
    });
    new KmsAlias(this, 'key-alias', { name: connectKeyAlias(environment), targetKeyId: key.keyId });
    return new GeneratedSecret(this, 'rest-credentials', {
      name: connectRestCredentialsSecretName(environment),
      description: `Kafka Connect REST API user ${CONNECT_REST_USERNAME} of ${environment.name}: its password, and the files the workers read it from`,
      kmsKeyArn: key.arn,
      secretString: (password) =>
        Fn.jsonencode({
          username: CONNECT_REST_USERNAME,
          password,
          users: Fn.format('%s=%s\n', [CONNECT_REST_USERNAME, password]),
          client: Fn.format('%s:%s', [CONNECT_REST_USERNAME, password]),
        }),
    });
  }

  /** The brokers the workers use: the kafka stack owns the cluster; read it by its name so the two stacks share no state. */
  private bootstrapServers(context: ConnectContext): string {
    const cluster = new DataAwsMskCluster(this, 'cluster', { clusterName: mskClusterName(context.environment) });
    return context.connect.kafkaAuthentication === 'iam' ? cluster.bootstrapBrokersSaslIam : cluster.bootstrapBrokersSaslScram;
  }

  /** IAM roles for service accounts: only this namespace's service account may assume the role. */
  private workerRole(context: ConnectContext): IamRole {
    const { environment, aws, connect } = context;
    const { namespace, oidcProviderArn } = connect;
    const issuer = oidcProviderArn.slice(oidcProviderArn.indexOf(':oidc-provider/') + ':oidc-provider/'.length);
    const role = new IamRole(this, 'worker-role', {
      name: connectIamRoleName(environment),
      description: `Kafka Connect workers of ${environment.name} (service account ${namespace}/${CONNECT_APP_NAME})`,
      assumeRolePolicy: policyDocument([
        {
          Effect: 'Allow',
          Principal: { Federated: oidcProviderArn },
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
    return role;
  }

  /** The workers' namespace, held to the restricted Pod Security Standard. */
  private namespace(context: ConnectContext): NamespaceV1 {
    return new NamespaceV1(this, 'namespace', {
      metadata: {
        name: context.connect.namespace,
        labels: {
          'app.kubernetes.io/part-of': 'mongo-cdc-platform',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    });
  }

  /** The workers' service account, bound to their IAM role; it mounts no Kubernetes API token. */
  private serviceAccount(context: ConnectContext, namespace: NamespaceV1, role: IamRole): ServiceAccountV1 {
    return new ServiceAccountV1(this, 'service-account', {
      metadata: { ...workerMetadata(context, namespace), annotations: { 'eks.amazonaws.com/role-arn': role.arn } },
      automountServiceAccountToken: false,
    });
  }

  /** Secrets Manager secrets the Secrets Store CSI driver mounts as files: for the `dir` config provider, or the REST credentials. */
  private secretProviderClass(context: ConnectContext, id: string, name: string, objects: string, namespace: NamespaceV1, secretObjects?: readonly object[]): Manifest {
    return new Manifest(this, id, {
      manifest: {
        apiVersion: 'secrets-store.csi.x-k8s.io/v1',
        kind: 'SecretProviderClass',
        metadata: { name, namespace: context.connect.namespace, labels: context.labels },
        spec: { provider: 'aws', parameters: { region: context.aws.region, objects: terraformLiteral(objects) }, ...(secretObjects ? { secretObjects } : {}) },
      },
      dependsOn: [namespace],
    });
  }

  /** The workers: the pinned image with the JMX exporter agent, spread over the zones, rolled one pod at a time. */
  private workers(context: ConnectContext, configuration: WorkerConfiguration, dependencies: WorkerDependencies): HardenedWorkload {
    const { connect } = context;
    const { resources } = connect;
    return new HardenedWorkload(this, 'workers', {
      ids: { deployment: 'deployment', service: 'service' },
      name: CONNECT_APP_NAME,
      namespace: dependencies.namespace,
      labels: context.labels,
      selectorLabels: context.selectorLabels,
      replicas: connect.replicas,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: '0' } },
      spreadAcrossZones: true,
      terminationGracePeriodSeconds: 60,
      serviceAccountName: dependencies.serviceAccount.metadata.name,
      configChecksum: configuration.checksum,
      containerName: 'connect',
      image: versions.connectImage,
      imagePullPolicy: 'IfNotPresent',
      ports: [
        { name: 'rest', port: CONNECT_REST_PORT },
        { name: 'metrics', port: CONNECT_METRICS_PORT },
      ],
      environmentConfigMapId: 'worker-config',
      env: [
        // Followers forward REST calls to the leader at the address it advertises: the pod's own.
        { name: 'ADVERTISED_HOST_NAME', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        ...restKeystorePasswordVariables(dependencies.certificate.keystorePasswordSecretName, KEYSTORE_PASSWORD_KEY),
      ],
      resources: { requests: { cpu: resources.cpuRequest, memory: resources.memoryRequest }, limits: { cpu: resources.cpuLimit, memory: resources.memoryLimit } },
      probes: { startup: healthProbe(connect.namespace, 10, 30), readiness: healthProbe(connect.namespace, 10, 3), liveness: healthProbe(connect.namespace, 20, 3) },
      configMaps: [
        {
          id: 'worker-config',
          name: `${CONNECT_APP_NAME}-worker`,
          data: {
            ...Object.fromEntries(Object.entries(configuration.environmentVariables).map(([name, value]) => [name, terraformLiteral(value)])),
            ...imageEnvironmentVariables({ 'bootstrap.servers': dependencies.bootstrapServers }),
          },
        },
        { id: 'jmx-exporter-config', name: `${CONNECT_APP_NAME}-jmx-exporter`, data: { 'config.yaml': terraformLiteral(configuration.jmxExporterYaml) } },
        { id: 'rest-jaas-config', name: `${CONNECT_APP_NAME}-rest-jaas`, data: { [path.posix.basename(CONNECT_REST_JAAS_FILE)]: terraformLiteral(configuration.restJaas) } },
      ],
      volumes: [
        {
          name: 'connect-secrets',
          source: { csi: { driver: SECRETS_STORE_CSI_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: SECRET_PROVIDER_CLASS_NAME } } },
          mounts: [{ mountPath: CONNECT_SECRETS_DIRECTORY, readOnly: true }],
        },
        { name: 'jmx-exporter', configMapId: 'jmx-exporter-config', mounts: [{ mountPath: path.posix.dirname(JMX_EXPORTER_CONFIG_FILE), readOnly: true }] },
        ...restVolumes(dependencies.certificate),
        ...Object.entries(WRITABLE_PATHS).map(([name, mountPath]) => ({ name, mounts: [{ mountPath }] })),
      ],
      runAsUser: connect.runAsUser,
      readOnlyRootFilesystem: connect.readOnlyRootFilesystem,
      // As released: the pod's seccomp profile only, and `privileged: false` stated.
      containerSeccompProfile: false,
      explicitlyUnprivileged: true,
      dependsOn: [...dependencies.secretProviderClasses, ...dependencies.certificate.issued],
    });
  }

  /** Voluntary disruptions (node drains) take one worker at a time. */
  private disruptionBudget(context: ConnectContext, namespace: NamespaceV1): void {
    new PodDisruptionBudgetV1(this, 'disruption-budget', {
      metadata: workerMetadata(context, namespace),
      spec: { maxUnavailable: '1', selector: { matchLabels: context.selectorLabels } },
    });
  }

  /** The GitOps runner and the workers themselves reach the REST port; Prometheus the metrics port only. */
  private networkPolicy(context: ConnectContext, namespace: NamespaceV1): void {
    const { restClients } = context.connect;
    const ports = (...numbers: number[]) => numbers.map((port) => ({ port: String(port), protocol: 'TCP' }));
    new NetworkPolicyV1(this, 'network-policy', {
      metadata: workerMetadata(context, namespace),
      spec: {
        podSelector: { matchLabels: context.selectorLabels },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [podsOf(restClients.gitopsRunner)], ports: ports(CONNECT_REST_PORT) },
          // Prometheus scrapes the JMX exporter; it has no business with the REST API.
          { from: [podsOf(restClients.prometheus)], ports: ports(CONNECT_METRICS_PORT) },
          // Distributed mode: a follower forwards connector changes to the leader's REST port.
          { from: [{ podSelector: { matchLabels: context.selectorLabels } }], ports: ports(CONNECT_REST_PORT) },
          // The supervisor reads every connector's status and restarts the failed ones.
          { from: [{ podSelector: { matchLabels: context.supervisorSelectorLabels } }], ports: ports(CONNECT_REST_PORT) },
        ],
      },
    });
  }

  /**
   * The supervisor (`cdcctl connectors supervise --env <environment>`): one pod, as hardened as the
   * workers (non-root, read-only root, no capabilities, no service account token), its restart policy
   * the environment's connect.supervisor (read by the command from `--env`, as locally), the workers'
   * Service as its REST URL, the REST user's credentials from the Secret the CSI driver syncs, the
   * workers' CA alone from their certificate's Secret, probes and Prometheus on its metrics port.
   */
  private supervisorWorkload(context: ConnectContext, namespace: NamespaceV1, certificate: WorkloadCertificate): HardenedWorkload {
    const { environment, connect } = context;
    const { supervisor } = connect;
    const metricsProbe = (periodSeconds: number, failureThreshold: number) => ({ httpGet: { path: '/metrics', port: 'metrics' }, periodSeconds, failureThreshold, timeoutSeconds: 5 });
    return new HardenedWorkload(this, 'supervisor', {
      ids: { deployment: 'supervisor-deployment', service: 'supervisor-service' },
      name: CONNECT_SUPERVISOR_APP_NAME,
      namespace,
      labels: { ...context.labels, ...context.supervisorSelectorLabels, 'app.kubernetes.io/component': 'supervisor' },
      selectorLabels: context.supervisorSelectorLabels,
      // Two supervisors would restart the same connector twice: one pod, the old one gone before the new one starts.
      replicas: 1,
      strategy: { type: 'Recreate' },
      containerName: 'supervisor',
      image: supervisor.image,
      imagePullPolicy: 'IfNotPresent',
      args: supervisorArgs(environment, connect),
      ports: [{ name: 'metrics', port: SUPERVISOR_METRICS_PORT }],
      env: supervisorEnvironmentVariables(environment),
      resources: {
        requests: { cpu: supervisor.resources.cpuRequest, memory: supervisor.resources.memoryRequest },
        limits: { cpu: supervisor.resources.cpuLimit, memory: supervisor.resources.memoryLimit },
      },
      probes: { readiness: metricsProbe(10, 3), liveness: metricsProbe(30, 3) },
      volumes: [
        {
          name: 'connect-ca',
          source: { secret: { secretName: certificate.secretName, items: [{ key: CERTIFICATE_FILES.ca, path: CERTIFICATE_FILES.ca }], defaultMode: '0440' } },
          mounts: [{ mountPath: SUPERVISOR_CA_DIRECTORY, readOnly: true }],
        },
        { name: 'tmp', mounts: [{ mountPath: '/tmp' }] },
      ],
      runAsUser: supervisor.runAsUser,
      readOnlyRootFilesystem: true,
      dependsOn: certificate.issued,
    });
  }

  /** Prometheus reaches the supervisor's metrics port; nothing else reaches the supervisor. */
  private supervisorNetworkPolicy(context: ConnectContext, namespace: NamespaceV1): void {
    const { prometheus } = context.connect.restClients;
    new NetworkPolicyV1(this, 'supervisor-network-policy', {
      metadata: { name: CONNECT_SUPERVISOR_APP_NAME, namespace: namespace.metadata.name, labels: { ...context.labels, ...context.supervisorSelectorLabels } },
      spec: {
        podSelector: { matchLabels: context.supervisorSelectorLabels },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [podsOf(prometheus)],
            ports: [{ port: String(SUPERVISOR_METRICS_PORT), protocol: 'TCP' }],
          },
        ],
      },
    });
  }
}

import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { DataAwsMskCluster } from '@cdktf/provider-aws/lib/data-aws-msk-cluster';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { jmxExporterConfigYaml } from '../../../alerts/jmx-exporter';
import { versions, type Environment } from '../../../config';
import { ConnectStack, secretProviderObjects } from '../../../stacks/connect-stack';
import { environment, onlyResource, resources, synth, type InputDraft, type Synthesized } from './fixtures';

Testing.setupJest();

function connectStack(env: Environment = environment()): string {
  return synth((app) => new ConnectStack(app, 'connect-test', { environment: env }));
}

function connectStackWith(change: (input: InputDraft) => void): string {
  return connectStack(environment(change));
}

/** The workers' resource of a kind the supervisor has one of too (Deployment, Service, NetworkPolicy). */
const workersResource = (json: string, type: string): Synthesized => {
  const found = resources(json, type).filter((resource) => resource.metadata.name === 'kafka-connect');
  if (found.length !== 1) throw new Error(`expected one ${type} named kafka-connect, found ${found.length}`);
  return found[0]!;
};
const supervisorResource = (json: string, type: string): Synthesized => resources(json, type).find((resource) => resource.metadata.name === 'kafka-connect-supervisor')!;
const podSpec = (json: string): Synthesized => workersResource(json, 'kubernetes_deployment_v1').spec.template.spec;
const container = (json: string): Synthesized => podSpec(json).container[0];
const configMap = (json: string, name: string): Synthesized =>
  resources(json, 'kubernetes_config_map_v1').find((map) => map.metadata.name === name)!;
const rolePolicy = (json: string) => JSON.parse(onlyResource(json, 'aws_iam_role_policy').policy) as { Statement: Synthesized[] };
const manifest = (json: string, kind: string, name: string): Synthesized =>
  resources(json, 'kubernetes_manifest').find((resource) => resource.manifest.kind === kind && resource.manifest.metadata.name === name)!.manifest;

describe('connect stack: the Deployment', () => {
  const json = connectStack();

  it('runs the image pinned in config/versions.ts', () => {
    expect(container(json).image).toBe(versions.connectImage);
  });

  it('runs two replicas by default', () => {
    expect(workersResource(json, 'kubernetes_deployment_v1').spec.replicas).toBe('2');
  });

  it('requests and limits CPU and memory', () => {
    expect(container(json).resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } });
  });

  it('probes startup, readiness and liveness on /health over TLS, as the REST user, no password in the pod spec', () => {
    for (const probe of ['startup_probe', 'readiness_probe', 'liveness_probe']) {
      const [shell, flag, check] = container(json)[probe].exec.command as string[];
      expect([shell, flag]).toEqual(['/bin/sh', '-c']);
      expect(check).toContain('https://kafka-connect.cdc-platform.svc:8083/health');
      expect(check).toContain('--resolve kafka-connect.cdc-platform.svc:8083:127.0.0.1');
      expect(check).toContain('--cacert /etc/connect-rest-tls/ca.crt');
      // The credentials reach curl on stdin, never in its arguments.
      expect(check).toMatch(/^printf 'user = "%s"\\n' "\$\(cat \/etc\/connect-rest-auth\/client-credentials\)" \| curl --config - --fail /);
      expect(container(json)[probe].http_get).toBeUndefined();
    }
    expect(container(json).port).toEqual([
      { name: 'rest', container_port: 8083, protocol: 'TCP' },
      { name: 'metrics', container_port: 9404, protocol: 'TCP' },
    ]);
  });

  it('runs as the non-root image user with every capability dropped and a read-only root', () => {
    expect(podSpec(json).security_context).toEqual({
      run_as_non_root: true,
      run_as_user: '1001',
      run_as_group: '1001',
      fs_group: '1001',
      seccomp_profile: { type: 'RuntimeDefault' },
    });
    expect(container(json).security_context).toEqual({
      allow_privilege_escalation: false,
      privileged: false,
      read_only_root_filesystem: true,
      run_as_non_root: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('gives the image writable volumes for what it writes', () => {
    const mounts = container(json).volume_mount.filter((mount: Synthesized) => !mount.read_only);
    expect(mounts.map((mount: Synthesized) => mount.mount_path)).toEqual(['/kafka/config', '/kafka/data', '/kafka/logs', '/tmp']);
  });

  it('mounts the secrets read-only at /etc/connect-secrets through the Secrets Store CSI driver', () => {
    expect(container(json).volume_mount).toContainEqual({ name: 'connect-secrets', mount_path: '/etc/connect-secrets', read_only: true });
    expect(podSpec(json).volume).toContainEqual({
      name: 'connect-secrets',
      csi: { driver: 'secrets-store.csi.k8s.io', read_only: true, volume_attributes: { secretProviderClass: 'kafka-connect-secrets' } },
    });
  });

  it('loads the JMX exporter agent with the monitoring helper\'s configuration', () => {
    expect(configMap(json, 'kafka-connect-jmx-exporter').data['config.yaml']).toBe(jmxExporterConfigYaml());
    expect(configMap(json, 'kafka-connect-worker').data.KAFKA_OPTS).toBe(
      '-javaagent:/kafka/libs/jmx_prometheus_javaagent-1.0.1.jar=9404:/etc/jmx-exporter/config.yaml -Djava.security.auth.login.config=/etc/connect-rest-jaas/jaas.conf',
    );
    expect(container(json).volume_mount).toContainEqual({ name: 'jmx-exporter', mount_path: '/etc/jmx-exporter', read_only: true });
  });

  it('configures the worker from the ConfigMap, advertises the pod\'s own address and reads the keystore password from its Secret', () => {
    expect(container(json).env_from).toEqual([{ config_map_ref: { name: '${kubernetes_config_map_v1.worker-config.metadata[0].name}' } }]);
    const fromSecret = { secret_key_ref: { name: 'kafka-connect-rest-keystore-password', key: 'password' } };
    expect(container(json).env).toEqual([
      { name: 'ADVERTISED_HOST_NAME', value_from: { field_ref: { field_path: 'status.podIP' } } },
      { name: 'CONNECT_LISTENERS_HTTPS_SSL_KEYSTORE_PASSWORD', value_from: fromSecret },
      { name: 'CONNECT_LISTENERS_HTTPS_SSL_TRUSTSTORE_PASSWORD', value_from: fromSecret },
    ]);
  });

  it('runs under its service account, without mounting the Kubernetes API token', () => {
    expect(podSpec(json)).toMatchObject({
      service_account_name: '${kubernetes_service_account_v1.service-account.metadata[0].name}',
      automount_service_account_token: false,
    });
  });

  it('rolls the pods when the worker configuration changes, not when only the replica count does', () => {
    const checksum = (source: string) => workersResource(source, 'kubernetes_deployment_v1').spec.template.metadata.annotations['cdc-platform/config-checksum'];
    expect(checksum(connectStackWith((input) => (input.infrastructure.connect.replicas = 5)))).toBe(checksum(json));
    expect(checksum(connectStackWith((input) => (input.infrastructure.kafka = { replicationFactor: 3, minInsyncReplicas: 1 })))).toBe(checksum(json));
    expect(checksum(connectStackWith((input) => input.infrastructure.connect.secrets.push({ file: 'x', secretName: 'y' })))).not.toBe(checksum(json));
  });
});

describe('connect stack: the worker configuration', () => {
  const json = connectStack();
  const data = configMap(json, 'kafka-connect-worker').data;

  it("stages exactly-once sources in KIP-618's two rolling steps: preparing, then enabled, each rolling the pods", () => {
    const checksum = (source: string) => workersResource(source, 'kubernetes_deployment_v1').spec.template.metadata.annotations['cdc-platform/config-checksum'];
    const preparing = connectStackWith((input) => (input.connect = { ...input.connect, exactlyOnceSource: 'preparing' }));
    expect(data.CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT).toBe('enabled');
    expect(configMap(preparing, 'kafka-connect-worker').data.CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT).toBe('preparing');
    // One pod at a time (maxUnavailable 0): the rolling bounce each step needs.
    expect(checksum(preparing)).not.toBe(checksum(json));
    expect(workersResource(preparing, 'kubernetes_deployment_v1').spec.strategy).toEqual({ type: 'RollingUpdate', rolling_update: { max_surge: '1', max_unavailable: '0' } });
  });

  it('connects to the cluster\'s IAM brokers, read from the cluster by name', () => {
    expect(json).toHaveDataSourceWithProperties(DataAwsMskCluster, { cluster_name: 'cdc-test' });
    expect(data.BOOTSTRAP_SERVERS).toBe('${data.aws_msk_cluster.cluster.bootstrap_brokers_sasl_iam}');
  });

  it('joins group cdc-connect-<environment> with its internal topics replicated 3 times', () => {
    expect(data).toMatchObject({
      GROUP_ID: 'cdc-connect-test',
      CONFIG_STORAGE_TOPIC: 'cdc-connect-test-configs',
      CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR: '3',
      CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR: '3',
      CONNECT_STATUS_STORAGE_REPLICATION_FACTOR: '3',
    });
  });

  it('enables the dir config provider for the mounted secrets', () => {
    expect(data).toMatchObject({
      CONNECT_CONFIG_PROVIDERS: 'dir',
      CONNECT_CONFIG_PROVIDERS_DIR_CLASS: 'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
    });
  });

  it('lists each mounted secret for the CSI driver, with the file each JSON key becomes', () => {
    const secrets = manifest(json, 'SecretProviderClass', 'kafka-connect-secrets');
    expect(secrets).toMatchObject({ apiVersion: 'secrets-store.csi.x-k8s.io/v1', kind: 'SecretProviderClass', metadata: { name: 'kafka-connect-secrets' } });
    expect(parse(secrets.spec.parameters.objects)).toEqual([
      {
        objectName: 'cdc-platform/test/atlas-cdc-user',
        objectType: 'secretsmanager',
        objectAlias: 'cdc-platform_test_atlas-cdc-user.json',
        jmesPath: [{ path: 'uri', objectAlias: 'mongodb-uri' }],
      },
      {
        objectName: 'test/warehouse',
        objectType: 'secretsmanager',
        objectAlias: 'test_warehouse.json',
        jmesPath: [{ path: 'password', objectAlias: 'warehouse-password' }],
      },
    ]);
  });

  it('uses the SCRAM brokers and mounts the SCRAM password when the workers use SCRAM', () => {
    const scram = connectStackWith((input) => {
      input.infrastructure.kafka = { authentication: { iam: false, scram: true } };
      input.infrastructure.connect.kafkaAuthentication = 'scram';
    });
    expect(configMap(scram, 'kafka-connect-worker').data.BOOTSTRAP_SERVERS).toBe('${data.aws_msk_cluster.cluster.bootstrap_brokers_sasl_scram}');
    // Escaped, or Terraform would read the placeholder as a template expression and fail.
    expect(configMap(scram, 'kafka-connect-worker').data.CONNECT_SASL_JAAS_CONFIG).toBe(
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="kafka-connect" password="$${dir:/etc/connect-secrets:kafka-scram-password}";',
    );
    expect(manifest(scram, 'SecretProviderClass', 'kafka-connect-secrets').spec.parameters.objects).toContain('objectAlias: kafka-scram-password');
  });
});

describe('connect stack: the REST API, over TLS, every request authenticated', () => {
  const json = connectStack();
  const data = configMap(json, 'kafka-connect-worker').data;

  it('listens on https only, with the PKCS12 stores of its certificate, and advertises https to the other workers', () => {
    expect(data).toMatchObject({
      CONNECT_LISTENERS: 'https://0.0.0.0:8083',
      CONNECT_REST_ADVERTISED_LISTENER: 'https',
      CONNECT_LISTENERS_HTTPS_SSL_KEYSTORE_TYPE: 'PKCS12',
      CONNECT_LISTENERS_HTTPS_SSL_KEYSTORE_LOCATION: '/etc/connect-rest-tls/keystore.p12',
      CONNECT_LISTENERS_HTTPS_SSL_TRUSTSTORE_TYPE: 'PKCS12',
      CONNECT_LISTENERS_HTTPS_SSL_TRUSTSTORE_LOCATION: '/etc/connect-rest-tls/truststore.p12',
    });
    expect(Object.values(data).filter((value) => String(value).startsWith('http://'))).toEqual([]);
    // The stores' password comes from its Secret (env), never from the ConfigMap.
    expect(Object.keys(data).filter((name) => name.includes('PASSWORD'))).toEqual([]);
  });

  it("checks Basic credentials with Kafka's BasicAuthSecurityRestExtension against the mounted users file", () => {
    expect(data.CONNECT_REST_EXTENSION_CLASSES).toBe('org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension');
    expect(configMap(json, 'kafka-connect-rest-jaas').data['jaas.conf']).toBe(
      'KafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n  file="/etc/connect-rest-auth/users.properties";\n};\n',
    );
    expect(data.KAFKA_OPTS).toContain('-Djava.security.auth.login.config=/etc/connect-rest-jaas/jaas.conf');
  });

  it('mounts the stores and the CA of the certificate (not its PEM key), the credentials and the JAAS file read-only, out of any config provider\'s reach', () => {
    expect(podSpec(json).volume).toContainEqual({
      name: 'rest-tls',
      secret: {
        secret_name: 'kafka-connect-rest-tls',
        default_mode: '0440',
        items: [
          { key: 'keystore.p12', path: 'keystore.p12' },
          { key: 'truststore.p12', path: 'truststore.p12' },
          { key: 'ca.crt', path: 'ca.crt' },
        ],
      },
    });
    expect(podSpec(json).volume).toContainEqual({
      name: 'rest-auth',
      csi: { driver: 'secrets-store.csi.k8s.io', read_only: true, volume_attributes: { secretProviderClass: 'kafka-connect-rest-auth' } },
    });
    for (const [name, mountPath] of [['rest-tls', '/etc/connect-rest-tls'], ['rest-auth', '/etc/connect-rest-auth'], ['rest-jaas', '/etc/connect-rest-jaas']]) {
      expect(container(json).volume_mount).toContainEqual({ name, mount_path: mountPath, read_only: true });
    }
    expect(data.CONNECT_CONFIG_PROVIDERS_DIR_PARAM_ALLOWED_PATHS).toBe('/etc/connect-secrets');
  });

  it('generates the REST password into Secrets Manager, write-only, under a key of the workers\' own', () => {
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecret, { name: 'cdc-platform/test/connect-rest', kms_key_id: '${aws_kms_key.key.arn}' });
    expect(json).toHaveResourceWithProperties(KmsAlias, { name: 'alias/cdc-test-connect' });
    const version = onlyResource(json, 'aws_secretsmanager_secret_version');
    expect(version.secret_string).toBeUndefined();
    expect(version.secret_string_wo).toContain('"users" = format("%s=%s\\n", "cdc-gitops", ephemeral.aws_secretsmanager_random_password.rest-credentials.random_password)');
    expect(version.secret_string_wo).toContain('"client" = format("%s:%s", "cdc-gitops", ephemeral.aws_secretsmanager_random_password.rest-credentials.random_password)');
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecretVersion, { secret_string_wo_version: 1 });
    expect(parse(manifest(json, 'SecretProviderClass', 'kafka-connect-rest-auth').spec.parameters.objects)).toEqual([
      {
        objectName: 'cdc-platform/test/connect-rest',
        objectType: 'secretsmanager',
        objectAlias: 'cdc-platform_test_connect-rest.json',
        jmesPath: [
          { path: 'users', objectAlias: 'users.properties' },
          { path: 'client', objectAlias: 'client-credentials' },
          { path: 'username', objectAlias: 'username' },
          { path: 'password', objectAlias: 'password' },
        ],
      },
    ]);
  });

  it('has its certificate issued in the cluster by cert-manager, from a CA of the workers\' own', () => {
    expect(manifest(json, 'Issuer', 'kafka-connect-rest-self-signed').spec).toEqual({ selfSigned: {} });
    expect(manifest(json, 'Certificate', 'kafka-connect-rest-ca').spec).toMatchObject({ isCA: true, secretName: 'kafka-connect-rest-ca', issuerRef: { kind: 'Issuer', name: 'kafka-connect-rest-self-signed' } });
    expect(manifest(json, 'Issuer', 'kafka-connect-rest-ca').spec).toEqual({ ca: { secretName: 'kafka-connect-rest-ca' } });
    expect(manifest(json, 'Certificate', 'kafka-connect-rest-tls').spec).toMatchObject({
      secretName: 'kafka-connect-rest-tls',
      dnsNames: ['kafka-connect', 'kafka-connect.cdc-platform', 'kafka-connect.cdc-platform.svc', 'kafka-connect.cdc-platform.svc.cluster.local'],
      issuerRef: { kind: 'Issuer', name: 'kafka-connect-rest-ca' },
      keystores: { pkcs12: { create: true, passwordSecretRef: { name: 'kafka-connect-rest-keystore-password', key: 'password' } } },
    });
  });

  it('writes the keystore password write-only: generated when Terraform runs, its Secret in the state without its data', () => {
    expect(json).toHaveResourceWithProperties(SecretV1, {
      metadata: expect.objectContaining({ name: 'kafka-connect-rest-keystore-password', namespace: 'cdc-platform' }),
      data_wo: { password: '${ephemeral.aws_secretsmanager_random_password.rest-certificate.random_password}' },
      data_wo_revision: 1,
    });
    expect(onlyResource(json, 'kubernetes_secret_v1').data).toBeUndefined();
  });

  it('lets no connector config override its clients\' settings (a producer pointed at another principal, TLS turned off)', () => {
    expect(data.CONNECT_CONNECTOR_CLIENT_CONFIG_OVERRIDE_POLICY).toBe('None');
  });

  it('starts the workers once the certificate, its password and both secret classes exist', () => {
    expect(workersResource(json, 'kubernetes_deployment_v1').depends_on).toEqual([
      'kubernetes_manifest.secret-provider-class',
      'kubernetes_manifest.rest-auth-secret-provider-class',
      expect.stringMatching(/^kubernetes_secret_v1\.rest-certificate_keystore-password/),
      expect.stringMatching(/^kubernetes_manifest\.rest-certificate_/),
    ]);
  });
});

describe('connect stack: options', () => {
  it('takes replicas and sizes from config', () => {
    const json = connectStackWith((input) => {
      input.infrastructure.connect.replicas = 3;
      input.infrastructure.connect.resources = { cpuRequest: '500m', memoryRequest: '3Gi', cpuLimit: '3', memoryLimit: '6Gi' };
    });
    expect(workersResource(json, 'kubernetes_deployment_v1').spec.replicas).toBe('3');
    expect(container(json).resources).toEqual({ requests: { cpu: '500m', memory: '3Gi' }, limits: { cpu: '3', memory: '6Gi' } });
  });

  it('lets the root filesystem be writable for an image that needs it', () => {
    const json = connectStackWith((input) => (input.infrastructure.connect.readOnlyRootFilesystem = false));
    expect(container(json).security_context.read_only_root_filesystem).toBe(false);
  });

  it('runs as another user and loads the agent from another path when configured', () => {
    const json = connectStackWith((input) => {
      input.infrastructure.connect.runAsUser = 185;
      input.infrastructure.connect.jmxExporterAgentPath = '/opt/agent.jar';
    });
    expect(podSpec(json).security_context.run_as_user).toBe('185');
    expect(configMap(json, 'kafka-connect-worker').data.KAFKA_OPTS).toMatch(/^-javaagent:\/opt\/agent\.jar=9404:/);
  });

  it('deploys into the configured namespace through the configured kubeconfig context', () => {
    const json = connectStackWith((input) => {
      input.infrastructure.connect.namespace = 'cdc';
      input.infrastructure.connect.kubeconfigContext = 'other';
      input.connect.url = 'http://kafka-connect.cdc.svc.cluster.local:8083';
    });
    expect(json).toHaveResourceWithProperties(NamespaceV1, { metadata: expect.objectContaining({ name: 'cdc' }) });
    expect(json).toHaveProviderWithProperties(KubernetesProvider, { config_context: 'other', config_path: '~/.kube/config' });
  });
});

describe('connect stack: Service, disruption budget, namespace', () => {
  const json = connectStack();

  it('exposes REST and metrics on a ClusterIP Service', () => {
    expect(json).toHaveResourceWithProperties(ServiceV1, {
      spec: expect.objectContaining({
        type: 'ClusterIP',
        port: [
          { name: 'rest', port: 8083, target_port: 'rest', protocol: 'TCP' },
          { name: 'metrics', port: 9404, target_port: 'metrics', protocol: 'TCP' },
        ],
      }),
    });
  });

  it('lets one worker at a time be disrupted', () => {
    expect(json).toHaveResourceWithProperties(PodDisruptionBudgetV1, {
      spec: { max_unavailable: '1', selector: { match_labels: { 'app.kubernetes.io/name': 'kafka-connect', 'app.kubernetes.io/instance': 'cdc-test' } } },
    });
  });

  it('enforces the restricted Pod Security Standard on the namespace', () => {
    expect(json).toHaveResourceWithProperties(NamespaceV1, {
      metadata: { name: 'cdc-platform', labels: expect.objectContaining({ 'pod-security.kubernetes.io/enforce': 'restricted' }) },
    });
  });
});

describe('connect stack: NetworkPolicy', () => {
  const policy = workersResource(connectStack(), 'kubernetes_network_policy_v1').spec;
  const selectorOf = (namespace: string, labels: Record<string, string>) => ({
    namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': namespace } },
    pod_selector: { match_labels: labels },
  });

  it('governs ingress to the worker pods', () => {
    expect(policy.policy_types).toEqual(['Ingress']);
    expect(policy.pod_selector).toEqual({ match_labels: { 'app.kubernetes.io/name': 'kafka-connect', 'app.kubernetes.io/instance': 'cdc-test' } });
  });

  it('admits the GitOps runner to the REST port only', () => {
    expect(policy.ingress).toContainEqual({ from: [selectorOf('gitops', { app: 'runner' })], ports: [{ port: '8083', protocol: 'TCP' }] });
  });

  it('admits Prometheus to the metrics port only: it scrapes the JMX exporter, not the REST API', () => {
    expect(policy.ingress).toContainEqual({ from: [selectorOf('monitoring', { app: 'prometheus' })], ports: [{ port: '9404', protocol: 'TCP' }] });
  });

  it('admits the workers to each other\'s REST port (request forwarding to the leader), and the supervisor, and nothing else', () => {
    expect(policy.ingress).toHaveLength(4);
    expect(policy.ingress).toContainEqual({
      from: [{ pod_selector: { match_labels: { 'app.kubernetes.io/name': 'kafka-connect', 'app.kubernetes.io/instance': 'cdc-test' } } }],
      ports: [{ port: '8083', protocol: 'TCP' }],
    });
    expect(policy.ingress).toContainEqual({
      from: [{ pod_selector: { match_labels: { 'app.kubernetes.io/name': 'kafka-connect-supervisor', 'app.kubernetes.io/instance': 'cdc-test' } } }],
      ports: [{ port: '8083', protocol: 'TCP' }],
    });
  });
});

describe('connect stack: the supervisor (cdcctl connectors supervise)', () => {
  const json = connectStack();
  const deployment = supervisorResource(json, 'kubernetes_deployment_v1');
  const pod = deployment.spec.template.spec;
  const [supervisor] = pod.container;

  it('runs one pod of the configured cdcctl image, never two at once (both would restart the same connector)', () => {
    expect(pod.container).toHaveLength(1);
    expect(supervisor.image).toBe('registry.test/cdc/cdcctl:1.0.0');
    expect(deployment.spec.replicas).toBe('1');
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it("supervises the environment's connectors through the workers' Service, its restart policy read from --env's connect.supervisor", () => {
    expect(supervisor.args).toEqual(['connectors', 'supervise', '--env', 'test', '--connect-url', 'https://kafka-connect.cdc-platform.svc:8083', '--metrics-port', '9406', '--metrics-host', '0.0.0.0', '--no-color']);
    // The certificate the workers serve names that host.
    expect(manifest(json, 'Certificate', 'kafka-connect-rest-tls').spec.dnsNames).toContain('kafka-connect.cdc-platform.svc');
  });

  it("logs in with the REST user's credentials from the Secret the CSI driver syncs, under the names connect.auth gives, and trusts the workers' CA alone", () => {
    const fromSecret = (key: string) => ({ secret_key_ref: { name: 'kafka-connect-rest-client', key } });
    expect(supervisor.env).toEqual([
      { name: 'CONNECT_USERNAME', value_from: fromSecret('username') },
      { name: 'CONNECT_PASSWORD', value_from: fromSecret('password') },
      { name: 'NODE_EXTRA_CA_CERTS', value: '/etc/connect-rest-tls/ca.crt' },
    ]);
    expect(manifest(json, 'SecretProviderClass', 'kafka-connect-rest-auth').spec.secretObjects).toEqual([
      { secretName: 'kafka-connect-rest-client', type: 'Opaque', data: [{ objectName: 'username', key: 'username' }, { objectName: 'password', key: 'password' }] },
    ]);
    expect(pod.volume).toContainEqual({ name: 'connect-ca', secret: { secret_name: 'kafka-connect-rest-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }], default_mode: '0440' } });
  });

  it('takes the auth variables the environment names', () => {
    const other = connectStackWith((input) => (input.connect = { ...input.connect, auth: { kind: 'basic', usernameEnv: 'CDC_USER', passwordEnv: 'CDC_PASS' } }));
    expect(supervisorResource(other, 'kubernetes_deployment_v1').spec.template.spec.container[0].env.map((variable: Synthesized) => variable.name)).toEqual(['CDC_USER', 'CDC_PASS', 'NODE_EXTRA_CA_CERTS']);
  });

  it('refuses an environment whose connect.auth is not basic: the workers check Basic credentials', () => {
    expect(() => connectStackWith((input) => (input.connect = { ...input.connect, auth: { kind: 'bearer', tokenEnv: 'TOKEN' } }))).toThrow(/environment test: connect\.auth: .*must be \{ kind: 'basic'.*\(got "bearer"\)/);
  });

  it('serves its metrics on a named port, probed for readiness and liveness', () => {
    expect(supervisor.port).toEqual([{ name: 'metrics', container_port: 9406, protocol: 'TCP' }]);
    for (const probe of [supervisor.readiness_probe, supervisor.liveness_probe]) expect(probe.http_get).toEqual({ path: '/metrics', port: 'metrics' });
  });

  it('requests and limits CPU and memory (defaults, or the settings)', () => {
    expect(supervisor.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    const sized = connectStackWith((input) => (input.infrastructure.connect.supervisor = { image: 'registry.test/cdc/cdcctl:1.0.0', resources: { memoryLimit: '512Mi' } }));
    expect(supervisorResource(sized, 'kubernetes_deployment_v1').spec.template.spec.container[0].resources.limits).toEqual({ cpu: '500m', memory: '512Mi' });
  });

  it('runs non-root with a read-only root, every capability dropped, no service account token, a writable /tmp only', () => {
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, run_as_user: '1000' });
    expect(pod.automount_service_account_token).toBe(false);
    expect(supervisor.security_context).toMatchObject({ allow_privilege_escalation: false, read_only_root_filesystem: true, run_as_non_root: true, capabilities: { drop: ['ALL'] } });
    expect(supervisor.volume_mount).toEqual([
      { name: 'connect-ca', mount_path: '/etc/connect-rest-tls', read_only: true },
      { name: 'tmp', mount_path: '/tmp' },
    ]);
  });

  it('admits Prometheus to its metrics port, and nothing else to anything', () => {
    const policy = supervisorResource(json, 'kubernetes_network_policy_v1').spec;
    expect(policy.pod_selector).toEqual({ match_labels: { 'app.kubernetes.io/name': 'kafka-connect-supervisor', 'app.kubernetes.io/instance': 'cdc-test' } });
    expect(policy.ingress).toEqual([
      { from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'monitoring' } }, pod_selector: { match_labels: { app: 'prometheus' } } }], ports: [{ port: '9406', protocol: 'TCP' }] },
    ]);
  });

  it("is not taken for a worker: the workers' selectors do not select its pod", () => {
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('kafka-connect-supervisor');
    expect(workersResource(json, 'kubernetes_deployment_v1').spec.selector.match_labels['app.kubernetes.io/name']).toBe('kafka-connect');
  });
});

describe('connect stack: IAM role for the service account', () => {
  const json = connectStack();

  it('is annotated on the service account', () => {
    expect(json).toHaveResourceWithProperties(ServiceAccountV1, {
      metadata: expect.objectContaining({ name: 'kafka-connect', annotations: { 'eks.amazonaws.com/role-arn': '${aws_iam_role.worker-role.arn}' } }),
      automount_service_account_token: false,
    });
  });

  it('can be assumed only by that service account through the cluster\'s OIDC provider', () => {
    expect(json).toHaveResourceWithProperties(IamRole, { name: 'cdc-test-kafka-connect' });
    const trust = JSON.parse(onlyResource(json, 'aws_iam_role').assume_role_policy).Statement;
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789:sub': 'system:serviceaccount:cdc-platform:kafka-connect',
            'oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789:aud': 'sts.amazonaws.com',
          },
        },
      },
    ]);
  });

  it('reads exactly the mounted secrets', () => {
    const read = rolePolicy(json).Statement.find((statement) => statement.Sid === 'ReadMountedSecrets')!;
    expect(read.Resource).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cdc-platform/test/atlas-cdc-user-??????',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:test/warehouse-??????',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cdc-platform/test/connect-rest-??????',
    ]);
  });

  it('decrypts only with the keys of the secrets it mounts, and only through Secrets Manager', () => {
    const decrypt = rolePolicy(json).Statement.filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('kms:')));
    expect(decrypt).toEqual([
      {
        Sid: 'DecryptMountedSecrets',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: 'arn:aws:kms:eu-west-1:123456789012:key/*',
        Condition: {
          StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/cdc-test-atlas', 'alias/cdc-test-connect'] },
        },
      },
    ]);
  });

  it("adds the kafka stack's key when the workers mount the SCRAM password", () => {
    const scram = connectStackWith((input) => {
      input.infrastructure.kafka = { authentication: { iam: false, scram: true } };
      input.infrastructure.connect.kafkaAuthentication = 'scram';
    });
    const decrypt = rolePolicy(scram).Statement.find((statement) => statement.Sid === 'DecryptMountedSecrets')!;
    expect(decrypt.Condition['ForAnyValue:StringEquals']['kms:ResourceAliases']).toEqual(['alias/cdc-test', 'alias/cdc-test-atlas', 'alias/cdc-test-connect']);
  });

  it('uses MSK through IAM on its own cluster, topics and groups only', () => {
    const statements = rolePolicy(json).Statement.filter((statement) => String(statement.Action).includes('kafka-cluster:'));
    const resourcesOf = statements.flatMap((statement) => [statement.Resource].flat() as string[]);
    expect(resourcesOf.every((arn) => arn.startsWith('arn:aws:kafka:eu-west-1:123456789012:') && arn.includes('/cdc-test/'))).toBe(true);
    expect(resourcesOf).toContain('arn:aws:kafka:eu-west-1:123456789012:topic/cdc-test/*/cdc.*');
    expect(resourcesOf).toContain('arn:aws:kafka:eu-west-1:123456789012:group/cdc-test/*/connect-cdc-*');
    expect(resourcesOf).not.toContain('*');
  });

  it("may use only its own workers' transactional ids, as exactly-once sources need", () => {
    const statement = rolePolicy(json).Statement.find((candidate) => candidate.Sid === 'UseTheWorkerTransactionalIds')!;
    expect(statement.Action).toEqual(['kafka-cluster:AlterTransactionalId', 'kafka-cluster:DescribeTransactionalId']);
    expect(statement.Resource).toEqual([
      'arn:aws:kafka:eu-west-1:123456789012:transactional-id/cdc-test/*/cdc-connect-test-*',
      'arn:aws:kafka:eu-west-1:123456789012:transactional-id/cdc-test/*/connect-cluster-cdc-connect-test',
    ]);
  });

  it('has no MSK permissions when the workers use SCRAM', () => {
    const json = connectStackWith((input) => {
      input.infrastructure.kafka = { authentication: { iam: false, scram: true } };
      input.infrastructure.connect.kafkaAuthentication = 'scram';
    });
    expect(JSON.stringify(rolePolicy(json))).not.toContain('kafka-cluster:');
  });
});

describe('secretProviderObjects', () => {
  it('names the whole-secret file after the mapping that takes the whole secret', () => {
    expect(parse(secretProviderObjects([{ file: 'token', secretName: 'team/token' }]))).toEqual([
      { objectName: 'team/token', objectType: 'secretsmanager', objectAlias: 'token' },
    ]);
  });

  it('groups several keys of one secret under one object', () => {
    const objects = parse(
      secretProviderObjects([
        { file: 'user', secretName: 's', jsonKey: 'username' },
        { file: 'pass', secretName: 's', jsonKey: 'password' },
      ]),
    );
    expect(objects).toHaveLength(1);
    expect(objects[0].jmesPath).toEqual([
      { path: 'username', objectAlias: 'user' },
      { path: 'password', objectAlias: 'pass' },
    ]);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadEnvironment, versions } from '../../../config';
import { findSecretLiterals } from './secret-scan';
import type { Synthesized } from './fixtures';

/**
 * Invariants over what `npm run synth` writes for every environment in config/: main.ts run the way
 * the npm script runs it (bundled by bin/synth.js), into a temporary cdktf.out (CDKTF_OUTDIR), read
 * back from disk.
 */
const repository = path.resolve(__dirname, '../../..');
const outdir = mkdtempSync(path.join(tmpdir(), 'cdc-stacks-'));
const run = spawnSync(process.execPath, ['bin/synth.js'], {
  cwd: repository,
  env: { ...process.env, CDKTF_OUTDIR: outdir },
  encoding: 'utf8',
});

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const full = path.join(directory, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

const files = filesUnder(outdir);
const stacks: Record<string, Synthesized> = Object.fromEntries(
  files.filter((file) => file.endsWith('cdk.tf.json')).map((file) => [path.basename(path.dirname(file)), JSON.parse(readFileSync(file, 'utf8'))]),
);
const all = (type: string): [string, Synthesized][] =>
  Object.entries(stacks).flatMap(([stack, json]) => Object.values(json.resource?.[type] ?? {}).map((resource) => [stack, resource as Synthesized] as [string, Synthesized]));

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('synthesized stacks of every environment', () => {
  it('are written by main.ts without an error', () => {
    // The one line on stderr a synth may print: that it (re)built its bundle.
    expect({ status: run.status, stderr: run.stderr.replace(/^synth: bundled main\.ts in [\d.]+ s \(.*\)\n$/, '') }).toEqual({ status: 0, stderr: '' });
  });

  it('are the stacks each environment declares', () => {
    expect(Object.keys(stacks).sort()).toEqual([
      'atlas-production',
      'atlas-staging',
      'connect-production',
      'connect-staging',
      'kafka-local',
      'kafka-production',
      'kafka-staging',
      'monitoring-production',
      'monitoring-staging',
    ]);
  });

  it('keep shared environments\' state in S3, locked and encrypted with the dedicated state key, and the sandbox\'s on the laptop', () => {
    for (const [name, json] of Object.entries(stacks)) {
      const backend = json.terraform.backend;
      if (name.endsWith('-local')) {
        expect(backend).toEqual({ local: { path: `../../../.local/terraform-state/${name}.tfstate` } });
      } else {
        // A customer-managed key of its own: the atlas stack's state holds the CDC user's password.
        expect(backend.s3).toMatchObject({ encrypt: true, kms_key_id: expect.any(String), key: expect.stringMatching(new RegExp(`/${name}\\.tfstate$`)) });
        expect(Boolean(backend.s3.dynamodb_table) || backend.s3.use_lockfile === true).toBe(true);
      }
    }
  });
});

describe('security invariants: MSK', () => {
  const clusters = all('aws_msk_cluster');

  it('covers the three environments\' clusters', () => {
    expect(clusters.map(([stack]) => stack).sort()).toEqual(['kafka-local', 'kafka-production', 'kafka-staging']);
  });

  it.each(clusters)('%s: TLS only, in transit and inside the cluster, KMS at rest', (_stack, cluster) => {
    expect(cluster.encryption_info.encryption_in_transit).toEqual({ client_broker: 'TLS', in_cluster: true });
    expect(cluster.encryption_info.encryption_at_rest_kms_key_arn).toMatch(/^\$\{aws_kms_key\./);
  });

  it.each(clusters)('%s: no unauthenticated access, no public access', (_stack, cluster) => {
    expect(cluster.client_authentication.unauthenticated).toBe(false);
    expect(cluster.client_authentication.sasl.iam || cluster.client_authentication.sasl.scram).toBe(true);
    expect(cluster.broker_node_group_info.connectivity_info.public_access.type).toBe('DISABLED');
  });

  it.each(clusters)('%s: open monitoring and broker logs on', (_stack, cluster) => {
    expect(cluster.open_monitoring.prometheus).toEqual({ jmx_exporter: { enabled_in_broker: true }, node_exporter: { enabled_in_broker: true } });
    expect(cluster.logging_info.broker_logs.cloudwatch_logs.enabled).toBe(true);
  });

  it.each(all('aws_msk_configuration'))('%s: replication factor 3, min ISR 2, no topic auto-creation', (_stack, configuration) => {
    expect(configuration.server_properties.split('\n')).toEqual(
      expect.arrayContaining(['default.replication.factor=3', 'min.insync.replicas=2', 'auto.create.topics.enable=false']),
    );
  });

  it('admit clients only from security groups, never from an address range', () => {
    const rules = all('aws_vpc_security_group_ingress_rule');
    expect(rules.length).toBeGreaterThan(0);
    for (const [, rule] of rules) {
      expect(rule.referenced_security_group_id).toMatch(/^sg-/);
      expect(rule.cidr_ipv4 ?? rule.cidr_ipv6 ?? rule.prefix_list_id).toBeUndefined();
    }
    for (const [, group] of all('aws_security_group')) {
      expect(group.ingress ?? group.egress).toBeUndefined();
    }
  });

  it('rotate every KMS key', () => {
    for (const [, key] of all('aws_kms_key')) expect(key.enable_key_rotation).toBe(true);
  });
});

describe('security invariants: Kubernetes', () => {
  const connectDeployments = all('kubernetes_deployment_v1').filter(([stack]) => stack.startsWith('connect-'));
  const deployments = connectDeployments.filter(([, deployment]) => deployment.metadata.name === 'kafka-connect');
  const supervisors = connectDeployments.filter(([, deployment]) => deployment.metadata.name === 'kafka-connect-supervisor');
  const monitoringDeployments = all('kubernetes_deployment_v1').filter(([stack]) => stack.startsWith('monitoring-'));

  it('covers the monitoring stacks: Prometheus, Alertmanager and Grafana each', () => {
    expect(monitoringDeployments.map(([stack, deployment]) => `${stack}/${deployment.metadata.name}`).sort()).toEqual(
      ['monitoring-production', 'monitoring-staging'].flatMap((stack) => ['alertmanager', 'grafana', 'prometheus'].map((name) => `${stack}/${name}`)),
    );
  });

  it.each(monitoringDeployments)('%s: a pinned monitoring image, non-root, no privilege, no capabilities', (_stack, deployment) => {
    const pod = deployment.spec.template.spec;
    expect(pod.security_context.run_as_non_root).toBe(true);
    expect(pod.host_network ?? pod.host_pid ?? pod.host_ipc).toBeUndefined();
    // Prometheus discovers the Connect pods through the Kubernetes API and needs its token; the others do not.
    if (deployment.metadata.name !== 'prometheus') expect(pod.automount_service_account_token).toBe(false);
    for (const container of pod.container) {
      expect(Object.values(versions.monitoringImages)).toContain(container.image);
      expect(container.security_context).toMatchObject({ allow_privilege_escalation: false, run_as_non_root: true, read_only_root_filesystem: true, capabilities: { drop: ['ALL'] } });
    }
  });

  it('covers the connect stacks: the workers and their supervisor, nothing else', () => {
    expect(deployments.map(([stack]) => stack).sort()).toEqual(['connect-production', 'connect-staging']);
    expect(supervisors.map(([stack]) => stack).sort()).toEqual(['connect-production', 'connect-staging']);
    expect(connectDeployments).toHaveLength(deployments.length + supervisors.length);
  });

  it.each(supervisors)('%s: the supervisor runs its pinned image, one pod, non-root, read-only, no privilege, credentials only by Secret reference', (stack, deployment) => {
    const pod = deployment.spec.template.spec;
    const environment = loadEnvironment(stack.replace(/^connect-/, ''));
    expect(deployment.spec.replicas).toBe('1');
    expect(pod.security_context.run_as_non_root).toBe(true);
    expect(pod.automount_service_account_token).toBe(false);
    const [container] = pod.container;
    expect(container.image).toBe(environment.infrastructure.connect!.supervisor.image);
    expect(container.security_context).toMatchObject({ allow_privilege_escalation: false, run_as_non_root: true, read_only_root_filesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    for (const variable of container.env) expect(variable.value === undefined || variable.name === 'NODE_EXTRA_CA_CERTS').toBe(true);
    expect(container.env.filter((variable: Synthesized) => variable.value_from?.secret_key_ref).map((variable: Synthesized) => variable.name).sort()).toEqual(['CONNECT_PASSWORD', 'CONNECT_USERNAME']);
  });

  it.each(deployments)('%s: the pinned image, non-root, no privilege, no capabilities', (_stack, deployment) => {
    const pod = deployment.spec.template.spec;
    expect(pod.security_context.run_as_non_root).toBe(true);
    expect(pod.host_network ?? pod.host_pid ?? pod.host_ipc).toBeUndefined();
    expect(pod.automount_service_account_token).toBe(false);
    for (const container of pod.container) {
      expect(container.image).toBe(versions.connectImage);
      expect(container.security_context).toMatchObject({
        allow_privilege_escalation: false,
        privileged: false,
        run_as_non_root: true,
        read_only_root_filesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      for (const probe of [container.readiness_probe, container.liveness_probe]) expect(probe.exec.command.join(' ')).toMatch(/curl --config - .* https:\/\/kafka-connect\.[a-z0-9-]+\.svc:8083\/health$/);
      expect(container.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    }
  });

  it.each(all('kubernetes_network_policy_v1'))('%s: every ingress rule names its sources and ports', (_stack, policy) => {
    expect(policy.spec.policy_types).toEqual(['Ingress']);
    for (const rule of policy.spec.ingress) {
      expect(rule.from.length).toBeGreaterThan(0);
      expect(rule.ports.length).toBeGreaterThan(0);
      for (const source of rule.from) expect(source.ip_block).toBeUndefined();
    }
  });

  it('exposes Connect inside the cluster only, and keeps no Kubernetes Secret\'s data in state: only write-only data, generated when Terraform runs', () => {
    for (const [, service] of all('kubernetes_service_v1')) expect(service.spec.type).toBe('ClusterIP');
    expect(all('kubernetes_secret')).toEqual([]);
    const secrets = all('kubernetes_secret_v1');
    expect(secrets.map(([stack, secret]) => `${stack}/${secret.metadata.name}`).sort()).toEqual(['connect-production/kafka-connect-rest-keystore-password', 'connect-staging/kafka-connect-rest-keystore-password']);
    for (const [, secret] of secrets) {
      expect(secret.data ?? secret.binary_data).toBeUndefined();
      for (const value of Object.values(secret.data_wo as Record<string, string>)) expect(value).toMatch(/^\$\{ephemeral\.aws_secretsmanager_random_password\./);
    }
  });

  const workerConfigs = all('kubernetes_config_map_v1').filter(([stack, map]) => stack.startsWith('connect-') && map.metadata.name === 'kafka-connect-worker');

  it.each(workerConfigs)('%s: the REST API over https only, every request authenticated by the workers, no client override from a connector', (_stack, map) => {
    expect(map.data).toMatchObject({
      CONNECT_LISTENERS: 'https://0.0.0.0:8083',
      CONNECT_REST_ADVERTISED_LISTENER: 'https',
      CONNECT_REST_EXTENSION_CLASSES: 'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension',
      CONNECT_CONNECTOR_CLIENT_CONFIG_OVERRIDE_POLICY: 'None',
    });
  });

  it.each(all('kubernetes_network_policy_v1').filter(([stack, policy]) => stack.startsWith('connect-') && policy.metadata.name === 'kafka-connect'))('%s: no source admitted to both the REST API and the metrics', (_stack, policy) => {
    for (const rule of policy.spec.ingress) expect(rule.ports.map((port: Synthesized) => port.port).sort()).not.toEqual(['8083', '9404']);
    expect(policy.spec.ingress.filter((rule: Synthesized) => rule.ports.some((port: Synthesized) => port.port === '9404'))).toHaveLength(1);
  });

  it.each(all('kubernetes_network_policy_v1').filter(([stack, policy]) => stack.startsWith('connect-') && policy.metadata.name === 'kafka-connect-supervisor'))(
    '%s: the supervisor admits its metrics port only, and only to Prometheus',
    (_stack, policy) => {
      expect(policy.spec.ingress).toHaveLength(1);
      expect(policy.spec.ingress[0].ports).toEqual([{ port: '9406', protocol: 'TCP' }]);
      expect(policy.spec.ingress[0].from).toEqual([expect.objectContaining({ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'monitoring' } } })]);
    },
  );
});

describe('security invariants: Atlas', () => {
  it('gives database users only the stack\'s custom roles, scoped to one cluster', () => {
    const users = all('mongodbatlas_database_user');
    expect(users).toHaveLength(2);
    for (const [, user] of users) {
      expect(user.roles.every((role: Synthesized) => /^\$\{mongodbatlas_custom_db_role\./.test(role.role_name))).toBe(true);
      expect(JSON.stringify(user.roles)).not.toMatch(/atlasAdmin|AnyDatabase|readWrite|dbAdmin/);
      expect(user.scopes).toEqual([{ name: expect.any(String), type: 'CLUSTER' }]);
    }
  });

  it('grants custom roles nothing beyond find and changeStream on named collections', () => {
    for (const [, role] of all('mongodbatlas_custom_db_role')) {
      for (const action of role.actions) {
        expect(['FIND', 'CHANGE_STREAM']).toContain(action.action);
        for (const resource of action.resources) {
          expect(resource).toEqual({ database_name: expect.any(String), collection_name: expect.any(String) });
        }
      }
    }
  });

  it('never opens a project to every address', () => {
    for (const [, entry] of all('mongodbatlas_project_ip_access_list')) expect(entry.cidr_block).not.toMatch(/\/0$/);
  });
});

describe('security invariants: IAM', () => {
  const policies = [...all('aws_iam_role_policy'), ...all('aws_iam_policy')].map(([stack, policy]) => [stack, JSON.parse(policy.policy)] as [string, Synthesized]);

  it('covers the policies of the stacks', () => {
    expect(policies.length).toBeGreaterThan(0);
  });

  it('grants decryption only through Secrets Manager, with keys named by alias, never with any key of the account', () => {
    const decrypting = policies.flatMap(([stack, policy]) =>
      (policy.Statement as Synthesized[]).filter((statement) => [statement.Action].flat().some((action: string) => /^kms:(Decrypt|\*)/.test(action))).map((statement) => [stack, statement] as const),
    );
    expect(decrypting.length).toBeGreaterThan(0);
    for (const [, statement] of decrypting) {
      expect(statement.Condition?.StringEquals?.['kms:ViaService']).toMatch(/^secretsmanager\./);
      expect(statement.Condition?.['ForAnyValue:StringEquals']?.['kms:ResourceAliases']?.length).toBeGreaterThan(0);
    }
  });

  it.each(['staging', 'production'])("%s: the aliases the workers may decrypt with are the keys the environment's stacks create", (environment) => {
    const created = all('aws_kms_alias').filter(([stack]) => stack.endsWith(`-${environment}`)).map(([, alias]) => alias.name);
    const [, policy] = policies.find(([stack]) => stack === `connect-${environment}`)!;
    const named = (policy.Statement as Synthesized[]).flatMap((statement) => statement.Condition?.['ForAnyValue:StringEquals']?.['kms:ResourceAliases'] ?? []);
    expect(named.length).toBeGreaterThan(0);
    expect(created).toEqual(expect.arrayContaining(named));
  });
});

describe('security invariants: no secret in cdktf.out', () => {
  it('reads every file the synth wrote', () => {
    expect(files.filter((file) => file.endsWith('.json')).length).toBe(Object.keys(stacks).length + 1);
  });

  it('holds no credential literal in any file', () => {
    const findings = files.flatMap((file) => findSecretLiterals(JSON.parse(readFileSync(file, 'utf8')), path.relative(outdir, file)));
    expect(findings).toEqual([]);
  });

  it('escapes every config-provider placeholder, which Terraform would otherwise read as a template', () => {
    const unescaped = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?<!\$)\$\{(dir|env|file|secretsmanager):[^}]*\}/g)].map((match) => `${path.relative(outdir, file)}: ${match[0]}`),
    );
    expect(unescaped).toEqual([]);
  });

  it('writes generated passwords write-only, fed by ephemeral resources only', () => {
    const versionsWritten = all('aws_secretsmanager_secret_version');
    expect(versionsWritten.length).toBeGreaterThan(0);
    for (const [, version] of versionsWritten) {
      expect(version.secret_string).toBeUndefined();
      expect(version.secret_string_wo).toMatch(/ephemeral\.aws_secretsmanager_random_password\./);
    }
    for (const json of Object.values(stacks)) {
      expect(json.data?.aws_secretsmanager_random_password).toBeUndefined();
      expect(json.resource?.random_password).toBeUndefined();
    }
  });

  it('encrypts every secret with a customer-managed key', () => {
    for (const [, secret] of all('aws_secretsmanager_secret')) expect(secret.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
  });
});

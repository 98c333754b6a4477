import { createHash } from 'node:crypto';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { DataAwsMskBrokerNodes } from '@cdktf/provider-aws/lib/data-aws-msk-broker-nodes';
import { DataAwsMskCluster } from '@cdktf/provider-aws/lib/data-aws-msk-cluster';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { monitoringConfig } from '../alerts/config';
import { ruleFiles } from '../alerts';
import { renderRuleFile } from '../alerts/rule-file';
import type { Environment } from '../config';
import { monitoringSettingsSchema, type MonitoringSettings, type MonitoringSettingsInput } from '../config/infrastructure';
import { versions } from '../config/versions';

/** Pinned images of the monitoring stack, from config/versions.ts. */
export const MONITORING_IMAGES = versions.monitoringImages;
import { pipelines as allPipelines, type PipelineDefinition } from '../connectors/pipelines';
import { dashboardJson, dashboards, PROMETHEUS_DATASOURCE_UID } from '../dashboards';
import { configureAwsProvider, configureTerraform, requireSetting, terraformLiteral } from './common';
import { CONNECT_METRICS_PORT } from './connect-worker-config';
import { CONNECT_APP_NAME, mskClusterName } from './names';

/** MSK open monitoring: the brokers' JMX exporter and node exporter ports. */
export const MSK_JMX_EXPORTER_PORT = 11001;
export const MSK_NODE_EXPORTER_PORT = 11002;

export { monitoringSettingsSchema, type MonitoringSettings, type MonitoringSettingsInput } from '../config/infrastructure';

export interface MonitoringStackProps {
  readonly environment: Environment;
  readonly settings: MonitoringSettingsInput;
  /** @default every pipeline of connectors/pipelines */
  readonly pipelines?: readonly PipelineDefinition[];
}


export function parseMonitoringSettings(environment: Environment, input: MonitoringSettingsInput): MonitoringSettings {
  const result = monitoringSettingsSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `environment ${environment.name}: monitoring.${issue.path.join('.')}: ${issue.message}`);
  throw new Error(lines.join('\n'));
}

const RULES_DIRECTORY = '/etc/prometheus/rules';
const ALERTMANAGER_SECRETS_DIRECTORY = '/etc/alertmanager/secrets';
const PROMETHEUS_PORT = 9090;
const ALERTMANAGER_PORT = 9093;
const GRAFANA_PORT = 3000;

/** Alertmanager's configuration: one receiver from the settings; a critical alert silences its warning twin. */
export function alertmanagerConfig(settings: MonitoringSettings): Record<string, unknown> {
  const { receiver } = settings;
  const receiverConfig =
    receiver.kind === 'slack'
      ? { slack_configs: [{ channel: receiver.channel, api_url_file: `${ALERTMANAGER_SECRETS_DIRECTORY}/${receiver.webhookUrlSecret.key}`, send_resolved: true }] }
      : receiver.kind === 'pagerduty'
        ? { pagerduty_configs: [{ routing_key_file: `${ALERTMANAGER_SECRETS_DIRECTORY}/${receiver.routingKeySecret.key}`, send_resolved: true }] }
        : { webhook_configs: [{ url: receiver.url, send_resolved: true }] };
  return {
    route: {
      receiver: 'cdc-platform',
      group_by: ['alertname', 'environment', 'pipeline'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [{ matchers: ['severity="critical"'], receiver: 'cdc-platform', repeat_interval: '1h' }],
    },
    inhibit_rules: [
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['alertname', 'environment', 'pipeline', 'connector', 'instance'],
      },
    ],
    receivers: [{ name: 'cdc-platform', ...receiverConfig }],
  };
}

function receiverSecret(settings: MonitoringSettings): { name: string; key: string } | undefined {
  const { receiver } = settings;
  if (receiver.kind === 'slack') return receiver.webhookUrlSecret;
  if (receiver.kind === 'pagerduty') return receiver.routingKeySecret;
  return undefined;
}

const checksum = (...parts: readonly string[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);

/** Non-root, read-only, no capabilities: the same hardening as the Connect workers. */
function hardenedContainer(): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Prometheus (scraping the Connect pods and MSK open monitoring, with the generated rules),
 * Alertmanager (the receiver from the settings) and Grafana (the Prometheus datasource and the
 * generated dashboards provisioned from ConfigMaps), in the Kubernetes cluster of the Connect
 * workers. Prometheus runs in the namespace and with the labels that the connect stack's
 * NetworkPolicy admits to the workers' metrics port.
 */
export class MonitoringStack extends TerraformStack {
  readonly prometheus: DeploymentV1;
  readonly alertmanager: DeploymentV1;
  readonly grafana: DeploymentV1;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id);
    const { environment } = props;
    const pipelines = props.pipelines ?? allPipelines;
    const settings = parseMonitoringSettings(environment, props.settings);
    const infrastructure = environment.infrastructure;
    const connect = requireSetting(infrastructure.connect, 'connect', environment);
    const stateBackend = requireSetting(infrastructure.stateBackend, 'stateBackend', environment);
    const namespace = connect.restClients.prometheus.namespace;
    const partOf = { 'app.kubernetes.io/part-of': 'mongo-cdc-platform', 'app.kubernetes.io/managed-by': 'cdktf' };

    configureTerraform(this, id, stateBackend);
    new KubernetesProvider(this, 'kubernetes', { configPath: connect.kubeconfigPath, configContext: connect.kubeconfigContext });

    // MSK brokers by the cluster's name (the kafka stack owns it): open monitoring on every broker.
    let mskTargets: { jmx: string; node: string } | undefined;
    if (infrastructure.kafka) {
      const aws = requireSetting(infrastructure.aws, 'aws', environment);
      configureAwsProvider(this, environment, aws);
      const cluster = new DataAwsMskCluster(this, 'msk-cluster', { clusterName: mskClusterName(environment) });
      const brokers = new DataAwsMskBrokerNodes(this, 'msk-broker-nodes', { clusterArn: cluster.arn });
      const targets = (port: number) =>
        `\${jsonencode(flatten([for node in ${brokers.fqn}.node_info_list : [for endpoint in node.endpoints : "\${endpoint}:${port}"]]))}`;
      mskTargets = { jmx: targets(MSK_JMX_EXPORTER_PORT), node: targets(MSK_NODE_EXPORTER_PORT) };
    }

    if (settings.createNamespace && namespace !== connect.namespace) {
      new NamespaceV1(this, 'namespace', {
        metadata: {
          name: namespace,
          labels: { ...partOf, 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
        },
      });
    }
    const metadata = (name: string, labels: Record<string, string> = {}) => ({ name, namespace, labels: { ...partOf, ...labels } });

    // ---- Prometheus ----
    const rules = ruleFiles(environment, pipelines).map((file) => ({
      fileName: file.fileName,
      text: renderRuleFile(file, { environment: environment.name, runbookBaseUrl: settings.runbookBaseUrl }),
    }));
    const prometheusConfigText = prometheusConfigYaml({
      environment: environment.name,
      scrapeInterval: settings.prometheus.scrapeInterval,
      connectNamespace: connect.namespace,
      alertmanager: `alertmanager.${namespace}.svc:${ALERTMANAGER_PORT}`,
      msk: mskTargets,
    });
    const prometheusConfig = new ConfigMapV1(this, 'prometheus-config', {
      metadata: metadata('prometheus-config'),
      data: { 'prometheus.yml': prometheusConfigText },
    });
    const rulesConfig = new ConfigMapV1(this, 'prometheus-rules', {
      metadata: metadata('prometheus-rules'),
      data: Object.fromEntries(rules.map((rule) => [rule.fileName, terraformLiteral(rule.text)])),
    });
    const prometheusServiceAccount = new ServiceAccountV1(this, 'prometheus-service-account', {
      metadata: metadata('prometheus'),
      automountServiceAccountToken: true,
    });
    // Pod discovery in the workers' namespace only.
    const discovery = new RoleV1(this, 'prometheus-discovery-role', {
      metadata: { name: 'prometheus-discovery', namespace: connect.namespace, labels: partOf },
      rule: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    });
    new RoleBindingV1(this, 'prometheus-discovery-binding', {
      metadata: { name: 'prometheus-discovery', namespace: connect.namespace, labels: partOf },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: discovery.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: prometheusServiceAccount.metadata.name, namespace }],
    });
    const storage = new PersistentVolumeClaimV1(this, 'prometheus-storage', {
      metadata: metadata('prometheus-data'),
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: `${settings.prometheus.storageGiB}Gi` } },
        ...(settings.prometheus.storageClassName ? { storageClassName: settings.prometheus.storageClassName } : {}),
      },
      waitUntilBound: false,
    });
    // The labels the connect stack's NetworkPolicy admits to the workers' metrics port.
    const prometheusLabels = { ...connect.restClients.prometheus.podLabels, 'app.kubernetes.io/component': 'prometheus' };
    this.prometheus = new DeploymentV1(this, 'prometheus', {
      metadata: metadata('prometheus', prometheusLabels),
      spec: {
        replicas: '1',
        strategy: { type: 'Recreate' },
        selector: { matchLabels: prometheusLabels },
        template: {
          metadata: {
            labels: { ...partOf, ...prometheusLabels },
            annotations: { 'cdc-platform/config-checksum': checksum(prometheusConfigText, ...rules.map((rule) => rule.text)) },
          },
          spec: {
            serviceAccountName: prometheusServiceAccount.metadata.name,
            securityContext: { runAsNonRoot: true, runAsUser: '65534', runAsGroup: '65534', fsGroup: '65534', seccompProfile: { type: 'RuntimeDefault' } },
            container: [
              {
                name: 'prometheus',
                image: MONITORING_IMAGES.prometheus,
                args: [
                  '--config.file=/etc/prometheus/prometheus.yml',
                  '--storage.tsdb.path=/prometheus',
                  `--storage.tsdb.retention.time=${settings.prometheus.retention}`,
                  '--web.enable-lifecycle',
                ],
                port: [{ name: 'http', containerPort: PROMETHEUS_PORT, protocol: 'TCP' }],
                readinessProbe: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/-/healthy', port: 'http' }, periodSeconds: 30, failureThreshold: 5 },
                resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
                securityContext: hardenedContainer(),
                volumeMount: [
                  { name: 'config', mountPath: '/etc/prometheus/prometheus.yml', subPath: 'prometheus.yml', readOnly: true },
                  { name: 'rules', mountPath: RULES_DIRECTORY, readOnly: true },
                  { name: 'data', mountPath: '/prometheus' },
                ],
              },
            ],
            volume: [
              { name: 'config', configMap: { name: prometheusConfig.metadata.name } },
              { name: 'rules', configMap: { name: rulesConfig.metadata.name } },
              { name: 'data', persistentVolumeClaim: { claimName: storage.metadata.name } },
            ],
          },
        },
      },
    });
    new ServiceV1(this, 'prometheus-service', {
      metadata: metadata('prometheus'),
      spec: { type: 'ClusterIP', selector: prometheusLabels, port: [{ name: 'http', port: PROMETHEUS_PORT, targetPort: 'http', protocol: 'TCP' }] },
    });

    // ---- Alertmanager ----
    const alertmanagerText = stringify(alertmanagerConfig(settings), { lineWidth: 0 });
    const alertmanagerConfigMap = new ConfigMapV1(this, 'alertmanager-config', {
      metadata: metadata('alertmanager-config'),
      data: { 'alertmanager.yml': terraformLiteral(alertmanagerText) },
    });
    const alertmanagerLabels = { 'app.kubernetes.io/name': 'alertmanager', 'app.kubernetes.io/instance': `cdc-${environment.name}` };
    const secret = receiverSecret(settings);
    this.alertmanager = new DeploymentV1(this, 'alertmanager', {
      metadata: metadata('alertmanager', alertmanagerLabels),
      spec: {
        replicas: '1',
        selector: { matchLabels: alertmanagerLabels },
        template: {
          metadata: { labels: { ...partOf, ...alertmanagerLabels }, annotations: { 'cdc-platform/config-checksum': checksum(alertmanagerText) } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: '65534', runAsGroup: '65534', seccompProfile: { type: 'RuntimeDefault' } },
            container: [
              {
                name: 'alertmanager',
                image: MONITORING_IMAGES.alertmanager,
                args: ['--config.file=/etc/alertmanager/alertmanager.yml', '--storage.path=/alertmanager'],
                port: [{ name: 'http', containerPort: ALERTMANAGER_PORT, protocol: 'TCP' }],
                readinessProbe: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/-/healthy', port: 'http' }, periodSeconds: 30 },
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
                securityContext: hardenedContainer(),
                volumeMount: [
                  { name: 'config', mountPath: '/etc/alertmanager/alertmanager.yml', subPath: 'alertmanager.yml', readOnly: true },
                  { name: 'data', mountPath: '/alertmanager' },
                  ...(secret ? [{ name: 'receiver-secret', mountPath: ALERTMANAGER_SECRETS_DIRECTORY, readOnly: true }] : []),
                ],
              },
            ],
            volume: [
              { name: 'config', configMap: { name: alertmanagerConfigMap.metadata.name } },
              { name: 'data', emptyDir: {} },
              ...(secret ? [{ name: 'receiver-secret', secret: { secretName: secret.name, items: [{ key: secret.key, path: secret.key }] } }] : []),
            ],
          },
        },
      },
    });
    new ServiceV1(this, 'alertmanager-service', {
      metadata: metadata('alertmanager'),
      spec: { type: 'ClusterIP', selector: alertmanagerLabels, port: [{ name: 'http', port: ALERTMANAGER_PORT, targetPort: 'http', protocol: 'TCP' }] },
    });

    // ---- Grafana ----
    const rendered = dashboards(environment, pipelines);
    const datasourcesText = stringify({
      apiVersion: 1,
      datasources: [
        { name: 'Prometheus', uid: PROMETHEUS_DATASOURCE_UID, type: 'prometheus', access: 'proxy', url: `http://prometheus.${namespace}.svc:${PROMETHEUS_PORT}`, isDefault: true, editable: false },
      ],
    });
    const providersText = stringify({
      apiVersion: 1,
      providers: [{ name: 'cdc-platform', folder: 'CDC platform', type: 'file', disableDeletion: true, allowUiUpdates: false, options: { path: '/var/lib/grafana/dashboards' } }],
    });
    const grafanaProvisioning = new ConfigMapV1(this, 'grafana-provisioning', {
      metadata: metadata('grafana-provisioning'),
      data: { 'datasources.yaml': datasourcesText, 'dashboards.yaml': providersText },
    });
    const dashboardFiles = rendered.map((dashboard) => ({ fileName: dashboard.fileName, text: dashboardJson(dashboard) }));
    const grafanaDashboards = new ConfigMapV1(this, 'grafana-dashboards', {
      metadata: metadata('grafana-dashboards'),
      data: Object.fromEntries(dashboardFiles.map((file) => [file.fileName, terraformLiteral(file.text)])),
    });
    const grafanaLabels = { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': `cdc-${environment.name}` };
    const { adminSecret } = settings.grafana;
    this.grafana = new DeploymentV1(this, 'grafana', {
      metadata: metadata('grafana', grafanaLabels),
      spec: {
        replicas: '1',
        selector: { matchLabels: grafanaLabels },
        template: {
          metadata: {
            labels: { ...partOf, ...grafanaLabels },
            annotations: { 'cdc-platform/config-checksum': checksum(datasourcesText, providersText, ...dashboardFiles.map((file) => file.text)) },
          },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: '472', runAsGroup: '472', fsGroup: '472', seccompProfile: { type: 'RuntimeDefault' } },
            container: [
              {
                name: 'grafana',
                image: MONITORING_IMAGES.grafana,
                port: [{ name: 'http', containerPort: GRAFANA_PORT, protocol: 'TCP' }],
                env: [
                  { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: adminSecret.name, key: adminSecret.userKey } } },
                  { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: adminSecret.name, key: adminSecret.passwordKey } } },
                  { name: 'GF_USERS_ALLOW_SIGN_UP', value: 'false' },
                  { name: 'GF_AUTH_ANONYMOUS_ENABLED', value: 'false' },
                  { name: 'GF_ANALYTICS_REPORTING_ENABLED', value: 'false' },
                ],
                readinessProbe: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 30 },
                resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
                securityContext: hardenedContainer(),
                volumeMount: [
                  { name: 'provisioning', mountPath: '/etc/grafana/provisioning/datasources/datasources.yaml', subPath: 'datasources.yaml', readOnly: true },
                  { name: 'provisioning', mountPath: '/etc/grafana/provisioning/dashboards/dashboards.yaml', subPath: 'dashboards.yaml', readOnly: true },
                  { name: 'dashboards', mountPath: '/var/lib/grafana/dashboards', readOnly: true },
                  // Grafana's own database and plugins: state that provisioning recreates on start.
                  { name: 'data', mountPath: '/var/lib/grafana' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volume: [
              { name: 'provisioning', configMap: { name: grafanaProvisioning.metadata.name } },
              { name: 'dashboards', configMap: { name: grafanaDashboards.metadata.name } },
              { name: 'data', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    });
    new ServiceV1(this, 'grafana-service', {
      metadata: metadata('grafana'),
      spec: { type: 'ClusterIP', selector: grafanaLabels, port: [{ name: 'http', port: GRAFANA_PORT, targetPort: 'http', protocol: 'TCP' }] },
    });
  }
}

export interface PrometheusConfigOptions {
  readonly environment: string;
  readonly scrapeInterval: string;
  /** Namespace of the Connect worker pods (Kubernetes pod discovery). */
  readonly connectNamespace: string;
  /** `host:port` of Alertmanager. */
  readonly alertmanager: string;
  /** Terraform expressions (JSON lists of `host:port`) of the MSK brokers' exporters, when there is MSK. */
  readonly msk?: { readonly jmx: string; readonly node: string };
}

/**
 * prometheus.yml. Job names come from alerts/config.ts: the rules select on them. The MSK target
 * lists are Terraform expressions: JSON, which YAML reads as a flow sequence.
 */
export function prometheusConfigYaml(options: PrometheusConfigOptions): string {
  const { jobs } = monitoringConfig;
  const config = {
    global: { scrape_interval: options.scrapeInterval, evaluation_interval: options.scrapeInterval, external_labels: { environment: options.environment } },
    rule_files: [`${RULES_DIRECTORY}/*.yaml`],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] },
    scrape_configs: [
      {
        job_name: jobs.connect,
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [options.connectNamespace] } }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: CONNECT_APP_NAME, action: 'keep' },
          { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'metrics', action: 'keep' },
          { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: String(CONNECT_METRICS_PORT), action: 'keep' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
        ],
      },
      ...(options.msk
        ? [
            { job_name: jobs.mskJmx, static_configs: [{ targets: ['MSK_JMX_TARGETS'] }] },
            { job_name: jobs.mskNode, static_configs: [{ targets: ['MSK_NODE_TARGETS'] }] },
          ]
        : []),
    ],
  };
  const text = terraformLiteral(stringify(config, { lineWidth: 0 }));
  if (!options.msk) return text;
  // Placeholders swapped for the Terraform expressions after YAML (and escaping) so they stay live.
  const swap = (yaml: string, placeholder: string, expression: string) => {
    const pattern = new RegExp(`targets:\\n\\s*- ${placeholder}\\n`);
    if (!pattern.test(yaml)) throw new Error(`prometheusConfigYaml: placeholder ${placeholder} not found`);
    return yaml.replace(pattern, `targets: ${expression}\n`);
  };
  return swap(swap(text, 'MSK_JMX_TARGETS', options.msk.jmx), 'MSK_NODE_TARGETS', options.msk.node);
}

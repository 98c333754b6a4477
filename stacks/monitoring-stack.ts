import { createHash } from 'node:crypto';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { DataAwsMskBrokerNodes } from '@cdktf/provider-aws/lib/data-aws-msk-broker-nodes';
import { DataAwsMskCluster } from '@cdktf/provider-aws/lib/data-aws-msk-cluster';
import type { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { monitoringConfig } from '../alerts/config';
import { ruleFiles } from '../alerts';
import { renderRuleFile, type RenderRulesOptions } from '../alerts/rule-file';
import type { Environment } from '../config';
import {
  monitoringSettingsSchema,
  type ConnectSettings,
  type MonitoringSettings,
  type MonitoringSettingsInput,
  type PrometheusOperatorSettings,
} from '../config/infrastructure';
import { versions } from '../config/versions';
import { pipelines as allPipelines, type PipelineDefinition } from '../connectors/pipelines';
import { dashboardJson, dashboards, PROMETHEUS_DATASOURCE_UID } from '../dashboards';
import { configureAwsProvider, configureTerraform, requireSetting, terraformLiteral, terraformLiterals } from './common';
import { CONNECT_METRICS_PORT } from './connect-worker-config';
import { HardenedWorkload } from './constructs/hardened-workload';
import { MSK_JMX_EXPORTER_PORT, MSK_NODE_EXPORTER_PORT } from './kafka-stack';
import { SUPERVISOR_METRICS_PORT } from './connect-supervisor';
import { CONNECT_APP_NAME, CONNECT_SUPERVISOR_APP_NAME, mskClusterName } from './names';
import { connectPodMonitor, supervisorPodMonitor, prometheusRule, prometheusRuleName, staticScrapeConfig, type KubernetesObject, type OperatorPlacement } from './prometheus-operator';

/** Pinned images of the monitoring stack, from config/versions.ts. */
export const MONITORING_IMAGES = versions.monitoringImages;


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
const GRAFANA_DASHBOARDS_DIRECTORY = '/var/lib/grafana/dashboards';
const PROMETHEUS_PORT = 9090;
const ALERTMANAGER_PORT = 9093;
const GRAFANA_PORT = 3000;
/** The images' own users: `nobody` in the Prometheus and Alertmanager images, `grafana` in Grafana's. */
const NOBODY = 65534;
const GRAFANA_USER = 472;

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

const PART_OF = { 'app.kubernetes.io/part-of': 'mongo-cdc-platform', 'app.kubernetes.io/managed-by': 'cdktf' } as const;

/** What every step of the monitoring stack reads. */
interface MonitoringContext {
  readonly environment: Environment;
  readonly pipelines: readonly PipelineDefinition[];
  readonly settings: MonitoringSettings;
  readonly connect: ConnectSettings;
  /** Prometheus's namespace (where the connect stack admits it from); Alertmanager and Grafana run beside it. */
  readonly namespace: string;
}

/** Terraform expressions (lists of `host:port`, without `${…}`) of the MSK brokers' exporters, by scrape job. */
interface MskTargets {
  readonly jmx: string;
  readonly node: string;
}

/** The environment's name on every alert, and runbook links under the settings' URL. */
function ruleRenderOptions(context: MonitoringContext): RenderRulesOptions {
  return { environment: context.environment.name, runbookBaseUrl: context.settings.runbookBaseUrl };
}

function metadata(context: MonitoringContext, name: string) {
  return { name, namespace: context.namespace, labels: { ...PART_OF } };
}

/** Alertmanager's and Grafana's pod selector: the workload and the environment it serves. */
function instanceLabels(context: MonitoringContext, name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `cdc-${context.environment.name}` };
}

/**
 * Prometheus (scraping the Connect pods and MSK open monitoring, with the generated rules),
 * Alertmanager (the receiver from the settings) and Grafana (the Prometheus datasource and the
 * generated dashboards provisioned from ConfigMaps), in the Kubernetes cluster of the Connect
 * workers, each a HardenedWorkload. Prometheus runs in the namespace and with the labels that the
 * connect stack's NetworkPolicy admits to the workers' metrics port. Where the cluster runs the
 * Prometheus operator (`prometheusOperator` in the settings), the rules and scrape targets go to
 * the operator's Prometheus as PrometheusRule, PodMonitor and ScrapeConfig objects instead, and
 * Grafana reads that Prometheus.
 */
export class MonitoringStack extends TerraformStack {
  /** The stack's own Prometheus; none where the operator's runs the rules. */
  readonly prometheus?: DeploymentV1;
  readonly alertmanager: DeploymentV1;
  readonly grafana: DeploymentV1;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id);
    const { environment } = props;
    const settings = parseMonitoringSettings(environment, props.settings);
    const connect = requireSetting(environment.infrastructure.connect, 'connect', environment);
    const stateBackend = requireSetting(environment.infrastructure.stateBackend, 'stateBackend', environment);
    const context: MonitoringContext = { environment, pipelines: props.pipelines ?? allPipelines, settings, connect, namespace: connect.restClients.prometheus.namespace };

    configureTerraform(this, id, stateBackend);
    new KubernetesProvider(this, 'kubernetes', { configPath: connect.kubeconfigPath, configContext: connect.kubeconfigContext });
    const mskTargets = this.mskBrokerTargets(environment);
    this.monitoringNamespace(context);
    if (settings.prometheusOperator) this.prometheusOperatorObjects(context, settings.prometheusOperator, mskTargets);
    else this.prometheus = this.prometheusWorkload(context, mskTargets).deployment;
    this.alertmanager = this.alertmanagerWorkload(context).deployment;
    this.grafana = this.grafanaWorkload(context).deployment;
  }

  /** Every MSK broker's open-monitoring endpoints, read by the cluster's name (the kafka stack owns it); none without MSK. */
  private mskBrokerTargets(environment: Environment): MskTargets | undefined {
    const { infrastructure } = environment;
    if (!infrastructure.kafka) return undefined;
    configureAwsProvider(this, environment, requireSetting(infrastructure.aws, 'aws', environment));
    const cluster = new DataAwsMskCluster(this, 'msk-cluster', { clusterName: mskClusterName(environment) });
    const brokers = new DataAwsMskBrokerNodes(this, 'msk-broker-nodes', { clusterArn: cluster.arn });
    const targets = (port: number) => `flatten([for node in ${brokers.fqn}.node_info_list : [for endpoint in node.endpoints : "\${endpoint}:${port}"]])`;
    return { jmx: targets(MSK_JMX_EXPORTER_PORT), node: targets(MSK_NODE_EXPORTER_PORT) };
  }

  /**
   * The operator's share: a PrometheusRule per rule file and ScrapeConfigs for MSK in the monitoring
   * namespace, a PodMonitor beside the workers, each carrying the labels its Prometheus selects by.
   * kubernetes_manifest needs the operator's CRDs in the cluster when Terraform plans.
   */
  private prometheusOperatorObjects(context: MonitoringContext, operator: PrometheusOperatorSettings, msk: MskTargets | undefined): void {
    const { environment, settings } = context;
    const labels = { ...PART_OF, ...operator.selectorLabels };
    const placement: OperatorPlacement = { namespace: context.namespace, labels };
    for (const file of ruleFiles(environment, context.pipelines)) {
      this.manifest(`prometheus-rule-${prometheusRuleName(file)}`, prometheusRule(file, ruleRenderOptions(context), placement));
    }
    this.manifest('connect-pod-monitor', connectPodMonitor(environment, context.connect, labels, settings.prometheus.scrapeInterval));
    this.manifest('supervisor-pod-monitor', supervisorPodMonitor(environment, context.connect, labels, settings.prometheus.scrapeInterval));
    if (!msk) return;
    for (const [job, targets] of [[monitoringConfig.jobs.mskJmx, msk.jmx], [monitoringConfig.jobs.mskNode, msk.node]] as const) {
      // Only validated names in it, and the target list must stay a live Terraform expression: not escaped.
      const scrapeConfig = staticScrapeConfig(`cdc-${environment.name}-${job}`, job, `\${${targets}}`, placement, settings.prometheus.scrapeInterval);
      new Manifest(this, `${job}-scrape-config`, { manifest: { ...scrapeConfig } });
    }
  }

  /** A Kubernetes object as a kubernetes_manifest, its strings escaped for Terraform. */
  private manifest(id: string, object: KubernetesObject): Manifest {
    return new Manifest(this, id, { manifest: terraformLiterals({ ...object }) });
  }

  /** The monitoring namespace, unless the settings say it exists already or it is the workers' own. */
  private monitoringNamespace(context: MonitoringContext): void {
    if (!context.settings.createNamespace || context.namespace === context.connect.namespace) return;
    new NamespaceV1(this, 'namespace', {
      metadata: {
        name: context.namespace,
        labels: { ...PART_OF, 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
      },
    });
  }

  /** Prometheus's service account, allowed to discover pods in the workers' namespace only. */
  private prometheusServiceAccount(context: MonitoringContext): ServiceAccountV1 {
    const workers = context.connect.namespace;
    const serviceAccount = new ServiceAccountV1(this, 'prometheus-service-account', { metadata: metadata(context, 'prometheus'), automountServiceAccountToken: true });
    const discovery = new RoleV1(this, 'prometheus-discovery-role', {
      metadata: { name: 'prometheus-discovery', namespace: workers, labels: { ...PART_OF } },
      rule: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    });
    new RoleBindingV1(this, 'prometheus-discovery-binding', {
      metadata: { name: 'prometheus-discovery', namespace: workers, labels: { ...PART_OF } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: discovery.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace: context.namespace }],
    });
    return serviceAccount;
  }

  /** The persistent volume of Prometheus's TSDB. */
  private prometheusStorage(context: MonitoringContext): PersistentVolumeClaimV1 {
    const { prometheus } = context.settings;
    return new PersistentVolumeClaimV1(this, 'prometheus-storage', {
      metadata: metadata(context, 'prometheus-data'),
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: `${prometheus.storageGiB}Gi` } },
        ...(prometheus.storageClassName ? { storageClassName: prometheus.storageClassName } : {}),
      },
      waitUntilBound: false,
    });
  }

  /** Prometheus: its configuration and the environment's generated rules, pod discovery with its own account, a persistent TSDB. */
  private prometheusWorkload(context: MonitoringContext, msk: MskTargets | undefined): HardenedWorkload {
    const { environment, settings } = context;
    const rules = ruleFiles(environment, context.pipelines).map((file) => ({ fileName: file.fileName, text: renderRuleFile(file, ruleRenderOptions(context)) }));
    const configText = prometheusConfigYaml({
      environment: environment.name,
      scrapeInterval: settings.prometheus.scrapeInterval,
      connectNamespace: context.connect.namespace,
      alertmanager: `alertmanager.${context.namespace}.svc:${ALERTMANAGER_PORT}`,
      msk: msk && { jmx: `\${jsonencode(${msk.jmx})}`, node: `\${jsonencode(${msk.node})}` },
    });
    const serviceAccount = this.prometheusServiceAccount(context);
    const storage = this.prometheusStorage(context);
    return new HardenedWorkload(this, 'prometheus-workload', {
      ids: { deployment: 'prometheus', service: 'prometheus-service' },
      name: 'prometheus',
      namespace: context.namespace,
      labels: PART_OF,
      // The labels the connect stack's NetworkPolicy admits to the workers' metrics port.
      selectorLabels: { ...context.connect.restClients.prometheus.podLabels, 'app.kubernetes.io/component': 'prometheus' },
      strategy: { type: 'Recreate' },
      serviceAccountName: serviceAccount.metadata.name,
      mountsServiceAccountToken: true,
      // configText holds the MSK target expressions as unresolved token strings, numbered by every token
      // the app created before: this checksum moves when earlier stacks create more or fewer tokens.
      configChecksum: checksum(configText, ...rules.map((rule) => rule.text)),
      image: MONITORING_IMAGES.prometheus,
      args: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', `--storage.tsdb.retention.time=${settings.prometheus.retention}`, '--web.enable-lifecycle'],
      ports: [{ name: 'http', port: PROMETHEUS_PORT }],
      resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      probes: {
        readiness: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 10 },
        liveness: { httpGet: { path: '/-/healthy', port: 'http' }, periodSeconds: 30, failureThreshold: 5 },
      },
      configMaps: [
        { id: 'prometheus-config', name: 'prometheus-config', data: { 'prometheus.yml': configText } },
        { id: 'prometheus-rules', name: 'prometheus-rules', data: Object.fromEntries(rules.map((rule) => [rule.fileName, terraformLiteral(rule.text)])) },
      ],
      volumes: [
        { name: 'config', configMapId: 'prometheus-config', mounts: [{ mountPath: '/etc/prometheus/prometheus.yml', subPath: 'prometheus.yml', readOnly: true }] },
        { name: 'rules', configMapId: 'prometheus-rules', mounts: [{ mountPath: RULES_DIRECTORY, readOnly: true }] },
        { name: 'data', source: { persistentVolumeClaim: { claimName: storage.metadata.name } }, mounts: [{ mountPath: '/prometheus' }] },
      ],
      runAsUser: NOBODY,
    });
  }

  /** Alertmanager: the receiver of the settings, its secret (if it has one) mounted as a file. */
  private alertmanagerWorkload(context: MonitoringContext): HardenedWorkload {
    const configText = stringify(alertmanagerConfig(context.settings), { lineWidth: 0 });
    const secret = receiverSecret(context.settings);
    return new HardenedWorkload(this, 'alertmanager-workload', {
      ids: { deployment: 'alertmanager', service: 'alertmanager-service' },
      name: 'alertmanager',
      namespace: context.namespace,
      labels: PART_OF,
      selectorLabels: instanceLabels(context, 'alertmanager'),
      configChecksum: checksum(configText),
      image: MONITORING_IMAGES.alertmanager,
      args: ['--config.file=/etc/alertmanager/alertmanager.yml', '--storage.path=/alertmanager'],
      ports: [{ name: 'http', port: ALERTMANAGER_PORT }],
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
      probes: {
        readiness: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 10 },
        liveness: { httpGet: { path: '/-/healthy', port: 'http' }, periodSeconds: 30 },
      },
      configMaps: [{ id: 'alertmanager-config', name: 'alertmanager-config', data: { 'alertmanager.yml': terraformLiteral(configText) } }],
      volumes: [
        { name: 'config', configMapId: 'alertmanager-config', mounts: [{ mountPath: '/etc/alertmanager/alertmanager.yml', subPath: 'alertmanager.yml', readOnly: true }] },
        { name: 'data', mounts: [{ mountPath: '/alertmanager' }] },
        ...(secret
          ? [{ name: 'receiver-secret', source: { secret: { secretName: secret.name, items: [{ key: secret.key, path: secret.key }] } }, mounts: [{ mountPath: ALERTMANAGER_SECRETS_DIRECTORY, readOnly: true }] }]
          : []),
      ],
      runAsUser: NOBODY,
      volumesOwnedByUser: false,
    });
  }

  /** Grafana: the Prometheus datasource and the generated dashboards provisioned from ConfigMaps, the admin credentials from a Secret. */
  private grafanaWorkload(context: MonitoringContext): HardenedWorkload {
    const { datasources, providers, dashboardFiles } = grafanaProvisioning(context);
    const { adminSecret } = context.settings.grafana;
    return new HardenedWorkload(this, 'grafana-workload', {
      ids: { deployment: 'grafana', service: 'grafana-service' },
      name: 'grafana',
      namespace: context.namespace,
      labels: PART_OF,
      selectorLabels: instanceLabels(context, 'grafana'),
      configChecksum: checksum(datasources, providers, ...dashboardFiles.map((file) => file.text)),
      image: MONITORING_IMAGES.grafana,
      ports: [{ name: 'http', port: GRAFANA_PORT }],
      env: [
        { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: adminSecret.name, key: adminSecret.userKey } } },
        { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: adminSecret.name, key: adminSecret.passwordKey } } },
        { name: 'GF_USERS_ALLOW_SIGN_UP', value: 'false' },
        { name: 'GF_AUTH_ANONYMOUS_ENABLED', value: 'false' },
        { name: 'GF_ANALYTICS_REPORTING_ENABLED', value: 'false' },
      ],
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      probes: {
        readiness: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 10 },
        liveness: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 30 },
      },
      configMaps: [
        { id: 'grafana-provisioning', name: 'grafana-provisioning', data: { 'datasources.yaml': datasources, 'dashboards.yaml': providers } },
        { id: 'grafana-dashboards', name: 'grafana-dashboards', data: Object.fromEntries(dashboardFiles.map((file) => [file.fileName, terraformLiteral(file.text)])) },
      ],
      volumes: [
        {
          name: 'provisioning',
          configMapId: 'grafana-provisioning',
          mounts: [
            { mountPath: '/etc/grafana/provisioning/datasources/datasources.yaml', subPath: 'datasources.yaml', readOnly: true },
            { mountPath: '/etc/grafana/provisioning/dashboards/dashboards.yaml', subPath: 'dashboards.yaml', readOnly: true },
          ],
        },
        { name: 'dashboards', configMapId: 'grafana-dashboards', mounts: [{ mountPath: GRAFANA_DASHBOARDS_DIRECTORY, readOnly: true }] },
        // Grafana's own database and plugins: state that provisioning recreates on start.
        { name: 'data', mounts: [{ mountPath: '/var/lib/grafana' }] },
        { name: 'tmp', mounts: [{ mountPath: '/tmp' }] },
      ],
      runAsUser: GRAFANA_USER,
    });
  }
}

/**
 * Grafana's provisioning files (the Prometheus datasource, the dashboard provider) and the
 * environment's generated dashboards. The datasource keeps its uid whichever Prometheus it reads
 * (the stack's own, or the operator's): it is the default of the dashboards' datasource variable.
 */
function grafanaProvisioning(context: MonitoringContext): { datasources: string; providers: string; dashboardFiles: { fileName: string; text: string }[] } {
  const url = context.settings.prometheusOperator?.prometheusUrl ?? `http://prometheus.${context.namespace}.svc:${PROMETHEUS_PORT}`;
  const datasources = stringify({
    apiVersion: 1,
    datasources: [{ name: 'Prometheus', uid: PROMETHEUS_DATASOURCE_UID, type: 'prometheus', access: 'proxy', url, isDefault: true, editable: false }],
  });
  const providers = stringify({
    apiVersion: 1,
    providers: [{ name: 'cdc-platform', folder: 'CDC platform', type: 'file', disableDeletion: true, allowUiUpdates: false, options: { path: GRAFANA_DASHBOARDS_DIRECTORY } }],
  });
  const dashboardFiles = dashboards(context.environment, context.pipelines).map((dashboard) => ({ fileName: dashboard.fileName, text: dashboardJson(dashboard) }));
  return { datasources, providers, dashboardFiles };
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
      {
        // The supervisor beside the workers (the connect stack's), its cdc_supervisor_* metrics.
        job_name: jobs.supervisor,
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [options.connectNamespace] } }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: CONNECT_SUPERVISOR_APP_NAME, action: 'keep' },
          { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'metrics', action: 'keep' },
          { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: String(SUPERVISOR_METRICS_PORT), action: 'keep' },
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

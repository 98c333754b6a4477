import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { DataAwsMskBrokerNodes } from '@cdktf/provider-aws/lib/data-aws-msk-broker-nodes';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ruleFiles } from '../../../alerts';
import { monitoringConfig } from '../../../alerts/config';
import { prometheusRuleGroups } from '../../../alerts/rule-file';
import type { Environment } from '../../../config';
import { dashboards, PROMETHEUS_DATASOURCE_UID } from '../../../dashboards';
import { terraformLiteral } from '../../../stacks/common';
import { MONITORING_IMAGES, MonitoringStack, prometheusConfigYaml, type MonitoringSettingsInput } from '../../../stacks/monitoring-stack';
import { environment, parsed, resources, synth, type Synthesized } from './fixtures';

Testing.setupJest();

const RUNBOOKS = 'https://github.com/acme/mongo-cdc-platform/blob/main/docs/runbooks';

const SETTINGS: MonitoringSettingsInput = {
  receiver: { kind: 'slack', channel: '#cdc-alerts', webhookUrlSecret: { name: 'alertmanager-slack', key: 'webhook-url' } },
  grafana: { adminSecret: { name: 'grafana-admin', userKey: 'user', passwordKey: 'password' } },
  runbookBaseUrl: RUNBOOKS,
};

const OPERATOR = { selectorLabels: { release: 'kube-prometheus-stack' }, prometheusUrl: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090' };

function monitoringStack(env: Environment = environment(), settings: MonitoringSettingsInput = SETTINGS): string {
  return synth((app) => new MonitoringStack(app, 'monitoring-test', { environment: env, settings }));
}

const configMap = (json: string, name: string): Synthesized => resources(json, 'kubernetes_config_map_v1').find((map) => map.metadata.name === name)!;
const deployment = (json: string, name: string): Synthesized => resources(json, 'kubernetes_deployment_v1').find((item) => item.metadata.name === name)!;

describe('monitoring stack: Prometheus', () => {
  const json = monitoringStack();
  const config = configMap(json, 'prometheus-config').data['prometheus.yml'] as string;

  it('runs where the connect stack admits Prometheus: its namespace and pod labels', () => {
    const env = environment();
    const admitted = env.infrastructure.connect!.restClients.prometheus;
    const prometheus = deployment(json, 'prometheus');
    expect(prometheus.metadata.namespace).toBe(admitted.namespace);
    expect(prometheus.spec.template.metadata.labels).toMatchObject(admitted.podLabels);
  });

  it('scrapes the Connect pods\' metrics port through pod discovery in the workers\' namespace', () => {
    const scrape = (parse(config.replace(/targets: \$\{.*\}/g, 'targets: []')) as { scrape_configs: Synthesized[] }).scrape_configs;
    const connect = scrape.find((job) => job.job_name === monitoringConfig.jobs.connect)!;
    expect(connect.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['cdc-platform'] } }]);
    expect(connect.relabel_configs).toEqual(
      expect.arrayContaining([
        { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'kafka-connect', action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: '9404', action: 'keep' },
      ]),
    );
    const role = resources(json, 'kubernetes_role_v1')[0]!;
    expect(role.metadata.namespace).toBe('cdc-platform');
    expect(role.rule).toEqual([{ api_groups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
  });

  it('scrapes every MSK broker on 11001 (JMX) and 11002 (node exporter), listed by Terraform from the cluster', () => {
    expect(Object.keys(parsed(json).data[DataAwsMskBrokerNodes.tfResourceType])).toEqual(['msk-broker-nodes']);
    expect(config).toMatch(/job_name: msk-jmx\n\s+static_configs:\n\s+- targets: \$\{jsonencode\(flatten\(\[for node in data\.aws_msk_broker_nodes\.msk-broker-nodes\.node_info_list : \[for endpoint in node\.endpoints : "\$\{endpoint\}:11001"\]\]\)\)\}/);
    expect(config).toMatch(/job_name: msk-node\n\s+static_configs:\n\s+- targets: \$\{jsonencode\(.*"\$\{endpoint\}:11002"\]\]\)\)\}/);
  });

  it('loads the generated rule files of the environment, one ConfigMap key each', () => {
    const keys = Object.keys(configMap(json, 'prometheus-rules').data).sort();
    expect(keys).toEqual(ruleFiles(environment()).map((file) => file.fileName).sort());
    expect(config).toContain('- /etc/prometheus/rules/*.yaml');
    expect(configMap(json, 'prometheus-rules').data['test-platform.yaml']).toContain('alert: KafkaConnectWorkerRebalancing');
  });

  it('links every alert to its runbook under the settings\' https URL, which Slack and PagerDuty can open', () => {
    const rules = Object.values(configMap(json, 'prometheus-rules').data as Record<string, string>).join('\n');
    const links = [...rules.matchAll(/runbook_url: (\S+)/g)].map((match) => match[1]!);
    expect(links.length).toBeGreaterThan(10);
    for (const link of links) expect(link).toMatch(/^https:\/\/github\.com\/acme\/mongo-cdc-platform\/blob\/main\/docs\/runbooks\/[a-z-]+\.md(#[a-z-]+)?$/);
  });

  it('creates no Prometheus operator objects when the cluster has no operator', () => {
    expect(resources(json, Manifest.tfResourceType)).toEqual([]);
  });

  it('keeps 30 days on a persistent volume and sends alerts to Alertmanager', () => {
    expect(deployment(json, 'prometheus').spec.template.spec.container[0].args).toContain('--storage.tsdb.retention.time=30d');
    expect(resources(json, 'kubernetes_persistent_volume_claim_v1')[0]!.spec.resources.requests).toEqual({ storage: '50Gi' });
    expect(config).toContain('alertmanager.monitoring.svc:9093');
    expect(config).toContain('environment: test');
  });

  it('runs the pinned images as non-root with read-only roots and no capabilities', () => {
    for (const [name, image] of Object.entries(MONITORING_IMAGES)) {
      const item = deployment(json, name);
      const container = item.spec.template.spec.container[0];
      expect(container.image).toBe(image);
      expect(item.spec.template.spec.security_context.run_as_non_root).toBe(true);
      expect(container.security_context).toMatchObject({ read_only_root_filesystem: true, allow_privilege_escalation: false, capabilities: { drop: ['ALL'] } });
    }
  });

  it('uses the kubernetes provider of the workers\' cluster', () => {
    expect(parsed(json).provider[KubernetesProvider.tfResourceType]).toEqual([expect.objectContaining({ config_context: 'test-cluster' })]);
  });
});

describe('monitoring stack: Alertmanager', () => {
  const alertmanagerYaml = (json: string) => parse(configMap(json, 'alertmanager-config').data['alertmanager.yml']) as Synthesized;

  it('sends to the Slack receiver of the settings, the webhook URL read from a mounted Secret', () => {
    const json = monitoringStack();
    const config = alertmanagerYaml(json);
    expect(config.receivers).toEqual([
      { name: 'cdc-platform', slack_configs: [{ channel: '#cdc-alerts', api_url_file: '/etc/alertmanager/secrets/webhook-url', send_resolved: true }] },
    ]);
    const volumes = deployment(json, 'alertmanager').spec.template.spec.volume as Synthesized[];
    expect(volumes).toContainEqual({ name: 'receiver-secret', secret: { secret_name: 'alertmanager-slack', items: [{ key: 'webhook-url', path: 'webhook-url' }] } });
  });

  it('supports PagerDuty and a plain webhook', () => {
    const pagerduty = alertmanagerYaml(monitoringStack(environment(), { ...SETTINGS, receiver: { kind: 'pagerduty', routingKeySecret: { name: 'pd', key: 'routing-key' } } }));
    expect(pagerduty.receivers[0].pagerduty_configs[0].routing_key_file).toBe('/etc/alertmanager/secrets/routing-key');
    const webhook = monitoringStack(environment(), { ...SETTINGS, receiver: { kind: 'webhook', url: 'http://alert-relay.ops.svc:8080/hook' } });
    expect(alertmanagerYaml(webhook).receivers[0].webhook_configs[0].url).toBe('http://alert-relay.ops.svc:8080/hook');
    expect(deployment(webhook, 'alertmanager').spec.template.spec.volume).not.toContainEqual(expect.objectContaining({ name: 'receiver-secret' }));
  });

  it('lets a critical alert silence its warning twin', () => {
    expect(alertmanagerYaml(monitoringStack()).inhibit_rules[0]).toMatchObject({ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'] });
  });

  it('reports every invalid setting at once, naming the environment and field', () => {
    expect(() =>
      monitoringStack(environment(), { receiver: { kind: 'slack', channel: 'no-hash', webhookUrlSecret: { name: 'Bad Name', key: 'k' } }, grafana: SETTINGS.grafana }),
    ).toThrow(/environment test: monitoring\.receiver\.channel: .*\n.*environment test: monitoring\.receiver\.webhookUrlSecret\.name/);
  });
});

describe('monitoring stack: Grafana', () => {
  const json = monitoringStack();

  it('provisions the Prometheus datasource under the uid the dashboards use', () => {
    const datasources = parse(configMap(json, 'grafana-provisioning').data['datasources.yaml']) as Synthesized;
    expect(datasources.datasources[0]).toMatchObject({ uid: PROMETHEUS_DATASOURCE_UID, type: 'prometheus', url: 'http://prometheus.monitoring.svc:9090' });
  });

  it('provisions every generated dashboard of the environment from a ConfigMap', () => {
    const data = configMap(json, 'grafana-dashboards').data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(dashboards(environment()).map((dashboard) => dashboard.fileName).sort());
    expect(JSON.stringify(data).length).toBeLessThan(900_000); // a ConfigMap holds at most 1 MiB
  });

  it('reads the admin credentials from a Secret, never a literal', () => {
    const env = deployment(json, 'grafana').spec.template.spec.container[0].env as Synthesized[];
    expect(env.find((variable) => variable.name === 'GF_SECURITY_ADMIN_PASSWORD')).toEqual({
      name: 'GF_SECURITY_ADMIN_PASSWORD',
      value_from: { secret_key_ref: { name: 'grafana-admin', key: 'password' } },
    });
  });
});

describe('monitoring stack: a cluster that runs the Prometheus operator', () => {
  // GIVEN the operator's selector labels and Prometheus in the settings
  const json = monitoringStack(environment(), { ...SETTINGS, prometheusOperator: OPERATOR });
  const manifests = (kind: string): Synthesized[] => resources(json, Manifest.tfResourceType).map((resource) => resource.manifest).filter((object) => object.kind === kind);
  const labels = { 'app.kubernetes.io/part-of': 'mongo-cdc-platform', 'app.kubernetes.io/managed-by': 'cdktf', release: 'kube-prometheus-stack' };

  it('runs no Prometheus of its own: no Deployment, volume, account, discovery role or configuration', () => {
    // THEN
    expect(resources(json, 'kubernetes_deployment_v1').map((item) => item.metadata.name).sort()).toEqual(['alertmanager', 'grafana']);
    for (const type of ['kubernetes_persistent_volume_claim_v1', 'kubernetes_service_account_v1', 'kubernetes_role_v1', 'kubernetes_role_binding_v1']) expect(resources(json, type)).toEqual([]);
    expect(resources(json, 'kubernetes_config_map_v1').map((map) => map.metadata.name)).not.toEqual(expect.arrayContaining(['prometheus-config']));
    expect(resources(json, 'kubernetes_config_map_v1').map((map) => map.metadata.name)).not.toContain('prometheus-rules');
  });

  it('hands every rule file to the operator as a PrometheusRule with the labels its Prometheus selects by', () => {
    // THEN
    const env = environment();
    const expected = ruleFiles(env).map((file) => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: `cdc-${file.fileName.replace('.yaml', '')}`, namespace: 'monitoring', labels },
      spec: prometheusRuleGroups(file, { environment: env.name, runbookBaseUrl: RUNBOOKS }),
    }));
    const byName = (a: Synthesized, b: Synthesized) => String(a.metadata.name).localeCompare(String(b.metadata.name));
    expect(manifests('PrometheusRule').sort(byName)).toEqual(expected.sort(byName));
    expect(JSON.stringify(manifests('PrometheusRule'))).toContain(`"runbook_url":"${RUNBOOKS}/worker-rebalancing.md"`);
    expect(json).toHaveResourceWithProperties(Manifest, { manifest: expect.objectContaining({ kind: 'PrometheusRule', metadata: expect.objectContaining({ name: 'cdc-test-platform' }) }) });
  });

  it('scrapes the Connect workers and their supervisor through PodMonitors beside them, under the job names the local Prometheus uses too', () => {
    // THEN
    expect(manifests('PodMonitor')).toEqual([
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PodMonitor',
        metadata: { name: 'cdc-test-kafka-connect', namespace: 'cdc-platform', labels },
        spec: {
          selector: { matchLabels: { 'app.kubernetes.io/name': 'kafka-connect' } },
          namespaceSelector: { matchNames: ['cdc-platform'] },
          podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', relabelings: [{ targetLabel: 'job', replacement: monitoringConfig.jobs.connect }] }],
        },
      },
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PodMonitor',
        metadata: { name: 'cdc-test-kafka-connect-supervisor', namespace: 'cdc-platform', labels },
        spec: {
          selector: { matchLabels: { 'app.kubernetes.io/name': 'kafka-connect-supervisor' } },
          namespaceSelector: { matchNames: ['cdc-platform'] },
          podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', relabelings: [{ targetLabel: 'job', replacement: monitoringConfig.jobs.supervisor }] }],
        },
      },
    ]);
  });

  it('scrapes every MSK broker on 11001 and 11002 through ScrapeConfigs whose targets Terraform lists from the cluster', () => {
    // THEN
    const scrapeConfigs = manifests('ScrapeConfig');
    expect(scrapeConfigs.map((object) => [object.apiVersion, object.metadata.name, object.spec.relabelings])).toEqual([
      ['monitoring.coreos.com/v1alpha1', 'cdc-test-msk-jmx', [{ targetLabel: 'job', replacement: 'msk-jmx' }]],
      ['monitoring.coreos.com/v1alpha1', 'cdc-test-msk-node', [{ targetLabel: 'job', replacement: 'msk-node' }]],
    ]);
    const targets = scrapeConfigs.map((object) => object.spec.staticConfigs[0].targets as string);
    expect(targets[0]).toBe('${flatten([for node in data.aws_msk_broker_nodes.msk-broker-nodes.node_info_list : [for endpoint in node.endpoints : "${endpoint}:11001"]])}');
    expect(targets[1]).toContain('"${endpoint}:11002"');
  });

  it('points Grafana at the operator\'s Prometheus, under the uid the dashboards default to', () => {
    // THEN
    const datasources = parse(configMap(json, 'grafana-provisioning').data['datasources.yaml']) as Synthesized;
    expect(datasources.datasources).toEqual([expect.objectContaining({ uid: PROMETHEUS_DATASOURCE_UID, type: 'prometheus', url: OPERATOR.prometheusUrl })]);
  });

  it('escapes template sequences in the objects it hands to Terraform', () => {
    // THEN every `${` left in the manifests is one of the two target lists
    const live = JSON.stringify(resources(json, Manifest.tfResourceType)).match(/(?<!\$)\$\{(?!endpoint\})/g) ?? [];
    expect(live).toHaveLength(2);
  });
});

describe('monitoring stack: Terraform templates', () => {
  it('escapes ${ and %{ in literal contents', () => {
    expect(terraformLiteral('a ${b} %{c} $d {{ $labels.x }}')).toBe('a $${b} %%{c} $d {{ $labels.x }}');
  });

  it('writes a prometheus.yml without MSK targets when there is no MSK', () => {
    const text = prometheusConfigYaml({ environment: 'x', scrapeInterval: '30s', connectNamespace: 'ns', alertmanager: 'am:9093' });
    expect(parse(text).scrape_configs.map((job: Synthesized) => job.job_name)).toEqual([monitoringConfig.jobs.connect, monitoringConfig.jobs.supervisor]);
  });

  it("scrapes the supervisor's metrics port beside the workers, by its own pod name, as job cdc-supervisor", () => {
    const text = prometheusConfigYaml({ environment: 'x', scrapeInterval: '30s', connectNamespace: 'ns', alertmanager: 'am:9093' });
    const job = parse(text).scrape_configs.find((each: Synthesized) => each.job_name === 'cdc-supervisor');
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['ns'] } }]);
    expect(job.relabel_configs).toEqual(
      expect.arrayContaining([
        { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'kafka-connect-supervisor', action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: '9406', action: 'keep' },
      ]),
    );
  });
});

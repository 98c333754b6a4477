import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { DataAwsMskBrokerNodes } from '@cdktf/provider-aws/lib/data-aws-msk-broker-nodes';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ruleFiles } from '../../../alerts';
import { monitoringConfig } from '../../../alerts/config';
import type { Environment } from '../../../config';
import { dashboards, PROMETHEUS_DATASOURCE_UID } from '../../../dashboards';
import { terraformLiteral } from '../../../stacks/common';
import { MONITORING_IMAGES, MonitoringStack, prometheusConfigYaml, type MonitoringSettingsInput } from '../../../stacks/monitoring-stack';
import { environment, parsed, resources, synth, type Synthesized } from './fixtures';

Testing.setupJest();

const SETTINGS: MonitoringSettingsInput = {
  receiver: { kind: 'slack', channel: '#cdc-alerts', webhookUrlSecret: { name: 'alertmanager-slack', key: 'webhook-url' } },
  grafana: { adminSecret: { name: 'grafana-admin', userKey: 'user', passwordKey: 'password' } },
};

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

describe('monitoring stack: Terraform templates', () => {
  it('escapes ${ and %{ in literal contents', () => {
    expect(terraformLiteral('a ${b} %{c} $d {{ $labels.x }}')).toBe('a $${b} %%{c} $d {{ $labels.x }}');
  });

  it('writes a prometheus.yml without MSK targets when there is no MSK', () => {
    const text = prometheusConfigYaml({ environment: 'x', scrapeInterval: '30s', connectNamespace: 'ns', alertmanager: 'am:9093' });
    expect(parse(text).scrape_configs.map((job: Synthesized) => job.job_name)).toEqual([monitoringConfig.jobs.connect]);
  });
});

import { ruleFiles } from '../alerts';
import { monitoringConfig } from '../alerts/config';
import { prometheusRuleGroups, ruleFileOptions, type RenderRulesOptions } from '../alerts/rule-file';
import type { RuleFile } from '../alerts/types';
import type { Environment } from '../config';
import type { ConnectSettings } from '../config/infrastructure';
import type { PipelineDefinition } from '../connectors/pipelines';
import { CONNECT_APP_NAME, CONNECT_SUPERVISOR_APP_NAME } from './names';

/**
 * What a cluster running the Prometheus operator (kube-prometheus-stack, say) takes instead of rule
 * files and a prometheus.yml: a PrometheusRule per rule file and a PodMonitor for the Connect
 * workers and one for their supervisor, as plain Kubernetes objects. Pure: `cdcctl monitoring render --format prometheus-operator`
 * writes them as YAML, the monitoring stack applies them as `kubernetes_manifest` resources.
 */

export const PROMETHEUS_OPERATOR_API_VERSION = 'monitoring.coreos.com/v1';
/** ScrapeConfig (static targets outside the cluster, such as MSK's brokers) is still v1alpha1. */
export const SCRAPE_CONFIG_API_VERSION = 'monitoring.coreos.com/v1alpha1';

/** The connect stack names the workers' JMX exporter port and the supervisor's metrics port `metrics` (their container ports). */
const CONNECT_METRICS_PORT_NAME = 'metrics';

export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels: Readonly<Record<string, string>> };
  readonly spec: Record<string, unknown>;
}

/** Where the objects go and how the operator finds them. */
export interface OperatorPlacement {
  /** Namespace of the PrometheusRule and ScrapeConfig objects. @default none: the namespace `kubectl apply -n` gives */
  readonly namespace?: string;
  /** The labels the operator's Prometheus selects by, beside the platform's own. */
  readonly labels: Readonly<Record<string, string>>;
}

/** `cdc-<rule file name>`: `production-platform.yaml` → `cdc-production-platform`. */
export function prometheusRuleName(file: RuleFile): string {
  return `cdc-${file.fileName.replace(/\.yaml$/, '')}`;
}

/** The PodMonitor's name: one per environment, so several environments can share a cluster. */
export function connectPodMonitorName(environment: Environment): string {
  return `cdc-${environment.name}-${CONNECT_APP_NAME}`;
}

/** A rule file as a PrometheusRule: the same groups, labels and annotations Prometheus would load from the file. */
export function prometheusRule(file: RuleFile, options: RenderRulesOptions, placement: OperatorPlacement): KubernetesObject {
  return {
    apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
    kind: 'PrometheusRule',
    metadata: { name: prometheusRuleName(file), ...namespaced(placement.namespace), labels: { ...placement.labels } },
    spec: prometheusRuleGroups(file, options),
  };
}

/**
 * The Connect workers' metrics port, scraped as the monitoring stack's own Prometheus scrapes it:
 * the pods of the workers' namespace named `kafka-connect`, port `metrics`, and the job label the
 * rules select on (the operator's own would be `<namespace>/<PodMonitor name>`).
 */
export function connectPodMonitor(environment: Environment, connect: ConnectSettings, labels: Readonly<Record<string, string>>, scrapeInterval?: string): KubernetesObject {
  return {
    apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
    kind: 'PodMonitor',
    metadata: { name: connectPodMonitorName(environment), namespace: connect.namespace, labels: { ...labels } },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': CONNECT_APP_NAME } },
      namespaceSelector: { matchNames: [connect.namespace] },
      podMetricsEndpoints: [
        {
          port: CONNECT_METRICS_PORT_NAME,
          path: '/metrics',
          // Absent: the operator's Prometheus scrapes at its own interval.
          ...(scrapeInterval ? { interval: scrapeInterval } : {}),
          relabelings: [{ targetLabel: 'job', replacement: monitoringConfig.jobs.connect }],
        },
      ],
    },
  };
}

/** The supervisor's PodMonitor's name, one per environment like the workers'. */
export function supervisorPodMonitorName(environment: Environment): string {
  return `cdc-${environment.name}-${CONNECT_SUPERVISOR_APP_NAME}`;
}

/**
 * The supervisor's metrics port (`metrics`, cdc_supervisor_*), beside the workers, under the job the
 * local Prometheus gives it too. The rules on its metrics select by connector, not by job.
 */
export function supervisorPodMonitor(environment: Environment, connect: ConnectSettings, labels: Readonly<Record<string, string>>, scrapeInterval?: string): KubernetesObject {
  return {
    apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
    kind: 'PodMonitor',
    metadata: { name: supervisorPodMonitorName(environment), namespace: connect.namespace, labels: { ...labels } },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': CONNECT_SUPERVISOR_APP_NAME } },
      namespaceSelector: { matchNames: [connect.namespace] },
      podMetricsEndpoints: [
        {
          port: CONNECT_METRICS_PORT_NAME,
          path: '/metrics',
          ...(scrapeInterval ? { interval: scrapeInterval } : {}),
          relabelings: [{ targetLabel: 'job', replacement: monitoringConfig.jobs.supervisor }],
        },
      ],
    },
  };
}

/**
 * Static targets outside the cluster under one job name (MSK's open-monitoring exporters); `targets`
 * is whatever the caller's tool turns into a list (the monitoring stack: a Terraform expression).
 */
export function staticScrapeConfig(name: string, job: string, targets: unknown, placement: OperatorPlacement, scrapeInterval: string): KubernetesObject {
  return {
    apiVersion: SCRAPE_CONFIG_API_VERSION,
    kind: 'ScrapeConfig',
    metadata: { name, ...namespaced(placement.namespace), labels: { ...placement.labels } },
    spec: { scrapeInterval, staticConfigs: [{ targets }], relabelings: [{ targetLabel: 'job', replacement: job }] },
  };
}

/**
 * Everything `cdcctl monitoring render --format prometheus-operator` writes for one environment: its
 * PrometheusRules, and the PodMonitor where the environment runs Connect on Kubernetes. Namespaces
 * and selector labels come from its infrastructure block when it has one.
 */
export function prometheusOperatorObjects(environment: Environment, pipelines?: readonly PipelineDefinition[]): KubernetesObject[] {
  const { connect, monitoring } = environment.infrastructure;
  const labels = { 'app.kubernetes.io/part-of': 'mongo-cdc-platform', ...monitoring?.prometheusOperator?.selectorLabels };
  const placement: OperatorPlacement = { namespace: connect?.restClients.prometheus.namespace, labels };
  const rules = ruleFiles(environment, pipelines).map((file) => prometheusRule(file, ruleFileOptions(environment), placement));
  if (!connect) return rules;
  const interval = monitoring?.prometheus.scrapeInterval;
  return [...rules, connectPodMonitor(environment, connect, labels, interval), supervisorPodMonitor(environment, connect, labels, interval)];
}

function namespaced(namespace: string | undefined): { namespace?: string } {
  return namespace === undefined ? {} : { namespace };
}

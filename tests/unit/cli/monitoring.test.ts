import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ruleFiles } from '../../../alerts';
import { jmxExporterConfigYaml } from '../../../alerts/jmx-exporter';
import { loadAllEnvironments, loadEnvironment } from '../../../config';
import { buildProgram } from '../../../cli/cdcctl';
import { monitoringFiles } from '../../../cli/commands/monitoring';
import { runCdcctl } from './run-cdcctl';

describe('cdcctl monitoring render', () => {
  it('lays out alerts/*.yaml, dashboards/*.json and jmx-exporter/*.yaml, each path once', () => {
    const files = monitoringFiles(loadAllEnvironments());
    const paths = files.map((file) => file.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const path of paths) expect(path).toMatch(/^(alerts\/[a-z0-9-]+\.yaml|dashboards\/[a-z0-9-]+\.json|jmx-exporter\/[a-z0-9-]+\.yaml)$/);
    expect(files.find((file) => file.path === 'jmx-exporter/kafka-connect.yaml')?.content).toBe(jmxExporterConfigYaml());
    for (const environment of loadAllEnvironments()) {
      expect(paths).toContain(`alerts/${environment.name}-platform.yaml`);
      expect(paths).toContain(`dashboards/cdc-operations-${environment.name}.json`);
    }
  });

  it('writes the files, and --check finds them up to date, then finds a drifted one', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cdc-monitoring-render-'));
    const run = async (...args: string[]) => {
      process.exitCode = undefined;
      await buildProgram().parseAsync(['node', 'cdcctl', 'monitoring', 'render', '--out', out, ...args]);
      const code = process.exitCode;
      process.exitCode = undefined;
      return code;
    };
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await run('--env', 'local');
      const rules = parse(readFileSync(join(out, 'alerts', 'local-platform.yaml'), 'utf8')) as { groups: { name: string }[] };
      expect(rules.groups[0]!.name).toBe('cdc-platform');
      expect(JSON.parse(readFileSync(join(out, 'dashboards', 'cdc-business-local.json'), 'utf8')).uid).toBe('cdc-business-local');
      expect(await run('--env', 'local', '--check')).toBe(0);
      writeFileSync(join(out, 'alerts', 'local-platform.yaml'), 'groups: []\n');
      expect(await run('--env', 'local', '--check')).toBe(2);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(loadEnvironment('local').name).toBe('local');
  });

  it('links staging\'s and production\'s alerts to the runbooks by https URL, local\'s into this repository', () => {
    const links = (environment: string) => {
      const files = monitoringFiles([loadEnvironment(environment)]).filter((file) => file.path.startsWith('alerts/'));
      return files.flatMap((file) => [...file.content.matchAll(/runbook_url: (\S+)/g)].map((match) => match[1]!));
    };
    for (const environment of ['staging', 'production']) {
      const base = loadEnvironment(environment).infrastructure.monitoring!.runbookBaseUrl!;
      expect(base).toMatch(/^https:\/\//);
      expect(links(environment).length).toBeGreaterThan(10);
      expect(links(environment).filter((link) => !link.startsWith(`${base}/`))).toEqual([]);
    }
    expect(links('local').filter((link) => !link.startsWith('docs/runbooks/'))).toEqual([]);
  });

  it('--format prometheus-operator writes a PrometheusRule per rule file and PodMonitors (workers, supervisor), instead of alerts/', () => {
    const production = loadEnvironment('production');
    const files = monitoringFiles([production], 'prometheus-operator');
    const paths = files.map((file) => file.path);
    expect(paths.filter((path) => path.startsWith('alerts/'))).toEqual([]);
    expect(paths.filter((path) => path.startsWith('dashboards/'))).toEqual(monitoringFiles([production]).map((file) => file.path).filter((path) => path.startsWith('dashboards/')));
    const objects = files.filter((file) => file.path.startsWith('prometheus-operator/')).map((file) => ({ path: file.path, object: parse(file.content) }));
    const rules = objects.filter(({ object }) => object.kind === 'PrometheusRule');
    expect(rules.map(({ path }) => path).sort()).toEqual(ruleFiles(production).map((file) => `prometheus-operator/prometheusrule-cdc-${file.fileName}`).sort());
    for (const { object } of rules) {
      expect(object).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', metadata: { namespace: 'monitoring', labels: { 'app.kubernetes.io/part-of': 'mongo-cdc-platform' } } });
    }
    const platform = rules.find(({ path }) => path.endsWith('cdc-production-platform.yaml'))!.object;
    expect(platform.spec.groups[0].rules).toContainEqual(
      expect.objectContaining({ alert: 'KafkaConnectWorkerDown', expr: 'up{job="kafka-connect"} == 0', annotations: expect.objectContaining({ runbook_url: expect.stringMatching(/^https:\/\/.+\/worker-rebalancing\.md#worker-down$/) }) }),
    );
    const monitors = objects.filter(({ object }) => object.kind === 'PodMonitor');
    expect(monitors).toEqual([
      {
        path: 'prometheus-operator/podmonitor-cdc-production-kafka-connect.yaml',
        object: expect.objectContaining({ metadata: expect.objectContaining({ namespace: 'cdc-platform' }), spec: expect.objectContaining({ podMetricsEndpoints: [expect.objectContaining({ port: 'metrics', relabelings: [{ targetLabel: 'job', replacement: 'kafka-connect' }] })] }) }),
      },
      {
        path: 'prometheus-operator/podmonitor-cdc-production-kafka-connect-supervisor.yaml',
        object: expect.objectContaining({
          metadata: expect.objectContaining({ namespace: 'cdc-platform' }),
          spec: expect.objectContaining({ selector: { matchLabels: { 'app.kubernetes.io/name': 'kafka-connect-supervisor' } }, podMetricsEndpoints: [expect.objectContaining({ port: 'metrics', relabelings: [{ targetLabel: 'job', replacement: 'cdc-supervisor' }] })] }),
        }),
      },
    ]);
    expect(files.find((file) => file.path === monitors[0]!.path)!.content).toMatch(/^# Generated by cdcctl monitoring render --format prometheus-operator \(environment production\); do not edit\.\n/);
  });

  it('--format prometheus-operator writes no PodMonitor for an environment without Connect on Kubernetes (local)', () => {
    const kinds = monitoringFiles([loadEnvironment('local')], 'prometheus-operator').filter((file) => file.path.startsWith('prometheus-operator/')).map((file) => parse(file.content).kind);
    expect(new Set(kinds)).toEqual(new Set(['PrometheusRule']));
  });

  it('--check finds operator objects up to date, exits 2 for one that would change, and refuses an unknown format', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cdc-monitoring-operator-'));
    const run = async (...args: string[]) => {
      process.exitCode = undefined;
      await buildProgram().parseAsync(['node', 'cdcctl', 'monitoring', 'render', '--out', out, '--env', 'staging', ...args]);
      const code = process.exitCode;
      process.exitCode = undefined;
      return code;
    };
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await run('--format', 'prometheus-operator');
      expect(await run('--format', 'prometheus-operator', '--check')).toBe(0);
      writeFileSync(join(out, 'prometheus-operator', 'podmonitor-cdc-staging-kafka-connect.yaml'), 'kind: PodMonitor\n');
      expect(await run('--format', 'prometheus-operator', '--check')).toBe(2);
      await expect(run('--format', 'helm')).rejects.toThrow('--format: must be one of files, prometheus-operator (got "helm")');
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  });

  it('lists the alerts of an environment with severity, for, group and expression', async () => {
    const lines: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await buildProgram().parseAsync(['node', 'cdcctl', 'monitoring', 'alerts', '--env', 'local']);
    } finally {
      stdout.mockRestore();
    }
    const rows = lines.join('').trim().split('\n').map((line) => line.split('\t'));
    expect(rows).toContainEqual(['CdcSinkConsumerLagHigh', 'warning', '5m', 'cdc-pipeline-orders', 'cdc:pipeline_sink_lag_records{pipeline="orders"} > 10000']);
    expect(rows.every((row) => row.length === 5)).toBe(true);
  });

  it('lists the same alerts as JSON with --output json, each an object with its five fields', async () => {
    const text = await runCdcctl(['monitoring', 'alerts', '--env', 'production']);
    const json = await runCdcctl(['monitoring', 'alerts', '--env', 'production', '--output', 'json']);
    expect(json.code).toBe(0);
    const alerts = JSON.parse(json.stdout) as Array<Record<string, string>>;
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.map((alert) => [alert.alert, alert.severity, alert.for, alert.group, alert.expr].join('\t')).join('\n')).toBe(text.stdout.trim());
    for (const alert of alerts) expect(Object.keys(alert)).toEqual(['alert', 'severity', 'for', 'group', 'expr']);
    expect(await runCdcctl(['monitoring', 'alerts', '--env', 'production', '--output', 'yaml'])).toMatchObject({ code: 1, stderr: expect.stringContaining('--output must be one of text, json (got yaml)') });
  });
});

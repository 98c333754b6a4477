import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ruleFiles, type AlertRule, type RecordingRule, type RuleFile } from '../../../alerts';
import { monitoringConfig } from '../../../alerts/config';
import { isRecordingRuleName, metricNames } from '../../../alerts/promql';
import { prometheusRuleGroups, renderRuleFile, ruleFileOptions } from '../../../alerts/rule-file';
import { debeziumMatchers, isMskBootstrap } from '../../../alerts/targets';
import { loadAllEnvironments, loadEnvironment } from '../../../config';
import { sinkConsumerGroup, sinkConnectorName, sourceConnectorName } from '../../../connectors/naming';
import { customers } from '../../../connectors/pipelines/customers';
import { orders } from '../../../connectors/pipelines/orders';
import { PROMTOOL_ENVIRONMENTS } from '../../promtool/environments';

const REPOSITORY = join(__dirname, '..', '..', '..');
const [full, quiet, replay] = PROMTOOL_ENVIRONMENTS as [typeof PROMTOOL_ENVIRONMENTS[0], typeof PROMTOOL_ENVIRONMENTS[0], typeof PROMTOOL_ENVIRONMENTS[0]];

const alertsOf = (files: readonly RuleFile[]): AlertRule[] =>
  files.flatMap((file) => file.groups.flatMap((group) => group.rules.filter((rule): rule is AlertRule => rule.kind === 'alert')));
const recordsOf = (files: readonly RuleFile[]): RecordingRule[] =>
  files.flatMap((file) => file.groups.flatMap((group) => group.rules.filter((rule): rule is RecordingRule => rule.kind === 'record')));

describe('alert rules', () => {
  it('cover every alert the issue asks for, in an environment with MongoDB, MSK and heartbeats', () => {
    const names = new Set(alertsOf(ruleFiles(full)).map((rule) => rule.alert));
    for (const required of [
      'CdcSinkConnectorFailed',
      'CdcSourceConnectorFailed',
      'CdcSinkTaskFailed',
      'CdcSourceTaskFailed',
      'DebeziumBehindSource',
      'DebeziumSourceSilent',
      'DebeziumDisconnected',
      'DebeziumQueueNearlyFull',
      'CdcDeadLetterQueueReceiving',
      'CdcSinkRecordErrorsRising',
      'CdcSinkConsumerLagHigh',
      'KafkaConnectWorkerRebalancing',
      'MskBrokerDown',
      'MskUnderReplicatedPartitions',
      'MskBrokerDiskFilling',
      'CdcRollbackProcessingLag',
      'CdcRollbackErrorRate',
    ]) {
      expect(names).toContain(required);
    }
  });

  it('use the no-events alert on change events when heartbeats are off, on written records when they are on', () => {
    const withHeartbeats = alertsOf(ruleFiles(full)).map((rule) => rule.alert);
    const withoutHeartbeats = alertsOf(ruleFiles(quiet)).map((rule) => rule.alert);
    expect(withHeartbeats).toContain('DebeziumSourceSilent');
    expect(withHeartbeats).not.toContain('DebeziumNoChangeEvents');
    expect(withoutHeartbeats).toContain('DebeziumNoChangeEvents');
    expect(withoutHeartbeats).not.toContain('DebeziumSourceSilent');
  });

  it("sizes the silence window from the environment's heartbeat interval", () => {
    const slow = { ...full, source: { ...full.source, heartbeatIntervalMs: 600_000 } };
    const silent = alertsOf(ruleFiles(slow)).find((rule) => rule.alert === 'DebeziumSourceSilent');
    expect(silent?.expr).toContain('[1800s]');
    expect(alertsOf(ruleFiles(full)).find((rule) => rule.alert === 'DebeziumSourceSilent')?.expr).toContain('[300s]');
  });

  it('implement the seed rule "sink lag > 10000 for 5m" from alerts/config.ts', () => {
    const lag = alertsOf(ruleFiles(full)).filter((rule) => rule.alert === 'CdcSinkConsumerLagHigh' && rule.severity === 'warning');
    expect(lag).toHaveLength(2);
    for (const rule of lag) {
      expect(rule.expr).toMatch(new RegExp(`> ${monitoringConfig.sinkLag.warningRecords}$`));
      expect(rule.for).toBe('5m');
    }
    expect(monitoringConfig.sinkLag.warningRecords).toBe(10_000);
  });

  it('generate one rule file per streaming pipeline, named from connectors/naming.ts', () => {
    const files = ruleFiles(full).map((file) => file.fileName);
    expect(files).toEqual([
      'promtool-platform.yaml',
      `promtool-source-${sourceConnectorName(full, orders)}.yaml`,
      'promtool-pipeline-orders.yaml',
      'promtool-pipeline-customers.yaml',
      'promtool-msk.yaml',
    ]);
    const ordersAlerts = alertsOf(ruleFiles(full).filter((file) => file.fileName === 'promtool-pipeline-orders.yaml'));
    expect(new Set(ordersAlerts.map((rule) => rule.labels?.connector))).toEqual(new Set([sinkConnectorName(full, orders)]));
    expect(ordersAlerts.find((rule) => rule.alert === 'CdcSinkConsumerLagHigh')?.description).toContain(sinkConsumerGroup(full, orders));
  });

  it('leave out pipelines in the trigger phase, sources without MongoDB and MSK off MSK', () => {
    const production = loadEnvironment('production');
    const streaming = Object.entries(production.collections).filter(([, settings]) => settings.phase !== 'trigger').map(([name]) => name);
    const pipelineFiles = ruleFiles(production).filter((file) => file.fileName.includes('-pipeline-')).map((file) => file.fileName);
    expect(pipelineFiles.sort()).toEqual(streaming.map((name) => `production-pipeline-${name}.yaml`).sort());
    const local = ruleFiles(loadEnvironment('local')).map((file) => file.fileName);
    expect(local.some((name) => name.includes('-source-'))).toBe(false);
    expect(local.some((name) => name.includes('-msk'))).toBe(false);
    expect(ruleFiles(replay).map((file) => file.fileName)).toEqual(['promtool-replay-platform.yaml', 'promtool-replay-pipeline-orders.yaml', 'promtool-replay-pipeline-customers.yaml']);
  });

  it('select Debezium metrics by the source connector\'s topic.prefix (its JMX "server" key)', () => {
    const renamed = { ...full, topicPrefix: 'cdc-eu' };
    const behind = alertsOf(ruleFiles(renamed)).filter((rule) => rule.alert === 'DebeziumBehindSource');
    expect(behind.length).toBe(2);
    for (const rule of behind) expect(rule.expr).toContain('server="cdc-eu"');
  });

  it('label every pipeline alert with its pipeline and owner, and every alert with a known severity', () => {
    for (const environment of [...PROMTOOL_ENVIRONMENTS, ...loadAllEnvironments()]) {
      for (const file of ruleFiles(environment)) {
        for (const rule of alertsOf([file])) {
          expect(['warning', 'critical']).toContain(rule.severity);
          expect(rule.summary.length).toBeGreaterThan(10);
          expect(rule.description.length).toBeGreaterThan(20);
          if (file.fileName.includes('-pipeline-') || file.fileName.includes('-source-')) {
            expect(rule.labels?.pipeline).toBeTruthy();
            expect(rule.labels?.owner).toBe(orders.owner);
          }
        }
      }
    }
    expect(customers.owner).toBe(orders.owner);
  });

  it('pair warning and critical under one name with the critical threshold beyond the warning', () => {
    const alerts = alertsOf(ruleFiles(full));
    const threshold = (rule: AlertRule) => Number(/[<>] (\S+)$/.exec(rule.expr)?.[1]);
    for (const name of ['CdcSinkConsumerLagHigh', 'DebeziumBehindSource', 'MskBrokerDiskFilling', 'CdcDeadLetterQueueReceiving']) {
      const warning = alerts.find((rule) => rule.alert === name && rule.severity === 'warning')!;
      const critical = alerts.find((rule) => rule.alert === name && rule.severity === 'critical')!;
      expect(threshold(critical)).toBeGreaterThan(threshold(warning));
    }
    const queueWarning = alerts.find((rule) => rule.alert === 'DebeziumQueueNearlyFull' && rule.severity === 'warning')!;
    const queueCritical = alerts.find((rule) => rule.alert === 'DebeziumQueueNearlyFull' && rule.severity === 'critical')!;
    expect(threshold(queueCritical)).toBeLessThan(threshold(queueWarning));
  });

  it('link a runbook page and section that exist', () => {
    const slug = (heading: string) => heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').trim().replace(/ /g, '-');
    for (const rule of alertsOf(ruleFiles(full).concat(ruleFiles(quiet)))) {
      const [page, anchor] = rule.runbook.split('#');
      const text = readFileSync(join(REPOSITORY, 'docs', 'runbooks', page!), 'utf8');
      expect(text).toContain(rule.alert);
      if (anchor) {
        const anchors = [...text.matchAll(/^#+ (.+)$/gm)].map((match) => slug(match[1]!));
        expect(anchors).toContain(anchor);
      }
    }
  });

  it('read only recording rules that the same environment defines', () => {
    for (const environment of [...PROMTOOL_ENVIRONMENTS, ...loadAllEnvironments()]) {
      const files = ruleFiles(environment);
      const defined = new Set(recordsOf(files).map((rule) => rule.record));
      const used = files.flatMap((file) => file.groups.flatMap((group) => group.rules.flatMap((rule) => metricNames(rule.expr)))).filter(isRecordingRuleName);
      for (const name of used) expect(defined).toContain(name);
    }
  });

  it('render as Prometheus rule files with severity, environment and runbook_url, identically every time', () => {
    const [file] = ruleFiles(full).filter((candidate) => candidate.fileName === 'promtool-pipeline-orders.yaml');
    const text = renderRuleFile(file!, { environment: full.name });
    expect(renderRuleFile(file!, { environment: full.name })).toBe(text);
    const document = parse(text) as { groups: { name: string; rules: Record<string, Record<string, string> | string>[] }[] };
    expect(document.groups[0]!.name).toBe('cdc-pipeline-orders');
    const lag = document.groups[0]!.rules.find((rule) => rule.alert === 'CdcSinkConsumerLagHigh')!;
    expect(lag.labels).toEqual({ connector: 'cdc-orders-sink', environment: 'promtool', owner: 'bi-platform', pipeline: 'orders', severity: 'warning' });
    expect((lag.annotations as Record<string, string>).runbook_url).toBe('docs/runbooks/lag-recovery.md');
    const withUrl = renderRuleFile(file!, { environment: full.name, runbookBaseUrl: 'https://runbooks.example/cdc/' });
    expect(withUrl).toContain('runbook_url: https://runbooks.example/cdc/lag-recovery.md');
  });

  it('link runbooks under the environment\'s https URL wherever alerts leave the cluster, into this repository for local', () => {
    expect(ruleFileOptions(loadEnvironment('local'))).toEqual({ environment: 'local', runbookBaseUrl: monitoringConfig.runbookBaseUrl });
    expect(monitoringConfig.runbookBaseUrl).toBe('docs/runbooks');
    for (const name of ['staging', 'production']) {
      const environment = loadEnvironment(name);
      expect(ruleFileOptions(environment)).toEqual({ environment: name, runbookBaseUrl: environment.infrastructure.monitoring!.runbookBaseUrl });
    }
  });

  it('render a rule file and its PrometheusRule spec from the same groups', () => {
    const [file] = ruleFiles(full).filter((candidate) => candidate.fileName === 'promtool-platform.yaml');
    const options = { environment: full.name, runbookBaseUrl: 'https://runbooks.example/cdc' };
    expect(parse(renderRuleFile(file!, options))).toEqual(prometheusRuleGroups(file!, options));
  });

  it('also select Debezium metrics by connector once the source tags its MBeans with custom.metric.tags', () => {
    expect(debeziumMatchers('cdc', {})).toEqual(['server="cdc"']);
    expect(debeziumMatchers('cdc', { 'custom.metric.tags': 'team=bi, connector=cdc-app-db-source' })).toEqual(['server="cdc"', 'connector="cdc-app-db-source"']);
  });

  it('recognise MSK bootstrap servers', () => {
    expect(isMskBootstrap(full.kafka.bootstrapServers)).toBe(true);
    expect(isMskBootstrap('b-1.x.kafka.eu-west-1.amazonaws.com:9098,b-2.x.kafka.eu-west-1.amazonaws.com:9098')).toBe(true);
    expect(isMskBootstrap('127.0.0.1:9092')).toBe(false);
    expect(isMskBootstrap('kafka.internal:9092')).toBe(false);
  });
});

import { parse } from 'yaml';
import type { AlertRule, RecordingRule } from '../../../alerts';
import { prometheusRuleGroups, renderRuleFile, toPrometheusRule } from '../../../alerts/rule-file';

const OPTIONS = { environment: 'staging', runbookBaseUrl: 'https://runbooks.example.com/cdc/' };

const lagHigh: AlertRule = {
  kind: 'alert',
  alert: 'CdcSinkConsumerLagHigh',
  expr: 'cdc:sink_records_lag:sum{connector="cdc-orders-sink"} > 50000',
  for: '10m',
  severity: 'warning',
  labels: { pipeline: 'orders', owner: 'bi-platform', connector: 'cdc-orders-sink' },
  summary: 'The orders sink is {{ $value }} records behind',
  description: 'The warehouse table public.orders falls behind MongoDB: the sink reads more slowly than the source writes.',
  runbook: 'sink-lag.md',
};

describe('rule file: one rule as Prometheus reads it', () => {
  it('renders a recording rule as record and expr only', () => {
    const rule: RecordingRule = { kind: 'record', record: 'cdc:sink_records_consumed:rate5m', expr: 'sum by (connector) (rate(kafka_connect_sink_consumer_records_consumed_total[5m]))' };
    expect(toPrometheusRule(rule, OPTIONS)).toEqual({ record: rule.record, expr: rule.expr });
  });

  it("renders a recording rule's labels sorted by name", () => {
    const rule: RecordingRule = { kind: 'record', record: 'cdc:sink_records_lag:sum', expr: 'sum by (connector) (kafka_connect_sink_consumer_records_lag)', labels: { tier: 'bi', scope: 'platform' } };
    const rendered = toPrometheusRule(rule, OPTIONS);
    expect(rendered).toEqual({ record: rule.record, expr: rule.expr, labels: { scope: 'platform', tier: 'bi' } });
    expect(Object.keys(rendered.labels as object)).toEqual(['scope', 'tier']);
  });

  it("renders an alert with its for, its labels plus severity and environment sorted by name, and a runbook link under the base URL", () => {
    const rendered = toPrometheusRule(lagHigh, OPTIONS);
    expect(rendered).toEqual({
      alert: 'CdcSinkConsumerLagHigh',
      expr: lagHigh.expr,
      for: '10m',
      labels: { connector: 'cdc-orders-sink', environment: 'staging', owner: 'bi-platform', pipeline: 'orders', severity: 'warning' },
      annotations: { summary: lagHigh.summary, description: lagHigh.description, runbook_url: 'https://runbooks.example.com/cdc/sink-lag.md' },
    });
    expect(Object.keys(rendered.labels as object)).toEqual(['connector', 'environment', 'owner', 'pipeline', 'severity']);
  });

  it('leaves for out of an alert that fires on its first evaluation', () => {
    const { for: _for, ...immediate } = lagHigh;
    expect(toPrometheusRule(immediate, OPTIONS)).not.toHaveProperty('for');
  });
});

describe('rule file: groups and YAML', () => {
  it("keeps a group's evaluation interval, and gives none to a group without one", () => {
    const { groups } = prometheusRuleGroups(
      { fileName: 'staging-platform.yaml', groups: [{ name: 'cdc-platform', interval: '1m', rules: [lagHigh] }, { name: 'cdc-pipeline-orders', rules: [] }] },
      OPTIONS,
    );
    expect(groups.map(({ rules: _rules, ...group }) => group)).toEqual([{ name: 'cdc-platform', interval: '1m' }, { name: 'cdc-pipeline-orders' }]);
  });

  it('writes every description on one line, however long', () => {
    const long = { ...lagHigh, description: 'The warehouse table public.orders falls behind MongoDB because the sink reads more slowly than the source writes. Check the sink task logs and the warehouse locks before raising tasks.max.' };
    const yaml = renderRuleFile({ fileName: 'staging-pipeline-orders.yaml', groups: [{ name: 'cdc-pipeline-orders', rules: [long] }] }, OPTIONS);
    expect(yaml.split('\n')).toContain(`          description: ${long.description}`);
    expect(parse(yaml).groups[0].rules[0].annotations.description).toBe(long.description);
  });
});

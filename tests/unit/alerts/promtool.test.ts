import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadAllEnvironments } from '../../../config';
import { dashboards } from '../../../dashboards';
import { PROMTOOL_CASES } from '../../promtool';
import { promtool, renderRules, requirePromtool, writePromtoolTestFiles } from '../../promtool/harness';
import { panelQueries, promtoolReadyExpr } from '../dashboards/dashboard-queries';

/**
 * Debian's promtool checks every rendered rule file, runs the rule unit tests of tests/promtool, and
 * parses every dashboard query. Without promtool these tests fail with what to install.
 */
describe('promtool', () => {
  beforeAll(() => {
    requirePromtool();
  });

  it('accepts every rule file of every environment', () => {
    const rendered = renderRules(loadAllEnvironments());
    const result = promtool('check', 'rules', ...Object.values(rendered.files));
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.status).toBe(0);
  });

  it('accepts every rule file of the promtool fixture environments', () => {
    const rendered = renderRules();
    const result = promtool('check', 'rules', ...Object.values(rendered.files));
    expect(result.status).toBe(0);
  });

  it('passes the rule unit tests (every alert firing and not firing)', () => {
    const rendered = renderRules();
    const files = writePromtoolTestFiles(rendered, PROMTOOL_CASES);
    const result = promtool('test', 'rules', ...files);
    if (result.status !== 0) throw new Error(`promtool test rules failed:\n${result.output}`);
    expect(result.output.match(/SUCCESS/g)).toHaveLength(files.length);
  });

  it('parses every dashboard query', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdc-dashboard-queries-'));
    const files = loadAllEnvironments().map((environment) => {
      const rules = dashboards(environment).flatMap((dashboard) =>
        panelQueries(dashboard.dashboard).map((query, index) => ({ record: `dashboard_query:${dashboard.uid.replace(/-/g, '_')}:${index}`, expr: promtoolReadyExpr(query.expr) })),
      );
      const path = join(dir, `${environment.name}-dashboards.yaml`);
      writeFileSync(path, stringify({ groups: [{ name: `dashboards-${environment.name}`, rules }] }));
      return path;
    });
    const result = promtool('check', 'rules', ...files);
    if (result.status !== 0) throw new Error(`a dashboard query does not parse:\n${result.output}`);
    expect(result.output.match(/SUCCESS/g)).toHaveLength(files.length);
  });
});

describe('promtool case coverage', () => {
  const rendered = renderRules();
  const firing = new Set<string>();
  const quiet = new Set<string>();
  for (const testCase of PROMTOOL_CASES) {
    for (const check of testCase.alerts ?? []) {
      if (check.firing.length === 0) quiet.add(check.alert);
      for (const expected of check.firing) firing.add(`${check.alert}/${expected.labels.severity}`);
    }
  }
  const pairs = [...new Set(rendered.alerts.map((rule) => `${rule.alert}/${rule.labels.severity}`))].sort();

  it.each(pairs)('%s is tested firing', (pair) => {
    expect(firing).toContain(pair);
  });

  it.each([...new Set(rendered.alerts.map((rule) => rule.alert))].sort())('%s is tested not firing', (alert) => {
    expect(quiet).toContain(alert);
  });
});

import { ruleFiles } from '../../../alerts';
import { isRecordingRuleName, metricNames } from '../../../alerts/promql';
import { loadAllEnvironments, loadEnvironment, versions } from '../../../config';
import { DATASOURCE_VARIABLE, dashboardJson, dashboards, GRAFANA_SCHEMA_VERSION, PROMETHEUS_DATASOURCE_UID } from '../../../dashboards';
import { PROMTOOL_ENVIRONMENTS } from '../../promtool/environments';
import { panelQueries } from './dashboard-queries';

const [full, , replay] = PROMTOOL_ENVIRONMENTS as [typeof PROMTOOL_ENVIRONMENTS[0], typeof PROMTOOL_ENVIRONMENTS[0], typeof PROMTOOL_ENVIRONMENTS[0]];

describe('dashboards', () => {
  const all = loadAllEnvironments().flatMap((environment) => dashboards(environment));

  it('have fixed, unique uids of at most 40 characters', () => {
    const uids = all.map((dashboard) => dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const uid of uids) expect(uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboards(loadEnvironment('local')).map((dashboard) => dashboard.uid)).toEqual([
      'cdc-operations-local',
      'cdc-pipeline-local-orders',
      'cdc-pipeline-local-customers',
      'cdc-business-local',
    ]);
  });

  it('give every panel and every query the Prometheus of the `datasource` variable', () => {
    const fromVariable = { type: 'prometheus', uid: '${datasource}' };
    for (const rendered of all) {
      const panels = (rendered.dashboard.panels ?? []).filter((panel) => panel.type !== 'row');
      expect(panels.length).toBeGreaterThan(3);
      for (const panel of panels) {
        expect((panel as { datasource?: unknown }).datasource).toEqual(fromVariable);
        const targets = (panel as { targets?: { expr?: string; datasource?: unknown }[] }).targets ?? [];
        expect(targets.length).toBeGreaterThan(0);
        for (const target of targets) {
          expect(target.datasource).toEqual(fromVariable);
          expect(target.expr?.trim().length).toBeGreaterThan(0);
        }
      }
      expect(JSON.stringify(rendered.dashboard)).not.toContain(`"uid":"${PROMETHEUS_DATASOURCE_UID}"`);
    }
  });

  it('offer one datasource variable: any Prometheus, the monitoring stack\'s provisioned one by default', () => {
    for (const rendered of all) {
      expect(rendered.dashboard.templating?.list).toEqual([
        expect.objectContaining({
          type: 'datasource',
          name: DATASOURCE_VARIABLE,
          label: 'Prometheus',
          query: 'prometheus',
          current: { selected: true, text: 'Prometheus', value: PROMETHEUS_DATASOURCE_UID },
          multi: false,
          includeAll: false,
        }),
      ]);
    }
  });

  it('declare the newest schema the pinned Grafana knows (41 in 11.6.0), not the SDK\'s 42', () => {
    // Bumping the image means looking up its schema again (@grafana/schema of that version, defaultDashboard).
    expect(versions.monitoringImages.grafana).toBe('grafana/grafana:11.6.0');
    expect(GRAFANA_SCHEMA_VERSION).toBe(41);
    for (const rendered of all) expect(rendered.dashboard.schemaVersion).toBe(GRAFANA_SCHEMA_VERSION);
  });

  it('number panels 1, 2, … so that panel links stay stable', () => {
    for (const rendered of all) {
      const ids = (rendered.dashboard.panels ?? []).map((panel) => panel.id);
      expect(ids).toEqual(ids.map((_, index) => index + 1));
    }
  });

  it('make one pipeline dashboard per streaming pipeline, with the source panels only where a source runs', () => {
    const fullUids = dashboards(full).map((dashboard) => dashboard.uid);
    expect(fullUids).toEqual(['cdc-operations-promtool', 'cdc-pipeline-promtool-orders', 'cdc-pipeline-promtool-customers', 'cdc-business-promtool']);
    const titles = (environment: typeof full) =>
      (dashboards(environment).find((dashboard) => dashboard.uid.includes('-orders'))!.dashboard.panels ?? []).map((panel) => (panel as { title?: string }).title);
    expect(titles(full)).toContain('Change events from MongoDB');
    expect(titles(replay)).not.toContain('Change events from MongoDB');
    const production = loadEnvironment('production');
    const streaming = Object.entries(production.collections).filter(([, settings]) => settings.phase !== 'trigger').map(([name]) => `cdc-pipeline-production-${name}`);
    expect(dashboards(production).map((dashboard) => dashboard.uid).filter((uid) => uid.startsWith('cdc-pipeline-'))).toEqual(streaming);
  });

  it('show MSK broker health only where Kafka is MSK', () => {
    const rowTitles = (environment: typeof full) =>
      (dashboards(environment)[0]!.dashboard.panels ?? []).filter((panel) => panel.type === 'row').map((panel) => (panel as { title?: string }).title);
    expect(rowTitles(full)).toContain('MSK brokers (open monitoring)');
    expect(rowTitles(replay)).not.toContain('MSK brokers (open monitoring)');
  });

  it('read only recording rules that the environment\'s rule files define', () => {
    for (const environment of [...PROMTOOL_ENVIRONMENTS, ...loadAllEnvironments()]) {
      const defined = new Set(
        ruleFiles(environment).flatMap((file) => file.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.kind === 'record' ? [rule.record] : [])))),
      );
      for (const rendered of dashboards(environment)) {
        for (const query of panelQueries(rendered.dashboard)) {
          for (const name of metricNames(query.expr).filter(isRecordingRuleName)) expect({ panel: query.panel, name, defined: defined.has(name) }).toEqual({ panel: query.panel, name, defined: true });
        }
      }
    }
  });

  it('render the local operations dashboard as before (snapshot)', () => {
    const operations = dashboards(loadEnvironment('local'))[0]!;
    // What changed with the datasource variable, besides the tests above: the schema, the variable, and no fixed uid left.
    const text = dashboardJson(operations);
    expect(text).toContain('"schemaVersion": 41,');
    expect(text).toContain('"uid": "${datasource}"');
    expect(text).not.toContain(`"uid": "${PROMETHEUS_DATASOURCE_UID}"`);
    expect(text).toMatchSnapshot();
  });
});

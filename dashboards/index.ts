import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Environment } from '../config';
import type { PipelineDefinition } from '../connectors/pipelines';
import { monitoringTargets, type MonitoringTargets } from '../alerts/targets';
import { businessDashboard } from './business';
import { GRAFANA_SCHEMA_VERSION } from './common';
import { operationsDashboard } from './operations';
import { pipelineDashboard } from './pipeline';

export { DATASOURCE_VARIABLE, GRAFANA_SCHEMA_VERSION, PROMETHEUS_DATASOURCE_UID } from './common';

export interface RenderedDashboard {
  /** `<uid>.json` */
  readonly fileName: string;
  readonly uid: string;
  readonly dashboard: Dashboard;
}

export function dashboardsForTargets(targets: MonitoringTargets): RenderedDashboard[] {
  const builders = [operationsDashboard(targets), ...targets.pipelines.map((pipeline) => pipelineDashboard(targets, pipeline)), businessDashboard(targets)];
  return builders.map((builder) => {
    const dashboard = builder.build();
    dashboard.schemaVersion = GRAFANA_SCHEMA_VERSION;
    // Fixed panel ids (1, 2, …) in layout order: links to a panel survive a re-render.
    dashboard.panels?.forEach((panel, index) => {
      panel.id = index + 1;
    });
    const uid = dashboard.uid ?? '';
    return { fileName: `${uid}.json`, uid, dashboard };
  });
}

/** The environment's dashboards: operations, one per streaming pipeline, business. */
export function dashboards(environment: Environment, pipelines?: readonly PipelineDefinition[]): RenderedDashboard[] {
  return dashboardsForTargets(monitoringTargets(environment, pipelines));
}

/** Stable JSON for files and ConfigMaps. */
export function dashboardJson(rendered: RenderedDashboard): string {
  return `${JSON.stringify(rendered.dashboard, null, 2)}\n`;
}

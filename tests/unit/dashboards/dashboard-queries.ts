import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

export interface PanelQuery {
  readonly panel: string;
  readonly expr: string;
  readonly datasourceUid?: string;
}

/** Every Prometheus query of every panel (rows excluded), with its panel title. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  const queries: PanelQuery[] = [];
  for (const panel of dashboard.panels ?? []) {
    if (panel.type === 'row') continue;
    const targets = ((panel as { targets?: unknown[] }).targets ?? []) as { expr?: string; datasource?: { uid?: string } }[];
    for (const target of targets) queries.push({ panel: String((panel as { title?: string }).title), expr: String(target.expr), datasourceUid: target.datasource?.uid });
  }
  return queries;
}

/** Grafana's interval variables replaced by a window Prometheus accepts. */
export function promtoolReadyExpr(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m');
}

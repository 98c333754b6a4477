import * as common from '@grafana/grafana-foundation-sdk/common';
import { DashboardBuilder, DashboardCursorSync, DatasourceVariableBuilder, RowBuilder, ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

/**
 * Shared defaults of every dashboard (the foundation SDK examples' `common.ts`): the datasource
 * variable, query and panel builders, and the dashboard frame.
 */

/** The uid the monitoring stack gives its provisioned Prometheus datasource: the datasource variable's default. */
export const PROMETHEUS_DATASOURCE_UID = 'cdc-prometheus';

/** The dashboards' datasource variable: every panel and query reads `${datasource}`. */
export const DATASOURCE_VARIABLE = 'datasource';

/**
 * The newest dashboard schema the pinned Grafana knows (config/versions.ts monitoringImages.grafana,
 * 11.6.0: `schemaVersion: 41` in @grafana/schema 11.6.0's defaultDashboard). The foundation SDK writes
 * 42, a migration of Grafana 12.2 that rewrites only `custom.hideFrom` overrides, which these
 * dashboards do not use; Grafana migrates a dashboard forward from the version it declares, never back.
 */
export const GRAFANA_SCHEMA_VERSION = 41;

/**
 * Panels and queries take the Prometheus datasource from the dashboard's variable, so a dashboard
 * imported into any Grafana runs on the Prometheus chosen there; the stack's own Grafana selects
 * its provisioned one by default.
 */
export const prometheusDatasource: common.DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

/** The `datasource` variable: any Prometheus datasource, the provisioned one (`cdc-prometheus`) first. */
export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DATASOURCE_VARIABLE)
    .label('Prometheus')
    .type('prometheus')
    .current({ selected: true, text: 'Prometheus', value: PROMETHEUS_DATASOURCE_UID });
}

/** Grafana's own variables, replaced by a fixed window when an expression is checked by promtool. */
export const RATE_INTERVAL = '$__rate_interval';

export interface QuerySpec {
  readonly expr: string;
  /** Legend, e.g. `{{connector}}`. */
  readonly legend?: string;
}

function queries(specs: readonly QuerySpec[]): DataqueryBuilder[] {
  return specs.map((spec, index) => {
    const query = new DataqueryBuilder()
      .datasource(prometheusDatasource)
      .expr(spec.expr)
      .refId(String.fromCharCode(65 + index));
    return spec.legend ? query.legendFormat(spec.legend) : query;
  });
}

export interface PanelOptions {
  readonly title: string;
  readonly description: string;
  readonly queries: readonly QuerySpec[];
  /** Grafana unit id (`s`, `ms`, `short`, `percentunit`, `bytes`). @default 'short' */
  readonly unit?: string;
  /** Width in grid columns (of 24). @default 8 */
  readonly span?: number;
  /** A value at which the panel turns red (and orange at `warning`). */
  readonly critical?: number;
  readonly warning?: number;
}

function thresholds(options: PanelOptions): ThresholdsConfigBuilder {
  const steps: { value: number | null; color: string }[] = [{ value: null, color: 'green' }];
  if (options.warning !== undefined) steps.push({ value: options.warning, color: 'orange' });
  if (options.critical !== undefined) steps.push({ value: options.critical, color: 'red' });
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

export function timeseriesPanel(options: PanelOptions): TimeseriesPanelBuilder {
  return new TimeseriesPanelBuilder()
    .title(options.title)
    .description(options.description)
    .datasource(prometheusDatasource)
    .targets(queries(options.queries))
    .unit(options.unit ?? 'short')
    .span(options.span ?? 8)
    .height(8)
    .thresholds(thresholds(options))
    .fillOpacity(10)
    .lineWidth(1)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    );
}

export function statPanel(options: PanelOptions): StatPanelBuilder {
  return new StatPanelBuilder()
    .title(options.title)
    .description(options.description)
    .datasource(prometheusDatasource)
    .targets(queries(options.queries))
    .unit(options.unit ?? 'short')
    .span(options.span ?? 6)
    .height(4)
    .thresholds(thresholds(options))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.Area)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']));
}

/** Either kind of panel this project draws. */
export type PanelBuilder = StatPanelBuilder | TimeseriesPanelBuilder;

/** A titled row and the panels under it, in layout order. */
export interface DashboardRow {
  readonly title: string;
  readonly panels: readonly PanelBuilder[];
}

/** Adds each row's title, then its panels: the grid fills left to right, row after row. */
export function withRows(dashboard: DashboardBuilder, rows: readonly DashboardRow[]): DashboardBuilder {
  for (const row of rows) {
    dashboard.withRow(new RowBuilder(row.title));
    for (const panel of row.panels) dashboard.withPanel(panel);
  }
  return dashboard;
}

export interface DashboardFrame {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
}

export function dashboardFrame(frame: DashboardFrame): DashboardBuilder {
  return new DashboardBuilder(frame.title)
    .uid(frame.uid)
    .description(frame.description)
    .tags(['cdc', 'generated', ...frame.tags])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(datasourceVariable());
}

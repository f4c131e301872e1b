/**
 * What the dashboards share, built with the Grafana Foundation SDK's typed
 * builders (@grafana/grafana-foundation-sdk): the Prometheus datasource that
 * dashboards/grafana/provisioning provides, the variables that pick runs
 * (`source`: live or sim, `scenario`, `run`), the label selector they make,
 * and panel constructors that always set a unit.
 *
 * Every series of both runtimes carries `source`, `run`, `scenario` and
 * `policy` (metrics/run-labels.ts), so each query below filters with `sel()`
 * and groups by `source, run`: a live run and a backfilled what-if run of the
 * same scenario draw on the same panel.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';

export const datasource: common.DataSourceRef = { type: 'prometheus', uid: 'autoshift-prometheus' };

/** The label matchers of the selected runs, plus `extra` (e.g. `outcome="done"`). */
export function sel(extra = ''): string {
  return `{source=~"$source",scenario=~"$scenario",run=~"$run"${extra ? `,${extra}` : ''}}`;
}

/** The SLA attainment target of the burn-rate panels and alerts (share of completed cases within their SLA). */
export const SLO = 0.95;

/** `source`, `scenario` and `run` variables (runs of the chosen sources and scenarios; several at once). */
export function runVariables(): cog.Builder<dashboard.VariableModel>[] {
  return [
    new dashboard.CustomVariableBuilder('source')
      .label('source')
      .values('live,sim')
      .multi(true)
      .includeAll(true)
      .allValue('live|sim')
      .current({ text: ['All'], value: ['$__all'] }),
    new dashboard.QueryVariableBuilder('scenario')
      .label('scenario')
      .datasource(datasource)
      .query({ query: 'label_values(autoshift_simulated_time_seconds{source=~"$source"}, scenario)', refId: 'scenario' })
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue('.*')
      .current({ text: ['All'], value: ['$__all'] }),
    new dashboard.QueryVariableBuilder('run')
      .label('run')
      .datasource(datasource)
      .query({ query: 'label_values(autoshift_simulated_time_seconds{source=~"$source",scenario=~"$scenario"}, run)', refId: 'run' })
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalDesc)
      .multi(true)
      .includeAll(true)
      .allValue('.*')
      .current({ text: ['All'], value: ['$__all'] }),
  ];
}

/** A Prometheus query with a legend. */
export function q(expr: string, legend: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().datasource(datasource).expr(expr).legendFormat(legend).range();
}

export interface PanelSpec {
  title: string;
  description: string;
  /** a Grafana unit id (percentunit, s, dtdurations) or `suffix: tasks` */
  unit: string;
  targets: prometheus.DataqueryBuilder[];
  w?: number;
  h?: number;
  min?: number;
  max?: number;
}

/** A time series panel. */
export function graph(p: PanelSpec): timeseries.PanelBuilder {
  const b = new timeseries.PanelBuilder()
    .title(p.title)
    .description(p.description)
    .datasource(datasource)
    .unit(p.unit)
    .height(p.h ?? 8)
    .span(p.w ?? 12)
    .lineWidth(1)
    .fillOpacity(10)
    .spanNulls(true)
    .legend(new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).showLegend(true));
  if (p.min !== undefined) b.min(p.min);
  if (p.max !== undefined) b.max(p.max);
  for (const t of p.targets) b.withTarget(t);
  return b;
}

/** A stat panel showing each series' last value. */
export function lastValue(p: PanelSpec): stat.PanelBuilder {
  const b = new stat.PanelBuilder()
    .title(p.title)
    .description(p.description)
    .datasource(datasource)
    .unit(p.unit)
    .height(p.h ?? 6)
    .span(p.w ?? 8)
    .graphMode(common.BigValueGraphMode.None)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  if (p.min !== undefined) b.min(p.min);
  if (p.max !== undefined) b.max(p.max);
  for (const t of p.targets) b.withTarget(t);
  return b;
}

/** Disruptions in force as annotations (regions), from the resilience gauges of both runtimes. */
export function disruptionAnnotations(): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('disruptions')
    .datasource(datasource)
    .enable(true)
    .iconColor('rgba(255, 96, 96, 0.6)')
    .expr(`max by (source, run, disruption) (autoshift_disruption_active${sel()}) == 1`)
    .titleFormat('{{disruption}}')
    .textFormat('{{source}} {{run}}')
    .step('60s');
}

/** The dashboard frame every autoshift dashboard shares. */
export function frame(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['autoshift'])
    .editable()
    .refresh('10s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser');
}

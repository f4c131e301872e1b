/**
 * Prometheus recording and alerting rules (dashboards/prometheus/rules.yml,
 * generated). Every alert is written as `signal op threshold` so that the
 * dashboards test can query each side on its own; `promtool test rules`
 * (dashboards/prometheus/rules.test.yml) checks that each one fires on a
 * synthetic disruption and stays silent on a steady series.
 *
 * SLA attainment = cases completed within SLA / cases completed, per run.
 * Burn rates follow the multi-window, multi-burn-rate alerts of the Google
 * SRE workbook ("Alerting on SLOs"): the fast alert at 14.4x the budget over
 * 1 h and 5 m (2% of a 30-day budget in an hour), the slow one at 6x over 6 h
 * and 30 m. The SLO is 95% of cases within SLA (dashboards/panels.ts SLO).
 */
import { SLO } from './panels.js';

export const BY = 'source, run, scenario, policy';
const windows = ['5m', '30m', '1h', '6h'] as const;

export interface RecordingRule {
  record: string;
  expr: string;
}
export interface Condition {
  signal: string;
  op: '>' | '<' | '==';
  threshold: string;
}
export interface AlertRule extends Condition {
  alert: string;
  /** a second condition that must hold too (the short window of a burn-rate alert) */
  and?: Condition;
  /** series for which the alert does not apply */
  unless?: string;
  for: string;
  severity: 'page' | 'ticket';
  summary: string;
  description: string;
}

export function slaRecord(window: string): string {
  return `autoshift:sla_attainment:ratio_rate${window}`;
}

export const recordingRules: RecordingRule[] = windows.map((wnd) => ({
  record: slaRecord(wnd),
  expr: `sum by (${BY}) (rate(autoshift_cases_completed_within_sla_total[${wnd}])) / (sum by (${BY}) (rate(autoshift_cases_completed_total[${wnd}])) > 0)`,
}));

const budget = Number((1 - SLO).toPrecision(6));
/** burn-rate condition: the share of completed cases that missed their SLA over `window`, above factor x budget */
const missed = (window: string, factor: number): Condition => ({ signal: `1 - ${slaRecord(window)}`, op: '>', threshold: `${factor} * ${budget}` });

export const alertRules: AlertRule[] = [
  {
    alert: 'AutoshiftSlaBudgetFastBurn',
    ...missed('1h', 14.4),
    and: missed('5m', 14.4),
    for: '2m',
    severity: 'page',
    summary: 'SLA budget burning fast in {{ $labels.run }}',
    description: `Over the last hour and the last 5 minutes more than ${pct(14.4 * budget)} of completed cases missed their SLA (14.4x the ${pct(budget)} budget of a ${pct(SLO)} SLA target).`,
  },
  {
    alert: 'AutoshiftSlaBudgetSlowBurn',
    ...missed('6h', 6),
    and: missed('30m', 6),
    for: '15m',
    severity: 'ticket',
    summary: 'SLA budget burning in {{ $labels.run }}',
    description: `Over the last 6 hours and the last 30 minutes more than ${pct(6 * budget)} of completed cases missed their SLA (6x the budget).`,
  },
  {
    alert: 'AutoshiftBacklogGrowing',
    signal: `sum by (${BY}) (autoshift_queue_waiting_tasks) - sum by (${BY}) (autoshift_queue_waiting_tasks offset 10m)`,
    op: '>',
    threshold: '20',
    for: '5m',
    severity: 'ticket',
    summary: 'Backlog growing in {{ $labels.run }}: {{ $value }} more tasks waiting than 10 minutes ago',
    description: 'The backlog has grown by more than 20 tasks in 10 minutes, for 5 minutes in a row (tune the 20 to the size of your queues).',
  },
  {
    alert: 'AutoshiftBotPoolDown',
    signal:
      `label_replace(sum by (${BY}, pool) (autoshift_pool_available_units), "target", "$1", "pool", "(.*)") ` +
      `and on (${BY}, target) (max by (${BY}, target) (autoshift_disruption_active{kind="outage"}) == 1)`,
    op: '==',
    threshold: '0',
    for: '1m',
    severity: 'page',
    summary: 'Pool {{ $labels.target }} down in {{ $labels.run }}',
    description: 'An outage is in force on the pool and none of its units is available: its work goes to people or waits.',
  },
  {
    alert: 'AutoshiftNotRecovered',
    signal: `max by (${BY}, disruption) (autoshift_disruption_time_to_recover_simulated_seconds)`,
    op: '>',
    threshold: `3 * max by (${BY}, disruption) (autoshift_disruption_length_simulated_seconds)`,
    unless: `max by (${BY}, disruption) (autoshift_disruption_recovered) == 1`,
    for: '1m',
    severity: 'ticket',
    summary: 'Not recovered from {{ $labels.disruption }} in {{ $labels.run }}',
    description: "Three times the disruption's length has passed since it started and backlog and SLA attainment are not back near their baseline.",
  },
];

function pct(x: number): string {
  return `${Number((x * 100).toPrecision(6))}%`;
}

const condition = (c: Condition) => `(${c.signal}) ${c.op} ${c.threshold}`;

export function alertExpr(a: AlertRule): string {
  let e = condition(a);
  if (a.and) e = `${e} and ${condition(a.and)}`;
  if (a.unless) e = `(${e}) unless on (${BY}, disruption) (${a.unless})`;
  return e;
}

/** The rules file as a plain object (YAML-serialised by dashboards/build.ts). */
export function rulesFile(): unknown {
  return {
    groups: [
      { name: 'autoshift-sla', rules: recordingRules.map((r) => ({ record: r.record, expr: r.expr })) },
      {
        name: 'autoshift-alerts',
        rules: alertRules.map((a) => ({
          alert: a.alert,
          expr: alertExpr(a),
          for: a.for,
          labels: { severity: a.severity },
          annotations: { summary: a.summary, description: a.description },
        })),
      },
    ],
  };
}

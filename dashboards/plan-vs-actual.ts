/**
 * The plan-vs-actual dashboard: a what-if plan (a sim run backfilled with
 * `autoshift backfill`) beside the live run of the same scenario on the same
 * panels, and the policies of a backfilled `autoshift compare` side by side.
 * Variables: `scenario`, `plan` (sim runs), `actual` (live runs), `policy`.
 * For the two to overlay, export the plan with the live run's --speed and
 * start (`--align-to`): docs/dashboards.md.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { datasource, disruptionAnnotations, frame, graph, lastValue, q } from './panels.js';

const plan = '{source="sim",scenario=~"$scenario",run=~"$plan",policy=~"$policy"}';
const actual = '{source="live",scenario=~"$scenario",run=~"$actual"}';
const w = '$__rate_interval';

function runVariable(name: string, source: string): cog.Builder<dashboard.VariableModel> {
  return new dashboard.QueryVariableBuilder(name)
    .label(`${name} (${source} runs)`)
    .datasource(datasource)
    .query({ query: `label_values(autoshift_simulated_time_seconds{source="${source}",scenario=~"$scenario"}, run)`, refId: name })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalDesc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: ['All'], value: ['$__all'] });
}

export function planVsActualDashboard(): dashboard.Dashboard {
  const b = frame(
    'autoshift-plan-vs-actual',
    'autoshift — plan vs actual',
    'A what-if plan (backfilled sim run) and the live run of the same scenario on the same panels; the policies of a backfilled compare side by side.',
  );
  b.withVariable(
    new dashboard.QueryVariableBuilder('scenario')
      .label('scenario')
      .datasource(datasource)
      .query({ query: 'label_values(autoshift_simulated_time_seconds, scenario)', refId: 'scenario' })
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc),
  );
  b.withVariable(runVariable('plan', 'sim'));
  b.withVariable(runVariable('actual', 'live'));
  b.withVariable(
    new dashboard.QueryVariableBuilder('policy')
      .label('policy (plan)')
      .datasource(datasource)
      .query({ query: 'label_values(autoshift_simulated_time_seconds{source="sim",scenario=~"$scenario",run=~"$plan"}, policy)', refId: 'policy' })
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue('.*')
      .current({ text: ['All'], value: ['$__all'] }),
  );
  b.annotation(disruptionAnnotations().expr(`max by (source, run, disruption) (autoshift_disruption_active{scenario=~"$scenario",run=~"$plan|$actual"}) == 1`));

  b.withRow(new dashboard.RowBuilder('Plan beside actual'));
  const both = (title: string, unit: string, description: string, expr: (s: string) => string, extra: Partial<{ min: number; max: number }> = {}) =>
    graph({
      title,
      unit,
      description,
      ...extra,
      targets: [q(expr(plan), 'plan {{run}} {{policy}}'), q(expr(actual), 'actual {{run}}')],
    });
  b.withPanel(
    both(
      'SLA attainment per sample: plan and actual',
      'percentunit',
      'Share of the cases completed in each sample interval that met their SLA.',
      (s) => `max by (run, policy) (autoshift_sla_attainment_ratio${s})`,
      { min: 0, max: 1 },
    ),
  );
  b.withPanel(
    both('Backlog: plan and actual', 'suffix: tasks', 'All tasks waiting.', (s) => `sum by (run, policy) (autoshift_queue_waiting_tasks${s})`, { min: 0 }),
  );
  b.withPanel(
    both(
      'Utilisation: plan and actual',
      'percentunit',
      'Busy over available units, all pools.',
      (s) => `sum by (run, policy) (autoshift_pool_busy_units${s}) / (sum by (run, policy) (autoshift_pool_available_units${s}) > 0)`,
      { min: 0, max: 1 },
    ),
  );
  b.withPanel(
    both(
      'Cases completed: plan and actual',
      'suffix: cases',
      'Cases completed in the rate interval.',
      (s) => `sum by (run, policy) (increase(autoshift_cases_completed_total${s}[${w}]))`,
      { min: 0 },
    ),
  );
  b.withPanel(
    lastValue({
      title: 'Time to recover: plan and actual',
      unit: 'dtdurations',
      w: 24,
      description: 'Per disruption, from its start to recovery (or to now while not recovered). Simulated time.',
      targets: [
        q(`max by (run, policy, disruption) (autoshift_disruption_time_to_recover_simulated_seconds${plan})`, 'plan {{policy}} {{disruption}}'),
        q(`max by (run, disruption) (autoshift_disruption_time_to_recover_simulated_seconds${actual})`, 'actual {{disruption}}'),
      ],
    }),
  );

  b.withRow(new dashboard.RowBuilder('Policies of the plan (autoshift compare --openmetrics)'));
  b.withPanel(
    graph({
      title: 'SLA attainment per sample, by policy',
      unit: 'percentunit',
      min: 0,
      max: 1,
      description: 'Each policy of the backfilled compare run on the same demand (common random numbers).',
      targets: [q(`max by (policy) (autoshift_sla_attainment_ratio${plan})`, '{{policy}}')],
    }),
  );
  b.withPanel(
    graph({
      title: 'Backlog by policy',
      unit: 'suffix: tasks',
      min: 0,
      description: 'All tasks waiting, per policy.',
      targets: [q(`sum by (policy) (autoshift_queue_waiting_tasks${plan})`, '{{policy}}')],
    }),
  );
  b.withPanel(
    lastValue({
      title: 'Time to recover by policy',
      unit: 'dtdurations',
      w: 12,
      description: 'Per disruption and policy.',
      targets: [q(`max by (policy, disruption) (autoshift_disruption_time_to_recover_simulated_seconds${plan})`, '{{policy}} {{disruption}}')],
    }),
  );
  b.withPanel(
    lastValue({
      title: 'Loss area by policy',
      unit: 'dtdurations',
      w: 12,
      description: 'Lost SLA attainment integrated over each disruption, per policy (time at zero attainment).',
      targets: [q(`max by (policy, disruption) (autoshift_disruption_loss_area_simulated_seconds${plan})`, '{{policy}} {{disruption}}')],
    }),
  );
  return b.build();
}

/**
 * The operations dashboard: how the selected runs are doing, live or
 * planned. Its first row reads metrics both runtimes write (a live run, and a
 * what-if run backfilled with `autoshift backfill`); the second row is the
 * live runtime's own health (grants, intake, policy epochs, escalations).
 *
 * SLA attainment is over completed cases (completed within SLA / completed);
 * rates are per simulated hour (divided by the run's simulated clock), so a
 * run at --speed 3600 and one on the calendar read alike.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { disruptionAnnotations, frame, graph, lastValue, q, runVariables, sel } from './panels.js';

const by = 'source, run';
const w = '$__rate_interval';
/** simulated seconds per wall second of each run */
const simSpeed = `max by (${by}) (deriv(autoshift_simulated_time_seconds${sel()}[${w}]))`;
const perSimHour = (expr: string) => `(${expr}) / on (${by}) group_left() ((${simSpeed}) > 0) * 3600`;

export function operationsDashboard(): dashboard.Dashboard {
  const b = frame(
    'autoshift-operations',
    'autoshift — operations',
    'Backlog, SLA attainment, utilisation and throughput of live runs and backfilled what-if runs (variables: source, scenario, run).',
  );
  for (const v of runVariables()) b.withVariable(v);
  b.annotation(disruptionAnnotations());
  b.withRow(new dashboard.RowBuilder('Service (live and what-if runs)'));
  b.withPanel(
    graph({
      title: 'SLA attainment of completed cases',
      unit: 'percentunit',
      min: 0,
      max: 1,
      description: 'Cases completed within their SLA over cases completed, per run, over the rate interval. Empty when no case completed.',
      targets: [
        q(
          `sum by (${by}) (increase(autoshift_cases_completed_within_sla_total${sel()}[${w}])) / (sum by (${by}) (increase(autoshift_cases_completed_total${sel()}[${w}])) > 0)`,
          '{{source}} {{run}}',
        ),
      ],
    }),
  );
  b.withPanel(
    graph({
      title: 'Backlog: tasks waiting per queue',
      unit: 'suffix: tasks',
      min: 0,
      description: 'Tasks waiting for a unit, per work queue (skill), at each sample.',
      targets: [q(`sum by (${by}, queue) (autoshift_queue_waiting_tasks${sel()})`, '{{source}} {{run}} {{queue}}')],
    }),
  );
  b.withPanel(
    graph({
      title: 'Utilisation per pool',
      unit: 'percentunit',
      min: 0,
      max: 1,
      description: 'Busy units over available units (on duty and not down), per pool.',
      targets: [
        q(
          `sum by (${by}, pool) (autoshift_pool_busy_units${sel()}) / (sum by (${by}, pool) (autoshift_pool_available_units${sel()}) > 0)`,
          '{{source}} {{run}} {{pool}}',
        ),
      ],
    }),
  );
  b.withPanel(
    graph({
      title: 'Units available and busy per pool',
      unit: 'suffix: units',
      min: 0,
      description: 'Units on duty and not down (available), and units working on a task (busy).',
      targets: [
        q(`sum by (${by}, pool) (autoshift_pool_available_units${sel()})`, '{{source}} {{run}} {{pool}} available'),
        q(`sum by (${by}, pool) (autoshift_pool_busy_units${sel()})`, '{{source}} {{run}} {{pool}} busy'),
      ],
    }),
  );
  b.withPanel(
    graph({
      title: 'Throughput: cases completed per simulated hour',
      unit: 'suffix: cases/h',
      min: 0,
      description: "Completions per wall second divided by the run's simulated seconds per wall second, times 3600.",
      targets: [q(perSimHour(`sum by (${by}) (rate(autoshift_cases_completed_total${sel()}[${w}]))`), '{{source}} {{run}}')],
    }),
  );
  b.withPanel(
    lastValue({
      title: 'Simulated time',
      unit: 'dtdurations',
      w: 12,
      h: 8,
      description: 'How far each run has got in simulated time (one value per run: the largest its services report).',
      targets: [q(`max by (${by}) (autoshift_simulated_time_seconds${sel()})`, '{{source}} {{run}}')],
    }),
  );

  b.withRow(new dashboard.RowBuilder('Live runtime health'));
  b.withPanel(
    graph({
      title: 'Work done by pool (human/bot share)',
      unit: 'suffix: tasks/h',
      min: 0,
      description: 'Tasks finished per simulated hour, per pool (live runs only).',
      targets: [q(perSimHour(`sum by (${by}, pool) (rate(autoshift_tasks_done_total${sel('outcome="done"')}[${w}]))`), '{{run}} {{pool}}')],
    }),
  );
  b.withPanel(
    graph({
      title: 'Bot tasks escalated to people',
      unit: 'suffix: tasks/h',
      min: 0,
      description: 'Bot tasks handed to a person per simulated hour, by pool and reason: the bot failed, or could not be reached (live runs only).',
      targets: [q(perSimHour(`sum by (${by}, pool, reason) (rate(autoshift_bot_escalations_total${sel()}[${w}]))`), '{{run}} {{pool}} {{reason}}')],
    }),
  );
  b.withPanel(
    graph({
      title: 'Cycle time p95 (simulated)',
      unit: 's',
      min: 0,
      description: '95th percentile of the simulated cycle time of cases completed in the interval, per process (live runs only).',
      targets: [
        q(`histogram_quantile(0.95, sum by (${by}, le, process) (rate(autoshift_case_cycle_simulated_seconds_bucket${sel()}[${w}])))`, '{{run}} {{process}}'),
      ],
    }),
  );
  b.withPanel(
    graph({
      title: 'Grant latency (wall clock)',
      unit: 's',
      min: 0,
      description: 'Grant hand-off of every grant, from the request (or the moment a unit came free) to the delivered signal: median and p99 (live runs only).',
      targets: [
        q(`histogram_quantile(0.5, sum by (${by}, le) (rate(autoshift_grant_latency_seconds_bucket${sel()}[${w}])))`, '{{run}} p50'),
        q(`histogram_quantile(0.99, sum by (${by}, le) (rate(autoshift_grant_latency_seconds_bucket${sel()}[${w}])))`, '{{run}} p99'),
      ],
    }),
  );
  b.withPanel(
    graph({
      title: 'Intake health',
      unit: 'suffix: msg/s',
      min: 0,
      description: 'Workflows started, duplicate deliveries absorbed, and messages dead-lettered, per wall second (live runs only).',
      targets: [
        q(`sum by (${by}) (rate(autoshift_cases_started_total${sel('source="live"')}[${w}]))`, '{{run}} started'),
        q(`sum by (${by}) (rate(autoshift_duplicate_deliveries_total${sel()}[${w}]))`, '{{run}} duplicates'),
        q(`sum by (${by}) (rate(autoshift_dead_letters_total${sel()}[${w}]))`, '{{run}} dead letters'),
      ],
    }),
  );
  b.withPanel(
    graph({
      title: 'Policy decision epochs',
      unit: 'suffix: epochs/s',
      min: 0,
      description: 'Decision epochs of the allocation policy per wall second, by trigger (live runs only).',
      targets: [q(`sum by (${by}, trigger) (rate(autoshift_policy_epochs_total${sel()}[${w}]))`, '{{run}} {{trigger}}')],
    }),
  );
  return b.build();
}

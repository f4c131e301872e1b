/**
 * The resilience dashboard: each disruption in force shaded (annotations
 * from `autoshift_disruption_active`), the SLA dip against the baseline
 * before it, the backlog and its worst, and per disruption the time to
 * recover, the loss area and whether the operation has recovered — the
 * gauges both runtimes compute with simulator/resilience.ts, the code of the
 * result document's resilience block — and the SLA budget's burn rate.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { disruptionAnnotations, frame, graph, lastValue, q, runVariables, sel, SLO } from './panels.js';

const by = 'source, run';
const w = '$__rate_interval';

export function resilienceDashboard(): dashboard.Dashboard {
  const b = frame(
    'autoshift-resilience',
    'autoshift — resilience',
    'How deep performance fell during each disruption and how fast it recovered, for live runs and backfilled what-if runs.',
  );
  for (const v of runVariables()) b.withVariable(v);
  b.annotation(disruptionAnnotations());
  b.withPanel(
    graph({
      title: 'SLA attainment per sample, baseline, and disruptions in force',
      unit: 'percentunit',
      min: 0,
      max: 1,
      w: 24,
      h: 9,
      description:
        'Share of the cases completed in each sample interval that met their SLA (what resilience is measured on); ' +
        "the dashed baseline is each disruption's attainment over the week before it; shaded: a disruption in force.",
      targets: [
        q(`max by (${by}) (autoshift_sla_attainment_ratio${sel()})`, '{{source}} {{run}} SLA attainment'),
        q(`max by (${by}, disruption) (autoshift_disruption_baseline_sla_ratio${sel()})`, '{{source}} {{run}} baseline before {{disruption}}'),
        q(`max by (${by}, disruption) (autoshift_disruption_active${sel()})`, '{{source}} {{run}} in force: {{disruption}}'),
      ],
    })
      .overrideByRegexp('.*in force.*', [
        { id: 'custom.fillOpacity', value: 25 },
        { id: 'custom.lineWidth', value: 0 },
        { id: 'custom.lineInterpolation', value: 'stepAfter' },
        { id: 'color', value: { mode: 'fixed', fixedColor: 'rgba(255, 96, 96, 0.5)' } },
      ])
      .overrideByRegexp('.*baseline.*', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]),
  );
  b.withPanel(
    graph({
      title: 'Backlog and worst backlog since each disruption',
      unit: 'suffix: tasks',
      min: 0,
      description: 'All tasks waiting, and the largest backlog from the start of each disruption to its recovery (or now).',
      targets: [
        q(`sum by (${by}) (autoshift_queue_waiting_tasks${sel()})`, '{{source}} {{run}} backlog'),
        q(`max by (${by}, disruption) (autoshift_disruption_worst_backlog_tasks${sel()})`, '{{source}} {{run}} worst since {{disruption}}'),
      ],
    }),
  );
  b.withPanel(
    graph({
      title: 'SLA budget burn rate',
      unit: 'suffix: x budget',
      min: 0,
      description:
        `Share of completed cases that missed their SLA over the budget 1 - ${SLO} (target ${SLO * 100}% within SLA): ` +
        '1 spends the budget exactly; the alerts fire at 14.4 (fast) and 6 (slow) on 5m/1h and 30m/6h windows.',
      targets: [
        q(
          `(1 - sum by (${by}) (increase(autoshift_cases_completed_within_sla_total${sel()}[${w}])) / (sum by (${by}) (increase(autoshift_cases_completed_total${sel()}[${w}])) > 0)) / ${round(1 - SLO)}`,
          '{{source}} {{run}}',
        ),
      ],
    }),
  );
  b.withPanel(
    lastValue({
      title: 'Time to recover',
      unit: 'dtdurations',
      w: 8,
      description:
        'From the start of each disruption to recovery (backlog and SLA back near baseline for three samples), or to now while not recovered. Simulated time.',
      targets: [q(`max by (${by}, disruption) (autoshift_disruption_time_to_recover_simulated_seconds${sel()})`, '{{source}} {{run}} {{disruption}}')],
    }),
  );
  b.withPanel(
    lastValue({
      title: 'Loss area',
      unit: 'dtdurations',
      w: 8,
      description:
        'Lost SLA attainment (baseline minus actual) integrated from the start of the disruption to recovery: the resilience triangle, in time at zero attainment.',
      targets: [q(`max by (${by}, disruption) (autoshift_disruption_loss_area_simulated_seconds${sel()})`, '{{source}} {{run}} {{disruption}}')],
    }),
  );
  b.withPanel(
    lastValue({
      title: 'Recovered',
      unit: 'bool_yes_no',
      w: 8,
      description: 'Whether the operation has recovered from each disruption that has started.',
      targets: [q(`max by (${by}, disruption) (autoshift_disruption_recovered${sel()})`, '{{source}} {{run}} {{disruption}}')],
    }),
  );
  b.withPanel(
    graph({
      title: 'SLA attainment inside each disruption',
      unit: 'percentunit',
      min: 0,
      max: 1,
      description:
        'Of the cases completed from the start of the disruption to its recovery (or now), the share that met their SLA; against the baseline before it.',
      targets: [
        q(`max by (${by}, disruption) (autoshift_disruption_sla_in_window_ratio${sel()})`, '{{source}} {{run}} inside {{disruption}}'),
        q(`max by (${by}, disruption) (autoshift_disruption_baseline_sla_ratio${sel()})`, '{{source}} {{run}} baseline {{disruption}}'),
      ],
    }),
  );
  b.withPanel(
    graph({
      title: 'Not recovered: time since each disruption, in disruption lengths',
      unit: 'suffix: x length',
      min: 0,
      description: "Time to recover so far over the disruption's scheduled length, while not recovered; the alert fires at 3.",
      targets: [
        q(
          `max by (${by}, disruption) (autoshift_disruption_time_to_recover_simulated_seconds${sel()}) / max by (${by}, disruption) (autoshift_disruption_length_simulated_seconds${sel()} > 0) unless on (${by}, disruption) max by (${by}, disruption) (autoshift_disruption_recovered${sel()} == 1)`,
          '{{source}} {{run}} {{disruption}}',
        ),
      ],
    }),
  );
  return b.build();
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}

/**
 * Targets and the objective of an optimisation, from the command line:
 * `processes.invoice.slaAttainment>=0.95`, `processes.invoice.cycleP95Seconds<=48h`,
 * `pools.clerks.utilization<=85%`, `disruptions[0].timeToRecoverSeconds<=2d`,
 * and `--minimise cost`. A target names any figure of a replication
 * (simulator/compare.ts metricByName: the KPIs, `processes.<id>.<field>`,
 * `steps.<process/step>.<field>`, `pools.<id>.<field>`, `totals.<field>`) or a
 * resilience figure of a disruption (`disruptions[<i>].<field>`, the
 * disruption's index in the scenario). Pure; errors are plain Errors whose
 * message says what is expected (the CLI names the flag).
 *
 * ```ts
 * const t = parseTarget('processes.invoice.slaAttainment>=95%', scenario);
 * t.metric.of(figures) >= t.threshold;
 * ```
 */
import type { Scenario } from '../model/scenario.js';
import { parseDuration } from '../model/units.js';
import { KPI_METRICS, metricByName, type Metric } from '../simulator/compare.js';
import { resilienceOf, type ResilienceFigures } from '../simulator/resilience.js';

export interface Target {
  /** as written: `processes.invoice.slaAttainment>=0.95` */
  text: string;
  metric: Metric;
  op: '>=' | '<=';
  threshold: number;
}

export interface Objective {
  metric: Metric;
  sense: 'minimise' | 'maximise';
}

/** Short names for the objective. */
const ALIASES: Record<string, string> = { cost: 'totalCost', 'cost-per-case': 'costPerCase', sla: 'slaAttainment' };

const RESILIENCE_FIELDS: Record<string, [Metric['better'], Metric['kind']]> = {
  timeToRecoverSeconds: ['lower', 'duration'],
  lossAreaHours: ['lower', 'count'],
  worstBacklog: ['lower', 'count'],
  slaInWindow: ['higher', 'share'],
  extraCost: ['lower', 'money'],
  recovered: ['higher', 'share'],
};

/** A figure by name, as in a target: a KPI, a figure path, or `disruptions[i].<field>`. */
export function figureMetric(name: string, scenario: Scenario): Metric {
  const n = ALIASES[name] ?? name;
  const d = /^disruptions(?:\[(\d+)\]|\.(\d+))\.(\w+)$/.exec(n);
  if (d) {
    const index = Number(d[1] ?? d[2]);
    const field = d[3];
    if (index >= scenario.disruptions.length) {
      throw new Error(
        `unknown figure '${name}': the scenario has ${scenario.disruptions.length} disruption${scenario.disruptions.length === 1 ? '' : 's'} (expected disruptions[0]..disruptions[${Math.max(0, scenario.disruptions.length - 1)}])`,
      );
    }
    const spec = RESILIENCE_FIELDS[field];
    if (!spec) throw new Error(`unknown figure '${name}': no field '${field}' of a disruption (expected one of: ${Object.keys(RESILIENCE_FIELDS).join(', ')})`);
    const disruption = scenario.disruptions[index];
    const of = (f: Parameters<Metric['of']>[0]) => {
      const r = resilienceOf({ ...scenario, disruptions: [disruption] }, [f])[0];
      // a figure over an empty set (no case judged in the window, a disruption after the run's end) counts as 0,
      // as a replication's per-case figures do when none completed (simulator/figures.ts notApplicable)
      return (r[field as keyof ResilienceFigures] as { mean: number } | null)?.mean ?? 0;
    };
    return { key: `disruptions[${index}].${field}`, label: `${disruption.label} ${field}`, better: spec[0], kind: spec[1], of };
  }
  return metricByName(n, {
    processes: scenario.processes.map((p) => p.id),
    steps: scenario.processes.flatMap((p) => p.steps.map((s) => s.key)),
    pools: scenario.pools.map((p) => p.id),
  });
}

/** `PATH>=VALUE` or `PATH<=VALUE`; VALUE a number, a share like `95%`, or (for times) a duration like `48h`. */
export function parseTarget(text: string, scenario: Scenario): Target {
  const m = /^\s*([^<>=\s]+)\s*(>=|<=)\s*(\S+)\s*$/.exec(text);
  if (!m) throw new Error(`expected FIGURE>=VALUE or FIGURE<=VALUE, like processes.invoice.slaAttainment>=0.95, got '${text}'`);
  const metric = figureMetric(m[1], scenario);
  const threshold = parseValue(m[3], metric);
  return { text: `${metric.key}${m[2]}${m[3]}`, metric, op: m[2] as Target['op'], threshold };
}

export function parseObjective(name: string, sense: Objective['sense'], scenario: Scenario): Objective {
  return { metric: figureMetric(name, scenario), sense };
}

function parseValue(raw: string, metric: Metric): number {
  if (raw.endsWith('%')) {
    const x = Number(raw.slice(0, -1));
    if (!Number.isFinite(x)) throw new Error(`expected a number before %, got '${raw}'`);
    return x / 100;
  }
  const x = Number(raw);
  if (Number.isFinite(x)) return x;
  if (metric.kind === 'duration') {
    const s = parseDuration(raw);
    if (Number.isFinite(s)) return s;
    throw new Error(`expected a duration like 48h or 2d (or seconds) for ${metric.key}, got '${raw}'`);
  }
  throw new Error(`expected a number${metric.kind === 'share' ? ' or a share like 95%' : ''} for ${metric.key}, got '${raw}'`);
}

/** The KPIs every design report shows, besides its targets and objective. */
export const REPORTED_KPIS: readonly Metric[] = KPI_METRICS.filter((m) => ['slaAttainment', 'cycleMeanSeconds', 'costPerCase', 'totalCost'].includes(m.key));

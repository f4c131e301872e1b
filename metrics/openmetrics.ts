/**
 * A what-if run's time series as OpenMetrics text, with timestamps, for
 * `promtool tsdb create-blocks-from openmetrics` (`autoshift backfill`).
 * Metric names, help and label names are those of the live runtime
 * (metrics/registry.ts), so one dashboard shows both; every series carries
 * `source="sim"`, `run`, `scenario`, `policy` and `replication` (the
 * replication number, or `mean` for the per-sample mean of several).
 *
 * Sample k of the engine's series (simulator/run-stats.ts: the end of an
 * interval of `sampleEvery` after the warm-up) is written at wall time
 * `startMs + time[k] / speed` — the scenario's calendar with speed 1, or the
 * compressed clock of a live run at `--speed`.
 *
 * What each metric holds in a sim export:
 * - `autoshift_queue_waiting_tasks{queue}`: tasks waiting at the sample;
 * - `autoshift_pool_available_units{pool}`: mean units available over the interval;
 *   `autoshift_pool_busy_units{pool}`: that times the pool's utilisation;
 * - counters (cumulative from the warm-up): cases started (arrived), completed,
 *   completed within SLA, SLA breaches (cases completed late, counted at completion);
 * - `autoshift_sla_attainment_ratio`, `autoshift_simulated_time_seconds`;
 * - the resilience gauges, per disruption (metrics/resilience-series.ts).
 * Per-process labels are not written: the engine's series is per queue and pool, not per process.
 *
 * ```ts
 * const text = toOpenMetrics([{ scenario, policy: 'static', run: 'plan-1', replications: reps.map((r) => r.timeseries) }], { startMs, speed: 1 });
 * ```
 */
import { Registry } from 'prom-client';
import type { Scenario } from '../model/scenario.js';
import type { TimeSeries } from '../simulator/figures.js';
import { capacityHours } from '../simulator/capacity.js';
import { createMetrics, type Metrics } from './registry.js';
import { disruptionStates, RESILIENCE_GAUGES, type DisruptionState } from './resilience-series.js';
import { scenarioLabel } from './run-labels.js';

export interface OpenMetricsRun {
  scenario: Scenario;
  policy: string;
  /** the `run` label */
  run: string;
  /** each replication's series; several are written as their per-sample mean */
  replications: TimeSeries[];
}

export interface OpenMetricsClock {
  /** wall time (ms since the epoch) of simulated time 0 */
  startMs: number;
  /** simulated seconds per wall second */
  speed: number;
}

type Labels = Record<string, string>;
interface Point {
  labels: Labels;
  values: (number | null)[];
}

/** The OpenMetrics text of the runs (several runs: e.g. one per policy of a compare), ending in `# EOF`. */
export function toOpenMetrics(runs: OpenMetricsRun[], clock: OpenMetricsClock): string {
  const defs = createMetrics(new Registry());
  const prepared = runs.map((r) => prepare(r));
  const out: string[] = [];
  const family = (metric: keyof Metrics, of: (p: Prepared) => Point[]) => {
    const m = defs[metric] as unknown as { name: string; help: string; constructor: { name: string } };
    const counter = m.constructor.name === 'Counter';
    const base = counter ? m.name.replace(/_total$/, '') : m.name;
    out.push(`# TYPE ${base} ${counter ? 'counter' : 'gauge'}`, `# HELP ${base} ${escapeHelp(m.help)}`);
    for (const p of prepared) {
      const stamps = p.ts.time.map((t) => (clock.startMs / 1000 + t / clock.speed).toFixed(3));
      for (const point of of(p)) {
        const labels = formatLabels({ ...p.labels, ...point.labels });
        point.values.forEach((v, k) => {
          if (v !== null && Number.isFinite(v)) out.push(`${m.name}${labels} ${fmt(v)} ${stamps[k]}`);
        });
      }
    }
  };
  family('queueWaiting', (p) => p.scenario.skills.map((q) => ({ labels: { queue: q }, values: p.ts.backlog[q] })));
  family('poolAvailable', (p) => p.scenario.pools.map((pool, i) => ({ labels: { pool: pool.id }, values: p.available[i] })));
  family('poolBusy', (p) =>
    p.scenario.pools.map((pool, i) => ({
      labels: { pool: pool.id },
      values: p.ts.utilization[pool.id].map((u, k) => (u === null ? 0 : u * p.available[i][k])),
    })),
  );
  family('casesStarted', (p) => [{ labels: {}, values: cumulative(p.ts.arrived) }]);
  family('casesCompleted', (p) => [{ labels: {}, values: cumulative(p.ts.completed) }]);
  family('casesWithinSla', (p) => [{ labels: {}, values: cumulative(p.met) }]);
  family('slaBreaches', (p) => [{ labels: {}, values: cumulative(p.ts.completed.map((c, k) => Math.max(0, round9(c - p.met[k])))) }]);
  family('slaAttainment', (p) => [{ labels: {}, values: p.ts.slaAttainment }]);
  family('simulatedTime', (p) => [{ labels: {}, values: p.ts.time }]);
  for (const g of RESILIENCE_GAUGES) {
    family(g.metric, (p) =>
      p.scenario.disruptions.map((_, d) => ({
        labels: { ...p.states[0]?.[d].labels },
        values: p.states.map((s) => g.value(s[d])),
      })),
    );
  }
  out.push('# EOF', '');
  return out.join('\n');
}

interface Prepared {
  scenario: Scenario;
  labels: Labels;
  ts: TimeSeries;
  /** cases completed within SLA per interval */
  met: number[];
  /** mean units available per interval, per pool */
  available: number[][];
  /** per sample, per disruption */
  states: DisruptionState[][];
}

function prepare(r: OpenMetricsRun): Prepared {
  const s = r.scenario;
  const ts = r.replications.length === 1 ? r.replications[0] : meanSeries(r.replications);
  const dt = s.sampleEvery;
  return {
    scenario: s,
    ts,
    labels: { source: 'sim', run: r.run, scenario: scenarioLabel(s), policy: r.policy, replication: r.replications.length === 1 ? '1' : 'mean' },
    met: ts.completed.map((c, k) => round9(c * (ts.slaAttainment[k] ?? 0))),
    available: s.pools.map((_, p) => ts.time.map((t) => capacityHours(s, p, Math.max(0, t - dt), t).available / dt)),
    states: ts.time.map((_, k) => disruptionStates(s, ts, k + 1)),
  };
}

/** The per-sample mean of several replications' series (SLA attainment: of the mean completions). */
export function meanSeries(reps: TimeSeries[]): TimeSeries {
  const n = reps[0].time.length;
  const mean = (f: (ts: TimeSeries) => (number | null)[]) =>
    Array.from({ length: n }, (_, k) => {
      let sum = 0,
        count = 0;
      for (const r of reps) {
        const v = f(r)[k];
        if (v !== null && v !== undefined) {
          sum += v;
          count++;
        }
      }
      return count ? sum / count : null;
    });
  const dense = (f: (ts: TimeSeries) => number[]) => mean(f).map((v) => v ?? 0);
  const each = <T>(r: Record<string, T>, f: (key: string) => T) => Object.fromEntries(Object.keys(r).map((k) => [k, f(k)]));
  const completed = dense((r) => r.completed);
  const met = dense((r) => r.completed.map((c, k) => c * (r.slaAttainment[k] ?? 0)));
  return {
    time: reps[0].time,
    backlog: each(reps[0].backlog, (q) => dense((r) => r.backlog[q])),
    backlogTotal: dense((r) => r.backlogTotal),
    wip: each(reps[0].wip, (p) => dense((r) => r.wip[p])),
    utilization: each(reps[0].utilization, (p) => mean((r) => r.utilization[p])),
    slaAttainment: completed.map((c, k) => (c > 0 ? met[k] / c : null)),
    completed,
    arrived: dense((r) => r.arrived),
    cost: dense((r) => r.cost),
    workCost: dense((r) => r.workCost),
  };
}

/** Nine significant digits: a mean of replications' counts is not an integer, and float noise must not make a counter step back. */
function round9(x: number): number {
  return Number(x.toPrecision(9));
}

function cumulative(xs: number[]): number[] {
  let sum = 0;
  return xs.map((x) => (sum = round9(sum + x)));
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(9)));
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

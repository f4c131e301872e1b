/**
 * Across replications: every figure becomes `{ mean, ci95 }`, ci95 being the
 * half-width of the 95% confidence interval of the mean (Student's t; 0 for one
 * replication). This is the result contract of docs/results.schema.json.
 */
import type { Scenario } from '../model/scenario.js';
import type { ReplicationFigures, TimeSeries } from './figures.js';
import { CYCLE_QUANTILES } from './quantile-sketch.js';
import { timeseriesBand, type TimeseriesBand } from './series-band.js';

export interface Estimate { mean: number; ci95: number }

type ProcessFigure = keyof ReplicationFigures['processes'][string];
type StepFigure = keyof ReplicationFigures['steps'][string];
type TotalFigure = keyof ReplicationFigures['totals'];
/** Figures of a process that are means over its completed cases: null when no case completed. */
const PER_COMPLETED_CASE = ['waitMeanSeconds', 'criticalPathWaitMeanSeconds', 'cycleMeanSeconds', 'cycleP95Seconds', 'slaAttainment', 'costPerCase'] as const satisfies readonly ProcessFigure[];
/** Figures of a step that are means over its completed tasks. */
const PER_COMPLETED_TASK = ['waitMeanSeconds', 'serviceMeanSeconds'] as const satisfies readonly StepFigure[];
/** Totals that are per completed case. */
const TOTALS_PER_CASE = ['slaAttainment', 'costPerCase'] as const satisfies readonly TotalFigure[];
type PerCase = (typeof PER_COMPLETED_CASE)[number];
type PerTask = (typeof PER_COMPLETED_TASK)[number];
type TotalsPerCase = (typeof TOTALS_PER_CASE)[number];

export interface ResultDocument {
  scenario: string;
  file: string;
  policy: string;
  /** the scenario's description */
  description?: string;
  /** the --set overrides the run was made with */
  overrides?: string[];
  seed: number;
  replications: number;
  simulatedSeconds: number;
  /** the scenario's warm-up, horizon and sampling interval */
  warmupSeconds?: number;
  horizonSeconds?: number;
  sampleEverySeconds?: number;
  /** each process's SLA: the cycle time within which a case meets it */
  slaSeconds?: Record<string, number>;
  events: number;
  /** a figure that is a mean over completed cases (or tasks) is null when none completed in any replication; `notApplicable` says why */
  processes: Record<string, Record<Exclude<ProcessFigure, PerCase>, Estimate> & Record<PerCase, Estimate | null>>;
  steps: Record<string, Record<Exclude<StepFigure, PerTask>, Estimate> & Record<PerTask, Estimate | null>>;
  pools: Record<string, Record<keyof ReplicationFigures['pools'][string], Estimate>>;
  totals: Record<Exclude<TotalFigure, TotalsPerCase>, Estimate> & Record<TotalsPerCase, Estimate | null>;
  /** why each null figure is null, by its path: `{ "processes.ticket.cycleMeanSeconds": "no case completed (3 arrived after the warm-up)" }` */
  notApplicable?: Record<string, string>;
  /** per process, the cycle-time quantiles (seconds) at `probabilities`, across replications */
  cycleTimeQuantiles?: { probabilities: number[]; processes: Record<string, Estimate[]> };
  resilience?: unknown;
  /** per priority class (its number), in scenarios with priorities: cases, waits and cycle times of its processes */
  priorityClasses?: Record<string, Record<string, Estimate>>;
  /** figures that are not applicable and what a run could not measure, in words (simulator/nothing-to-measure.ts) */
  warnings?: string[];
  timeseries?: TimeSeries & { replication: number };
  /** the time series of every replication as a band (mean and 95% half-width per sample) */
  timeseriesBand?: TimeseriesBand;
}

const T975 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
  2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Two-sided 97.5% quantile of Student's t with df degrees of freedom. */
export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  if (df < T975.length) return T975[df];
  return 1.959964 + 2.37 / df; // good to 3 decimals beyond 30
}

export function estimate(xs: readonly number[]): Estimate {
  const n = xs.length;
  if (n === 0) return { mean: 0, ci95: 0 };
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= n;
  if (n === 1) return { mean: clean(mean), ci95: 0 };
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  return { mean: clean(mean), ci95: clean((tQuantile975(n - 1) * sd) / Math.sqrt(n)) };
}

/** Rounds to 9 significant digits: the same doubles print the same on every machine, and noise digits go. */
function clean(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(9));
}

function estimateRecords<K extends string>(rows: Record<K, number>[]): Record<K, Estimate> {
  const out = {} as Record<K, Estimate>;
  for (const key of Object.keys(rows[0]) as K[]) out[key] = estimate(rows.map((r) => r[key]));
  return out;
}

/**
 * Means over completed cases are estimated over the replications that
 * completed at least one (a replication with none has no such mean, not a
 * mean of 0); with none in any replication the figure is null, and why is
 * recorded in `why` under its path.
 */
function perCompleted<K extends string>(
  out: Record<string, Estimate | null>, rows: Record<K, number>[], done: number[], keys: readonly K[], path: string, reason: string, why: Record<string, string>,
): void {
  if (done.every((d) => d > 0)) return;
  const kept = rows.filter((_, r) => done[r] > 0);
  for (const k of keys) {
    if (kept.length) out[k] = estimate(kept.map((row) => row[k]));
    else { out[k] = null; why[`${path}.${k}`] = reason; }
  }
}

function byKey<T>(reps: ReplicationFigures[], pick: (r: ReplicationFigures) => Record<string, T>) {
  return Object.keys(pick(reps[0]));
}

/**
 * The result document of R replications. `withTimeseries` adds the series of
 * replication 1 (`timeseries`) and the band over all replications
 * (`timeseriesBand`); `withBand` the band alone.
 */
export function summarize(scenario: Scenario, policyName: string, reps: ReplicationFigures[], withTimeseries = false, withBand = false): ResultDocument {
  const processes: ResultDocument['processes'] = {};
  // (the optional figures of abandonment and finite queues are there in every replication or in none)
  for (const id of byKey(reps, (r) => r.processes)) processes[id] = estimateRecords(reps.map((r) => r.processes[id] as Record<keyof ReplicationFigures['processes'][string], number>)) as ResultDocument['processes'][string];
  const steps: ResultDocument['steps'] = {};
  for (const id of byKey(reps, (r) => r.steps)) steps[id] = estimateRecords(reps.map((r) => r.steps[id]));
  const pools: ResultDocument['pools'] = {};
  for (const id of byKey(reps, (r) => r.pools)) pools[id] = estimateRecords(reps.map((r) => r.pools[id]));
  // means over completed cases or tasks: over the replications that completed some, else null with the reason
  const why: Record<string, string> = {};
  for (const id of Object.keys(processes)) {
    const done = reps.map((r) => r.processes[id].completed);
    const arrived = reps.reduce((n, r) => n + r.processes[id].arrived, 0) / reps.length;
    perCompleted(processes[id], reps.map((r) => r.processes[id]), done, PER_COMPLETED_CASE, `processes.${id}`, `no case completed (${clean(arrived)} arrived after the warm-up)`, why);
  }
  for (const id of Object.keys(steps)) {
    perCompleted(steps[id], reps.map((r) => r.steps[id]), reps.map((r) => r.steps[id].completed), PER_COMPLETED_TASK, `steps.${id}`, 'no task of this step completed', why);
  }
  const totals = estimateRecords(reps.map((r) => r.totals)) as ResultDocument['totals'];
  perCompleted(totals, reps.map((r) => r.totals), reps.map((r) => r.totals.completed), TOTALS_PER_CASE, 'totals', 'no case completed', why);
  const doc: ResultDocument = {
    scenario: scenario.name,
    file: scenario.file,
    policy: policyName,
    description: scenario.description,
    seed: scenario.seed,
    replications: reps.length,
    simulatedSeconds: reps[0].simulatedSeconds,
    warmupSeconds: scenario.warmup,
    horizonSeconds: scenario.horizon,
    sampleEverySeconds: scenario.sampleEvery,
    slaSeconds: Object.fromEntries(scenario.processes.map((p) => [p.id, p.sla])),
    events: reps.reduce((n, r) => n + r.events, 0),
    processes, steps, pools,
    totals,
  };
  if (Object.keys(why).length) doc.notApplicable = why;
  if (reps[0].priorityClasses) {
    doc.priorityClasses = Object.fromEntries(Object.keys(reps[0].priorityClasses).map((c) => [c, estimateRecords(reps.map((r) => r.priorityClasses![c]))]));
  }
  const quantiles = reps.map((r) => r.cycleQuantiles);
  if (quantiles.every((q) => q !== undefined)) {
    doc.cycleTimeQuantiles = {
      probabilities: [...CYCLE_QUANTILES],
      processes: Object.fromEntries(Object.keys(processes).map((id) => [id,
        CYCLE_QUANTILES.map((_, j) => estimate(quantiles.map((q) => q![id][j])))])),
    };
  }
  if (withTimeseries) doc.timeseries = { replication: 0, ...reps[0].timeseries };
  if (withTimeseries || withBand) doc.timeseriesBand = timeseriesBand(reps.map((r) => r.timeseries), scenario.sampleEvery);
  return doc;
}

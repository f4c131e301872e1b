/**
 * Across replications: every figure becomes `{ mean, ci95 }`, ci95 being the
 * half-width of the 95% confidence interval of the mean (Student's t; 0 for one
 * replication). This is the result contract of docs/results.schema.json.
 */
import type { Scenario } from '../model/scenario.js';
import { EMPTY, NULLABLE_PROCESS_FIGURES, type PER_COMPLETED_TASK, type ReplicationFigures, type TimeSeries, type TOTALS_PER_CASE } from './figures.js';
import { CYCLE_QUANTILES } from './quantile-sketch.js';
import { timeseriesBand, type TimeseriesBand } from './series-band.js';

export interface Estimate {
  mean: number;
  ci95: number;
}

type ProcessFigure = keyof ReplicationFigures['processes'][string];
type StepFigure = keyof ReplicationFigures['steps'][string];
type TotalFigure = keyof ReplicationFigures['totals'];
type PoolFigure = keyof ReplicationFigures['pools'][string];
type NullableProcess = (typeof NULLABLE_PROCESS_FIGURES)[number];
type PerTask = (typeof PER_COMPLETED_TASK)[number];
type TotalsPerCase = (typeof TOTALS_PER_CASE)[number];
/** Pool figures over its available time: null when it had none. */
type NullablePool = 'utilization';

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
  /**
   * observed simulated time, from the end of the warm-up to the end of the run, per
   * replication: horizon minus warm-up; with `drain` or `cases` the replications run to
   * different ends, and this is their mean (each in `simulatedSecondsByReplication`)
   */
  simulatedSeconds: number;
  /** each replication's observed time, when they differ (drain, cases) */
  simulatedSecondsByReplication?: number[];
  /** the scenario's warm-up, horizon and sampling interval */
  warmupSeconds?: number;
  horizonSeconds?: number;
  sampleEverySeconds?: number;
  /** each process's SLA: the cycle time within which a case meets it */
  slaSeconds?: Record<string, number>;
  events: number;
  /**
   * A figure over an empty set (a mean over completed cases when none completed,
   * a utilisation without available time: simulator/figures.ts) is null when it
   * is so in every replication; `notApplicable` says why
   */
  processes: Record<string, Record<Exclude<ProcessFigure, NullableProcess>, Estimate> & Record<NullableProcess, Estimate | null>>;
  steps: Record<string, Record<Exclude<StepFigure, PerTask>, Estimate> & Record<PerTask, Estimate | null>>;
  pools: Record<string, Record<Exclude<PoolFigure, NullablePool>, Estimate> & Record<NullablePool, Estimate | null>>;
  totals: Record<Exclude<TotalFigure, TotalsPerCase>, Estimate> & Record<TotalsPerCase, Estimate | null>;
  /** why each null figure is null, by its path: `{ "processes.ticket.cycleMeanSeconds": "no case completed (3 arrived after the warm-up)" }` */
  notApplicable?: Record<string, string>;
  /** per process, the cycle-time quantiles (seconds) at `probabilities`, across replications (null when no case completed) */
  cycleTimeQuantiles?: { probabilities: number[]; processes: Record<string, Estimate[] | null> };
  resilience?: unknown;
  /** per priority class (its number), in scenarios with priorities: cases, waits and cycle times of its processes */
  priorityClasses?: Record<string, Record<string, Estimate | null>>;
  /** figures that are not applicable and what a run could not measure, in words (simulator/nothing-to-measure.ts) */
  warnings?: string[];
  timeseries?: TimeSeries & { replication: number };
  /** the time series of every replication as a band (mean and 95% half-width per sample) */
  timeseriesBand?: TimeseriesBand;
}

/**
 * The observed time of one or more result documents, in words: "7d observed" when every
 * replication ran as long, else the range and the mean ("6.9d to 7.3d observed, mean 7.1d"):
 * drained replications (and policies or cells) end with their last case.
 */
export function observedTime(
  docs: readonly Pick<ResultDocument, 'simulatedSeconds' | 'simulatedSecondsByReplication'>[],
  show: (seconds: number) => string,
): string {
  const all = docs.flatMap((d) => d.simulatedSecondsByReplication ?? [d.simulatedSeconds]);
  if (all.length === 0) return 'nothing observed';
  const lo = Math.min(...all),
    hi = Math.max(...all);
  if (lo === hi) return `${show(lo)} observed`;
  return `${show(lo)} to ${show(hi)} observed, mean ${show(all.reduce((a, b) => a + b, 0) / all.length)} (drained: each replication ends with its last case)`;
}

const T975 = [
  NaN,
  12.706,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.16,
  2.145,
  2.131,
  2.12,
  2.11,
  2.101,
  2.093,
  2.086,
  2.08,
  2.074,
  2.069,
  2.064,
  2.06,
  2.056,
  2.052,
  2.048,
  2.045,
  2.042,
];

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

/**
 * Each figure of a record (`path` in the document: `processes.job`) across
 * replications. A figure that a replication computed over an empty set (its
 * `notApplicable`) has no value there, not a value of 0: the estimate is over
 * the replications that have one; with none, the figure is null and `why`
 * gets the reason under its path.
 */
function estimateRecord(
  reps: readonly ReplicationFigures[],
  rows: readonly Record<string, number | undefined>[],
  path: string,
  why: Record<string, string>,
): Record<string, Estimate | null> {
  const out: Record<string, Estimate | null> = {};
  for (const key of Object.keys(rows[0])) {
    const at = `${path}.${key}`;
    const kept = rows.filter((_, r) => reps[r].notApplicable?.[at] === undefined).map((row) => row[key] ?? 0);
    if (kept.length) out[key] = estimate(kept);
    else {
      out[key] = null;
      why[at] = reasonOf(reps, at);
    }
  }
  return out;
}

/** The reason a figure is null in every replication; for a process with no completed case, with how many arrived. */
function reasonOf(reps: readonly ReplicationFigures[], at: string): string {
  const reason = reps[0].notApplicable![at];
  const process = /^processes\.(.+)\.[^.]+$/.exec(at)?.[1];
  if (reason !== EMPTY.completedCases || process === undefined) return reason;
  const arrived = reps.reduce((n, r) => n + r.processes[process].arrived, 0) / reps.length;
  return `${reason} (${clean(arrived)} arrived after the warm-up)`;
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
  // means over an empty set: over the replications that have a value, else null with the reason
  const why: Record<string, string> = {};
  const processes: ResultDocument['processes'] = {};
  // (the optional figures of abandonment and finite queues are there in every replication or in none)
  for (const id of byKey(reps, (r) => r.processes)) {
    processes[id] = estimateRecord(
      reps,
      reps.map((r) => r.processes[id]),
      `processes.${id}`,
      why,
    ) as ResultDocument['processes'][string];
  }
  const steps: ResultDocument['steps'] = {};
  for (const id of byKey(reps, (r) => r.steps))
    steps[id] = estimateRecord(
      reps,
      reps.map((r) => r.steps[id]),
      `steps.${id}`,
      why,
    ) as ResultDocument['steps'][string];
  const pools: ResultDocument['pools'] = {};
  for (const id of byKey(reps, (r) => r.pools))
    pools[id] = estimateRecord(
      reps,
      reps.map((r) => r.pools[id]),
      `pools.${id}`,
      why,
    ) as ResultDocument['pools'][string];
  const totals = estimateRecord(
    reps,
    reps.map((r) => r.totals),
    'totals',
    why,
  ) as ResultDocument['totals'];
  // (drained replications end when their last case does: each has its own length)
  const lengths = reps.map((r) => r.simulatedSeconds);
  const doc: ResultDocument = {
    scenario: scenario.name,
    file: scenario.file,
    policy: policyName,
    description: scenario.description,
    seed: scenario.seed,
    replications: reps.length,
    simulatedSeconds: estimate(lengths).mean,
    ...(lengths.some((l) => l !== lengths[0]) ? { simulatedSecondsByReplication: lengths } : {}),
    warmupSeconds: scenario.warmup,
    horizonSeconds: scenario.horizon,
    sampleEverySeconds: scenario.sampleEvery,
    slaSeconds: Object.fromEntries(scenario.processes.map((p) => [p.id, p.sla])),
    events: reps.reduce((n, r) => n + r.events, 0),
    processes,
    steps,
    pools,
    totals,
  };
  if (reps[0].priorityClasses) {
    doc.priorityClasses = Object.fromEntries(
      Object.keys(reps[0].priorityClasses).map((c) => [
        c,
        estimateRecord(
          reps,
          reps.map((r) => r.priorityClasses![c]),
          `priorityClasses.${c}`,
          why,
        ),
      ]),
    );
  }
  if (reps.every((r) => r.cycleQuantiles !== undefined)) {
    doc.cycleTimeQuantiles = {
      probabilities: [...CYCLE_QUANTILES],
      processes: Object.fromEntries(
        Object.keys(processes).map((id) => {
          // a replication with no completed case has no quantiles (its sketch is empty), as it has no mean
          const at = `cycleQuantiles.${id}`;
          const kept = reps.filter((r) => r.notApplicable?.[at] === undefined).map((r) => r.cycleQuantiles![id]);
          if (kept.length === 0)
            why[`cycleTimeQuantiles.processes.${id}`] = reasonOf(reps, at).replace(
              EMPTY.completedCases,
              `${EMPTY.completedCases} (${clean(processes[id].arrived.mean)} arrived after the warm-up)`,
            );
          return [id, kept.length ? CYCLE_QUANTILES.map((_, j) => estimate(kept.map((q) => q[j]))) : null];
        }),
      ),
    };
  }
  if (Object.keys(why).length) doc.notApplicable = why;
  if (withTimeseries) doc.timeseries = { replication: 0, ...reps[0].timeseries };
  if (withTimeseries || withBand)
    doc.timeseriesBand = timeseriesBand(
      reps.map((r) => r.timeseries),
      scenario.sampleEvery,
    );
  return doc;
}

/**
 * The figures of one run, from the measures both runtimes keep: one set of
 * formulas for the `sim` engine's RunStats (streamed sums) and the live
 * runtime's LiveTally (sums over the run's events). A figure's definition
 * lives here and only here; docs/results.md explains each.
 *
 * ```ts
 * const figures = figuresOf(scenario, {
 *   seed, events, observed: horizon - warmup,
 *   processes: [{ arrived, completed, waitSum, cycleSum, slaMet, costSum, tasks, botTasks, cycles, wipArea }],
 *   steps: [[{ completed, waitSum, serviceSum }]],        // per process, per step
 *   pools: [{ busy, available, rostered }],                // unit-seconds
 *   timeseries,
 * });
 * ```
 */
import type { Scenario } from '../model/scenario.js';
import { CYCLE_QUANTILES, type QuantileSketch } from './quantile-sketch.js';
import { queueingFeatures } from '../model/compile-queueing.js';
import { noQueueingMeasures, priorityClassFigures, queueingEmpty, queueingProcessFigures, type QueueingMeasures } from './queueing-figures.js';

/** Plain-JSON figures of one replication (what a worker thread sends back). */
export interface ReplicationFigures {
  seed: number;
  events: number;
  simulatedSeconds: number;
  processes: Record<
    string,
    {
      arrived: number;
      completed: number;
      openAtEnd: number;
      openAgeMeanSeconds: number;
      waitMeanSeconds: number;
      criticalPathWaitMeanSeconds: number;
      cycleMeanSeconds: number;
      cycleP95Seconds: number;
      slaAttainment: number;
      costPerCase: number;
      automationShare: number;
      wipMean: number;
      throughputPerHour: number;
      /** abandonment and finite queues (simulator/queueing-figures.ts), only in scenarios that use them */
      abandoned?: number;
      abandonmentRate?: number;
      servedWaitMeanSeconds?: number;
      abandonedWaitMeanSeconds?: number;
      casesAbandoned?: number;
      blocked?: number;
      blockingRate?: number;
      casesLost?: number;
    }
  >;
  /** per priority class, only in scenarios with priorities */
  priorityClasses?: Record<string, Record<string, number>>;
  steps: Record<string, { completed: number; waitMeanSeconds: number; serviceMeanSeconds: number }>;
  pools: Record<string, { utilization: number; cost: number; busyHours: number; availableHours: number }>;
  totals: { completed: number; cost: number; slaAttainment: number; costPerCase: number };
  /** per process, the cycle-time quantiles (seconds) at CYCLE_QUANTILES */
  cycleQuantiles?: Record<string, number[]>;
  /**
   * The figures of this replication computed over an empty set (a mean over no
   * completed case, a utilisation over no available time), by path
   * (`processes.job.cycleMeanSeconds`, `cycleQuantiles.job`), with the reason.
   * Their value above is a placeholder 0; `summarize` leaves them out of the
   * estimate across replications and makes the figure null when every
   * replication has it here. Absent when there is none.
   */
  notApplicable?: Record<string, string>;
  timeseries: TimeSeries;
}

/** Why a figure over an empty set has no value, by the set that is empty. */
export const EMPTY = {
  completedCases: 'no case completed',
  openCases: 'no case open at the end',
  completedTasks: 'no task of this step completed',
  availableTime: 'no unit of this pool available after the warm-up',
} as const;

type ProcessFigure = keyof ReplicationFigures['processes'][string];
/** Figures of a process that are means over its completed cases (or their tasks). */
const PER_COMPLETED_CASE = [
  'waitMeanSeconds',
  'criticalPathWaitMeanSeconds',
  'cycleMeanSeconds',
  'cycleP95Seconds',
  'slaAttainment',
  'costPerCase',
  'automationShare',
] as const satisfies readonly ProcessFigure[];
/** Figures of a process that can be over an empty set: `notApplicable` in a replication, null in a result document. */
export const NULLABLE_PROCESS_FIGURES = [
  ...PER_COMPLETED_CASE,
  'openAgeMeanSeconds',
  'abandonmentRate',
  'servedWaitMeanSeconds',
  'abandonedWaitMeanSeconds',
  'blockingRate',
] as const satisfies readonly ProcessFigure[];
/** Figures of a step that are means over its completed tasks. */
export const PER_COMPLETED_TASK = ['waitMeanSeconds', 'serviceMeanSeconds'] as const satisfies readonly (keyof ReplicationFigures['steps'][string])[];
/** Totals that are per completed case. */
export const TOTALS_PER_CASE = ['slaAttainment', 'costPerCase'] as const satisfies readonly (keyof ReplicationFigures['totals'])[];

/** Records `figures` under `path` as over the empty set `why`. */
function markEmpty(out: Record<string, string>, path: string, empty: boolean, figures: readonly string[], why: string): void {
  if (empty) for (const f of figures) out[`${path}.${f}`] = why;
}

export interface TimeSeries {
  /** end of each sample interval, seconds from start */
  time: number[];
  /** tasks waiting in each queue at the sample instant */
  backlog: Record<string, number[]>;
  /** all tasks waiting, summed over queues */
  backlogTotal: number[];
  /** cases in progress per process */
  wip: Record<string, number[]>;
  /** busy share of available units over the interval, per pool (null when none available) */
  utilization: Record<string, (number | null)[]>;
  /** share of cases completed in the interval that met their SLA (null when none completed) */
  slaAttainment: (number | null)[];
  completed: number[];
  arrived: number[];
  /** cost of the interval: rostered unit-hours times cost per hour */
  cost: number[];
  /** cost of the work done in the interval: busy unit-hours times cost per hour */
  workCost: number[];
  /**
   * cases that ended abandoned or lost in the interval (only in scenarios with patience or queue
   * capacities): they count as SLA misses in `slaAttainment` and in resilience
   */
  unserved?: number[];
}

/** What is counted of a process's cases: those that arrived after the warm-up (completed = done in the window). */
export interface ProcessMeasures {
  arrived: number;
  completed: number;
  /** seconds the completed cases waited for capacity, summed (over every task: parallel paths' waits add up) */
  waitSum: number;
  /** seconds the completed cases waited on their critical paths (the last path to reach each join), summed: at most their cycle times */
  criticalWaitSum: number;
  /** cycle times (arrival to completion) of the completed cases, summed, and their sketch */
  cycleSum: number;
  cycles: QuantileSketch;
  /** completed cases that met the SLA */
  slaMet: number;
  /** service cost of the completed cases, summed */
  costSum: number;
  /** tasks of the completed cases, and how many of them bots did */
  tasks: number;
  botTasks: number;
  /** case-seconds in progress over the window (every case, counted or not) */
  wipArea: number;
  /** counted cases still open at the end (arrived, not completed), and their ages at the end, summed */
  openAtEnd: number;
  openAgeSum: number;
  /** abandonment and finite queues; absent = none */
  queueing?: QueueingMeasures;
}

/** What is counted of a step's tasks (those of counted cases). */
export interface StepMeasures {
  completed: number;
  waitSum: number;
  serviceSum: number;
}

/** Unit-seconds of a pool over the window. */
export interface PoolMeasures {
  busy: number;
  available: number;
  rostered: number;
}

export interface RunMeasures {
  seed: number;
  events: number;
  /** seconds observed: from the end of the warm-up to the end of the run */
  observed: number;
  /** by process index */
  processes: ProcessMeasures[];
  /** by process index, then step index */
  steps: StepMeasures[][];
  /** by pool index */
  pools: PoolMeasures[];
  timeseries: TimeSeries;
}

/** The figures of a run from its measures (the same formulas for `sim` and `live`). */
export function figuresOf(scenario: Scenario, m: RunMeasures): ReplicationFigures {
  const window = Math.max(1e-9, m.observed);
  const processes: ReplicationFigures['processes'] = {};
  let completedAll = 0,
    metAll = 0;
  const features = queueingFeatures(scenario);
  const na: Record<string, string> = {};
  scenario.processes.forEach((p, i) => {
    const x = m.processes[i];
    const c = x.completed;
    const q = x.queueing ?? noQueueingMeasures();
    const path = `processes.${p.id}`;
    markEmpty(na, path, c === 0, PER_COMPLETED_CASE, EMPTY.completedCases);
    markEmpty(na, path, x.openAtEnd === 0, ['openAgeMeanSeconds'], EMPTY.openCases);
    for (const [f, why] of Object.entries(queueingEmpty(q, features))) na[`${path}.${f}`] = why;
    if (c === 0) na[`cycleQuantiles.${p.id}`] = EMPTY.completedCases;
    completedAll += c;
    metAll += x.slaMet;
    processes[p.id] = {
      arrived: x.arrived,
      completed: c,
      openAtEnd: x.openAtEnd,
      openAgeMeanSeconds: x.openAtEnd ? x.openAgeSum / x.openAtEnd : 0,
      waitMeanSeconds: c ? x.waitSum / c : 0,
      criticalPathWaitMeanSeconds: c ? x.criticalWaitSum / c : 0,
      cycleMeanSeconds: c ? x.cycleSum / c : 0,
      cycleP95Seconds: x.cycles.quantile(0.95),
      slaAttainment: c ? x.slaMet / c : 0,
      costPerCase: c ? x.costSum / c : 0,
      automationShare: x.tasks ? x.botTasks / x.tasks : 0,
      wipMean: x.wipArea / window,
      throughputPerHour: (c / window) * 3600,
      ...queueingProcessFigures(q, features),
    };
  });
  const steps: ReplicationFigures['steps'] = {};
  scenario.processes.forEach((p, i) =>
    p.steps.forEach((st, j) => {
      const { completed: n, waitSum, serviceSum } = m.steps[i][j];
      markEmpty(na, `steps.${st.key}`, n === 0, PER_COMPLETED_TASK, EMPTY.completedTasks);
      steps[st.key] = { completed: n, waitMeanSeconds: n ? waitSum / n : 0, serviceMeanSeconds: n ? serviceSum / n : 0 };
    }),
  );
  const pools: ReplicationFigures['pools'] = {};
  let poolCost = 0;
  scenario.pools.forEach((pool, i) => {
    const { busy, available, rostered } = m.pools[i];
    const cost = (rostered / 3600) * pool.costPerHour;
    poolCost += cost;
    markEmpty(na, `pools.${pool.id}`, available === 0, ['utilization'], EMPTY.availableTime);
    pools[pool.id] = { utilization: available > 0 ? busy / available : 0, cost, busyHours: busy / 3600, availableHours: available / 3600 };
  });
  markEmpty(na, 'totals', completedAll === 0, TOTALS_PER_CASE, EMPTY.completedCases);
  const priorityClasses = features.priorities
    ? priorityClassFigures(
        scenario,
        m.processes.map((x) => ({ ...x, queueing: x.queueing ?? noQueueingMeasures() })),
        features,
        na,
      )
    : undefined;
  return {
    seed: m.seed,
    events: m.events,
    simulatedSeconds: window,
    processes,
    steps,
    pools,
    totals: {
      completed: completedAll,
      cost: poolCost,
      slaAttainment: completedAll ? metAll / completedAll : 0,
      costPerCase: completedAll ? poolCost / completedAll : 0,
    },
    ...(priorityClasses ? { priorityClasses } : {}),
    cycleQuantiles: Object.fromEntries(scenario.processes.map((p, i) => [p.id, m.processes[i].cycles.quantiles(CYCLE_QUANTILES)])),
    ...(Object.keys(na).length ? { notApplicable: na } : {}),
    timeseries: m.timeseries,
  };
}

/** The precision of a sampled ratio or cost in the time series (six decimals), in both runtimes. */
export function roundSample(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * Resilience of the operation to each disruption, from the sampled time series:
 * how deep performance falls and how fast it recovers (the resilience triangle
 * of Bruneau et al., 2003).
 *
 * - baseline: mean backlog and SLA attainment over the week before the disruption
 *   (after warm-up; the whole run outside the disruption if there is no such week);
 * - recovered: the first sample after the disruption ends from which backlog is
 *   within max(10%, 1 task) of baseline and SLA attainment within 5 points of it,
 *   for three samples in a row;
 * - time to recover: from the start of the disruption to recovery (to the horizon if never);
 * - loss area: the integral of lost SLA attainment (baseline minus actual, when
 *   positive) from the start to recovery, in hours;
 * - worst backlog: the largest backlog from the start to recovery;
 * - SLA attainment inside the window: of the cases completed from the start of the
 *   disruption until recovery (at least until its end), the share that met their SLA
 *   (a case that ended abandoned or lost counts as one that did not);
 * - extra cost: cost of work done from the start to recovery, minus the baseline rate over the same time.
 *
 * Figures over an empty set are null, with the reason under the document's
 * `notApplicable` (`resilience[0].slaInWindow`): the SLA attainment inside a
 * window in which no case completed (or ended unserved), the baseline SLA
 * attainment of a baseline in which none did (recovery is then judged against
 * a baseline of 100%), and every figure of a disruption that starts at or
 * after the end of the run (it is not simulated).
 */
import type { Scenario } from '../model/scenario.js';
import type { ReplicationFigures, TimeSeries } from './figures.js';
import { estimate, type Estimate } from './summarize.js';
import { WEEK } from '../model/units.js';

export interface ResilienceFigures {
  disruption: string;
  kind: string;
  start: number;
  end: number;
  /** null (with every figure below but the baseline backlog) when the run ends before the disruption starts */
  recovered: Estimate | null;
  timeToRecoverSeconds: Estimate | null;
  lossAreaHours: Estimate | null;
  worstBacklog: Estimate | null;
  /** null when no case completed or ended unserved inside the window */
  slaInWindow: Estimate | null;
  /** cases completed inside the window (from the disruption's start to recovery) */
  completedInWindow: Estimate | null;
  extraCost: Estimate | null;
  baselineBacklog: Estimate;
  /** null when no case completed or ended unserved in the baseline period */
  baselineSla: Estimate | null;
}

/** One replication's measure; null: its series ends before the disruption starts. */
interface One {
  recovered: number;
  ttr: number;
  loss: number;
  worst: number;
  slaIn: number | null;
  doneIn: number;
  extra: number;
  baseBacklog: number;
  baseSla: number | null;
}

/**
 * One disruption measured on one time series, read as "so far": on a series
 * that ends before recovery, `recovered` is 0 and the time to recover, loss
 * area and worst backlog run up to its last sample. Both runtimes' exports
 * (the live gauges, the OpenMetrics export of a sim run) call this on the
 * series up to the current sample; the result document's block is the same
 * measure on the whole series.
 */
export interface DisruptionMeasure {
  recovered: boolean;
  timeToRecoverSeconds: number;
  lossAreaHours: number;
  worstBacklog: number;
  /** null: no case completed or ended unserved inside the window so far */
  slaInWindow: number | null;
  completedInWindow: number;
  extraCost: number;
  baselineBacklog: number;
  /** null: no case completed or ended unserved in the baseline period */
  baselineSla: number | null;
}

/**
 * `start` and `end` in seconds from the scenario's start; `sampleEvery` is the
 * series' interval. Null when the series ends before the disruption starts.
 */
export function measureDisruption(ts: TimeSeries, start: number, end: number, sampleEvery: number): DisruptionMeasure | null {
  const o = measure(ts, start, end, sampleEvery);
  if (!o) return null;
  return {
    recovered: o.recovered === 1,
    timeToRecoverSeconds: o.ttr,
    lossAreaHours: o.loss,
    worstBacklog: o.worst,
    slaInWindow: o.slaIn,
    completedInWindow: o.doneIn,
    extraCost: o.extra,
    baselineBacklog: o.baseBacklog,
    baselineSla: o.baseSla,
  };
}

/** The first `n` samples of a series (what was known at the end of sample n - 1). */
export function seriesPrefix(ts: TimeSeries, n: number): TimeSeries {
  const cut = <T>(xs: T[]) => xs.slice(0, n);
  const each = <T>(r: Record<string, T[]>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cut(v)]));
  return {
    time: cut(ts.time),
    backlog: each(ts.backlog),
    backlogTotal: cut(ts.backlogTotal),
    wip: each(ts.wip),
    utilization: each(ts.utilization),
    slaAttainment: cut(ts.slaAttainment),
    completed: cut(ts.completed),
    arrived: cut(ts.arrived),
    cost: cut(ts.cost),
    workCost: cut(ts.workCost),
    ...(ts.unserved ? { unserved: cut(ts.unserved) } : {}),
  };
}

const BACKLOG_BAND = 0.1;
const SLA_BAND = 0.05;
const STEADY = 3;

/** Why a resilience figure is null (simulator/summarize.ts notApplicable). */
const NOT_REACHED = 'the run ends before the disruption starts: it is not simulated';
const NONE_IN_WINDOW = 'no case completed or ended unserved inside the disruption window';
const NONE_IN_BASELINE = 'no case completed or ended unserved in the baseline period';

/**
 * Each disruption's figures across replications. A figure over an empty set
 * in a replication is left out of the estimate; null in all of them, it is
 * null, and `why` (the result document's notApplicable) gets the reason under
 * `resilience[<i>].<figure>`, i the disruption's index in the scenario.
 */
export function resilienceOf(scenario: Scenario, reps: ReplicationFigures[], why: Record<string, string> = {}): ResilienceFigures[] {
  return scenario.disruptions.map((d, i) => {
    const ones = reps.map((r) => measure(r.timeseries, d.start, d.end, scenario.sampleEvery));
    const reached = ones.filter((o): o is One => o !== null);
    const e = (figure: string, f: (o: One) => number | null, reason: string): Estimate | null => {
      const xs = reached.map(f).filter((x): x is number => x !== null);
      if (xs.length) return estimate(xs);
      why[`resilience[${i}].${figure}`] = reached.length ? reason : NOT_REACHED;
      return null;
    };
    return {
      disruption: d.label,
      kind: d.kind,
      start: d.start,
      end: d.end,
      recovered: e('recovered', (o) => o.recovered, NOT_REACHED),
      timeToRecoverSeconds: e('timeToRecoverSeconds', (o) => o.ttr, NOT_REACHED),
      lossAreaHours: e('lossAreaHours', (o) => o.loss, NOT_REACHED),
      worstBacklog: e('worstBacklog', (o) => o.worst, NOT_REACHED),
      slaInWindow: e('slaInWindow', (o) => o.slaIn, NONE_IN_WINDOW),
      completedInWindow: e('completedInWindow', (o) => o.doneIn, NOT_REACHED),
      extraCost: e('extraCost', (o) => o.extra, NOT_REACHED),
      // the baseline exists whether or not the run reaches the disruption
      baselineBacklog: estimate(ones.map((o, r) => o?.baseBacklog ?? baselineOf(reps[r].timeseries, d.start, d.end, scenario.sampleEvery).baseBacklog)),
      baselineSla: e('baselineSla', (o) => o.baseSla, NONE_IN_BASELINE),
    };
  });
}

/**
 * Sets the result document's resilience block, and the reasons of its null
 * figures under its `notApplicable`.
 */
export function addResilience(doc: { resilience?: unknown; notApplicable?: Record<string, string> }, scenario: Scenario, reps: ReplicationFigures[]): void {
  const why: Record<string, string> = {};
  doc.resilience = resilienceOf(scenario, reps, why);
  if (Object.keys(why).length) doc.notApplicable = { ...doc.notApplicable, ...why };
}

/** The baseline period's samples and their mean backlog and SLA attainment (null: no case judged in it). */
function baselineOf(ts: TimeSeries, start: number, end: number, dt: number): { idx: number[]; baseBacklog: number; baseSla: number | null } {
  // sample k covers (time[k] - dt, time[k]]
  let idx = ts.time.map((_, k) => k).filter((k) => ts.time[k] <= start && ts.time[k] - dt >= start - WEEK);
  if (idx.length === 0) idx = ts.time.map((_, k) => k).filter((k) => ts.time[k] <= start || ts.time[k] - dt >= end + WEEK / 7);
  if (idx.length === 0) idx = ts.time.map((_, k) => k);
  return { idx, baseBacklog: mean(idx.map((k) => ts.backlogTotal[k])), baseSla: weightedSla(ts, idx) };
}

function measure(ts: TimeSeries, start: number, end: number, dt: number): One | null {
  const n = ts.time.length;
  const { idx, baseBacklog, baseSla } = baselineOf(ts, start, end, dt);
  const baseWork = mean(idx.map((k) => ts.workCost[k]));
  // with no case judged in the baseline, recovery and loss are judged against 100%
  const baseJudged = baseSla ?? 1;

  const startK = ts.time.findIndex((t) => t > start);
  if (startK < 0) return null;
  const within = (k: number) =>
    ts.backlogTotal[k] <= Math.max(baseBacklog * (1 + BACKLOG_BAND), baseBacklog + 1) &&
    (ts.slaAttainment[k] === null || ts.slaAttainment[k]! >= baseJudged - SLA_BAND);
  let recoverK = -1;
  for (let k = startK; k < n; k++) {
    if (ts.time[k] <= end) continue;
    let ok = true;
    for (let j = k; j < Math.min(n, k + STEADY); j++)
      if (!within(j)) {
        ok = false;
        break;
      }
    if (ok) {
      recoverK = k;
      break;
    }
  }
  const stopK = recoverK >= 0 ? recoverK : n - 1;
  let worst = 0,
    loss = 0,
    work = 0;
  for (let k = startK; k <= stopK; k++) {
    worst = Math.max(worst, ts.backlogTotal[k]);
    const sla = ts.slaAttainment[k];
    if (sla !== null) loss += Math.max(0, baseJudged - sla) * (dt / 3600);
    work += ts.workCost[k];
  }
  // the disruption's effect on cases outlasts it (work queued during an outage completes after it):
  // attainment is taken over the cases completed from its start to recovery
  const inWindow = ts.time.map((_, k) => k).filter((k) => k >= startK && (k <= stopK || ts.time[k] - dt < end));
  const recoveredAt = recoverK >= 0 ? ts.time[recoverK] - dt : ts.time[n - 1];
  return {
    recovered: recoverK >= 0 ? 1 : 0,
    ttr: Math.max(0, recoveredAt - start),
    loss,
    worst,
    slaIn: weightedSla(ts, inWindow),
    doneIn: inWindow.reduce((n, k) => n + (ts.completed[k] ?? 0), 0),
    extra: work - baseWork * (stopK - startK + 1),
    baseBacklog,
    baseSla,
  };
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/** SLA attainment of the cases judged (completed, or ended unserved) in the samples `idx`; null when there is none. */
function weightedSla(ts: TimeSeries, idx: number[]): number | null {
  let met = 0,
    done = 0;
  for (const k of idx) {
    const s = ts.slaAttainment[k];
    if (s === null) continue;
    // cases that ended abandoned or lost count as misses (the interval's attainment already does)
    const judged = ts.completed[k] + (ts.unserved?.[k] ?? 0);
    met += s * judged;
    done += judged;
  }
  return done ? met / done : null;
}

/**
 * The time series of a live run, rebuilt from its events after the fact, with
 * the same samples and meanings as the `sim` engine's (simulator/run-stats.ts):
 * one sample every `sampleEvery` from the end of the warm-up, each holding the
 * backlog per queue and the work in progress per process at the sample
 * instant, and per interval the utilisation per pool, the cost of the roster
 * and of the work done, the SLA attainment of the cases completed, and the
 * counts of completed and arrived cases. Resilience (simulator/resilience.ts)
 * reads it exactly as it reads a `sim` replication's.
 *
 * A task waits from its request to its start (its grant); a unit is busy
 * from a task's start for its service time; available and rostered hours come
 * from the calendars and disruptions, as the collector's totals do.
 */
import type { Scenario } from '../model/scenario.js';
import { roundSample, type TimeSeries } from './figures.js';
import { queueingFeatures } from '../model/compile-queueing.js';

/** What the series needs of the run's events. */
export interface LiveSeriesInput {
  /** every task that asked for a unit: when, on which queue (skill index), and when it started (Infinity: not yet) */
  waits: Iterable<{ at: number; skill: number; start: number }>;
  /** every task done or failed: its pool (index), start and service */
  work: Iterable<{ pool: number; start: number; service: number }>;
  /** every case that arrived: process index, arrival, end (Infinity: open), counted, SLA met */
  cases: Iterable<{ process: number; arrival: number; end: number; counted: boolean; slaMet: boolean; unserved?: boolean }>;
  /** unit-seconds available and rostered of pool p in [from, to) */
  capacity: (pool: number, from: number, to: number) => { available: number; rostered: number };
}

/** The samples of `scenario` up to `until`, from the run's events. */
export function liveTimeSeries(scenario: Scenario, input: LiveSeriesInput, until = scenario.horizon): TimeSeries {
  const acc = new LiveSeriesAccumulator(scenario, until);
  for (const w of input.waits) acc.addWait(w.at, w.skill, w.start);
  for (const w of input.work) acc.addWork(w.pool, w.start, w.service);
  for (const c of input.cases) acc.addCase(c.process, c.arrival, c.end, c.counted, c.slaMet, undefined, c.unserved === true);
  return acc.series(until, input.capacity);
}

/**
 * The same series built item by item, for a consumer that cannot keep the
 * run's records (the long-running `autoshift allocator` service): each task
 * and case is added once, when it is known, into per-sample arrays over the
 * samples up to `gridEnd`; `series(until, ..., open)` reads the samples up to
 * `until`, with the items still open (waiting tasks, cases in progress) given
 * then. Memory: the samples and the open items, not the run's records.
 * `liveTimeSeries` is this class fed every item at once.
 */
export class LiveSeriesAccumulator {
  private readonly time: number[] = [];
  private readonly backlogDiff: Float64Array[];
  /** per process, the work in progress (difference array); per sample interval, cases completed, within SLA, arrived */
  private readonly cases: CaseCounts;
  private readonly busy: Float64Array[];

  constructor(
    readonly scenario: Scenario,
    gridEnd = scenario.horizon,
  ) {
    const s = scenario;
    for (let t = s.warmup + s.sampleEvery; t <= gridEnd + 1e-9; t += s.sampleEvery) this.time.push(t);
    const n = this.time.length;
    const f = queueingFeatures(s);
    // instants: an item present over [a, b) counts at every sample t with a <= t < b (difference arrays)
    this.backlogDiff = s.skills.map(() => new Float64Array(n + 1));
    // intervals: sample k covers (time[k-1], time[k]], time[-1] = the warm-up's end
    this.cases = {
      wip: s.processes.map(() => new Float64Array(n + 1)),
      completed: new Array<number>(n).fill(0),
      met: new Array<number>(n).fill(0),
      arrived: new Array<number>(n).fill(0),
      // cases that ended abandoned or lost (scenarios with patience or capacities only): SLA misses, as in the engine
      unserved: f.abandonment || f.finiteQueues ? new Array<number>(n).fill(0) : null,
    };
    this.busy = s.pools.map(() => new Float64Array(n));
  }

  /** A task that asked for a unit of queue `skill` at `at` and started at `start` (Infinity: not yet). */
  addWait(at: number, skill: number, start: number, diff = this.backlogDiff): void {
    this.span(diff[skill], at, start);
  }

  /** A task done or failed by a unit of pool index `pool`. */
  addWork(pool: number, start: number, service: number): void {
    const s = this.scenario,
      time = this.time,
      n = time.length;
    const a = Math.max(start, s.warmup),
      b = start + service;
    for (let k = lowerBound(time, a); k < n && a < b; k++) {
      const lo = k === 0 ? s.warmup : time[k - 1];
      if (lo >= b) break;
      this.busy[pool][k] += Math.max(0, Math.min(b, time[k]) - Math.max(a, lo));
    }
  }

  /** A case of process index `process` (end Infinity: still open). */
  addCase(process: number, arrival: number, end: number, counted: boolean, slaMet: boolean, into = this.cases, unserved = false): void {
    const time = this.time,
      n = time.length;
    this.span(into.wip[process], arrival, end);
    if (!counted) return;
    const ka = lowerBound(time, arrival);
    if (ka < n && arrival > this.scenario.warmup) into.arrived[ka]++;
    const ke = lowerBound(time, end);
    if (ke < n && unserved) {
      if (into.unserved) into.unserved[ke]++;
    } else if (ke < n) {
      into.completed[ke]++;
      if (slaMet) into.met[ke]++;
    }
  }

  private span(diff: Float64Array, a: number, b: number): void {
    const from = lowerBound(this.time, a),
      to = lowerBound(this.time, b);
    if (from < to) {
      diff[from]++;
      diff[to]--;
    }
  }

  /**
   * The samples up to `until` (at most the grid's end), with the items still
   * open now: tasks waiting since `at`, cases in progress since `arrival`
   * (counted when they arrived after the warm-up, as a run's figures count them).
   */
  series(
    until: number,
    capacity: LiveSeriesInput['capacity'],
    open: { waits?: Iterable<{ at: number; skill: number }>; cases?: Iterable<{ process: number; arrival: number }> } = {},
  ): TimeSeries {
    const s = this.scenario;
    const time = this.time.slice(0, countUpTo(this.time, until));
    const m = time.length;
    const backlogDiff = this.backlogDiff.map((d) => d.slice());
    const own = this.cases;
    const into: CaseCounts = {
      wip: own.wip.map((d) => d.slice()),
      completed: own.completed.slice(),
      met: own.met.slice(),
      arrived: own.arrived.slice(),
      unserved: own.unserved,
    };
    for (const w of open.waits ?? []) this.addWait(w.at, w.skill, Infinity, backlogDiff);
    for (const c of open.cases ?? []) this.addCase(c.process, c.arrival, Infinity, c.arrival >= s.warmup, false, into);
    const completed = into.completed.slice(0, m),
      met = into.met.slice(0, m),
      arrived = into.arrived.slice(0, m);
    const unserved = into.unserved?.slice(0, m);

    const series: TimeSeries = {
      time,
      backlog: {},
      backlogTotal: new Array<number>(m).fill(0),
      wip: {},
      utilization: {},
      slaAttainment: completed.map((c, k) => (c + (unserved?.[k] ?? 0) > 0 ? roundSample(met[k] / (c + (unserved?.[k] ?? 0))) : null)),
      completed,
      arrived,
      cost: new Array<number>(m).fill(0),
      workCost: new Array<number>(m).fill(0),
      ...(unserved ? { unserved } : {}),
    };
    s.skills.forEach((skill, q) => {
      const values = running(backlogDiff[q], m);
      series.backlog[skill] = values;
      values.forEach((v, k) => {
        series.backlogTotal[k] += v;
      });
    });
    s.processes.forEach((p, i) => {
      series.wip[p.id] = running(into.wip[i], m);
    });
    s.pools.forEach((pool, u) => {
      const busy = this.busy[u];
      series.utilization[pool.id] = time.map((t, k) => {
        const c = capacity(u, k === 0 ? s.warmup : time[k - 1], t);
        // a unit taken down while working finishes its task first (as in the engine): it was available for it
        const available = Math.max(c.available, busy[k]);
        series.cost[k] += (c.rostered / 3600) * pool.costPerHour;
        series.workCost[k] += (busy[k] / 3600) * pool.costPerHour;
        return available > 1e-9 ? roundSample(busy[k] / available) : null;
      });
    });
    series.cost = series.cost.map(roundSample);
    series.workCost = series.workCost.map(roundSample);
    return series;
  }
}

interface CaseCounts {
  wip: Float64Array[];
  completed: number[];
  met: number[];
  arrived: number[];
  unserved: number[] | null;
}

/** How many of the sorted instants are at or before `until` (the grid's own float steps, as the engine's). */
function countUpTo(time: number[], until: number): number {
  let k = 0;
  while (k < time.length && time[k] <= until + 1e-9) k++;
  return k;
}

function running(diff: Float64Array, n: number): number[] {
  const out = new Array<number>(n);
  let v = 0;
  for (let k = 0; k < n; k++) {
    v += diff[k];
    out[k] = v;
  }
  return out;
}

/** The first index whose value is >= x (sorted ascending). */
function lowerBound(sorted: number[], x: number): number {
  let lo = 0,
    hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

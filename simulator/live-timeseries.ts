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

/** What the series needs of the run's events. */
export interface LiveSeriesInput {
  /** every task that asked for a unit: when, on which queue (skill index), and when it started (Infinity: not yet) */
  waits: Iterable<{ at: number; skill: number; start: number }>;
  /** every task done or failed: its pool (index), start and service */
  work: Iterable<{ pool: number; start: number; service: number }>;
  /** every case that arrived: process index, arrival, end (Infinity: open), counted, SLA met */
  cases: Iterable<{ process: number; arrival: number; end: number; counted: boolean; slaMet: boolean }>;
  /** unit-seconds available and rostered of pool p in [from, to) */
  capacity: (pool: number, from: number, to: number) => { available: number; rostered: number };
}

/** The samples of `scenario` up to `until`, from the run's events. */
export function liveTimeSeries(scenario: Scenario, input: LiveSeriesInput, until = scenario.horizon): TimeSeries {
  const s = scenario;
  const dt = s.sampleEvery;
  const time: number[] = [];
  for (let t = s.warmup + dt; t <= until + 1e-9; t += dt) time.push(t);
  const n = time.length;
  const Q = s.skills.length, P = s.processes.length, U = s.pools.length;

  // instants: an item present over [a, b) counts at every sample t with a <= t < b (difference arrays)
  const backlogDiff = s.skills.map(() => new Float64Array(n + 1));
  const wipDiff = s.processes.map(() => new Float64Array(n + 1));
  const span = (diff: Float64Array, a: number, b: number) => {
    const from = lowerBound(time, a), to = lowerBound(time, b);
    if (from < to) { diff[from]++; diff[to]--; }
  };
  for (const w of input.waits) span(backlogDiff[w.skill], w.at, w.start);

  // intervals: sample k covers (time[k-1], time[k]], time[-1] = the warm-up's end
  const completed = new Array<number>(n).fill(0), met = new Array<number>(n).fill(0), arrived = new Array<number>(n).fill(0);
  for (const c of input.cases) {
    span(wipDiff[c.process], c.arrival, c.end);
    if (!c.counted) continue;
    const ka = lowerBound(time, c.arrival);
    if (ka < n && c.arrival > s.warmup) arrived[ka]++;
    const ke = lowerBound(time, c.end);
    if (ke < n) { completed[ke]++; if (c.slaMet) met[ke]++; }
  }
  const busy = s.pools.map(() => new Float64Array(n));
  for (const w of input.work) {
    const a = Math.max(w.start, s.warmup), b = w.start + w.service;
    for (let k = lowerBound(time, a); k < n && a < b; k++) {
      const lo = k === 0 ? s.warmup : time[k - 1];
      if (lo >= b) break;
      busy[w.pool][k] += Math.max(0, Math.min(b, time[k]) - Math.max(a, lo));
    }
  }

  const series: TimeSeries = {
    time, backlog: {}, backlogTotal: new Array<number>(n).fill(0), wip: {}, utilization: {},
    slaAttainment: completed.map((c, k) => (c > 0 ? roundSample(met[k] / c) : null)),
    completed, arrived, cost: new Array<number>(n).fill(0), workCost: new Array<number>(n).fill(0),
  };
  for (let q = 0; q < Q; q++) {
    const values = running(backlogDiff[q], n);
    series.backlog[s.skills[q]] = values;
    values.forEach((v, k) => { series.backlogTotal[k] += v; });
  }
  for (let p = 0; p < P; p++) series.wip[s.processes[p].id] = running(wipDiff[p], n);
  for (let u = 0; u < U; u++) {
    const pool = s.pools[u];
    series.utilization[pool.id] = time.map((t, k) => {
      const capacity = input.capacity(u, k === 0 ? s.warmup : time[k - 1], t);
      // a unit taken down while working finishes its task first (as in the engine): it was available for it
      const available = Math.max(capacity.available, busy[u][k]);
      series.cost[k] += (capacity.rostered / 3600) * pool.costPerHour;
      series.workCost[k] += (busy[u][k] / 3600) * pool.costPerHour;
      return available > 1e-9 ? roundSample(busy[u][k] / available) : null;
    });
  }
  series.cost = series.cost.map(roundSample);
  series.workCost = series.workCost.map(roundSample);
  return series;
}

function running(diff: Float64Array, n: number): number[] {
  const out = new Array<number>(n);
  let v = 0;
  for (let k = 0; k < n; k++) { v += diff[k]; out[k] = v; }
  return out;
}

/** The first index whose value is >= x (sorted ascending). */
function lowerBound(sorted: number[], x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

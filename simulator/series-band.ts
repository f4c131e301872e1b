/**
 * The time series of every replication as one band: at each sample instant,
 * the mean across replications and the half-width of its 95% confidence
 * interval (Student's t, as every other figure). This is what a report draws
 * (a line and a shaded band), instead of R overlaid lines.
 *
 * Replications of a scenario share `sampleEvery`, warm-up and horizon, so
 * their sample instants coincide; a sample that is null in a replication (no
 * case completed, no unit available) is left out of that instant's estimate,
 * and the instant is null when every replication has null.
 */
import type { TimeSeries } from './figures.js';
import { estimate } from './summarize.js';

/** Per sample instant: mean across replications and its 95% half-width (null: no replication had a value). */
export interface Band {
  mean: (number | null)[];
  ci95: (number | null)[];
}

export interface TimeseriesBand {
  /** replications the band is over */
  replications: number;
  /** end of each sample interval, seconds from the start of the run */
  time: number[];
  /** tasks waiting, per queue */
  backlog: Record<string, Band>;
  /** tasks waiting, all queues */
  backlogTotal: Band;
  /** busy share of available units, per pool */
  utilization: Record<string, Band>;
  /** share of the cases completed in the interval that met their SLA */
  slaAttainment: Band;
  /** utilisation per pool and day: the mean of the day's samples in which the pool had units available, as a band */
  utilizationByDay: { start: number[]; pools: Record<string, Band> };
  /** SLA attainment per period (a day for runs of up to 31 days, else a week): cases completed in the period that met their SLA */
  slaByPeriod: { periodSeconds: number; start: number[]; attainment: Band };
}

const DAY = 86400;
const WEEK = 7 * DAY;

/**
 * SLA attainment per period of each replication (met over completed in the
 * period, the met count read back from the interval's rounded share), then
 * banded. Periods start at the first sample interval's start.
 */
export function slaByPeriod(series: readonly TimeSeries[], sampleEvery: number): TimeseriesBand['slaByPeriod'] {
  const first = series[0];
  const n = Math.min(...series.map((ts) => ts.time.length));
  if (n === 0) return { periodSeconds: DAY, start: [], attainment: { mean: [], ci95: [] } };
  const t0 = first.time[0] - sampleEvery;
  const periodSeconds = first.time[n - 1] - t0 <= 31 * DAY ? DAY : WEEK;
  const periods = Math.ceil((first.time[n - 1] - t0) / periodSeconds);
  const perRep = series.map((ts) => {
    const met = new Array(periods).fill(0),
      done = new Array(periods).fill(0);
    for (let k = 0; k < n; k++) {
      const p = Math.min(periods - 1, Math.floor((ts.time[k] - sampleEvery - t0) / periodSeconds));
      const c = ts.completed[k];
      done[p] += c;
      met[p] += ts.slaAttainment[k] === null ? 0 : Math.round(ts.slaAttainment[k]! * c);
    }
    return done.map((d, p) => (d > 0 ? met[p] / d : null));
  });
  const attainment: Band = { mean: [], ci95: [] };
  for (let p = 0; p < periods; p++) {
    const xs = perRep.map((r) => r[p]).filter((x): x is number => x !== null);
    const e = xs.length ? estimate(xs) : null;
    attainment.mean.push(e ? e.mean : null);
    attainment.ci95.push(e ? e.ci95 : null);
  }
  return { periodSeconds, start: Array.from({ length: periods }, (_, p) => t0 + p * periodSeconds), attainment };
}

/** The band of one series picked from each replication's time series, over the sample indices [from, to). */
export function bandOf(series: readonly TimeSeries[], pick: (ts: TimeSeries) => readonly (number | null)[], from = 0, to?: number): Band {
  const n = Math.min(...series.map((ts) => ts.time.length));
  const end = Math.min(n, to ?? n);
  const mean: (number | null)[] = [];
  const ci95: (number | null)[] = [];
  const picked = series.map(pick);
  for (let k = Math.max(0, from); k < end; k++) {
    const xs: number[] = [];
    for (const p of picked) {
      const x = p[k];
      if (x !== null && x !== undefined) xs.push(x);
    }
    if (xs.length === 0) {
      mean.push(null);
      ci95.push(null);
      continue;
    }
    const e = estimate(xs);
    mean.push(e.mean);
    ci95.push(e.ci95);
  }
  return { mean, ci95 };
}

/** Per replication, the mean of the non-null samples in each day; then banded over replications. */
export function dailyMeanBand(
  series: readonly TimeSeries[],
  pick: (ts: TimeSeries) => readonly (number | null)[],
  sampleEvery: number,
): { start: number[]; band: Band } {
  const n = Math.min(...series.map((ts) => ts.time.length));
  if (n === 0) return { start: [], band: { mean: [], ci95: [] } };
  const t0 = series[0].time[0] - sampleEvery;
  const days = Math.ceil((series[0].time[n - 1] - t0) / DAY);
  const perRep = series.map((ts) => {
    const sum = new Array(days).fill(0),
      cnt = new Array(days).fill(0);
    const xs = pick(ts);
    for (let k = 0; k < n; k++) {
      const x = xs[k];
      if (x === null || x === undefined) continue;
      const d = Math.min(days - 1, Math.floor((ts.time[k] - sampleEvery - t0) / DAY));
      sum[d] += x;
      cnt[d]++;
    }
    return sum.map((v, d) => (cnt[d] ? v / cnt[d] : null));
  });
  const band: Band = { mean: [], ci95: [] };
  for (let d = 0; d < days; d++) {
    const xs = perRep.map((r) => r[d]).filter((x): x is number => x !== null);
    const e = xs.length ? estimate(xs) : null;
    band.mean.push(e ? e.mean : null);
    band.ci95.push(e ? e.ci95 : null);
  }
  return { start: Array.from({ length: days }, (_, d) => t0 + d * DAY), band };
}

/** A series around a window of time: the samples from `from` to `to` (seconds), as a band over the replications. */
export function windowBand(
  series: readonly TimeSeries[],
  pick: (ts: TimeSeries) => readonly (number | null)[],
  from: number,
  to: number,
): { time: number[]; band: Band } {
  const time = series[0].time;
  let k0 = time.findIndex((t) => t >= from);
  if (k0 < 0) k0 = time.length;
  let k1 = k0;
  while (k1 < time.length && time[k1] <= to) k1++;
  return { time: time.slice(k0, k1), band: bandOf(series, pick, k0, k1) };
}

/** Backlog per queue and in all, utilisation per pool and SLA attainment, as bands over the replications. */
export function timeseriesBand(series: readonly TimeSeries[], sampleEvery: number): TimeseriesBand {
  const first = series[0];
  const n = Math.min(...series.map((ts) => ts.time.length));
  return {
    replications: series.length,
    time: first.time.slice(0, n),
    backlog: Object.fromEntries(Object.keys(first.backlog).map((q) => [q, bandOf(series, (ts) => ts.backlog[q])])),
    backlogTotal: bandOf(series, (ts) => ts.backlogTotal),
    utilization: Object.fromEntries(Object.keys(first.utilization).map((p) => [p, bandOf(series, (ts) => ts.utilization[p])])),
    slaAttainment: bandOf(series, (ts) => ts.slaAttainment),
    utilizationByDay: utilizationByDay(series, sampleEvery),
    slaByPeriod: slaByPeriod(series, sampleEvery),
  };
}

function utilizationByDay(series: readonly TimeSeries[], sampleEvery: number): TimeseriesBand['utilizationByDay'] {
  const pools: Record<string, Band> = {};
  let start: number[] = [];
  for (const p of Object.keys(series[0].utilization)) {
    const d = dailyMeanBand(series, (ts) => ts.utilization[p], sampleEvery);
    pools[p] = d.band;
    start = d.start;
  }
  return { start, pools };
}

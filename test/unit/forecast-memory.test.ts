/**
 * The forecasts `forecast-staffing` keeps between epochs: the smoothing state
 * of `forecast.ts` moved on period by period gives the numbers of a refit
 * while the model does not change, and the per-queue memory tells which
 * periods of a snapshot's history are new, the way the runtimes fill it (one
 * period per periodic epoch, a window of two weeks, disruption edges in
 * between, sometimes at the same instant).
 */
import { describe, it, expect } from 'vitest';
import { compileForecastOptions, fitExtends, fitSmoothing, forecastArrivals, forecastFrom, smoothPeriod } from '../../allocation/forecast.js';
import { CHECKED_PERIODS, createArrivalForecasts, forecastOptionsFor, forecastRate, newPeriods } from '../../allocation/forecast-memory.js';
import type { Snapshot } from '../../allocation/policy.js';
import { forecastStaffingPolicy } from '../../allocation/forecast-staffing-policy.js';
import { snapshot } from '../helpers/snapshots.js';

const HOUR = 3600;
const DAY = 24; // hourly periods
const WEEK = 168;
const CAP = 2 * WEEK; // the runtimes keep two weeks

/** Deterministic counts with a daily and a weekly shape and some noise. */
function counts(length: number, seed = 1): number[] {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length }, (_, t) => {
    const day = Math.floor((t % WEEK) / DAY);
    const base = 20 + 15 * Math.sin((2 * Math.PI * (t % DAY)) / DAY);
    return Math.round(base * (day >= 5 ? 0.4 : 1) * (0.8 + 0.4 * rnd()));
  });
}

/** The history a runtime shows after `periods` periodic epochs: the last two weeks at most. */
const windowAt = (series: readonly number[], periods: number): number[] => series.slice(Math.max(0, periods - CAP), periods);

function snap(time: number, histories: number[][], trigger = 'periodic'): Snapshot {
  return snapshot({
    time,
    epochLength: HOUR,
    trigger,
    queues: histories.map((h, q) => ({ skill: `q${q}`, arrivalsHistory: h, arrivalRate: h.length ? h[h.length - 1] / HOUR : 0 })),
    pools: [{ id: 'staff', size: 50, skills: histories.map((_, q) => `q${q}`) }],
  });
}

/** The forecast the memory promises once the window slides: fit the first two weeks, then smooth every later period. */
function continued(series: readonly number[], periods: number): number {
  const o = forecastOptionsFor(HOUR);
  const state = fitSmoothing(series.slice(0, Math.min(CAP, periods)), o);
  for (let t = CAP; t < periods; t++) smoothPeriod(state, series[t], o);
  return forecastFrom(state, o, 1)[0] / HOUR;
}

describe('smoothing state, period by period', () => {
  const o = compileForecastOptions({ periodSeconds: HOUR, horizon: 5 });

  it('tells when a longer history keeps the model and its start values', () => {
    expect(fitExtends(24, 30, o)).toBe(true); // a day and a bit: start values from the first day either way
    expect(fitExtends(47, 48, o)).toBe(false); // a second complete day joins the start window
    expect(fitExtends(100, 168, o)).toBe(false); // the weekly season starts
    expect(fitExtends(170, 335, o)).toBe(true);
    expect(fitExtends(335, 336, o)).toBe(false);
    expect(fitExtends(0, 5, o)).toBe(false);
    expect(fitExtends(20, 10, o)).toBe(false);
  });

  it('gives the numbers of a refit whenever fitExtends says so', () => {
    const series = counts(3 * WEEK);
    for (const options of [o, compileForecastOptions({ periodSeconds: HOUR, horizon: 5, beta: 0.2, damping: 0.95 })]) {
      let state = fitSmoothing(series.slice(0, 1), options);
      let fitted = 1;
      for (let n = 2; n <= series.length; n++) {
        if (fitExtends(fitted, n, options)) smoothPeriod(state, series[n - 1], options);
        else {
          state = fitSmoothing(series.slice(0, n), options);
          fitted = n;
        }
        expect(forecastFrom(state, options)).toEqual(forecastArrivals(series.slice(0, n), options));
      }
    }
  });

  it('rejects a count that is negative or not finite', () => {
    const state = fitSmoothing([1, 2, 3], o);
    expect(() => smoothPeriod(state, -1, o)).toThrow(/finite count >= 0/);
    expect(() => smoothPeriod(state, Number.NaN, o)).toThrow(/finite count >= 0/);
  });
});

describe('newPeriods', () => {
  const base = (window: number[], time: number) => ({ time, window, length: window.length });

  it('finds how far the window moved', () => {
    expect(newPeriods(base([1, 2, 3], 3 * HOUR), [1, 2, 3, 4], 4 * HOUR, HOUR)).toBe(1); // grew
    expect(newPeriods(base([1, 2, 3], 3 * HOUR), [2, 3, 4], 4 * HOUR, HOUR)).toBe(1); // slid
    expect(newPeriods(base([1, 2, 3, 4], 4 * HOUR), [3, 4, 5, 6], 6 * HOUR, HOUR)).toBe(2); // an epoch not seen
    expect(newPeriods(base([1, 2, 3], 3 * HOUR), [1, 2, 3], 3.5 * HOUR, HOUR)).toBe(0); // a disruption edge between epochs
    // an edge on the epoch instant, decided before the epoch's period is added, and the epoch itself
    expect(newPeriods(base([1, 2, 3], 3 * HOUR), [1, 2, 3], 4 * HOUR, HOUR)).toBe(0);
    expect(newPeriods(base([1, 2, 3], 4 * HOUR), [2, 3, 4], 4 * HOUR, HOUR)).toBe(1);
  });

  it('tells candidates apart through a run of equal counts, and checks the newest periods in common', () => {
    const quiet = [...counts(100), ...new Array<number>(60).fill(0)];
    expect(newPeriods(base(quiet, 160 * HOUR), [...quiet.slice(1), 0], 161 * HOUR, HOUR)).toBe(1);
    expect(newPeriods(base(quiet, 160 * HOUR), quiet, 160.5 * HOUR, HOUR)).toBe(0);
    // a change older than the newest CHECKED_PERIODS periods in common is not looked for
    const older = counts(CHECKED_PERIODS + 20);
    const next = [...older.slice(1), 7];
    next[0] += 1;
    expect(newPeriods(base(older, older.length * HOUR), next, (older.length + 1) * HOUR, HOUR)).toBe(1);
    next[next.length - 1 - CHECKED_PERIODS] += 1;
    expect(newPeriods(base(older, older.length * HOUR), next, (older.length + 1) * HOUR, HOUR)).toBe(-1);
  });

  it('gives up (-1) when the window does not follow on, or fits two ways', () => {
    expect(newPeriods(base([1, 2, 3], 3 * HOUR), [7, 8, 9], 4 * HOUR, HOUR)).toBe(-1); // another series
    expect(newPeriods(base([1, 2, 3], 3 * HOUR), [1, 2], 4 * HOUR, HOUR)).toBe(-1); // shorter: a new run
    expect(newPeriods(base([5, 5, 5], 3 * HOUR), [5, 5, 5], 4 * HOUR, HOUR)).toBe(-1); // constant: 0, 1 or 2 new
    expect(newPeriods(base([], 0), [1], HOUR, HOUR)).toBe(-1); // nothing to place it after
    expect(newPeriods(base([1, 2, 3], 3 * HOUR), [4, 5, 6], 6 * HOUR, HOUR)).toBe(-1); // nothing in common
  });
});

describe('arrival forecasts kept between epochs', () => {
  const weeks = 5;
  const series = [counts(weeks * WEEK, 1), counts(weeks * WEEK, 2), counts(weeks * WEEK, 3).map((y) => 3 * y)];

  it('equal a refit of the history while it holds every period, then smooth on over every period since the start', () => {
    const forecasts = createArrivalForecasts();
    for (let j = 1; j <= weeks * WEEK; j++) {
      const s = snap(
        j * HOUR,
        series.map((y) => windowAt(y, j)),
      );
      const rates = forecasts.rates(s);
      series.forEach((y, q) => {
        if (j <= CAP) expect(rates[q]).toBe(forecastRate(s, q));
        else expect(rates[q]).toBe(continued(y, j));
      });
    }
  });

  it('follows disruption edges between epochs and on epoch instants, skipped epochs, and repeated snapshots', () => {
    const forecasts = createArrivalForecasts();
    for (let j = 1; j <= 3 * WEEK; j++) {
      const histories = series.map((y) => windowAt(y, j));
      if (j % 17 === 0) {
        // an edge at the epoch's instant, before the epoch closes its period: the history of the epoch before
        const edge = snap(
          j * HOUR,
          series.map((y) => windowAt(y, j - 1)),
          'outage begins',
        );
        expect(forecasts.rates(edge)).toEqual(forecasts.rates(edge));
      }
      if (j % 29 === 0) continue; // this epoch is never shown to the policy
      const s = snap(j * HOUR, histories);
      const rates = forecasts.rates(s);
      expect(forecasts.rates(s), `epoch ${j} asked twice`).toEqual(rates);
      if (j % 7 === 0) forecasts.rates(snap((j + 0.25) * HOUR, histories, 'outage ends')); // an edge between epochs
      series.forEach((y, q) => expect(rates[q], `epoch ${j} q${q}`).toBe(j <= CAP ? forecastRate(s, q) : continued(y, j)));
    }
  });

  it('starts afresh on a new run, and refits a window it cannot place', () => {
    const forecasts = createArrivalForecasts();
    for (let j = 1; j <= CAP + 50; j++)
      forecasts.rates(
        snap(
          j * HOUR,
          series.map((y) => windowAt(y, j)),
        ),
      );
    // time goes back: a new run
    const again = snap(
      3 * HOUR,
      series.map((y) => windowAt(y, 3)),
    );
    expect(forecasts.rates(again)).toEqual(again.queues.map((q) => forecastRate(again, q.index)));
    // another series under the same clock, and a constant one: refitted
    const other = snap(4 * HOUR, [[9, 1, 9, 1], [4, 4, 4, 4], windowAt(series[2], 4)]);
    expect(forecasts.rates(other)).toEqual(other.queues.map((q) => forecastRate(other, q.index)));
  });

  it('uses the last arrival rate without history or without periodic epochs', () => {
    const forecasts = createArrivalForecasts();
    const s = snapshot({ epochLength: 0, queues: [{ skill: 'a', arrivalRate: 0.5, arrivalsHistory: [] }], pools: [{ id: 'p', size: 1, skills: ['a'] }] });
    expect(forecasts.rates(s)).toEqual([0.5]);
  });
});

describe('forecast-staffing with its memory', () => {
  it('decides like a fresh instance on the same snapshot at the first epoch, and the same snapshot twice the same way', () => {
    const series = counts(3 * WEEK, 4);
    const make = () => forecastStaffingPolicy({}, { queues: ['q0'], pools: [{ id: 'staff', kind: 'human', skills: [0] }] });
    const policy = make();
    for (let j = 1; j <= 3 * WEEK; j += 5) {
      const s = snap(j * HOUR, [windowAt(series, j)]);
      const first = policy.decide(s);
      expect(policy.decide(s)).toEqual(first);
      if (j <= CAP) expect(make().decide(s)).toEqual(first); // the history still holds every period: as a refit
    }
  });
});

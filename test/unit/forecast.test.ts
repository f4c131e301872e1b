import { describe, it, expect } from 'vitest';
import { forecastArrivals, compileForecastOptions } from '../../allocation/forecast.js';

const DAY = 24; // hourly periods per day
const WEEK = 168; // hourly periods per week

/** Hourly daily sine: 100 ± 60 arrivals, peaking mid-morning. */
const sine = (t: number): number => 100 + 60 * Math.sin((2 * Math.PI * (t % DAY)) / DAY);

/** Weekday pattern with a weekend dip to 30% (history starts on a Monday at 00:00). */
const weekly = (t: number): number => {
  const dayOfWeek = Math.floor((t % WEEK) / DAY);
  return sine(t) * (dayOfWeek >= 5 ? 0.3 : 1);
};

const series = (length: number, f: (t: number) => number): number[] => Array.from({ length }, (_, t) => f(t));

/** Deterministic noise in [-1, 1) from a small LCG (tests stay reproducible without Math.random). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

describe('compileForecastOptions', () => {
  it('fills the defaults for hourly data', () => {
    expect(compileForecastOptions()).toEqual({
      periodSeconds: 3600,
      horizon: 24,
      alpha: 0.2,
      gammaDaily: 0.15,
      gammaWeekly: 0.1,
      beta: 0,
      damping: 0.9,
      dailyPeriods: 24,
      weeklyPeriods: 168,
      fallback: 0,
    });
  });

  it('derives season lengths from the period length', () => {
    expect(compileForecastOptions({ periodSeconds: 1800 })).toMatchObject({ dailyPeriods: 48, weeklyPeriods: 336, horizon: 48 });
    expect(compileForecastOptions({ periodSeconds: 86_400 })).toMatchObject({ dailyPeriods: 0, weeklyPeriods: 7, horizon: 1 });
  });

  it('throws a clear error naming the bad field', () => {
    expect(() => compileForecastOptions({ alpha: 0 })).toThrow(/alpha must be a number in \(0, 1\]/);
    expect(() => compileForecastOptions({ gammaDaily: 1.5 })).toThrow(/gammaDaily/);
    expect(() => compileForecastOptions({ horizon: 2.5 })).toThrow(/horizon must be a non-negative integer/);
    expect(() => compileForecastOptions({ periodSeconds: -1 })).toThrow(/periodSeconds/);
    expect(() => compileForecastOptions({ periodSeconds: 7 * 3600 })).toThrow(/set dailyPeriods explicitly/);
    expect(() => compileForecastOptions({ fallback: -3 })).toThrow(/fallback/);
  });
});

describe('forecastArrivals', () => {
  it('forecasts the next day of a noise-free daily sine within 5%', () => {
    const history = series(3 * WEEK, sine);
    const forecast = forecastArrivals(history, { periodSeconds: 3600, horizon: DAY });
    expect(forecast).toHaveLength(DAY);
    forecast.forEach((value, h) => {
      const truth = sine(history.length + h);
      expect(Math.abs(value - truth) / truth).toBeLessThan(0.05);
    });
  });

  it('stays within 10% on a noisy daily sine', () => {
    const rnd = noise(42);
    const history = series(4 * WEEK, (t) => sine(t) * (1 + 0.1 * rnd()));
    const forecast = forecastArrivals(history, { horizon: DAY });
    const mape = forecast.reduce((s, v, h) => s + Math.abs(v - sine(history.length + h)) / sine(history.length + h), 0) / DAY;
    expect(mape).toBeLessThan(0.1);
  });

  it('shows the weekend dip in the weekend forecast', () => {
    const history = series(3 * WEEK, weekly);
    const forecast = forecastArrivals(history, { horizon: WEEK });
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    const weekdays = mean(forecast.slice(0, 5 * DAY));
    const weekend = mean(forecast.slice(5 * DAY));
    expect(weekend).toBeLessThan(0.5 * weekdays);
    forecast.forEach((value, h) => {
      expect(value).toBeCloseTo(weekly(history.length + h), 6);
    });
  });

  it('forecasts a constant series as that constant', () => {
    for (const length of [5, 30, 200, 500]) {
      const forecast = forecastArrivals(new Array<number>(length).fill(37), { horizon: 48 });
      for (const value of forecast) expect(value).toBeCloseTo(37, 9);
    }
  });

  it('returns zeros, or the fallback, for an empty history', () => {
    expect(forecastArrivals([], { horizon: 3 })).toEqual([0, 0, 0]);
    expect(forecastArrivals([], { horizon: 2, fallback: 12.5 })).toEqual([12.5, 12.5]);
  });

  it('falls back to level-only smoothing when the history is shorter than a day', () => {
    const forecast = forecastArrivals([10, 12, 8, 11, 9], { horizon: 4 });
    for (const value of forecast) expect(value).toBeCloseTo(forecast[0], 12);
    expect(forecast[0]).toBeGreaterThan(8);
    expect(forecast[0]).toBeLessThan(12);
  });

  it('uses the daily season alone when the history is shorter than a week', () => {
    const history = series(2 * DAY + 5, sine);
    const forecast = forecastArrivals(history, { horizon: DAY });
    forecast.forEach((value, h) => {
      const truth = sine(history.length + h);
      expect(Math.abs(value - truth) / truth).toBeLessThan(0.05);
    });
  });

  it('never forecasts a negative count', () => {
    // A busy fortnight followed by a sudden stop drags level and seasonals below zero.
    const collapse = [...series(2 * WEEK, weekly), ...new Array<number>(30).fill(0)];
    const rnd = noise(7);
    const spiky = series(3 * WEEK, () => (rnd() > 0.8 ? 500 : 0));
    for (const history of [collapse, spiky, [0, 0, 0], [1000, 0]]) {
      for (const options of [{}, { beta: 0.3, damping: 1 }, { alpha: 1, gammaDaily: 1, gammaWeekly: 1 }]) {
        const forecast = forecastArrivals(history, { ...options, horizon: WEEK });
        for (const value of forecast) {
          expect(Number.isFinite(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(0);
        }
      }
    }
  });

  it('follows a linear trend when the trend term is on', () => {
    const history = series(3 * WEEK, (t) => 50 + 0.2 * t);
    const withTrend = forecastArrivals(history, { horizon: 1, beta: 0.1, damping: 1 });
    const truth = 50 + 0.2 * history.length;
    expect(Math.abs(withTrend[0] - truth) / truth).toBeLessThan(0.001);
  });

  it('is a pure function of its inputs', () => {
    const history = series(3 * WEEK, weekly);
    const copy = [...history];
    const first = forecastArrivals(history, { horizon: 30 });
    const second = forecastArrivals(history, { horizon: 30 });
    expect(second).toEqual(first);
    expect(history).toEqual(copy);
  });

  it('rejects a history with negative or non-finite counts', () => {
    expect(() => forecastArrivals([1, -2, 3])).toThrow(/history\[1\]/);
    expect(() => forecastArrivals([1, Number.NaN])).toThrow(/history\[1\]/);
  });
});

/**
 * Numbers for people: durations in minutes, hours or days; shares in per
 * cent; counts and money with thousands separators; ± the 95% half-width
 * when there are several replications. Fixed to en-US so that a report reads
 * the same on every machine.
 */
import type { Estimate } from '../simulator/summarize.js';

const MINUTE = 60,
  HOUR = 3600,
  DAY = 86400;
/** A no-break space between a number and its unit, so that "7.5 h" never wraps inside a table cell. */
const NB = '\u00a0';
const grouped = (x: number, decimals: number) => x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** Decimals that show a value of this size with about three significant digits (at most `max`). */
function decimalsFor(x: number, max = 2): number {
  const a = Math.abs(x);
  if (a >= 100 || a === 0) return 0;
  if (a >= 10) return Math.min(max, 1);
  return max;
}

/** 45 s, 12 min, 7.5 h, 2.1 d: the unit chosen by the size of `seconds`. */
export function duration(seconds: number, unitOf = seconds): string {
  const a = Math.abs(unitOf);
  if (a < MINUTE) return `${grouped(seconds, decimalsFor(seconds, 1))}${NB}s`;
  if (a < HOUR) return `${grouped(seconds / MINUTE, 1)}${NB}min`;
  if (a < 4 * DAY) return `${grouped(seconds / HOUR, Math.abs(seconds) < 10 * HOUR ? 1 : 0)}${NB}h`;
  return `${grouped(seconds / DAY, 1)}${NB}d`;
}

/** 96.6% */
export function percent(share: number, decimals = 1): string {
  return `${grouped(share * 100, decimals)}%`;
}

/** 12,345 or 12.3 */
export function count(x: number): string {
  return grouped(x, Number.isInteger(x) ? 0 : decimalsFor(x, 1));
}

/** 1,234.56 (the scenario's currency) */
export function money(x: number): string {
  return grouped(x, Math.abs(x) >= 1000 ? 0 : 2);
}

/** A figure with nothing behind it (null in the result document: no case completed) reads n/a. */
const withCi = (e: Estimate | null, show: (x: number) => string, showCi = show) =>
  e === null ? 'n/a' : e.ci95 > 0 ? `${show(e.mean)} ±${showCi(e.ci95)}` : show(e.mean);

export const fmt = {
  duration: (e: Estimate | null) =>
    withCi(
      e,
      (x) => duration(x, e?.mean ?? x),
      (x) => duration(x, e?.mean ?? x),
    ),
  percent: (e: Estimate | null) => withCi(e, (x) => percent(x)),
  count: (e: Estimate | null) => withCi(e, count, (x) => grouped(x, decimalsFor(x, 1))),
  money: (e: Estimate | null) => withCi(e, money),
};

/** "7 d" or "91 d" for a horizon; hours below two days. */
export function span(seconds: number): string {
  return duration(seconds);
}

export type Kind = 'share' | 'duration' | 'money' | 'count';

/** A value of a metric of this kind, for people. */
export function valueOf(kind: Kind, e: Estimate | null): string {
  switch (kind) {
    case 'share':
      return fmt.percent(e);
    case 'duration':
      return fmt.duration(e);
    case 'money':
      return fmt.money(e);
    default:
      return fmt.count(e);
  }
}

/** A difference's unit, scale and axis title suffix: shares in percentage points, durations in hours. */
export function differenceUnit(kind: Kind): { scale: number; unit: string; title: string } {
  switch (kind) {
    case 'share':
      return { scale: 100, unit: `${NB}pp`, title: 'percentage points' };
    case 'duration':
      return { scale: 1 / 3600, unit: `${NB}h`, title: 'hours' };
    case 'money':
      return { scale: 1, unit: '', title: 'money' };
    default:
      return { scale: 1, unit: '', title: 'count' };
  }
}

/** +1.2 pp ±0.3 pp: a difference with enough decimals that its interval shows two significant digits. */
export function difference(kind: Kind, d: Estimate): string {
  const { scale, unit } = differenceUnit(kind);
  const ci = Math.abs(d.ci95 * scale);
  const least = kind === 'money' ? 2 : kind === 'count' ? 0 : 1;
  const decimals = ci > 0 ? Math.min(6, Math.max(least, Math.ceil(-Math.log10(ci)) + 1)) : least;
  const mean = grouped(Math.abs(d.mean * scale), decimals);
  const zero = Number(mean.replace(/,/g, '')) === 0;
  const sign = zero ? '' : d.mean > 0 ? '+' : '−';
  return `${sign}${mean}${unit}${d.ci95 > 0 ? ` ±${grouped(ci, decimals)}${unit}` : ''}`;
}

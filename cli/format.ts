/** How figures are printed in tables: durations as 4.2h, shares as 93.1%, money with two decimals; ± the ci95 when there are several replications. */
import type { Estimate } from '../simulator/summarize.js';
import { formatDuration } from '../model/units.js';

/** A figure with nothing behind it (null in the result document: no case completed) prints as n/a. */
const pm = (e: Estimate | null, show: (x: number) => string) => (e === null ? 'n/a' : e.ci95 > 0 ? `${show(e.mean)} ±${show(e.ci95)}` : show(e.mean));
export const fmtDuration = (e: Estimate | null) => pm(e, formatDuration);
export const fmtShare = (e: Estimate | null) => pm(e, (x) => `${(x * 100).toFixed(1)}%`);
export const fmtMoney = (e: Estimate | null) => pm(e, (x) => x.toFixed(2));
export const fmtCount = (e: Estimate | null) => pm(e, (x) => (Number.isInteger(x) ? String(x) : x.toFixed(1)));

/**
 * A whole number with a comma every three digits (1,234,567), as
 * `toLocaleString('en-US')` prints it; that call loads ICU's number formatting
 * first, ~20 ms of every command's start-up.
 */
export function fmtThousands(n: number): string {
  // a loop, not the usual lookahead regular expression: compiling that regex was ~8 ms of a small run's start-up
  const digits = String(Math.round(n));
  if (!(Math.abs(n) < 1e21)) return digits; // 1e+21, Infinity, NaN: as String prints them
  const sign = digits.startsWith('-') ? 1 : 0;
  let out = digits.slice(0, sign + ((digits.length - sign - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}

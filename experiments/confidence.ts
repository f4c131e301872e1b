/**
 * One-sided confidence bounds for the sequential decisions of the optimiser.
 * Student's t quantiles at any level come from jstat (a well-kept, dependency
 * free statistics library: the project's own table in simulator/summarize.ts
 * has only the 97.5% column, and Bonferroni-corrected levels need others).
 * Pure.
 *
 * ```ts
 * const b = meanBounds([0.91, 0.93, 0.92], 0.99); // { mean, lower, upper, halfWidth }
 * ```
 */
import jstat from 'jstat';

export interface Bounds {
  mean: number;
  /** one-sided lower bound at the level asked: the true mean is above it with that confidence */
  lower: number;
  /** one-sided upper bound at the same level */
  upper: number;
  halfWidth: number;
}

/** Student's t quantile: P(T <= x) = p for df degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df >= 1)) throw new RangeError(`tQuantile: expected 0 < p < 1 and df >= 1, got p = ${p}, df = ${df}`);
  return jstat.jStat.studentt.inv(p, df);
}

/** Mean of `xs` and its one-sided bounds at `level` (each side separately has confidence `level`). Needs 2 values or more. */
export function meanBounds(xs: readonly number[], level: number): Bounds {
  const n = xs.length;
  if (n < 2) throw new RangeError(`meanBounds: expected at least 2 values, got ${n}`);
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const halfWidth = sd === 0 ? 0 : (tQuantile(level, n - 1) * sd) / Math.sqrt(n);
  return { mean, lower: mean - halfWidth, upper: mean + halfWidth, halfWidth };
}

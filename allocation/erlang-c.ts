/**
 * Erlang B / Erlang C and square-root staffing for an M/M/c queue (Poisson
 * arrivals, exponential handling times, c identical agents, infinite patience).
 *
 * Conventions: rates are per second, times are in seconds, the offered load
 * `A = λ · AHT` is in Erlangs, and `c` is a whole number of agents.
 *
 * Every Erlang formula goes through the Erlang B recursion
 * `B(0) = 1, B(k) = A·B(k-1) / (k + A·B(k-1))`, which stays in [0, 1] and never
 * forms `A^c` or `c!`, so loads of thousands of Erlangs are safe. Erlang C then
 * follows from `C = c·B / (c - A·(1 - B))`.
 *
 * @example
 * const a = offeredLoad(100 / 1800, 180);          // 10 Erlangs
 * serviceLevel(14, a, 180, 20);                     // ≈ 0.888
 * agentsForServiceLevel(a, 180, 20, 0.8);           // smallest c reaching 80% in 20 s
 */

function assertLoad(a: number, where: string): void {
  if (!Number.isFinite(a) || a < 0) {
    throw new RangeError(`${where}: offered load must be a finite number of Erlangs >= 0, got ${a}`);
  }
}

function assertAgents(c: number, where: string): void {
  if (!Number.isInteger(c) || c < 0) {
    throw new RangeError(`${where}: agents must be a non-negative integer, got ${c}`);
  }
}

function assertPositive(x: number, name: string, where: string): void {
  if (!Number.isFinite(x) || x <= 0) {
    throw new RangeError(`${where}: ${name} must be a finite number > 0, got ${x}`);
  }
}

function assertNonNegative(x: number, name: string, where: string): void {
  if (!Number.isFinite(x) || x < 0) {
    throw new RangeError(`${where}: ${name} must be a finite number >= 0, got ${x}`);
  }
}

/** One step of the Erlang B recursion: B(k) from B(k-1). */
function erlangBStep(k: number, a: number, previous: number): number {
  const x = a * previous;
  return x / (k + x);
}

/** Erlang C from Erlang B at the same `c` and `A` (requires `c > A`). */
function erlangCFromB(c: number, a: number, b: number): number {
  return (c * b) / (c - a * (1 - b));
}

/** Offered load in Erlangs: `A = ratePerSecond · ahtSeconds`. */
export function offeredLoad(ratePerSecond: number, ahtSeconds: number): number {
  assertNonNegative(ratePerSecond, 'ratePerSecond', 'offeredLoad');
  assertNonNegative(ahtSeconds, 'ahtSeconds', 'offeredLoad');
  return ratePerSecond * ahtSeconds;
}

/** Erlang B: blocking probability of an M/M/c/c loss system with `c` servers and load `A`. */
export function erlangB(c: number, a: number): number {
  assertAgents(c, 'erlangB');
  assertLoad(a, 'erlangB');
  let b = 1;
  for (let k = 1; k <= c; k++) b = erlangBStep(k, a, b);
  return b;
}

/** Erlang C: probability that an arrival has to wait (1 when `c <= A`, the queue is unstable). */
export function erlangC(c: number, a: number): number {
  assertAgents(c, 'erlangC');
  assertLoad(a, 'erlangC');
  if (c <= a) return 1;
  return erlangCFromB(c, a, erlangB(c, a));
}

/** Service level from a known Erlang C value (shared by the search below). */
function serviceLevelFromC(c: number, a: number, pWait: number, ahtSeconds: number, targetSeconds: number): number {
  return 1 - pWait * Math.exp((-(c - a) * targetSeconds) / ahtSeconds);
}

/**
 * Service level: probability that a call is answered within `targetSeconds`,
 * `1 - C · exp(-(c - A) · t / AHT)`; 0 when `c <= A`.
 */
export function serviceLevel(c: number, a: number, ahtSeconds: number, targetSeconds: number): number {
  assertPositive(ahtSeconds, 'ahtSeconds', 'serviceLevel');
  assertNonNegative(targetSeconds, 'targetSeconds', 'serviceLevel');
  if (c <= a) {
    assertAgents(c, 'serviceLevel');
    assertLoad(a, 'serviceLevel');
    return 0;
  }
  return serviceLevelFromC(c, a, erlangC(c, a), ahtSeconds, targetSeconds);
}

/** Average speed of answer (mean wait over all calls, seconds): `C · AHT / (c - A)`; Infinity when `c <= A`. */
export function averageSpeedOfAnswer(c: number, a: number, ahtSeconds: number): number {
  assertPositive(ahtSeconds, 'ahtSeconds', 'averageSpeedOfAnswer');
  const pWait = erlangC(c, a);
  if (c <= a) return Infinity;
  return (pWait * ahtSeconds) / (c - a);
}

/** Agent occupancy `A / c`, capped at 1 (1 when there are no agents). */
export function occupancy(c: number, a: number): number {
  assertAgents(c, 'occupancy');
  assertLoad(a, 'occupancy');
  if (c === 0) return a === 0 ? 0 : 1;
  return Math.min(1, a / c);
}

/**
 * Walks c = ⌊A⌋+1, ⌊A⌋+2, … (the first stable staffing levels), carrying the
 * Erlang B recursion along so the whole search costs O(answer), and returns the
 * first c for which `accept(c, C(c, A))` holds.
 */
function searchAgents(a: number, where: string, accept: (c: number, pWait: number) => boolean): number {
  let c = Math.floor(a) + 1;
  let b = erlangB(c, a);
  // Far beyond any sane answer (A + 40·√A + 100): reaching it means the target is unreachable in floating point.
  const limit = c + Math.ceil(40 * Math.sqrt(a)) + 100;
  for (; c <= limit; c++) {
    if (c > Math.floor(a) + 1) b = erlangBStep(c, a, b);
    if (accept(c, erlangCFromB(c, a, b))) return c;
  }
  throw new RangeError(`${where}: no staffing level up to ${limit} agents meets the target for A = ${a}`);
}

/**
 * Smallest integer `c > A` whose service level (answered within `targetSeconds`)
 * is at least `target`, a fraction in [0, 1). Returns 0 when `A == 0`.
 */
export function agentsForServiceLevel(a: number, ahtSeconds: number, targetSeconds: number, target: number): number {
  const where = 'agentsForServiceLevel';
  assertLoad(a, where);
  assertPositive(ahtSeconds, 'ahtSeconds', where);
  assertNonNegative(targetSeconds, 'targetSeconds', where);
  if (!(target >= 0 && target < 1)) {
    throw new RangeError(`${where}: target must be a fraction in [0, 1), got ${target}`);
  }
  if (a === 0) return 0;
  return searchAgents(a, where, (c, pWait) => serviceLevelFromC(c, a, pWait, ahtSeconds, targetSeconds) >= target);
}

/**
 * Smallest integer `c > A` whose average speed of answer is at most
 * `asaTargetSeconds` (> 0). Returns 0 when `A == 0`.
 */
export function agentsForAsa(a: number, ahtSeconds: number, asaTargetSeconds: number): number {
  const where = 'agentsForAsa';
  assertLoad(a, where);
  assertPositive(ahtSeconds, 'ahtSeconds', where);
  assertPositive(asaTargetSeconds, 'asaTargetSeconds', where);
  if (a === 0) return 0;
  return searchAgents(a, where, (c, pWait) => (pWait * ahtSeconds) / (c - a) <= asaTargetSeconds);
}

/**
 * Square-root staffing `⌈A + β·√A⌉` (Halfin–Whitt / QED regime). A relative
 * tolerance of 1e-12 keeps values such as 110.00000000000001 from rounding up a
 * whole agent.
 */
export function squareRootStaffing(a: number, beta: number): number {
  assertLoad(a, 'squareRootStaffing');
  if (!Number.isFinite(beta)) throw new RangeError(`squareRootStaffing: beta must be finite, got ${beta}`);
  const x = a + beta * Math.sqrt(a);
  return Math.max(0, Math.ceil(x - 1e-12 * Math.max(1, Math.abs(x))));
}

/**
 * Complementary error function, Chebyshev fit from Numerical Recipes (`erfcc`):
 * fractional error below 1.2e-7 everywhere.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal cumulative distribution Φ(x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/**
 * Halfin–Whitt approximation of the probability of waiting at square-root
 * staffing with parameter `beta >= 0`: `[1 + β·Φ(β)/φ(β)]^-1`.
 */
export function halfinWhittPWait(beta: number): number {
  if (!Number.isFinite(beta) || beta < 0) {
    throw new RangeError(`halfinWhittPWait: beta must be a finite number >= 0, got ${beta}`);
  }
  // Φ/φ = Φ·√(2π)·exp(β²/2); overflow to Infinity for huge β correctly gives P(wait) = 0.
  return 1 / (1 + (beta * normalCdf(beta)) / normalPdf(beta));
}

/**
 * The Halfin–Whitt β giving probability of waiting `targetPWait` (in (0, 1)),
 * found by bisection (P(wait) falls from 1 at β = 0 towards 0). Use with
 * {@link squareRootStaffing}.
 */
export function halfinWhittBeta(targetPWait: number): number {
  if (!(targetPWait > 0 && targetPWait < 1)) {
    throw new RangeError(`halfinWhittBeta: targetPWait must be in (0, 1), got ${targetPWait}`);
  }
  let lo = 0;
  let hi = 1;
  while (halfinWhittPWait(hi) > targetPWait) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = 0.5 * (lo + hi);
    if (halfinWhittPWait(mid) > targetPWait) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * M/M/c mean wait in queue over all arrivals, `Wq = C / (c·μ - λ)` with
 * `μ = 1 / AHT` (seconds); Infinity when the queue is unstable. Equals
 * {@link averageSpeedOfAnswer}.
 */
export function meanWait(c: number, ratePerSecond: number, ahtSeconds: number): number {
  assertPositive(ahtSeconds, 'ahtSeconds', 'meanWait');
  const a = offeredLoad(ratePerSecond, ahtSeconds);
  const pWait = erlangC(c, a);
  if (c <= a) return Infinity;
  return pWait / (c / ahtSeconds - ratePerSecond);
}

/** M/M/c mean number waiting, `Lq = λ · Wq` (Little's law); Infinity when unstable. */
export function meanQueueLength(c: number, ratePerSecond: number, ahtSeconds: number): number {
  const wq = meanWait(c, ratePerSecond, ahtSeconds);
  if (wq === Infinity) return Infinity;
  return ratePerSecond * wq;
}

/**
 * M/M/c probability that a customer's whole time in the system (wait plus
 * service) is at most `tSeconds`: with probability 1 − C the wait is 0, and
 * otherwise it is exponential with rate `(c − A)/AHT`, independent of the
 * exponential service, so
 * `P(T > t) = (1 − C)·e^{−μt} + C·(ν·e^{−μt} − μ·e^{−νt})/(ν − μ)` with
 * `μ = 1/AHT`, `ν = (c − A)·μ` (and `C·(1 + μt)·e^{−μt}` when ν = μ).
 * 0 when `c <= A` (unstable).
 */
export function sojournWithin(c: number, a: number, ahtSeconds: number, tSeconds: number): number {
  assertPositive(ahtSeconds, 'ahtSeconds', 'sojournWithin');
  assertNonNegative(tSeconds, 'tSeconds', 'sojournWithin');
  const pWait = erlangC(c, a);
  if (c <= a) return 0;
  const mu = 1 / ahtSeconds;
  const nu = (c - a) * mu;
  const serviceTail = Math.exp(-mu * tSeconds);
  const waitedTail = Math.abs(nu - mu) < 1e-12 * mu ? (1 + mu * tSeconds) * serviceTail : (nu * serviceTail - mu * Math.exp(-nu * tSeconds)) / (nu - mu);
  return 1 - ((1 - pWait) * serviceTail + pWait * waitedTail);
}

/** Smallest integer `c > A` with {@link sojournWithin} at least `target` (in [0, 1)); 0 when `A == 0`. */
export function agentsForSojournWithin(a: number, ahtSeconds: number, tSeconds: number, target: number): number {
  const where = 'agentsForSojournWithin';
  assertLoad(a, where);
  if (!(target >= 0 && target < 1)) throw new RangeError(`${where}: target must be a fraction in [0, 1), got ${target}`);
  if (a === 0) return 0;
  if (1 - Math.exp(-tSeconds / ahtSeconds) < target)
    throw new RangeError(
      `${where}: no staffing meets the target: the service alone exceeds ${tSeconds} s for more than ${((1 - target) * 100).toFixed(1)}% of customers`,
    );
  return searchAgents(a, where, (c) => sojournWithin(c, a, ahtSeconds, tSeconds) >= target);
}

/**
 * Small, pure building blocks shared by the built-in policies: parameter
 * checks that throw a {@link PolicyError} naming the parameter, integer
 * apportionment by largest remainder, the frame of a decision (start
 * all-flexible, dedicate, honour queue minimums) and the "fill each queue's
 * need from the pools that can serve it" step most policies dedicate with.
 *
 * Every helper is deterministic: ties are broken by index, never by the order
 * of object keys or by floating-point accident.
 *
 * @example
 * const target = numberParam(params, 'targetPerUnit', { default: 5, above: 0 });
 * const { assign } = allocate(snapshot, (assign, free) => {
 *   fillNeeds(snapshot, assign, free, needPerQueue, poolOrder(snapshot));
 * });
 */
import { parseDuration } from '../model/units.js';
import { PolicyError, type PoolView, type Snapshot } from './policy.js';

// ---- parameters -------------------------------------------------------------

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function bad(name: string, expected: string, got: unknown): never {
  throw new PolicyError(`policy.params.${name}: expected ${expected}, got ${shown(got)}`);
}

/** Throws on a parameter the policy does not know (a typo would otherwise be silently ignored). */
export function checkKnownParams(params: Record<string, unknown>, known: readonly string[], policy: string): void {
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) {
      throw new PolicyError(`policy.params.${key}: unknown parameter of policy '${policy}' (expected one of: ${known.join(', ')})`);
    }
  }
}

export interface NumberRule {
  default: number;
  /** value must be > above */
  above?: number;
  /** value must be >= atLeast */
  atLeast?: number;
  /** value must be < below */
  below?: number;
  /** value must be <= atMost */
  atMost?: number;
  integer?: boolean;
}

function describeRule(rule: NumberRule): string {
  const parts: string[] = [];
  if (rule.above !== undefined) parts.push(`> ${rule.above}`);
  if (rule.atLeast !== undefined) parts.push(`>= ${rule.atLeast}`);
  if (rule.below !== undefined) parts.push(`< ${rule.below}`);
  if (rule.atMost !== undefined) parts.push(`<= ${rule.atMost}`);
  const what = rule.integer ? 'an integer' : 'a number';
  return parts.length ? `${what} ${parts.join(' and ')}` : `a finite ${rule.integer ? 'integer' : 'number'}`;
}

function satisfies(value: number, rule: NumberRule): boolean {
  return (
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.atLeast === undefined || value >= rule.atLeast) &&
    (rule.below === undefined || value < rule.below) &&
    (rule.atMost === undefined || value <= rule.atMost)
  );
}

function checkNumber(name: string, value: number, rule: NumberRule, got: unknown): number {
  if (!satisfies(value, rule)) bad(name, describeRule(rule), got);
  return value;
}

/** A numeric parameter (absent → its default). */
export function numberParam(params: Record<string, unknown>, name: string, rule: NumberRule): number {
  const value = params[name];
  if (value === undefined) return rule.default;
  if (typeof value !== 'number') bad(name, describeRule(rule), value);
  return checkNumber(name, value, rule, value);
}

/**
 * A duration parameter in seconds: a number of seconds or a string such as
 * `90s`, `20m`, `2h`, `1d` (absent → its default).
 */
export function durationParam(params: Record<string, unknown>, name: string, rule: NumberRule): number {
  const value = params[name];
  if (value === undefined) return rule.default;
  const bounds = describeRule(rule).replace(/^a (finite )?number ?/, '');
  const expected = `a duration (seconds, or a string like "2h")${bounds ? ` ${bounds}` : ''}`;
  const seconds = typeof value === 'number' || typeof value === 'string' ? parseDuration(value) : NaN;
  if (!satisfies(seconds, rule)) bad(name, expected, value);
  return seconds;
}

/** A boolean parameter (absent → its default). */
export function booleanParam(params: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = params[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') bad(name, 'true or false', value);
  return value;
}

/** One of a fixed set of strings (absent → its default). */
export function choiceParam<T extends string>(params: Record<string, unknown>, name: string, choices: readonly T[], fallback: T): T {
  const value = params[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !choices.includes(value as T)) bad(name, `one of ${choices.join(', ')}`, value);
  return value as T;
}

/**
 * A map from queue (skill) name to a number, e.g. `costOfDelay: { review: 4 }`;
 * returns a value per queue index, `fallback` for queues not named.
 */
export function perQueueParam(params: Record<string, unknown>, name: string, queues: readonly string[], rule: NumberRule): number[] {
  const out = queues.map(() => rule.default);
  const value = params[name];
  if (value === undefined) return out;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(name, 'a map from queue name to a number', value);
  for (const [queue, x] of Object.entries(value as Record<string, unknown>)) {
    const q = queues.indexOf(queue);
    if (q < 0) throw new PolicyError(`policy.params.${name}.${queue}: unknown queue (expected one of: ${queues.join(', ')})`);
    if (typeof x !== 'number') bad(`${name}.${queue}`, describeRule(rule), x);
    out[q] = checkNumber(`${name}.${queue}`, x, rule, x);
  }
  return out;
}

// ---- integer arithmetic ------------------------------------------------------

/**
 * Splits `total` whole units in proportion to `weights` (all >= 0) by largest
 * remainder; ties go to the lower index. All zeros when the weights sum to 0.
 * When `total` is at most the sum of whole-number weights, no share exceeds
 * the ceiling of its weight.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const out = weights.map(() => 0);
  const sum = weights.reduce((a, b) => a + Math.max(0, b), 0);
  if (!(sum > 0) || !(total > 0)) return out;
  const n = Math.floor(total);
  const exact = weights.map((w) => (Math.max(0, w) / sum) * n);
  let given = 0;
  exact.forEach((x, i) => {
    out[i] = Math.floor(x + 1e-9);
    given += out[i];
  });
  const order = exact.map((x, i) => ({ i, r: x - out[i] })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; given < n && k < order.length; k++) {
    if (weights[order[k].i] > 0) {
      out[order[k].i]++;
      given++;
    }
  }
  return out;
}

// ---- allocations ------------------------------------------------------------

/** An all-flexible allocation sized for the snapshot. */
export function emptyAssign(snapshot: Snapshot): number[][] {
  return snapshot.pools.map(() => new Array<number>(snapshot.queues.length).fill(0));
}

/** Units dedicated to each queue over all pools. */
export function queueTotals(snapshot: Snapshot, assign: number[][]): number[] {
  return snapshot.queues.map((q) => assign.reduce((s, row) => s + (row[q.index] ?? 0), 0));
}

/** Units a pool can give right now: on duty and not down (never more than its size). */
export function availableUnits(pool: PoolView): number {
  return Math.max(0, Math.min(pool.size, Math.floor(pool.available)));
}

/**
 * The order in which pools are asked for units: bots first (the engine also
 * hands new work to bots first), then the least cross-trained pools (so
 * specialists cover their own queue before generalists are spent), then
 * scenario order.
 */
export function poolOrder(snapshot: Snapshot, kinds: readonly ('human' | 'bot')[] = ['bot', 'human']): PoolView[] {
  return snapshot.pools
    .filter((p) => kinds.includes(p.kind))
    .sort((a, b) => (a.kind === b.kind ? a.skills.length - b.skills.length || a.index - b.index : a.kind === 'bot' ? -1 : 1));
}

/**
 * What one unit of `pool` is worth on a queue, in units of the queue's need.
 * Defaults to 1 (a unit is a unit).
 */
export type Worth = (pool: PoolView, queue: number) => number;

/**
 * Fills each queue's need (a real number of units, in `worth` terms) from the
 * pools in `pools` order. A pool whose free units cannot cover all of its
 * queues' needs splits them in proportion to those needs (largest remainder).
 * Never exceeds a pool's free units nor a queue's `limits.max`. Mutates
 * `assign`, `free` and `need` (what is left unmet) and returns `assign`.
 */
export function fillNeeds(
  snapshot: Snapshot,
  assign: number[][],
  free: number[],
  need: number[],
  pools: readonly PoolView[],
  worth: Worth = () => 1,
): number[][] {
  const totals = queueTotals(snapshot, assign);
  for (const pool of pools) {
    if (free[pool.index] <= 0) continue;
    const wanted = pool.skills.map((q) => {
      const w = worth(pool, q);
      if (!(need[q] > 1e-9) || !(w > 0)) return 0;
      const room = snapshot.queues[q].limits.max - totals[q];
      return Math.max(0, Math.min(Math.ceil(need[q] / w - 1e-9), room));
    });
    const sum = wanted.reduce((a, b) => a + b, 0);
    if (sum === 0) continue;
    const give = sum <= free[pool.index] ? wanted : apportion(free[pool.index], wanted);
    pool.skills.forEach((q, k) => {
      const n = Math.min(give[k], wanted[k]);
      if (n <= 0) return;
      assign[pool.index][q] += n;
      totals[q] += n;
      free[pool.index] -= n;
      need[q] = Math.max(0, need[q] - n * worth(pool, q));
    });
  }
  return assign;
}

/**
 * Raises every queue to its `limits.min` dedicated units where the pools
 * allow it: first from free units (humans first, as a minimum is usually
 * "keep one person on it"), then by taking units from the same pool's queue
 * that has the most dedicated units above its own minimum. `enforceConstraints`
 * raises a queue to its minimum only from units nobody holds (it never takes
 * one from another queue), so the policies keep the minimum themselves.
 * Mutates `assign` and `free`.
 */
export function honourMinimums(snapshot: Snapshot, assign: number[][], free: number[]): number[][] {
  const totals = queueTotals(snapshot, assign);
  const order = poolOrder(snapshot, ['human', 'bot']).sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'human' ? -1 : 1));
  for (const queue of snapshot.queues) {
    const q = queue.index;
    const min = Math.min(queue.limits.min, queue.limits.max);
    for (const pool of order) {
      if (totals[q] >= min) break;
      if (!pool.skills.includes(q)) continue;
      const n = Math.min(free[pool.index], min - totals[q]);
      if (n > 0) {
        assign[pool.index][q] += n;
        free[pool.index] -= n;
        totals[q] += n;
      }
    }
    for (const pool of order) {
      if (!pool.skills.includes(q)) continue;
      while (totals[q] < min) {
        let from = -1;
        for (const r of pool.skills) {
          if (r === q || assign[pool.index][r] === 0) continue;
          if (totals[r] <= snapshot.queues[r].limits.min) continue;
          if (from < 0 || assign[pool.index][r] > assign[pool.index][from]) from = r;
        }
        if (from < 0) break;
        assign[pool.index][from]--;
        totals[from]--;
        assign[pool.index][q]++;
        totals[q]++;
      }
    }
  }
  return assign;
}

/**
 * The frame of a decision: an all-flexible allocation with each pool's
 * available units free; `dedicate` dedicates units by the policy's own rule
 * (mutating `assign` and `free`, e.g. with {@link fillNeeds}) and returns
 * whatever the policy wants to keep for its reason; then every queue is raised
 * to its minimum from what is left ({@link honourMinimums}), so no policy
 * built on it forgets them.
 *
 * @example
 * const { assign, result: plan } = allocate(snapshot, (assign, free) => staffingPlan(snapshot, o, assign, free));
 */
export function allocate<T>(snapshot: Snapshot, dedicate: (assign: number[][], free: number[]) => T): { assign: number[][]; free: number[]; result: T } {
  const assign = emptyAssign(snapshot);
  const free = snapshot.pools.map(availableUnits);
  const result = dedicate(assign, free);
  honourMinimums(snapshot, assign, free);
  return { assign, free, result };
}

/** Mean human service seconds of a queue, or `fallback` when the queue has no steps. */
export function humanService(snapshot: Snapshot, q: number, fallback = 1): number {
  const s = snapshot.queues[q].meanServiceHuman;
  return s > 0 && Number.isFinite(s) ? s : fallback;
}

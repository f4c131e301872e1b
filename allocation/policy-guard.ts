/**
 * A user's policy module, checked at its boundary. Whatever the module's
 * factory or `decide` does wrong — throws a plain Error, returns null, is
 * `async`, answers with an allocation of the wrong shape, names an unknown
 * dispatch — becomes a PolicyError that names the module, the epoch's
 * simulated time and what was wrong, so the CLI blames the module (exit 2),
 * not itself. Built-in policies are not wrapped: a fault in them is a bug.
 *
 * ```ts
 * const policy = guardFactory(factory, './my-policy.js')(params, context);
 * policy.decide(snapshot); // throws PolicyError('policy module ./my-policy.js: decide() at 2.5d …')
 * ```
 */
import { PolicyError, type Allocation, type Policy, type PolicyContext, type PolicyFactory, type Snapshot } from './policy.js';
import { formatDuration } from '../model/units.js';

export const DISPATCHES = ['fifo', 'edf', 'priority'] as const;

/** A promise-like answer; its eventual rejection is silenced (the answer is refused anyway). */
function isThenable(x: unknown): boolean {
  if (x === null || (typeof x !== 'object' && typeof x !== 'function') || typeof (x as { then?: unknown }).then !== 'function') return false;
  try {
    (x as PromiseLike<unknown>).then(undefined, () => undefined);
  } catch {
    /* not a real promise: nothing to silence */
  }
  return true;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** What is wrong with a policy object a factory returned (null if nothing). */
export function policyShapeProblem(policy: unknown): string | null {
  if (isThenable(policy)) return 'returned a Promise (the factory must be synchronous: return the policy itself, not async)';
  if (policy === null || typeof policy !== 'object') return `returned ${describe(policy)} (expected a policy object { name, dispatch, decide(snapshot) })`;
  const p = policy as Record<string, unknown>;
  if (typeof p.decide !== 'function') return `returned a policy without a decide(snapshot) method (got decide: ${describe(p.decide)})`;
  if (typeof p.name !== 'string' || p.name === '') return `returned a policy whose name is ${describe(p.name)} (expected a non-empty text)`;
  if (!(DISPATCHES as readonly unknown[]).includes(p.dispatch))
    return `returned a policy whose dispatch is ${describe(p.dispatch)} (expected one of: ${DISPATCHES.join(', ')})`;
  if (p.periodic !== undefined && typeof p.periodic !== 'boolean')
    return `returned a policy whose periodic is ${describe(p.periodic)} (expected true, false or nothing)`;
  return null;
}

/**
 * What is wrong with the shape of an answer of `decide` (null if nothing).
 * Shape only: whole units, pool sizes, skills and queue limits are the
 * constraints' business (allocation/constraints.ts), not errors.
 */
export function allocationShapeProblem(answer: unknown, snapshot: Snapshot): string | null {
  if (isThenable(answer)) return 'returned a Promise (decide must be synchronous: no async, no await)';
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return `returned ${describe(answer)} (expected an allocation { assign, reason })`;
  const a = answer as Record<string, unknown>;
  if (!Array.isArray(a.assign)) return `returned assign: ${describe(a.assign)} (expected a list with one row per pool, assign[pool][queue] = units)`;
  if (a.assign.length !== snapshot.pools.length) return `returned assign with ${a.assign.length} rows (expected one per pool: ${snapshot.pools.length})`;
  for (let p = 0; p < a.assign.length; p++) {
    const row = a.assign[p] as unknown;
    if (!Array.isArray(row)) return `returned assign[${p}] (pool ${snapshot.pools[p].id}): ${describe(row)} (expected a list of units per queue)`;
    if (row.length > snapshot.queues.length)
      return `returned assign[${p}] (pool ${snapshot.pools[p].id}) with ${row.length} entries (expected at most one per queue: ${snapshot.queues.length})`;
    for (let q = 0; q < row.length; q++) {
      const n = row[q] as unknown;
      if (n === undefined || n === null) continue; // a hole: no units dedicated
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        return `returned assign[${p}][${q}] (pool ${snapshot.pools[p].id}, queue ${snapshot.queues[q].skill}): ${describe(n)} (expected a whole number of units >= 0)`;
      }
    }
  }
  if (a.reason !== undefined && typeof a.reason !== 'string') return `returned reason: ${describe(a.reason)} (expected a text)`;
  if (a.strict !== undefined && typeof a.strict !== 'boolean') return `returned strict: ${describe(a.strict)} (expected true, false or nothing)`;
  return null;
}

/** "at 2.5d (212400 s, epoch 7, trigger 'periodic')" */
export function epochWhere(snapshot: Snapshot): string {
  return `at ${formatDuration(snapshot.time)} (${snapshot.time} s simulated, epoch ${snapshot.epoch}, trigger '${snapshot.trigger}')`;
}

const messageOf = (err: unknown): string =>
  err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : `a thrown ${describe(err)}`;

/** The policy with every decision checked; errors blame `origin` (the module as the user named it). */
export function guardPolicy(policy: Policy, origin: string): Policy {
  const blame = (snapshot: Snapshot, what: string) => new PolicyError(`policy module ${origin}: decide() ${epochWhere(snapshot)} ${what}`);
  const guarded: Policy = {
    name: policy.name,
    dispatch: policy.dispatch,
    periodic: policy.periodic,
    decide(snapshot: Snapshot): Allocation {
      let answer: unknown;
      try {
        answer = policy.decide(snapshot);
      } catch (err) {
        throw blame(snapshot, `threw: ${messageOf(err)}`);
      }
      const problem = allocationShapeProblem(answer, snapshot);
      if (problem) throw blame(snapshot, problem);
      const a = answer as Allocation;
      return a.reason === undefined ? { ...a, reason: '' } : a;
    },
  };
  return guarded;
}

/** The factory with its call and its result checked; the policy it makes is guarded. */
export function guardFactory(factory: PolicyFactory, origin: string): (params: Record<string, unknown>, context: PolicyContext) => Policy {
  return (params, context) => {
    let policy: unknown;
    try {
      policy = factory(params, context);
    } catch (err) {
      // a PolicyError from the module is its own message about its parameters: keep it, say whose it is
      throw new PolicyError(`policy module ${origin}: the factory threw: ${messageOf(err)}`);
    }
    const problem = policyShapeProblem(policy);
    if (problem) throw new PolicyError(`policy module ${origin}: the factory ${problem}`);
    return guardPolicy(policy as Policy, origin);
  };
}

/**
 * `static`: fixed shares of each pool per queue, never changed. With no
 * shares, every unit is flexible: each pool serves all of its skills, first
 * come first served (a plain multi-skill pool).
 *
 * params: `shares: { <pool>: { <queue>: fraction } }` — fractions of the pool
 * dedicated to each queue (rounded to units, largest remainder first);
 * `dispatch: fifo | edf` (default fifo); `strict: true` to keep dedicated
 * units on their queue even when it is empty (default false: they help elsewhere).
 */
import { PolicyError, flexibleAllocation, type Dispatch, type PolicyFactory, type PoolView } from './policy.js';
import { checkKnownParams } from './policy-kit.js';

export const staticPolicy: PolicyFactory = (params, context) => {
  checkKnownParams(params, ['shares', 'dispatch', 'strict'], 'static');
  const shares = (params.shares ?? {}) as Record<string, Record<string, number>>;
  const dispatch = (params.dispatch ?? 'fifo') as Dispatch;
  const strict = params.strict === true;
  if (params.strict !== undefined && typeof params.strict !== 'boolean')
    throw new PolicyError(`policy.params.strict: expected true or false, got ${String(params.strict)}`);
  if (!['fifo', 'edf'].includes(dispatch)) throw new PolicyError(`policy.params.dispatch: expected fifo or edf, got ${String(dispatch)}`);
  for (const [poolId, byQueue] of Object.entries(shares)) {
    const pool = context.pools.find((p) => p.id === poolId);
    if (!pool) throw new PolicyError(`policy.params.shares.${poolId}: unknown pool (expected one of: ${context.pools.map((p) => p.id).join(', ')})`);
    let sum = 0;
    for (const [queue, share] of Object.entries(byQueue)) {
      const q = context.queues.indexOf(queue);
      if (q < 0 || !pool.skills.includes(q))
        throw new PolicyError(
          `policy.params.shares.${poolId}.${queue}: pool '${poolId}' has no skill '${queue}' (expected one of: ${pool.skills.map((s) => context.queues[s]).join(', ')})`,
        );
      if (typeof share !== 'number' || share < 0) throw new PolicyError(`policy.params.shares.${poolId}.${queue}: expected a fraction between 0 and 1`);
      sum += share;
    }
    if (sum > 1 + 1e-9) throw new PolicyError(`policy.params.shares.${poolId}: expected fractions that sum to at most 1, got ${sum}`);
  }
  return {
    name: 'static',
    dispatch,
    periodic: false,
    decide(snapshot) {
      const assign = flexibleAllocation(snapshot.pools.length, snapshot.queues.length);
      for (const pool of snapshot.pools) {
        const byQueue = shares[pool.id];
        if (byQueue) assign[pool.index] = splitShares(pool, byQueue, context.queues);
      }
      return { assign, strict, reason: Object.keys(shares).length ? `fixed shares${strict ? ' (strict)' : ''}` : 'all units flexible' };
    },
  };
};

/** Units of a pool per queue from fractions, by largest remainder (ties to the lower queue index). */
export function splitShares(pool: PoolView, byQueue: Record<string, number>, queues: string[]): number[] {
  const out = new Array(queues.length).fill(0);
  const wanted = queues.map((q) => (byQueue[q] ?? 0) * pool.size);
  let total = 0;
  wanted.forEach((w, q) => {
    out[q] = Math.floor(w + 1e-9);
    total += out[q];
  });
  const target = Math.round(wanted.reduce((a, b) => a + b, 0));
  const order = wanted.map((w, q) => ({ q, r: w - out[q] })).sort((a, b) => b.r - a.r || a.q - b.q);
  for (let i = 0; total < target && i < order.length; i++) {
    out[order[i].q]++;
    total++;
  }
  return out;
}

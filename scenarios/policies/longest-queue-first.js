// @ts-check
/**
 * An example user policy: longest queue first.
 *
 * Each human pool dedicates a share of its available people to its skills in
 * proportion to their waiting work (waiting tasks × mean human service time),
 * so the queue with the most work gets the most people. Bots stay flexible.
 *
 * Use it from a scenario (the path is resolved against the scenario file):
 *
 *     policy:
 *       module: ./policies/longest-queue-first.js
 *       params: { share: 0.75 }
 *
 * or on the command line: `autoshift run my.yaml --policy module:./policies/longest-queue-first.js`.
 *
 * A policy module is plain ESM: its default export is a factory
 * `(params, context) => ({ name, dispatch, decide(snapshot) })`. It imports
 * nothing from autoshift (the types below are JSDoc only), must be pure and
 * deterministic (no Date, no Math.random, no I/O), and whatever it returns is
 * passed through the engine's constraints (skills, whole units, pool sizes,
 * queue maxima) before it is applied.
 *
 * @typedef {import('../../allocation/policy.js').Snapshot} Snapshot
 * @typedef {import('../../allocation/policy.js').Policy} Policy
 * @typedef {import('../../allocation/policy.js').PolicyContext} PolicyContext
 */

/**
 * An error the CLI shows as a user error (errors are told apart by name).
 * @param {string} message
 */
function policyError(message) {
  const err = new Error(message);
  err.name = 'PolicyError';
  return err;
}

/**
 * Splits `total` whole units in proportion to `weights` by largest remainder
 * (ties to the lower index), so the answer never depends on rounding luck.
 * @param {number} total
 * @param {number[]} weights
 * @returns {number[]}
 */
function apportion(total, weights) {
  const sum = weights.reduce((a, b) => a + b, 0);
  const out = weights.map(() => 0);
  if (sum <= 0 || total <= 0) return out;
  const exact = weights.map((w) => (w / sum) * total);
  let given = 0;
  exact.forEach((x, i) => {
    out[i] = Math.floor(x + 1e-9);
    given += out[i];
  });
  const order = exact.map((x, i) => ({ i, r: x - out[i] })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; given < total && k < order.length; k++) {
    if (weights[order[k].i] > 0) {
      out[order[k].i]++;
      given++;
    }
  }
  return out;
}

/**
 * @param {Record<string, unknown>} params  `share`: fraction of each human pool's available people to dedicate (0..1, default 1)
 * @param {PolicyContext} _context
 * @returns {Policy}
 */
export default function longestQueueFirst(params, _context) {
  for (const key of Object.keys(params)) {
    if (key !== 'share') throw policyError(`policy.params.${key}: unknown parameter of longest-queue-first (expected: share)`);
  }
  const share = params.share === undefined ? 1 : params.share;
  if (typeof share !== 'number' || !(share >= 0 && share <= 1)) {
    throw policyError(`policy.params.share: expected a number between 0 and 1, got ${JSON.stringify(share)}`);
  }
  return {
    name: 'longest-queue-first',
    dispatch: 'fifo',
    /** @param {Snapshot} snapshot */
    decide(snapshot) {
      const assign = snapshot.pools.map(() => snapshot.queues.map(() => 0));
      for (const pool of snapshot.pools) {
        if (pool.kind !== 'human') continue;
        const units = Math.floor(share * Math.min(pool.size, pool.available) + 1e-9);
        const work = pool.skills.map((q) => snapshot.queues[q].waiting * Math.max(1, snapshot.queues[q].meanServiceHuman));
        apportion(units, work).forEach((n, i) => {
          assign[pool.index][pool.skills[i]] = n;
        });
      }
      const longest = [...snapshot.queues].sort((a, b) => b.waiting - a.waiting || a.index - b.index)[0];
      return {
        assign,
        reason: longest && longest.waiting > 0 ? `longest queue: ${longest.skill} (${longest.waiting} waiting)` : 'no work waiting; all flexible',
      };
    },
  };
}

/**
 * `cmu`: the cμ rule (Cox & Smith 1961; generalised by van Mieghem 1995).
 *
 * The cμ rule is a dispatch rule: when a unit is free, serve the waiting task
 * with the largest c·μ, the cost of delay per hour of its process times the
 * service rate of its step (1 / mean human service time). The engine computes
 * that key per step when `dispatch` is `priority`, so a flexible unit picks,
 * among the heads of all its skills' queues, the one with the highest cμ
 * (first come first served among equal keys). For linear delay costs this is
 * the order that minimises the cost rate of a multi-class queue.
 *
 * Allocation: by default every unit is flexible, because the rule does its
 * work at dispatch and dedicating units would only stop them from following
 * it. With `dedicate: f > 0`, a fraction f of each pool's available units is
 * dedicated to its skills in proportion to their cμ-weighted load,
 *
 *     weight(q) = c_q · waiting_q          (= μ_q·c_q · waiting_q / μ_q: index × work)
 *
 * the cost of delay the queue accrues per hour, which reserves capacity for
 * expensive queues even when a cheap queue has the older tasks. The snapshot
 * carries each queue's cost of delay (`QueueView.costOfDelayPerHour`, from
 * its processes), but this split takes it from the `costOfDelay` parameter
 * (per queue name, default 1 per hour), as it always has; dispatch uses the
 * processes' own `costOfDelayPerHour`.
 *
 * params: `dedicate` (fraction in [0, 1], default 0), `costOfDelay`
 * (`{ <queue>: cost per hour }`, >= 0, default 1 for every queue).
 */
import type { PolicyFactory, Snapshot } from './policy.js';
import { allocate, apportion, checkKnownParams, numberParam, perQueueParam } from './policy-kit.js';

export interface CmuOptions {
  /** fraction of each pool's available units dedicated by cμ-weighted load. @default 0 */
  dedicate?: number;
  /** cost of delay per hour per queue, for the dedicated split. @default 1 for every queue */
  costOfDelay?: Record<string, number>;
}

/**
 * Dedicates `fraction` of each pool's free units to its skills in proportion
 * to their cost-weighted backlog (largest remainder), never past a queue's
 * `limits.max`. Mutates `assign` and `free`.
 */
function dedicateByCost(snapshot: Snapshot, fraction: number, cost: readonly number[], assign: number[][], free: number[]): void {
  const totals = snapshot.queues.map(() => 0);
  for (const pool of snapshot.pools) {
    const k = Math.floor(fraction * free[pool.index] + 1e-9);
    const weights = pool.skills.map((q) => (cost[q] ?? 1) * snapshot.queues[q].waiting);
    const split = apportion(k, weights);
    pool.skills.forEach((q, i) => {
      const n = Math.min(split[i], Math.max(0, snapshot.queues[q].limits.max - totals[q]));
      assign[pool.index][q] += n;
      totals[q] += n;
      free[pool.index] -= n;
    });
  }
}

export const cmuPolicy: PolicyFactory = (params, context) => {
  checkKnownParams(params, ['dedicate', 'costOfDelay'], 'cmu');
  const dedicate = numberParam(params, 'dedicate', { default: 0, atLeast: 0, atMost: 1 });
  const cost = perQueueParam(params, 'costOfDelay', context.queues, { default: 1, atLeast: 0 });
  return {
    name: 'cmu',
    dispatch: 'priority',
    decide(snapshot) {
      const { assign } = allocate(snapshot, (assign, free) => {
        if (dedicate > 0) dedicateByCost(snapshot, dedicate, cost, assign, free);
      });
      const dedicated = assign.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
      return {
        assign,
        reason: dedicated > 0 ? `cμ dispatch; ${dedicated} units dedicated by cost-weighted backlog` : 'cμ dispatch; all units flexible',
      };
    },
  };
};

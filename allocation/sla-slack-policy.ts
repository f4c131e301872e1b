/**
 * `sla-slack`: earliest deadline first, inside queues and between them.
 *
 * Dispatch is `edf`: every task's key is its case's due date, so a flexible
 * unit always takes the most urgent head task among its skills (Liu &
 * Layland's EDF). On top of that, the allocation moves capacity toward the
 * queues at risk of breaching: a queue is at risk when it holds breached
 * tasks or its smallest slack (`minSlack`) is within `riskHorizon`. Each such
 * queue needs (breached queues have negative slack, so the shortest window):
 *
 *     window = clamp(minSlack, meanServiceHuman, riskHorizon)   time left to act
 *     need   = waiting · meanServiceHuman / window              clear the backlog in time
 *            + arrivalRate · meanServiceHuman                   and keep up with arrivals
 *
 * in people-equivalents (a bot unit counts meanServiceHuman / meanServiceBot
 * of them). The needs are filled from the pools that have the skill (bots
 * first, then the least cross-trained people), but from at most `maxShare` of
 * each pool's available units; a pool that cannot cover every at-risk queue
 * it serves splits its share in proportion to their needs. Everything else
 * stays flexible, where EDF still sends it to the most urgent work.
 *
 * Why a share and a proportional split, rather than "the most urgent queue
 * takes everything": flexible units under EDF already go to the earliest due
 * task, so dedication only adds protection for the queues at risk; dedicating
 * a whole pool makes it idle on its own queue while other due work waits, and
 * when two queues trade places as the most urgent it swings the whole pool
 * (and its switch-over time) back and forth every epoch. On the example
 * online shop, the proportional split with half of each pool flexible held
 * 76.7% of orders within SLA against 70.4% for winner-takes-all (68.7% all
 * flexible), and slightly more than all-flexible on the invoice office.
 *
 * params: `riskHorizon` (seconds or a duration such as `4h`, > 0, default
 * 14400), `maxShare` (fraction of each pool's available units that may be
 * dedicated, in [0, 1], default 0.5).
 */
import type { PolicyFactory, PoolView, Snapshot } from './policy.js';
import { allocate, checkKnownParams, durationParam, fillNeeds, humanService, numberParam, poolOrder } from './policy-kit.js';

export interface SlaSlackOptions {
  /** slack below which a queue counts as at risk (seconds or a duration). @default 14400 (4h) */
  riskHorizon?: number | string;
  /** fraction of each pool's available units that may be dedicated to at-risk queues. @default 0.5 */
  maxShare?: number;
}

export interface CompiledSlaSlackOptions {
  readonly riskHorizon: number;
  readonly maxShare: number;
}

export function compileSlaSlackOptions(params: Record<string, unknown>): CompiledSlaSlackOptions {
  checkKnownParams(params, ['riskHorizon', 'maxShare'], 'sla-slack');
  return {
    riskHorizon: durationParam(params, 'riskHorizon', { default: 14_400, above: 0 }),
    maxShare: numberParam(params, 'maxShare', { default: 0.5, atLeast: 0, atMost: 1 }),
  };
}

export interface QueueRisk {
  queue: number;
  /** people-equivalent units wanted (0 when not at risk) */
  need: number;
  atRisk: boolean;
}

/** Risk and need of every queue, in the policy's terms. */
export function slackRisk(snapshot: Snapshot, o: CompiledSlaSlackOptions): QueueRisk[] {
  return snapshot.queues.map((queue) => {
    const atRisk = queue.waiting > 0 && (queue.breached > 0 || queue.minSlack <= o.riskHorizon);
    if (!atRisk) return { queue: queue.index, need: 0, atRisk };
    const s = humanService(snapshot, queue.index);
    const window = Math.min(o.riskHorizon, Math.max(s, queue.minSlack));
    const need = (queue.waiting * s) / window + Math.max(0, queue.arrivalRate) * s;
    return { queue: queue.index, need, atRisk };
  });
}

/** People-equivalents one unit of a pool is worth on a queue. */
function worth(snapshot: Snapshot): (pool: PoolView, q: number) => number {
  return (pool, q) => {
    const queue = snapshot.queues[q];
    if (pool.kind !== 'bot' || !(queue.meanServiceBot > 0) || !(queue.meanServiceHuman > 0)) return 1;
    return queue.meanServiceHuman / queue.meanServiceBot;
  };
}

export const slaSlackPolicy: PolicyFactory = (params) => {
  const o = compileSlaSlackOptions(params);
  return {
    name: 'sla-slack',
    dispatch: 'edf',
    decide(snapshot) {
      const risks = slackRisk(snapshot, o);
      const urgent = risks
        .filter((r) => r.atRisk)
        .sort((a, b) => {
          const qa = snapshot.queues[a.queue],
            qb = snapshot.queues[b.queue];
          return qa.minSlack - qb.minSlack || qb.breached - qa.breached || a.queue - b.queue;
        });
      const need = snapshot.queues.map(() => 0);
      for (const r of urgent) need[r.queue] = r.need;
      const { assign } = allocate(snapshot, (assign, free) => {
        // at most maxShare of each pool is dedicated; the rest stays flexible under EDF
        const share = free.map((n) => Math.floor(n * o.maxShare + 1e-9));
        fillNeeds(snapshot, assign, share, need, poolOrder(snapshot), worth(snapshot));
        // what is left free is every available unit the share did not dedicate (minimums may take it)
        assign.forEach((row, p) => {
          free[p] -= row.reduce((a, b) => a + b, 0);
        });
      });
      const reason = urgent.length
        ? `at risk within ${o.riskHorizon}s: ${urgent
            .map((r) => {
              const q = snapshot.queues[r.queue];
              const got = assign.reduce((s, row) => s + row[r.queue], 0);
              return `${q.skill} (slack ${Math.round(q.minSlack)}s, ${q.breached} breached, ${got} units)`;
            })
            .join(', ')}`
        : 'no queue at risk; all units flexible (EDF)';
      return { assign, reason };
    },
  };
};

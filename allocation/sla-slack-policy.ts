/**
 * `sla-slack`: earliest deadline first, inside queues and between them.
 *
 * Dispatch is `edf`: every task's key is its case's due date, so a flexible
 * unit always takes the most urgent head task among its skills (Liu &
 * Layland's EDF). On top of that, the allocation moves capacity toward the
 * queues at risk of breaching: a queue is at risk when it holds breached
 * tasks or its smallest slack (`minSlack`) is within `riskHorizon`. For each
 * such queue, in order of urgency (smallest slack first; breached queues have
 * negative slack and come first):
 *
 *     window = clamp(minSlack, meanServiceHuman, riskHorizon)   time left to act
 *     need   = waiting · meanServiceHuman / window              clear the backlog in time
 *            + arrivalRate · meanServiceHuman                   and keep up with arrivals
 *
 * in people-equivalents (a bot unit counts meanServiceHuman / meanServiceBot
 * of them). The most urgent queue is served first from every pool that has
 * its skill (bots first, then the least cross-trained people), then the next.
 * Units not needed by an at-risk queue stay flexible, where EDF still sends
 * them to the most urgent work.
 *
 * params: `riskHorizon` (seconds or a duration such as `4h`, > 0, default 14400).
 */
import type { PolicyFactory, PoolView, Snapshot } from './policy.js';
import {
  availableUnits, checkKnownParams, durationParam, emptyAssign, fillNeeds, honourMinimums, humanService, poolOrder,
} from './policy-kit.js';

export interface SlaSlackOptions {
  /** slack below which a queue counts as at risk (seconds or a duration). @default 14400 (4h) */
  riskHorizon?: number | string;
}

export interface CompiledSlaSlackOptions {
  readonly riskHorizon: number;
}

export function compileSlaSlackOptions(params: Record<string, unknown>): CompiledSlaSlackOptions {
  checkKnownParams(params, ['riskHorizon'], 'sla-slack');
  return { riskHorizon: durationParam(params, 'riskHorizon', { default: 14_400, above: 0 }) };
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
      const urgent = risks.filter((r) => r.atRisk).sort((a, b) => {
        const qa = snapshot.queues[a.queue], qb = snapshot.queues[b.queue];
        return qa.minSlack - qb.minSlack || qb.breached - qa.breached || a.queue - b.queue;
      });
      const assign = emptyAssign(snapshot);
      const free = snapshot.pools.map(availableUnits);
      const pools = poolOrder(snapshot);
      const w = worth(snapshot);
      // one queue at a time, most urgent first: an urgent queue is not diluted by a less urgent one
      for (const r of urgent) {
        const need = snapshot.queues.map(() => 0);
        need[r.queue] = r.need;
        fillNeeds(snapshot, assign, free, need, pools, w);
      }
      honourMinimums(snapshot, assign, free);
      const reason = urgent.length
        ? `at risk within ${o.riskHorizon}s: ${urgent.map((r) => {
          const q = snapshot.queues[r.queue];
          const got = assign.reduce((s, row) => s + row[r.queue], 0);
          return `${q.skill} (slack ${Math.round(q.minSlack)}s, ${q.breached} breached, ${got} units)`;
        }).join(', ')}`
        : 'no queue at risk; all units flexible (EDF)';
      return { assign, reason };
    },
  };
};

/**
 * `bot-first`: the hyper-automation pattern. Bots take all the work they can;
 * people take the exceptions and the overflow.
 *
 * - Bot pools stay fully flexible on their skills (the engine also offers new
 *   work to idle bots before people).
 * - People are dedicated to the queues no bot serves (the exceptions: key-in
 *   after a failed extraction, approvals, …), as many as those queues need to
 *   clear their backlog within `clearWithin` and keep up with their arrivals:
 *
 *       need = waiting · s_human / clearWithin + arrivalRate · s_human
 *
 * - Overflow: where bots are up but cannot clear their queue within
 *   `clearWithin` (waiting + arrivals beyond what the available bot units can
 *   do at `meanServiceBot`), people are dedicated to the excess.
 * - Bot pool down (no unit available while it has a size, as in an outage):
 *   its queues count as people's queues with the same need, so people move
 *   onto them. A pool that cannot cover all its queues splits its available
 *   people in proportion to their needs, which is their waiting work plus
 *   the work arriving meanwhile.
 * - Everyone else stays flexible and serves the oldest task among their skills.
 *
 * Needs are filled by the least cross-trained human pools first.
 *
 * params: `clearWithin` (seconds or a duration, > 0; default the epoch length,
 * or 1h without periodic epochs), `dispatch` (`fifo` or `edf`, default fifo).
 */
import type { PolicyFactory, Snapshot } from './policy.js';
import { allocate, availableUnits, checkKnownParams, choiceParam, durationParam, fillNeeds, humanService, poolOrder } from './policy-kit.js';

export interface BotFirstOptions {
  /** time within which backlogs should be cleared (seconds or a duration). @default the epoch length (1h if none) */
  clearWithin?: number | string;
  /** dispatch inside queues. @default 'fifo' */
  dispatch?: 'fifo' | 'edf';
}

export type QueueClass = 'people' | 'bots-up' | 'bots-down';

/** Who serves each queue now: people only, bots that are up, or bots that are all down. */
export function classifyQueues(snapshot: Snapshot): QueueClass[] {
  return snapshot.queues.map((queue) => {
    const bots = queue.pools.map((p) => snapshot.pools[p]).filter((p) => p.kind === 'bot' && p.size > 0);
    if (bots.length === 0) return 'people';
    return bots.some((p) => availableUnits(p) > 0) ? 'bots-up' : 'bots-down';
  });
}

/** People-equivalent units each queue needs from people under bot-first. */
export function peopleNeeds(snapshot: Snapshot, clearWithin: number): number[] {
  const classes = classifyQueues(snapshot);
  return snapshot.queues.map((queue) => {
    const q = queue.index;
    const s = humanService(snapshot, q);
    const arrivals = Math.max(0, queue.arrivalRate);
    if (classes[q] !== 'bots-up') return (queue.waiting * s) / clearWithin + arrivals * s;
    const bots = queue.pools.reduce((n, p) => n + (snapshot.pools[p].kind === 'bot' ? availableUnits(snapshot.pools[p]) : 0), 0);
    const sBot = queue.meanServiceBot > 0 ? queue.meanServiceBot : s;
    const excess = queue.waiting + arrivals * clearWithin - (bots * clearWithin) / sBot;
    return excess > 0 ? (excess * s) / clearWithin : 0;
  });
}

export const botFirstPolicy: PolicyFactory = (params) => {
  checkKnownParams(params, ['clearWithin', 'dispatch'], 'bot-first');
  const clearWithinParam = params.clearWithin === undefined ? 0 : durationParam(params, 'clearWithin', { default: 0, above: 0 });
  const dispatch = choiceParam(params, 'dispatch', ['fifo', 'edf'] as const, 'fifo');
  return {
    name: 'bot-first',
    dispatch,
    decide(snapshot) {
      const clearWithin = clearWithinParam > 0 ? clearWithinParam : snapshot.epochLength > 0 ? snapshot.epochLength : 3600;
      const classes = classifyQueues(snapshot);
      const need = peopleNeeds(snapshot, clearWithin);
      const { assign } = allocate(snapshot, (assign, free) => {
        fillNeeds(snapshot, assign, free, need.slice(), poolOrder(snapshot, ['human']));
      });

      const names = snapshot.queues.map((q) => q.skill);
      const people = snapshot.queues.map((q) => snapshot.pools.reduce((n, p) => n + (p.kind === 'human' ? assign[p.index][q.index] : 0), 0));
      const down = snapshot.queues.filter((q) => classes[q.index] === 'bots-down').map((q) => `${q.skill} (${people[q.index]} people)`);
      const overflow = snapshot.queues.filter((q) => classes[q.index] === 'bots-up' && people[q.index] > 0).map((q) => `${q.skill} ${people[q.index]}`);
      const exceptions = snapshot.queues.filter((q) => classes[q.index] === 'people' && people[q.index] > 0).map((q) => `${names[q.index]} ${people[q.index]}`);
      const parts = [
        down.length ? `bots down on ${down.join(', ')}` : '',
        exceptions.length ? `people on exceptions: ${exceptions.join(', ')}` : '',
        overflow.length ? `overflow: ${overflow.join(', ')}` : '',
      ].filter(Boolean);
      return { assign, reason: parts.length ? parts.join('; ') : 'bots take all; people flexible' };
    },
  };
};

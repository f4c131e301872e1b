/**
 * `forecast-staffing`: staff each queue for the arrivals forecast for the next
 * epoch, with Erlang C (the workforce-management classic; square-root
 * staffing in the Halfin–Whitt regime is its asymptotic form).
 *
 * For each queue q, every epoch:
 *
 * 1. Forecast: λ = the next period's count forecast from arrivalsHistory /
 *    epochLength, with daily and weekly seasonality when the epoch length
 *    divides a day and a week (double-seasonal exponential smoothing,
 *    `forecast.ts`). The policy keeps each queue's smoothing between epochs
 *    and smooths in only the new periods (`forecast-memory.ts`): over the
 *    first two weeks that is exactly forecastArrivals(arrivalsHistory)[0];
 *    once the history window slides, the smoothing goes on over every period
 *    since the start instead of being refitted to the last two weeks. With no
 *    history yet (or no periodic epochs) the last epoch's `arrivalRate` is used.
 * 2. Bots first: c_bot = agentsForServiceLevel(λ·s_bot, s_bot, answerWithin,
 *    serviceLevel) units of the bot pools that serve q (s_bot =
 *    `meanServiceBot`). If fewer bot units are available, they are taken to
 *    carry the share available / c_bot of the arrivals, and the rest falls to
 *    people.
 * 3. People: c_human = agentsForServiceLevel(λ_human·s_human, s_human,
 *    answerWithin, serviceLevel), plus, with `clearBacklog`, enough units to
 *    clear the people's share of the present backlog within one epoch
 *    (ceil(waiting·s_human / epochLength)).
 * 4. Fill: bot pools first, then people, the least cross-trained pools first
 *    (specialists before cross-trained staff); a pool that cannot cover all of
 *    its queues splits its available units in proportion to their needs.
 *    Units not needed stay flexible.
 *
 * Bot failures, kept simple: a failed bot attempt re-enters the system as a
 * task of the step's `onBotFailure` step (often another, human-only queue) or
 * as a retry of the same step. Either way the engine counts it as an arrival
 * of the queue it lands in, so the forecasts already hold the failure
 * traffic; a bot's failure rate is therefore not applied a second time to the
 * bot's own capacity (a failed attempt still takes s_bot of bot time, and
 * that is what c_bot counts). What this misses: during a bot outage the
 * exception queue receives fewer failures than its history says (people do
 * the bot step and do not fail), so it is briefly overstaffed.
 *
 * params: `serviceLevel` (fraction in (0, 1), default 0.8), `answerWithin`
 * (seconds or a duration such as `1h`, >= 0, default 3600), `clearBacklog`
 * (boolean, default true).
 */
import { agentsForServiceLevel } from './erlang-c.js';
import { createArrivalForecasts, forecastRate } from './forecast-memory.js';
import type { PolicyFactory, Snapshot } from './policy.js';
import { allocate, availableUnits, booleanParam, checkKnownParams, durationParam, fillNeeds, numberParam, poolOrder } from './policy-kit.js';

export interface ForecastStaffingOptions {
  /** fraction of tasks to be started within `answerWithin`. @default 0.8 */
  serviceLevel?: number;
  /** seconds (or a duration) within which `serviceLevel` of tasks should start. @default 3600 */
  answerWithin?: number | string;
  /** also staff to clear the present backlog within one epoch. @default true */
  clearBacklog?: boolean;
}

export interface CompiledForecastStaffingOptions {
  readonly serviceLevel: number;
  readonly answerWithin: number;
  readonly clearBacklog: boolean;
}

export function compileForecastStaffingOptions(params: Record<string, unknown>): CompiledForecastStaffingOptions {
  checkKnownParams(params, ['serviceLevel', 'answerWithin', 'clearBacklog'], 'forecast-staffing');
  return {
    serviceLevel: numberParam(params, 'serviceLevel', { default: 0.8, above: 0, below: 1 }),
    answerWithin: durationParam(params, 'answerWithin', { default: 3600, atLeast: 0 }),
    clearBacklog: booleanParam(params, 'clearBacklog', true),
  };
}

export interface StaffingPlan {
  /** forecast arrivals per second */
  rate: number[];
  /** Erlang C bot units wanted */
  bots: number[];
  /** people wanted (Erlang C for their share, plus backlog) */
  people: number[];
}

/**
 * Units staffed per queue: Erlang C for the forecast `rate` (arrivals per
 * second by queue; default {@link forecastRate}, a refit of each history), bots
 * first. Mutates `assign` and `free`.
 */
export function staffingPlan(
  snapshot: Snapshot,
  o: CompiledForecastStaffingOptions,
  assign: number[][],
  free: number[],
  rate: readonly number[] = snapshot.queues.map((q) => forecastRate(snapshot, q.index)),
): StaffingPlan {
  const Q = snapshot.queues.length;
  const total = snapshot.pools.reduce((n, p) => n + availableUnits(p), 0);
  const staff = (lambda: number, s: number): number => {
    if (!(lambda > 0) || !(s > 0)) return 0;
    const a = lambda * s;
    // beyond every unit there is, the exact number cannot be staffed anyway: skip the O(c) search
    if (a >= total) return Math.ceil(a) + 1;
    return agentsForServiceLevel(a, s, o.answerWithin, o.serviceLevel);
  };

  // bots first
  const bots = snapshot.queues.map((queue) => (queue.pools.some((p) => snapshot.pools[p].kind === 'bot') ? staff(rate[queue.index], queue.meanServiceBot) : 0));
  const botNeed = bots.slice();
  fillNeeds(snapshot, assign, free, botNeed, poolOrder(snapshot, ['bot']));
  const botGiven = snapshot.queues.map((q) => snapshot.pools.reduce((s, p) => s + (p.kind === 'bot' ? assign[p.index][q.index] : 0), 0));

  // then people, for what the bots cannot carry
  const people = new Array<number>(Q).fill(0);
  for (const queue of snapshot.queues) {
    const q = queue.index;
    const botShare = bots[q] > 0 ? Math.min(1, botGiven[q] / bots[q]) : 0;
    const s = queue.meanServiceHuman;
    const humanRate = rate[q] * (1 - botShare);
    let n = staff(humanRate, s);
    const drain = snapshot.epochLength > 0 ? snapshot.epochLength : Math.max(o.answerWithin, s);
    if (o.clearBacklog && s > 0) n += Math.ceil((queue.waiting * (1 - botShare) * s) / drain - 1e-9);
    people[q] = n;
  }
  fillNeeds(snapshot, assign, free, people.slice(), poolOrder(snapshot, ['human']));
  return { rate: rate.slice(), bots, people };
}

export const forecastStaffingPolicy: PolicyFactory = (params) => {
  const o = compileForecastStaffingOptions(params);
  // each queue's smoothing, kept between epochs (a deterministic function of the sequence of snapshots)
  const forecasts = createArrivalForecasts();
  return {
    name: 'forecast-staffing',
    dispatch: 'fifo',
    decide(snapshot) {
      const rate = forecasts.rates(snapshot);
      const { assign, result: plan } = allocate(snapshot, (assign, free) => staffingPlan(snapshot, o, assign, free, rate));
      const parts = snapshot.queues
        .filter((q) => plan.bots[q.index] > 0 || plan.people[q.index] > 0)
        .map(
          (q) =>
            `${q.skill} ${(plan.rate[q.index] * 3600).toFixed(1)}/h → ${plan.bots[q.index] ? `${plan.bots[q.index]} bots + ` : ''}${plan.people[q.index]} people`,
        );
      return {
        assign,
        reason: parts.length
          ? `Erlang C for ${Math.round(o.serviceLevel * 100)}% within ${o.answerWithin}s: ${parts.join(', ')}`
          : 'no arrivals forecast; all units flexible',
      };
    },
  };
};

import { describe, it, expect } from 'vitest';
import type { Policy, PolicyFactory, Snapshot } from '../../allocation/policy.js';
import { PolicyError } from '../../allocation/policy.js';
import { builtinPolicies, policyNames } from '../../allocation/registry.js';
import { enforceConstraints } from '../../allocation/constraints.js';
import { agentsForServiceLevel } from '../../allocation/erlang-c.js';
import { apportion, fillNeeds, honourMinimums, emptyAssign } from '../../allocation/policy-kit.js';
import { reactivePolicy } from '../../allocation/reactive-policy.js';
import { slaSlackPolicy } from '../../allocation/sla-slack-policy.js';
import { cmuPolicy } from '../../allocation/cmu-policy.js';
import { forecastStaffingPolicy } from '../../allocation/forecast-staffing-policy.js';
import { forecastRate } from '../../allocation/forecast-memory.js';
import { botFirstPolicy } from '../../allocation/bot-first-policy.js';
// @ts-expect-error -- a plain JavaScript module with JSDoc types, as users write them
import longestQueueFirst from '../../scenarios/policies/longest-queue-first.js';
import { snapshot, contextOf, unitsOf, queueUnits } from '../helpers/snapshots.js';

const HOUR = 3600;

function make(factory: PolicyFactory, s: Snapshot, params: Record<string, unknown> = {}): Policy {
  return factory(params, contextOf(s));
}

/** The PolicyError a factory throws for `params`, or fails. */
function errorOf(factory: PolicyFactory, s: Snapshot, params: Record<string, unknown>): Error {
  try {
    factory(params, contextOf(s));
  } catch (err) {
    return err as Error;
  }
  throw new Error(`expected ${JSON.stringify(params)} to be rejected`);
}

const office = snapshot({
  queues: [{ skill: 'a' }, { skill: 'b' }],
  pools: [{ id: 'staff', size: 10, skills: ['a', 'b'] }],
});

describe('registry', () => {
  it('lists every built-in policy', () => {
    expect(policyNames()).toEqual(['static', 'reactive', 'sla-slack', 'cmu', 'forecast-staffing', 'bot-first']);
  });

  it('builds each with default parameters, named as registered', () => {
    for (const [name, factory] of Object.entries(builtinPolicies)) {
      const policy = make(factory, office);
      expect(policy.name).toBe(name);
      expect(['fifo', 'edf', 'priority']).toContain(policy.dispatch);
    }
  });
});

describe('policy kit', () => {
  it('apportions whole units by largest remainder, ties to the lower index', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(5, [0, 2, 3])).toEqual([0, 2, 3]);
    expect(apportion(3, [0, 0])).toEqual([0, 0]);
    expect(apportion(7, [10, 20, 30, 40])).toEqual([1, 1, 2, 3]);
  });

  it('fills needs from specialists before cross-trained pools, within pool and queue limits', () => {
    const s = snapshot({
      queues: [{ skill: 'a', max: 5 }, { skill: 'b' }],
      pools: [
        { id: 'generalists', size: 6, skills: ['a', 'b'] },
        { id: 'a-only', size: 2, skills: ['a'] },
      ],
    });
    const assign = emptyAssign(s);
    const free = [6, 2];
    const need = [8, 2];
    fillNeeds(s, assign, free, need, [s.pools[1], s.pools[0]]);
    expect(assign).toEqual([
      [3, 2],
      [2, 0],
    ]); // a capped at max 5, the specialists first
    expect(free).toEqual([1, 0]);
  });

  it('keeps queue minimums, from free units and then from a queue above its own minimum', () => {
    const s = snapshot({
      queues: [{ skill: 'a' }, { skill: 'b', min: 2 }],
      pools: [{ id: 'staff', size: 3, skills: ['a', 'b'] }],
    });
    const assign = [[3, 0]];
    honourMinimums(s, assign, [0]);
    expect(assign).toEqual([[1, 2]]);
  });
});

describe('reactive (HPA-style)', () => {
  const base = (waiting: number, assigned: number, time: number) =>
    snapshot({
      time,
      queues: [{ skill: 'a', waiting }, { skill: 'b' }],
      pools: [{ id: 'staff', size: 10, skills: ['a', 'b'], assigned: { a: assigned } }],
    });

  it('dedicates ceil(waiting / targetPerUnit) units and scales a growing queue up', () => {
    const policy = make(reactivePolicy, office);
    const first = policy.decide(base(12, 0, 0));
    expect(unitsOf(office, first.assign, 'staff', 'a')).toBe(3);
    const second = policy.decide(base(31, 3, HOUR));
    expect(unitsOf(office, second.assign, 'staff', 'a')).toBe(7);
    expect(second.reason).toContain('a→7');
  });

  it('ignores changes within the tolerance band', () => {
    const policy = make(reactivePolicy, office, { tolerance: 0.1 });
    const d = policy.decide(base(21, 4, 0)); // 21 / (5·4) = 1.05
    expect(unitsOf(office, d.assign, 'staff', 'a')).toBe(4);
    const e = make(reactivePolicy, office, { tolerance: 0.1 }).decide(base(23, 4, 0)); // 1.15
    expect(unitsOf(office, e.assign, 'staff', 'a')).toBe(5);
  });

  it('does not scale down within the cool-down of its last change, but scales up at once', () => {
    const policy = make(reactivePolicy, office, { coolDown: '2h' });
    expect(unitsOf(office, policy.decide(base(30, 0, 0)).assign, 'staff', 'a')).toBe(6); // change at t=0
    expect(unitsOf(office, policy.decide(base(0, 6, HOUR)).assign, 'staff', 'a')).toBe(6); // held
    expect(unitsOf(office, policy.decide(base(45, 6, 1.5 * HOUR)).assign, 'staff', 'a')).toBe(9); // up at once, change at 1.5h
    expect(unitsOf(office, policy.decide(base(0, 9, 3 * HOUR)).assign, 'staff', 'a')).toBe(9); // 1.5h after: held
    expect(unitsOf(office, policy.decide(base(0, 9, 3.5 * HOUR)).assign, 'staff', 'a')).toBe(0); // 2h after: released
  });

  it('compares with its own last target, so a target the pools cannot reach does not restart the cool-down', () => {
    const policy = make(reactivePolicy, office);
    const shared = (a: number, b: number, time: number, assigned: Record<string, number>) =>
      snapshot({
        time,
        queues: [
          { skill: 'a', waiting: a },
          { skill: 'b', waiting: b },
        ],
        pools: [{ id: 'staff', size: 4, skills: ['a', 'b'], assigned }],
      });
    expect(policy.decide(shared(20, 20, 0, {})).assign).toEqual([[2, 2]]); // targets 4 and 4, two each fit
    const same = policy.decide(shared(20, 20, HOUR, { a: 2, b: 2 }));
    expect(same.assign).toEqual([[2, 2]]);
    expect(same.reason).toContain('no change');
    // the last change was at t=0: two hours later a may scale down
    expect(policy.decide(shared(0, 20, 2 * HOUR, { a: 2, b: 2 })).assign).toEqual([[0, 4]]);
  });

  it('decides the same snapshot twice the same way, and starts afresh on a new run', () => {
    const policy = make(reactivePolicy, office);
    policy.decide(base(30, 0, 0));
    const s = base(0, 6, HOUR);
    expect(policy.decide(s)).toEqual(policy.decide(s));
    // a snapshot earlier than the last one is a new run: no cool-down memory
    expect(unitsOf(office, policy.decide(base(0, 6, 0)).assign, 'staff', 'a')).toBe(0);
  });

  it('keeps minPerQueue and the queue minimum, and never more than the available units', () => {
    const policy = make(reactivePolicy, office, { minPerQueue: 1, coolDown: 0 });
    const d = policy.decide(
      snapshot({
        queues: [{ skill: 'a', waiting: 500 }, { skill: 'b' }],
        pools: [{ id: 'staff', size: 10, available: 6, skills: ['a', 'b'] }],
      }),
    );
    expect(d.assign).toEqual([[5, 1]]);
  });

  it('rejects bad parameters, naming them', () => {
    expect(errorOf(reactivePolicy, office, { targetPerUnit: -1 }).message).toBe('policy.params.targetPerUnit: expected a number > 0, got -1');
    expect(errorOf(reactivePolicy, office, { tolerance: 'x' }).message).toContain('policy.params.tolerance');
    expect(errorOf(reactivePolicy, office, { coolDown: 'soon' }).message).toBe(
      'policy.params.coolDown: expected a duration (seconds, or a string like "2h") >= 0, got "soon"',
    );
    expect(errorOf(reactivePolicy, office, { coolDown: -5 }).message).toContain('>= 0, got -5');
    expect(errorOf(reactivePolicy, office, { minPerQueue: 1.5 }).message).toContain('policy.params.minPerQueue: expected an integer >= 0');
    expect(errorOf(reactivePolicy, office, { targetPerUnits: 3 }).message).toContain('policy.params.targetPerUnits: unknown parameter');
    expect(errorOf(reactivePolicy, office, { targetPerUnit: 0 }).name).toBe('PolicyError');
  });
});

describe('sla-slack', () => {
  const desk = (a: { waiting: number; minSlack: number; breached?: number }, b: { waiting: number; minSlack: number; breached?: number }) =>
    snapshot({
      queues: [
        { skill: 'a', meanServiceHuman: 600, ...a },
        { skill: 'b', meanServiceHuman: 600, ...b },
      ],
      pools: [{ id: 'staff', size: 8, skills: ['a', 'b'] }],
    });

  it('dispatches earliest deadline first', () => {
    expect(make(slaSlackPolicy, office).dispatch).toBe('edf');
  });

  it('moves people to the queue about to breach, leaving the safe queue flexible', () => {
    const s = desk({ waiting: 4, minSlack: 3 * 86_400 }, { waiting: 12, minSlack: HOUR });
    const d = make(slaSlackPolicy, s).decide(s);
    expect(unitsOf(s, d.assign, 'staff', 'b')).toBe(2); // 12 tasks · 10 min within 1 h
    expect(unitsOf(s, d.assign, 'staff', 'a')).toBe(0);
    expect(d.reason).toContain('b (slack 3600s');
  });

  it('splits by need when people are short, the breached queue first, and keeps maxShare of the pool flexible', () => {
    const s = desk({ waiting: 6, minSlack: 2 * HOUR }, { waiting: 20, minSlack: -600, breached: 3 });
    // needs: a 6·10 min within 2 h = 0.5, b (breached: one service time) 20
    expect(make(slaSlackPolicy, s).decide(s).assign).toEqual([[0, 4]]);
    expect(make(slaSlackPolicy, s, { maxShare: 1 }).decide(s).assign).toEqual([[0, 8]]);
    const t = desk({ waiting: 24, minSlack: HOUR }, { waiting: 20, minSlack: -600, breached: 3 });
    expect(make(slaSlackPolicy, t, { maxShare: 1 }).decide(t).assign).toEqual([[1, 7]]); // needs 4 and 20
  });

  it('leaves everyone flexible when no queue is at risk within the horizon', () => {
    const s = desk({ waiting: 4, minSlack: 5 * HOUR }, { waiting: 12, minSlack: 6 * HOUR });
    expect(make(slaSlackPolicy, s).decide(s).assign).toEqual([[0, 0]]);
    expect(make(slaSlackPolicy, s, { riskHorizon: '8h' }).decide(s).assign).toEqual([[1, 1]]);
  });

  it('rejects bad parameters, naming them', () => {
    expect(errorOf(slaSlackPolicy, office, { riskHorizon: -5 }).message).toContain('policy.params.riskHorizon: expected a duration');
    expect(errorOf(slaSlackPolicy, office, { horizon: '4h' }).message).toContain('policy.params.horizon: unknown parameter');
    expect(errorOf(slaSlackPolicy, office, { maxShare: 1.5 }).message).toBe('policy.params.maxShare: expected a number >= 0 and <= 1, got 1.5');
  });
});

describe('cmu', () => {
  it("dispatches by priority (the engine's cμ keys) and keeps every unit flexible by default", () => {
    const s = snapshot({
      queues: [
        { skill: 'a', waiting: 10 },
        { skill: 'b', waiting: 1 },
      ],
      pools: [{ id: 'staff', size: 6, skills: ['a', 'b'] }],
    });
    const policy = make(cmuPolicy, s);
    expect(policy.dispatch).toBe('priority');
    expect(policy.decide(s).assign).toEqual([[0, 0]]);
  });

  it('optionally dedicates units by cost-weighted backlog', () => {
    const s = snapshot({
      queues: [
        { skill: 'a', waiting: 10 },
        { skill: 'b', waiting: 2 },
      ],
      pools: [{ id: 'staff', size: 6, skills: ['a', 'b'] }],
    });
    const d = make(cmuPolicy, s, { dedicate: 1, costOfDelay: { b: 20 } }).decide(s); // weights 10 and 40
    expect(d.assign).toEqual([[1, 5]]);
  });

  it('rejects bad parameters, naming them', () => {
    expect(errorOf(cmuPolicy, office, { dedicate: 2 }).message).toBe('policy.params.dedicate: expected a number >= 0 and <= 1, got 2');
    expect(errorOf(cmuPolicy, office, { costOfDelay: { nope: 1 } }).message).toContain('policy.params.costOfDelay.nope: unknown queue');
    expect(errorOf(cmuPolicy, office, { costOfDelay: { a: -1 } }).message).toContain('policy.params.costOfDelay.a: expected a number >= 0');
  });
});

describe('forecast-staffing (Erlang C)', () => {
  // 10 arrivals per hourly epoch for two days, 20-minute human handling: 3.33 Erlangs
  const history = new Array(48).fill(10);
  const erlang = agentsForServiceLevel((10 / HOUR) * 1200, 1200, HOUR, 0.8);

  /** Textbook service level with powers and factorials: 1 − C(c, A)·exp(−(c − A)·t / AHT). */
  function textbookServiceLevel(c: number, a: number, aht: number, t: number): number {
    if (c <= a) return 0;
    let term = 1,
      sum = 0;
    for (let k = 0; k < c; k++) {
      sum += term;
      term *= a / (k + 1);
    }
    const top = term * (c / (c - a));
    return 1 - (top / (sum + top)) * Math.exp((-(c - a) * t) / aht);
  }

  it('agrees with the textbook Erlang C staffing number', () => {
    const a = 10 / 3;
    expect(textbookServiceLevel(3, a, 1200, HOUR)).toBeLessThan(0.8);
    expect(textbookServiceLevel(4, a, 1200, HOUR)).toBeCloseTo(0.911, 3);
    expect(erlang).toBe(4);
  });

  it('forecasts the next epoch from the arrival history', () => {
    const s = snapshot({ queues: [{ skill: 'work', arrivalsHistory: history }], pools: [{ id: 'staff', size: 20, skills: ['work'] }] });
    expect(forecastRate(s, 0) * HOUR).toBeCloseTo(10, 9);
  });

  it('puts the Erlang C number of people on a queue with a known arrival history', () => {
    const s = snapshot({
      queues: [{ skill: 'work', arrivalsHistory: history, meanServiceHuman: 1200 }, { skill: 'other' }],
      pools: [{ id: 'staff', size: 20, skills: ['work', 'other'] }],
    });
    const d = make(forecastStaffingPolicy, s).decide(s);
    expect(unitsOf(s, d.assign, 'staff', 'work')).toBe(erlang);
    expect(unitsOf(s, d.assign, 'staff', 'other')).toBe(0);
    // a tighter target needs more people
    const tight = make(forecastStaffingPolicy, s, { serviceLevel: 0.95, answerWithin: '10m' }).decide(s);
    expect(unitsOf(s, tight.assign, 'staff', 'work')).toBe(agentsForServiceLevel(10 / 3, 1200, 600, 0.95));
  });

  it('adds the people needed to clear the backlog within an epoch', () => {
    const s = snapshot({
      queues: [{ skill: 'work', arrivalsHistory: history, meanServiceHuman: 1200, waiting: 9 }],
      pools: [{ id: 'staff', size: 20, skills: ['work'] }],
    });
    expect(make(forecastStaffingPolicy, s).decide(s).assign).toEqual([[erlang + 3]]);
    expect(make(forecastStaffingPolicy, s, { clearBacklog: false }).decide(s).assign).toEqual([[erlang]]);
  });

  it('fills with bots first, then people for what the bots cannot carry', () => {
    const spec = (botsAvailable: number) =>
      snapshot({
        queues: [{ skill: 'extract', arrivalsHistory: history, meanServiceHuman: 1200, meanServiceBot: 60 }],
        pools: [
          { id: 'staff', size: 20, skills: ['extract'] },
          { id: 'bot', kind: 'bot', size: 4, available: botsAvailable, skills: ['extract'], failureRate: 0.1 },
        ],
      });
    const up = spec(4);
    const botsNeeded = agentsForServiceLevel((10 / HOUR) * 60, 60, HOUR, 0.8);
    const d = make(forecastStaffingPolicy, up).decide(up);
    expect(queueUnits(up, d.assign, 'extract', 'bot')).toBe(botsNeeded);
    expect(queueUnits(up, d.assign, 'extract', 'human')).toBe(0);
    const down = spec(0);
    const e = make(forecastStaffingPolicy, down).decide(down);
    expect(queueUnits(down, e.assign, 'extract', 'bot')).toBe(0);
    expect(queueUnits(down, e.assign, 'extract', 'human')).toBe(erlang);
  });

  it('staffs specialists before cross-trained people and respects available units', () => {
    const s = snapshot({
      queues: [{ skill: 'work', arrivalsHistory: history, meanServiceHuman: 1200 }, { skill: 'other' }],
      pools: [
        { id: 'cross', size: 10, skills: ['work', 'other'] },
        { id: 'special', size: 4, available: 2, skills: ['work'] },
      ],
    });
    const d = make(forecastStaffingPolicy, s).decide(s);
    expect(unitsOf(s, d.assign, 'special', 'work')).toBe(2);
    expect(unitsOf(s, d.assign, 'cross', 'work')).toBe(erlang - 2);
  });

  it('rejects bad parameters, naming them', () => {
    expect(errorOf(forecastStaffingPolicy, office, { serviceLevel: 1 }).message).toBe('policy.params.serviceLevel: expected a number > 0 and < 1, got 1');
    expect(errorOf(forecastStaffingPolicy, office, { answerWithin: 'later' }).message).toContain('policy.params.answerWithin');
    expect(errorOf(forecastStaffingPolicy, office, { clearBacklog: 'yes' }).message).toBe('policy.params.clearBacklog: expected true or false, got "yes"');
  });
});

describe('bot-first', () => {
  const invoices = (botAvailable: number, disruptions: string[] = []) =>
    snapshot({
      queues: [
        { skill: 'extraction', waiting: 30, arrivalRate: 14 / HOUR, meanServiceHuman: 360, meanServiceBot: 40 },
        { skill: 'key-in', waiting: 2, arrivalRate: 1 / HOUR, meanServiceHuman: 540 },
        { skill: 'review', waiting: 4, arrivalRate: 14 / HOUR, meanServiceHuman: 300 },
      ],
      pools: [
        { id: 'ocr', kind: 'bot', size: 2, available: botAvailable, skills: ['extraction'] },
        { id: 'clerks', size: 6, skills: ['extraction', 'key-in', 'review'] },
      ],
      activeDisruptions: disruptions,
    });

  it('keeps bots flexible and dedicates people to the exceptions while the bots keep up', () => {
    const s = invoices(2);
    const d = make(botFirstPolicy, s).decide(s);
    expect(d.assign[0]).toEqual([0, 0, 0]);
    expect(unitsOf(s, d.assign, 'clerks', 'extraction')).toBe(0);
    expect(unitsOf(s, d.assign, 'clerks', 'key-in')).toBe(1);
    expect(unitsOf(s, d.assign, 'clerks', 'review')).toBe(2); // 4·5 min/h + 14/h·5 min = 1.5
  });

  it("moves people onto the bots' queue when the bot pool is down", () => {
    const s = invoices(0, ['outage ocr @50d']);
    const d = make(botFirstPolicy, s).decide(s);
    // need: extraction 30·6 min/h + 14/h·6 min = 4.4, key-in 0.45, review 1.5 → 6 people split 4 / 1 / 1
    expect(d.assign[1]).toEqual([4, 1, 1]);
    expect(d.reason).toContain('bots down on extraction (4 people)');
  });

  it('sends people to the overflow when the bots cannot clear their queue', () => {
    const s = invoices(2);
    s.queues[0].waiting = 400; // 400 tasks · 40 s = 4.4 bot-hours on 2 bots
    const d = make(botFirstPolicy, s).decide(s);
    expect(unitsOf(s, d.assign, 'clerks', 'extraction')).toBeGreaterThan(0);
  });

  it('rejects bad parameters, naming them', () => {
    expect(errorOf(botFirstPolicy, office, { dispatch: 'random' }).message).toBe('policy.params.dispatch: expected one of fifo, edf, got "random"');
    expect(errorOf(botFirstPolicy, office, { clearWithin: 0 }).message).toContain('policy.params.clearWithin');
  });
});

describe('longest-queue-first (the example user policy module)', () => {
  it('dedicates each human pool in proportion to waiting work, bots flexible', () => {
    const s = snapshot({
      queues: [
        { skill: 'a', waiting: 30, meanServiceHuman: 600 },
        { skill: 'b', waiting: 10, meanServiceHuman: 600 },
      ],
      pools: [
        { id: 'staff', size: 8, skills: ['a', 'b'] },
        { id: 'bot', kind: 'bot', size: 3, skills: ['a'] },
      ],
    });
    const policy = (longestQueueFirst as PolicyFactory)({}, contextOf(s));
    const d = policy.decide(s);
    expect(d.assign).toEqual([
      [6, 2],
      [0, 0],
    ]);
    expect(d.reason).toBe('longest queue: a (30 waiting)');
    expect(enforceConstraints(d.assign, s)).toEqual(d.assign);
  });

  it('rejects a bad share with a PolicyError naming it', () => {
    const err = errorOf(longestQueueFirst as PolicyFactory, office, { share: 2 });
    expect(err.name).toBe('PolicyError');
    expect(err.message).toBe('policy.params.share: expected a number between 0 and 1, got 2');
  });
});

describe('every built-in policy', () => {
  it('throws PolicyError (by name) for an unknown parameter', () => {
    for (const [name, factory] of Object.entries(builtinPolicies)) {
      if (name === 'static') continue; // static reads only its own keys
      const err = errorOf(factory, office, { nonsense: 1 });
      expect(err).toBeInstanceOf(PolicyError);
      expect(err.message).toMatch(/^policy\.params\.nonsense: unknown parameter/);
    }
  });

  it('leaves every unit flexible with no work and no history', () => {
    for (const factory of Object.values(builtinPolicies)) {
      expect(make(factory, office).decide(office).assign).toEqual([[0, 0]]);
    }
  });

  it('keeps a queue minimum when it has units to do so', () => {
    const s = snapshot({
      queues: [
        { skill: 'a', waiting: 50 },
        { skill: 'b', min: 1 },
      ],
      pools: [{ id: 'staff', size: 4, skills: ['a', 'b'] }],
    });
    for (const [name, factory] of Object.entries(builtinPolicies)) {
      if (name === 'static') continue;
      expect(queueUnits(s, make(factory, s).decide(s).assign, 'b'), name).toBeGreaterThanOrEqual(1);
    }
  });
});

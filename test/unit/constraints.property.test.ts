/**
 * Property tests over many random snapshots, for every built-in policy (and
 * the example user policy module): whatever a policy answers, the allocation
 * that `enforceConstraints` lets through only uses skills the pool has, whole
 * units >= 0, no more than the pool's size and no more than a queue's max; the
 * built-ins (but `static`, which splits whole pools by fixed shares) answer within those limits (and within the available units) by
 * themselves, keep queue minimums where units allow, decide the same
 * snapshot the same way twice and never mutate it.
 */
import { describe, it, expect } from 'vitest';
import type { Policy, PolicyFactory, PoolView, QueueView, Snapshot } from '../../allocation/policy.js';
import { enforceConstraints } from '../../allocation/constraints.js';
import { builtinPolicies } from '../../allocation/registry.js';
// @ts-expect-error -- a plain JavaScript module with JSDoc types, as users write them
import longestQueueFirst from '../../scenarios/policies/longest-queue-first.js';
import { contextOf } from '../helpers/snapshots.js';

/** mulberry32: a tiny seeded PRNG, so every run sees the same snapshots. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const chance = (r: Rng, p: number): boolean => r() < p;

/** The fixed part of a world: queues, pools, skills, limits. */
interface World {
  skills: string[];
  limits: { min: number; max: number }[];
  pools: { id: string; kind: 'human' | 'bot'; size: number; skills: number[] }[];
  epochLength: number;
}

function randomWorld(r: Rng): World {
  const Q = int(r, 1, 6);
  const skills = Array.from({ length: Q }, (_, q) => `q${q}`);
  const limits = skills.map(() => ({
    min: chance(r, 0.25) ? int(r, 1, 3) : 0,
    max: chance(r, 0.25) ? int(r, 0, 6) : Infinity,
  }));
  const P = int(r, 1, 5);
  const pools = Array.from({ length: P }, (_, p) => {
    const own = skills.map((_, q) => q).filter(() => chance(r, 0.5));
    return {
      id: `p${p}`,
      kind: chance(r, 0.3) ? ('bot' as const) : ('human' as const),
      size: chance(r, 0.1) ? 0 : int(r, 1, 20),
      skills: own.length || chance(r, 0.1) ? own : [int(r, 0, Q - 1)],
    };
  });
  return { skills, limits, pools, epochLength: pick(r, [0, 420, 900, 1800, 3600, 3600, 7200, 86_400]) };
}

function randomSnapshot(r: Rng, w: World, time: number, epoch: number): Snapshot {
  const Q = w.skills.length;
  const pools: PoolView[] = w.pools.map((p, index) => {
    const available = chance(r, 0.2) ? 0 : chance(r, 0.5) ? p.size : int(r, 0, p.size);
    const assigned = new Array<number>(Q).fill(0);
    let left = p.size;
    for (const q of p.skills) {
      const n = chance(r, 0.5) ? int(r, 0, left) : 0;
      assigned[q] = n;
      left -= n;
    }
    const busyOn = new Array<number>(Q).fill(0);
    return {
      index,
      id: p.id,
      kind: p.kind,
      size: p.size,
      available,
      busy: int(r, 0, available),
      skills: p.skills.slice(),
      costPerHour: p.kind === 'bot' ? 1 : 30,
      failureRate: p.kind === 'bot' ? r() * 0.5 : 0,
      switchOver: chance(r, 0.5) ? 600 : 0,
      assigned,
      busyOn,
    };
  });
  const queues: QueueView[] = w.skills.map((skill, index) => {
    const waiting = chance(r, 0.3) ? 0 : int(r, 1, chance(r, 0.1) ? 5000 : 200);
    const minSlack = waiting === 0 ? Infinity : (r() * 6 - 1) * 86_400;
    return {
      index,
      skill,
      waiting,
      oldestWait: waiting ? r() * 86_400 : 0,
      minSlack,
      breached: minSlack < 0 ? int(r, 1, waiting) : 0,
      arrivalRate: chance(r, 0.2) ? 0 : r() * 0.05,
      arrivalsHistory: Array.from({ length: chance(r, 0.3) ? 0 : int(r, 1, 200) }, () => int(r, 0, 60)),
      meanServiceHuman: chance(r, 0.1) ? 0 : 30 + r() * 3600,
      meanServiceBot: chance(r, 0.1) ? 0 : 5 + r() * 600,
      pools: pools.filter((p) => p.skills.includes(index)).map((p) => p.index),
      limits: { ...w.limits[index] },
    };
  });
  return {
    time,
    epoch,
    epochLength: w.epochLength,
    trigger: epoch === 0 ? 'start' : pick(r, ['periodic', 'outage p0 begins']),
    queues,
    pools,
    activeDisruptions: chance(r, 0.2) ? ['outage p0 @1d'] : [],
  };
}

/** Parameter sets to try per policy (besides the defaults). */
function paramSets(name: string, w: World, r: Rng): Record<string, unknown>[] {
  switch (name) {
    case 'reactive':
      return [{}, { coolDown: 0 }, { targetPerUnit: 1, tolerance: 0, minPerQueue: 1 }, { coolDown: '30m', targetPerUnit: 12.5 }];
    case 'sla-slack':
      return [{}, { riskHorizon: '1d', maxShare: 1 }, { riskHorizon: 60, maxShare: 0.3 }];
    case 'cmu':
      return [{}, { dedicate: 1 }, { dedicate: 0.5, costOfDelay: Object.fromEntries(w.skills.map((s) => [s, int(r, 0, 50)])) }];
    case 'forecast-staffing':
      return [{}, { serviceLevel: 0.99, answerWithin: 60 }, { serviceLevel: 0.5, answerWithin: '8h', clearBacklog: false }];
    case 'bot-first':
      return [{}, { dispatch: 'edf', clearWithin: '30m' }, { clearWithin: 86_400 }];
    case 'static': {
      const pool = w.pools.find((p) => p.skills.length > 0);
      return pool ? [{}, { shares: { [pool.id]: { [w.skills[pool.skills[0]]]: 0.5 } } }] : [{}];
    }
    default:
      return [{}];
  }
}

const policies: [string, PolicyFactory][] = [...Object.entries(builtinPolicies), ['longest-queue-first (example module)', longestQueueFirst as PolicyFactory]];

/** The first way `assign` breaks the engine's constraints, or null. (Plain checks: thousands of decisions stay fast.) */
function enforcedProblem(s: Snapshot, assign: number[][]): string | null {
  if (assign.length !== s.pools.length) return `${assign.length} rows for ${s.pools.length} pools`;
  for (const pool of s.pools) {
    const row = assign[pool.index];
    if (row.length !== s.queues.length) return `${pool.id}: ${row.length} columns for ${s.queues.length} queues`;
    let sum = 0;
    for (let q = 0; q < row.length; q++) {
      const n = row[q];
      if (!Number.isInteger(n) || n < 0) return `assign[${pool.id}][q${q}] = ${n}, not a whole number >= 0`;
      if (n > 0 && !pool.skills.includes(q)) return `${n} units of ${pool.id} on q${q}, a skill it lacks`;
      sum += n;
    }
    if (sum > pool.size) return `${sum} units of ${pool.id} dedicated, size ${pool.size}`;
  }
  for (const queue of s.queues) {
    const total = assign.reduce((n, row) => n + row[queue.index], 0);
    if (total > queue.limits.max) return `${total} units on ${queue.skill}, max ${queue.limits.max}`;
  }
  return null;
}

/** The first promise of the built-ins beyond the engine's constraints that `raw` breaks, or null. */
function ownProblem(s: Snapshot, raw: number[][]): string | null {
  const enforced = enforceConstraints(raw, s);
  if (JSON.stringify(enforced) !== JSON.stringify(raw)) return `answer needed trimming: ${JSON.stringify(raw)} → ${JSON.stringify(enforced)}`;
  const free = s.pools.map((pool) => Math.min(pool.size, pool.available) - raw[pool.index].reduce((a, b) => a + b, 0));
  for (const pool of s.pools) if (free[pool.index] < 0) return `${pool.id} dedicates more than its ${pool.available} available units`;
  // a queue below its minimum: no pool that could serve it had a unit left
  for (const queue of s.queues) {
    const total = raw.reduce((n, row) => n + row[queue.index], 0);
    if (total >= Math.min(queue.limits.min, queue.limits.max)) continue;
    const spare = queue.pools.find((p) => free[p] > 0);
    if (spare !== undefined) return `${queue.skill} has ${total} < min ${queue.limits.min} while ${s.pools[spare].id} has ${free[spare]} free units`;
  }
  return null;
}

const WORLDS = 200;
const EPOCHS = 4;

describe.each(policies)('%s over random snapshots', (name, factory) => {
  // static is the skeleton's own: it splits whole pools by fixed shares and keeps no minimum
  const ownRules = name in builtinPolicies && name !== 'static';

  it('answers within the constraints, deterministically, without mutating the snapshot', () => {
    const r = prng(0xa11c + name.length * 7919);
    let decisions = 0;
    for (let world = 0; world < WORLDS; world++) {
      const w = randomWorld(r);
      for (const params of paramSets(name, w, r)) {
        // one policy instance lives through a sequence of epochs (time never goes back; sometimes two epochs at one instant)
        let policy: Policy | null = null;
        let time = 0;
        for (let epoch = 0; epoch < EPOCHS; epoch++) {
          const s = randomSnapshot(r, w, time, epoch);
          if (!policy) policy = factory(params, contextOf(s));
          const label = `${name} ${JSON.stringify(params)} world ${world} epoch ${epoch}`;
          const before = JSON.stringify(s);
          const first: ReturnType<Policy['decide']> = policy.decide(s);
          if (JSON.stringify(s) !== before) expect.fail(`${label}: snapshot mutated`);
          const again = policy.decide(s);
          if (JSON.stringify(again) !== JSON.stringify(first)) expect(again, `${label}: same snapshot, different answer`).toEqual(first);
          if (typeof first.reason !== 'string') expect.fail(`${label}: no reason`);
          // a fresh instance agrees at the first epoch (later ones may carry memory, e.g. reactive's cool-down)
          if (epoch === 0) {
            const fresh = factory(params, contextOf(s)).decide(structuredClone(s));
            if (JSON.stringify(fresh) !== JSON.stringify(first)) expect(fresh, `${label}: a fresh instance answers differently`).toEqual(first);
          }
          const problem: string | null = enforcedProblem(s, enforceConstraints(first.assign, s)) ?? (ownRules ? ownProblem(s, first.assign) : null);
          if (problem) expect.fail(`${label}: ${problem}`);
          decisions++;
          if (chance(r, 0.75)) time += chance(r, 0.8) && w.epochLength > 0 ? w.epochLength : int(r, 1, 20_000);
        }
      }
    }
    expect(decisions).toBeGreaterThanOrEqual(WORLDS * EPOCHS);
  });
});

describe('enforceConstraints on arbitrary answers', () => {
  it('repairs garbage into an allocation within the constraints', () => {
    const r = prng(7);
    const junk = [-3, 0.5, 2.7, NaN, Infinity, 1e9, 4, '3' as unknown as number, null as unknown as number];
    for (let i = 0; i < 500; i++) {
      const w = randomWorld(r);
      const s = randomSnapshot(r, w, 0, 0);
      const rows = int(r, 0, s.pools.length + 1);
      const raw = Array.from({ length: rows }, () => Array.from({ length: int(r, 0, s.queues.length + 1) }, () => pick(r, junk)));
      const problem = enforcedProblem(s, enforceConstraints(raw, s));
      if (problem) expect.fail(`junk ${i} ${JSON.stringify(raw)}: ${problem}`);
    }
  });

  it('raises a queue toward its minimum from free available units only, never from another queue', () => {
    const r = prng(11);
    for (let i = 0; i < 500; i++) {
      const w = randomWorld(r);
      const s = randomSnapshot(r, w, 0, 0);
      const raw = s.pools.map((p) => s.queues.map((q) => (p.skills.includes(q.index) && chance(r, 0.4) ? int(r, 0, 4) : 0)));
      const out = enforceConstraints(raw, s);
      // the same answer trimmed without minimums: what the min repair starts from
      const trimmed = enforceConstraints(raw, { ...s, queues: s.queues.map((q) => ({ ...q, limits: { ...q.limits, min: 0 } })) });
      const label = `snapshot ${i} ${JSON.stringify(raw)}`;
      const problem = enforcedProblem(s, out);
      if (problem) expect.fail(`${label}: ${problem}`);
      for (const pool of s.pools) {
        for (const q of s.queues) {
          if (out[pool.index][q.index] < trimmed[pool.index][q.index]) expect.fail(`${label}: took units of ${pool.id} from ${q.skill}`);
        }
      }
      const free = s.pools.map((p) => Math.min(p.size, p.available) - out[p.index].reduce((a, b) => a + b, 0));
      for (const q of s.queues) {
        const total = out.reduce((n, row) => n + row[q.index], 0);
        if (total >= Math.min(q.limits.min, q.limits.max)) continue;
        const spare = q.pools.find((p) => free[p] > 0);
        if (spare !== undefined)
          expect.fail(`${label}: ${q.skill} has ${total} < min ${q.limits.min} while ${s.pools[spare].id} has ${free[spare]} free units`);
      }
    }
  });
});

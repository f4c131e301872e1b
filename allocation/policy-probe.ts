/**
 * What `autoshift policy check` asks of a policy, without running it: random
 * snapshots derived from real ones, and which constraints an answer relied on
 * being repaired (allocation/constraints.ts). Pure; the command times the calls.
 *
 * ```ts
 * const s = perturbSnapshot(base, new KeyedStream(7, 9).open(i));
 * const relied = constraintReliance(policy.decide(s).assign, s); // ['over the pool size: …']
 * ```
 */
import type { Snapshot } from './policy.js';
import type { UniformSource } from '../model/uniform-source.js';
import { enforceConstraints } from './constraints.js';

const int = (rng: UniformSource, max: number) => Math.floor(rng.next() * (max + 1));

/**
 * A snapshot of the same scenario with the world shaken: queues from empty to
 * long, oldest waits and slack (breached or not), arrival rates, units on duty
 * from none to all, some of them busy, and what the last decision dedicated.
 */
export function perturbSnapshot(base: Snapshot, rng: UniformSource): Snapshot {
  const queues = base.queues.map((q) => {
    const waiting = rng.next() < 0.25 ? 0 : int(rng, 10 ** (1 + int(rng, 3)));
    const slack = waiting === 0 ? Infinity : (rng.next() - 0.3) * 4 * 86_400;
    return {
      ...q,
      waiting,
      oldestWait: waiting === 0 ? 0 : rng.next() * 3 * 86_400,
      minSlack: slack,
      breached: waiting === 0 || slack >= 0 ? 0 : int(rng, waiting),
      arrivalRate: rng.next() * 0.05,
      arrivalsHistory: q.arrivalsHistory.map(() => int(rng, 200)),
      arrivalsThisEpoch: int(rng, 50),
    };
  });
  const pools = base.pools.map((p) => {
    const available = rng.next() < 0.15 ? 0 : rng.next() < 0.5 ? p.size : int(rng, p.size);
    let left = int(rng, p.size);
    const assigned = p.assigned.map((_, q) => {
      if (!p.skills.includes(q)) return 0;
      const n = int(rng, left);
      left -= n;
      return n;
    });
    const busy = int(rng, available);
    const busyOn = p.busyOn.map(() => 0);
    if (p.skills.length > 0) for (let k = 0; k < busy; k++) busyOn[p.skills[int(rng, p.skills.length - 1)]]++;
    return { ...p, available, busy, assigned, busyOn };
  });
  return {
    ...base,
    time: Math.round(base.time + rng.next() * 7 * 86_400),
    epoch: base.epoch + 1 + int(rng, 100),
    queues,
    pools,
  };
}

/**
 * The constraints an answer broke and the runtimes repaired: one line per kind,
 * with the first case. An empty list: the answer was applied as given.
 */
export function constraintReliance(assign: readonly (readonly unknown[])[], snapshot: Snapshot): string[] {
  const found = new Map<string, string>();
  const note = (kind: string, example: string) => {
    if (!found.has(kind)) found.set(kind, example);
  };
  const repaired = enforceConstraints(assign as number[][], snapshot);
  for (const pool of snapshot.pools) {
    const row = (assign[pool.index] ?? []) as unknown[];
    let total = 0;
    row.forEach((v, q) => {
      const n = Number(v ?? 0);
      if (!Number.isInteger(n)) note('fractions of a unit (floored)', `${pool.id} → ${snapshot.queues[q]?.skill}: ${n}`);
      if (n > 0 && !pool.skills.includes(q))
        note('units on a skill the pool does not have (dropped)', `${pool.id} → ${snapshot.queues[q]?.skill ?? `queue ${q}`}: ${n}`);
      if (pool.skills.includes(q)) total += Math.max(0, Math.floor(n));
    });
    if (total > pool.size) note('more units than the pool has (trimmed)', `${pool.id}: ${total} of ${pool.size}`);
  }
  for (const queue of snapshot.queues) {
    const given = snapshot.pools.reduce(
      (s, p) => s + (p.skills.includes(queue.index) ? Math.max(0, Math.floor(Number(assign[p.index]?.[queue.index] ?? 0))) : 0),
      0,
    );
    const after = repaired.reduce((s, row) => s + row[queue.index], 0);
    if (given > queue.limits.max) note("more units than the queue's max (trimmed)", `${queue.skill}: ${given} > max ${queue.limits.max}`);
    if (after > given && given < queue.limits.min) note("fewer units than the queue's min (raised)", `${queue.skill}: ${given} < min ${queue.limits.min}`);
  }
  return [...found].map(([kind, example]) => `${kind}, e.g. ${example}`);
}

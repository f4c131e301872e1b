/**
 * Hand-built policy snapshots for unit tests: name queues and pools, give
 * only the fields a test cares about, get a complete `Snapshot` and the
 * matching `PolicyContext`.
 *
 * @example
 * const s = snapshot({
 *   queues: [{ skill: 'a', waiting: 12 }, { skill: 'b' }],
 *   pools: [{ id: 'staff', size: 10, skills: ['a', 'b'] }],
 * });
 */
import type { PolicyContext, PoolView, QueueView, Snapshot } from '../../allocation/policy.js';
import type { PoolKind } from '../../model/scenario.js';

export interface QueueSpec extends Partial<Omit<QueueView, 'index' | 'pools' | 'limits'>> {
  skill: string;
  min?: number;
  max?: number;
}

export interface PoolSpec {
  id: string;
  kind?: PoolKind;
  size: number;
  /** skill names */
  skills: string[];
  /** default: the size */
  available?: number;
  busy?: number;
  costPerHour?: number;
  failureRate?: number;
  switchOver?: number;
  /** dedicated units by skill name */
  assigned?: Record<string, number>;
}

export interface SnapshotSpec {
  time?: number;
  epoch?: number;
  epochLength?: number;
  trigger?: string;
  queues: QueueSpec[];
  pools: PoolSpec[];
  activeDisruptions?: string[];
}

export function snapshot(spec: SnapshotSpec): Snapshot {
  const names = spec.queues.map((q) => q.skill);
  const index = (skill: string): number => {
    const i = names.indexOf(skill);
    if (i < 0) throw new Error(`test snapshot: unknown skill '${skill}'`);
    return i;
  };
  const pools: PoolView[] = spec.pools.map((p, i) => {
    const assigned = names.map(() => 0);
    for (const [skill, n] of Object.entries(p.assigned ?? {})) assigned[index(skill)] = n;
    return {
      index: i,
      id: p.id,
      kind: p.kind ?? 'human',
      size: p.size,
      available: p.available ?? p.size,
      busy: p.busy ?? 0,
      skills: p.skills.map(index),
      costPerHour: p.costPerHour ?? (p.kind === 'bot' ? 1 : 30),
      failureRate: p.failureRate ?? 0,
      switchOver: p.switchOver ?? 0,
      assigned,
      busyOn: names.map(() => 0),
    };
  });
  const queues: QueueView[] = spec.queues.map((q, i) => ({
    index: i,
    skill: q.skill,
    waiting: q.waiting ?? 0,
    oldestWait: q.oldestWait ?? 0,
    minSlack: q.minSlack ?? ((q.waiting ?? 0) > 0 ? 86_400 : Infinity),
    breached: q.breached ?? 0,
    arrivalRate: q.arrivalRate ?? 0,
    arrivalsHistory: q.arrivalsHistory ?? [],
    meanServiceHuman: q.meanServiceHuman ?? 600,
    meanServiceBot: q.meanServiceBot ?? q.meanServiceHuman ?? 600,
    pools: pools.filter((p) => p.skills.includes(i)).map((p) => p.index),
    limits: { min: q.min ?? 0, max: q.max ?? Infinity },
  }));
  return {
    time: spec.time ?? 0,
    epoch: spec.epoch ?? 0,
    epochLength: spec.epochLength ?? 3600,
    trigger: spec.trigger ?? 'periodic',
    queues,
    pools,
    activeDisruptions: spec.activeDisruptions ?? [],
  };
}

/** The policy context matching a snapshot. */
export function contextOf(s: Snapshot): PolicyContext {
  return { queues: s.queues.map((q) => q.skill), pools: s.pools.map((p) => ({ id: p.id, kind: p.kind, skills: p.skills.slice() })) };
}

/** Units of the pool named `id` dedicated to the queue named `skill`. */
export function unitsOf(s: Snapshot, assign: number[][], id: string, skill: string): number {
  const p = s.pools.findIndex((x) => x.id === id);
  const q = s.queues.findIndex((x) => x.skill === skill);
  return assign[p][q];
}

/** Units dedicated to the queue named `skill` over all pools (or over one kind). */
export function queueUnits(s: Snapshot, assign: number[][], skill: string, kind?: PoolKind): number {
  const q = s.queues.findIndex((x) => x.skill === skill);
  return s.pools.reduce((n, p) => n + (!kind || p.kind === kind ? assign[p.index][q] : 0), 0);
}

/** The same snapshot with the dedicated units a previous allocation left behind. */
export function withAssigned(s: Snapshot, assign: number[][], changes: Partial<Snapshot> = {}): Snapshot {
  return { ...s, ...changes, pools: s.pools.map((p) => ({ ...p, assigned: assign[p.index].slice() })) };
}

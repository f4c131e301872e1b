/**
 * Where the optimiser starts: an analytic estimate per varied pool size, from
 * Erlang C (allocation/erlang-c.ts), instead of a corner of the grid. Pure.
 *
 * For each pool: the offered load it carries (arrival rate of each process ×
 * expected visits to each step × the pool's mean duration of the step, the
 * step's load shared among the pools having its skill in proportion to their
 * sizes), scaled up by the share of the week the pool is on duty; then the
 * smallest c for which an M/M/c queue holds the time-in-system target
 * (`agentsForSojournWithin`): the SLA of the processes it serves divided by
 * their number of steps, at the level of the first share target (or 80%).
 * On an M/M/c scenario with an SLA-attainment target this is the exact
 * answer; elsewhere it is a start the search corrects. Axes other than pool
 * sizes start at the scenario's own value (or their first value).
 *
 * ```ts
 * const start = staffingStart(scenario, axes, targets); // value index per axis
 * ```
 */
import type { Scenario } from '../model/scenario.js';
import { meanStepDuration } from '../simulator/case-attributes.js';
import { agentsForSojournWithin, offeredLoad } from '../allocation/erlang-c.js';
import { nearestIndex, type Axis } from './design-space.js';
import type { Target } from './targets.js';

export interface PoolEstimate {
  pool: string;
  /** offered load in Erlangs while on duty */
  erlangs: number;
  /** load-weighted mean handling time, seconds */
  ahtSeconds: number;
  /** the Erlang C answer */
  units: number;
}

export function staffingStart(scenario: Scenario, axes: readonly Axis[], targets: readonly Target[]): number[] {
  const estimates = new Map(poolEstimates(scenario, targets).map((e) => [e.pool, e]));
  return axes.map((axis) => {
    const m = /^pools\.([^.[\]]+)\.size$/.exec(axis.path);
    const e = m ? estimates.get(m[1]) : undefined;
    if (e) return nearestIndex(axis, e.units);
    return nearestIndex(axis, currentValue(scenario, axis.path), 0);
  });
}

export function poolEstimates(scenario: Scenario, targets: readonly Target[]): PoolEstimate[] {
  const share = targets.find((t) => t.metric.kind === 'share' && t.op === '>=' && t.threshold > 0 && t.threshold < 1)?.threshold ?? 0.8;
  const load = scenario.pools.map(() => 0);
  const work = scenario.pools.map(() => 0);
  const window = scenario.pools.map(() => Infinity);
  for (const p of scenario.processes) {
    const rate = arrivalRate(scenario, p.index);
    const visits = expectedVisits(scenario, p.index);
    for (const s of p.steps) {
      const servers = scenario.pools.filter((pool) => pool.skills.includes(s.skill));
      const total = servers.reduce((n, pool) => n + Math.max(1, pool.size), 0);
      for (const pool of servers) {
        const part = Math.max(1, pool.size) / total;
        const mean = meanStepDuration(p, s, pool.kind === 'bot', scenario.seed);
        load[pool.index] += rate * visits[s.index] * part * mean;
        work[pool.index] += rate * visits[s.index] * part;
        window[pool.index] = Math.min(window[pool.index], p.sla / Math.max(1, p.steps.length));
      }
    }
  }
  return scenario.pools.map((pool) => {
    const onDuty = dutyShare(pool.shifts);
    const erlangs = offeredLoad(1, load[pool.index]) / Math.max(onDuty, 1e-9);
    const aht = work[pool.index] > 0 ? load[pool.index] / work[pool.index] : 0;
    let units = 0;
    if (erlangs > 0 && aht > 0 && Number.isFinite(window[pool.index])) {
      try {
        units = agentsForSojournWithin(erlangs, aht, window[pool.index], share);
      } catch {
        units = Math.ceil(erlangs / 0.85); // the target is out of reach for an M/M/c: a plain 85% occupancy
      }
    } else if (erlangs > 0) units = Math.ceil(erlangs / 0.85);
    return { pool: pool.id, erlangs, ahtSeconds: aht, units };
  });
}

/** Mean arrivals per second of a process over a week. */
function arrivalRate(scenario: Scenario, process: number): number {
  let rate = 0;
  for (const d of scenario.demand) {
    if (d.process !== process) continue;
    if (d.kind === 'poisson') rate += d.rate * avg(d.hourOfDay) * avg(d.dayOfWeek);
    else rate += d.times.length / Math.max(1, scenario.horizon);
  }
  return rate;
}

/** Expected visits per case to each step of a process (branches by probability, rework loops by iteration). */
function expectedVisits(scenario: Scenario, process: number): number[] {
  const p = scenario.processes[process];
  // a join is entered once per split, when its branches are done (an edge into it from a branch only ends the branch)
  const joins = new Set(p.steps.flatMap((s) => (s.next.kind === 'parallel' ? [s.next.join] : [])));
  const into = (next: number[], to: number, x: number) => {
    if (!joins.has(to)) next[to] += x;
  };
  let v = p.steps.map(() => 0);
  for (let it = 0; it < 200; it++) {
    const next = p.steps.map((s) => (s.index === p.start ? 1 : 0));
    for (const s of p.steps) {
      const n = s.next;
      if (n.kind === 'step') into(next, n.step, v[s.index]);
      else if (n.kind === 'branch') n.to.forEach((t, k) => into(next, t, v[s.index] * (n.cumulative[k] - (k ? n.cumulative[k - 1] : 0))));
      else if (n.kind === 'parallel') {
        for (const b of n.branches) next[b] += v[s.index];
        next[n.join] += v[s.index];
      }
    }
    v = next;
  }
  return v;
}

function dutyShare(shifts: Scenario['pools'][number]['shifts']): number {
  if (!shifts) return 1;
  let seconds = 0;
  for (const w of shifts) seconds += w.days.length * Math.max(0, w.to - w.from);
  return Math.min(1, seconds / 604_800);
}

function avg(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 1;
}

function currentValue(scenario: Scenario, path: string): unknown {
  const m = /^pools\.([^.[\]]+)\.(\w+)$/.exec(path);
  if (m) return (scenario.pools.find((p) => p.id === m[1]) as unknown as Record<string, unknown> | undefined)?.[m[2]];
  if (path.startsWith('policy.params.')) return scenario.policy.params[path.slice('policy.params.'.length)];
  return undefined;
}

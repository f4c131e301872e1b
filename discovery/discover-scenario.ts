/**
 * From a log's profile to a scenario: the step graph (start step, sequences,
 * probabilistic branches and rework loops, parallel split/join where
 * activities of a case consistently overlap or share their cause), durations
 * per step (by people and by bots), arrivals with hour-of-day and day-of-week
 * profiles, pools from the resources grouped by what they do, their shifts,
 * bot failure rates, and an SLA from a cycle-time quantile. Every figure
 * keeps the evidence it came from, for the comments of the written scenario.
 */
import { fitDistribution, type Fit } from './fit-distribution.js';
import { parseChain, type LogProfile, type StepFacts } from './log-profile.js';

export type DiscoveredNext =
  | { kind: 'end' }
  | { kind: 'step'; to: string }
  | { kind: 'branch'; options: { to: string; p: number; count: number }[] }
  | { kind: 'parallel'; branches: string[]; join: string };

export interface DiscoveredStep {
  id: string;
  activity: string;
  skill: string;
  count: number;
  duration?: Fit;
  humanDuration?: Fit;
  botDuration?: Fit;
  onBotFailure?: string;
  failures: number;
  next: DiscoveredNext;
  waitingMean: number;
}

export interface DiscoveredProcess {
  id: string;
  cases: number;
  start: string;
  steps: DiscoveredStep[];
  slaSeconds: number;
  slaQuantile: number;
  cycleMean: number;
  ratePerHour: number;
  hourOfDay: number[];
  dayOfWeek: number[];
  /** days whose arrivals stand far above the profile: { start day, days, factor } */
  surges: { startDay: number; days: number; factor: number; cases: number }[];
  firstArrival: number;
  lastArrival: number;
  arrivals: number[] | null;
}

export interface DiscoveredPool {
  id: string;
  kind: 'human' | 'bot';
  size: number;
  resources: string[];
  skills: string[];
  tasks: number;
  busySeconds: number;
  shifts: { days: string[]; from: string; to: string } | null;
  shiftEvidence: string;
  failureRate: number;
  failures: number;
  /** bots: runs of hours in which the pool started nothing although it usually starts several tasks an hour */
  outages: { startHour: number; hours: number }[];
}

export interface DiscoveredScenario {
  /** YYYY-MM-DD, a Monday: time 0 */
  start: string;
  startMs: number;
  horizonDays: number;
  processes: DiscoveredProcess[];
  pools: DiscoveredPool[];
  warnings: string[];
  events: number;
}

export interface DiscoverOptions {
  /** the process name for a log without a process column */
  processName: string;
  slaQuantile: number;
  /** branches taken less often than this share are dropped (default 0.005) */
  minBranchShare?: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const CONCURRENT_SHARE = 0.5;

export function discoverScenario(profile: LogProfile, options: DiscoverOptions): DiscoveredScenario {
  const table = profile.table;
  const warnings: string[] = [];
  const activityName = (a: number) => table.activities.list[a];
  const ids = new IdMaker();
  const skillOf = (a: number) => ids.idFor(`activity:${a}`, activityName(a));

  // time 0: the Monday 00:00 UTC on or before the first arrival
  const firstDay = Math.floor(profile.firstTime / DAY_MS);
  const startDay = firstDay - ((firstDay + 3) % 7);
  const startMs = startDay * DAY_MS;
  const horizonDays = Math.max(1, Math.ceil((profile.lastTime - startMs) / DAY_MS));

  const processes: DiscoveredProcess[] = [];
  const processIds = new IdMaker();
  for (const [p, pf] of [...profile.processes.entries()].sort((a, b) => a[0] - b[0])) {
    const name = table.processes.list[p] || options.processName;
    const pid = processIds.idFor(name, name);
    const steps = [...profile.steps.values()].filter((s) => s.process === p).sort((a, b) => a.activity - b.activity);
    const concurrent = concurrencyOf(profile, p, steps);
    const isConc = (a: number, b: number) => a !== b && concurrent.has(`${Math.min(a, b)}:${Math.max(a, b)}`);
    const option = (from: number, chain: number[]): number[] => {
      const group: number[] = [];
      for (const x of chain) {
        if (!group.length) {
          if (from >= 0 && isConc(from, x)) continue;
          group.push(x);
          continue;
        }
        if (group.every((g) => isConc(g, x))) {
          if (!group.includes(x)) group.push(x);
          continue;
        }
        if (from >= 0 && isConc(from, x)) continue;
        break;
      }
      return group.sort((a, b) => a - b);
    };
    const optionsOf = (from: number, chains: Map<string, number>) => {
      const counts = new Map<string, number>();
      for (const [key, n] of chains) {
        const g = option(from, parseChain(key)).join(',');
        counts.set(g, (counts.get(g) ?? 0) + n);
      }
      return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    };

    const stepId = (a: number) => skillOf(a);
    // start
    const startOptions = optionsOf(-1, pf.startChains);
    const first = startOptions.length ? parseChain(startOptions[0][0]) : [];
    if (!first.length) throw new Error(`process ${pid}: no start activity found`);
    if (first.length > 1)
      warnings.push(
        `process ${pid}: cases start with ${first.map(activityName).join(' and ')} in parallel; the scenario starts with ${activityName(first[0])} (a scenario starts with one step)`,
      );
    if (startOptions.length > 1) {
      const other = startOptions.slice(1).reduce((a, b) => a + b[1], 0);
      warnings.push(
        `process ${pid}: ${other} of ${pf.cases} cases start with another activity than ${activityName(first[0])} (${startOptions
          .slice(1, 4)
          .map(([k]) => parseChain(k).map(activityName).join('+') || 'none')
          .join(', ')}); the scenario starts every case with ${activityName(first[0])}`,
      );
    }

    // the graph: options per step. Cases still open when the log ends look as if they ended
    // after their last task: what followed a task is read from tasks that ended at least
    // twice the 95% cycle time before the end of the log (when the log is long enough).
    const lastDay = Math.floor(profile.lastTime / DAY_MS);
    const tail = Math.ceil((2 * pf.cycle.quantile(0.95) * 1000) / DAY_MS);
    const span = lastDay - Math.floor(profile.firstTime / DAY_MS);
    const cutoffDay = tail < span / 2 ? lastDay - tail : Infinity;
    const minShare = options.minBranchShare ?? 0.005;
    const optionTable = new Map<number, [number[], number][]>();
    for (const s of steps) {
      const settled = new Map<string, number>();
      for (const [key, n] of s.chains) {
        const bar = key.indexOf('|');
        if (Number(key.slice(0, bar)) >= cutoffDay) continue;
        const chain = key.slice(bar + 1);
        settled.set(chain, (settled.get(chain) ?? 0) + n);
      }
      if (!settled.size)
        for (const [key, n] of s.chains) {
          const chain = key.slice(key.indexOf('|') + 1);
          settled.set(chain, (settled.get(chain) ?? 0) + n);
        }
      const opts = optionsOf(s.activity, settled).map(([k, n]) => [parseChain(k), n] as [number[], number]);
      const total = opts.reduce((a, b) => a + b[1], 0);
      optionTable.set(
        s.activity,
        opts.filter(([, n], i) => i === 0 || n / total >= minShare),
      );
    }
    const discovered: DiscoveredStep[] = steps.map((s) => {
      const opts = optionTable.get(s.activity)!;
      const total = opts.reduce((a, b) => a + b[1], 0);
      let next: DiscoveredNext = { kind: 'end' };
      const parallelOf = (group: number[]): DiscoveredNext => {
        const join = joinOf(group, optionTable);
        if (join === null) {
          warnings.push(
            `process ${pid}: ${group.map(activityName).join(' and ')} run in parallel after ${activityName(s.activity)} but never meet again; written as a sequence`,
          );
          return { kind: 'step', to: stepId(group[0]) };
        }
        return { kind: 'parallel', branches: group.map(stepId), join: stepId(join) };
      };
      if (opts.length === 1) {
        const g = opts[0][0];
        next = g.length === 0 ? { kind: 'end' } : g.length === 1 ? { kind: 'step', to: stepId(g[0]) } : parallelOf(g);
      } else if (opts.length > 1) {
        const options2 = opts.map(([g, n]) => {
          if (g.length > 1)
            warnings.push(
              `process ${pid}: after ${activityName(s.activity)}, ${g.map(activityName).join(' and ')} run in parallel in ${n} of ${total} cases, otherwise something else; a branch cannot lead to a parallel split, so it leads to ${activityName(g[0])}`,
            );
          return { to: g.length ? stepId(g[0]) : 'end', p: n / total, count: n };
        });
        const merged = new Map<string, { to: string; p: number; count: number }>();
        for (const o of options2) {
          const m = merged.get(o.to);
          if (m) {
            m.p += o.p;
            m.count += o.count;
          } else merged.set(o.to, { ...o });
        }
        const list = [...merged.values()];
        if (list.length === 1) next = list[0].to === 'end' ? { kind: 'end' } : { kind: 'step', to: list[0].to };
        else next = { kind: 'branch', options: roundProbabilities(list) };
      }
      let onBotFailure: string | undefined;
      if (s.failures > 0) {
        const fo = optionsOf(s.activity, s.failedChains);
        const target = fo.length ? parseChain(fo[0][0])[0] : undefined;
        if (target !== undefined && target !== s.activity) onBotFailure = stepId(target);
      }
      const both = s.human.n >= 10 && s.bot.n >= 10;
      const all = s.human.n >= s.bot.n ? s.human : s.bot;
      return {
        id: stepId(s.activity),
        activity: activityName(s.activity),
        skill: skillOf(s.activity),
        count: s.count,
        ...(both ? { humanDuration: fitDistribution(s.human), botDuration: fitDistribution(s.bot) } : { duration: fitDistribution(all) }),
        onBotFailure,
        failures: s.failures,
        next,
        waitingMean: s.waiting.mean,
      };
    });

    const arrivals = arrivalProfile(pf.arrivalsByHour, startMs, horizonDays);
    const q = options.slaQuantile;
    processes.push({
      id: pid,
      cases: pf.cases,
      start: stepId(first[0]),
      steps: discovered,
      slaSeconds: pf.cycle.quantile(q),
      slaQuantile: q,
      cycleMean: pf.cycle.mean,
      ...arrivals,
      firstArrival: pf.firstArrival,
      lastArrival: pf.lastArrival,
      arrivals: pf.arrivals,
    });
  }

  const pools = discoverPools(profile, skillOf, warnings);
  // a failed bot task goes to a person: the target step's skill must be a human pool's
  for (const p of processes) {
    for (const s of p.steps) {
      if (!s.onBotFailure) continue;
      const target = p.steps.find((x) => x.id === s.onBotFailure)!;
      if (pools.some((pool) => pool.kind === 'human' && pool.skills.includes(target.skill))) continue;
      const human = pools
        .filter((pool) => pool.kind === 'human')
        .sort((a, b) => Number(b.skills.includes(s.skill)) - Number(a.skills.includes(s.skill)) || b.tasks - a.tasks)[0];
      if (!human) {
        warnings.push(
          `process ${p.id}: failed bot tasks of ${s.activity} go to ${target.activity}, which no person did in the log; no human pool exists, so failures retry on the bots`,
        );
        s.onBotFailure = undefined;
        continue;
      }
      human.skills.push(target.skill);
      warnings.push(
        `process ${p.id}: failed bot tasks of ${s.activity} go to ${target.activity}, which only bots did in the log; pool ${human.id} (people) is given it so that failures reach a person`,
      );
    }
  }
  return { start: new Date(startMs).toISOString().slice(0, 10), startMs, horizonDays, processes, pools, warnings, events: profile.events };
}

/** Activities of one process that run concurrently: overlap or a shared cause in most cases where both occur, then along sequences. */
function concurrencyOf(profile: LogProfile, p: number, steps: StepFacts[]): Set<string> {
  const out = new Set<string>();
  for (const [key, f] of profile.pairs) {
    const [pp, a, b] = key.split(':').map(Number);
    if (pp !== p || f.together < 3) continue;
    if (f.concurrent / f.together >= CONCURRENT_SHARE) out.add(`${a}:${b}`);
  }
  // a step that (almost) always follows a concurrent one is concurrent with the same others
  const dominantParent = new Map<number, number>();
  for (const s of steps) {
    for (const [parent, n] of s.parents) if (parent >= 0 && parent !== s.activity && n / s.count >= 0.9) dominantParent.set(s.activity, parent);
  }
  const activities = steps.map((s) => s.activity);
  for (let changed = true, guard = 0; changed && guard < 20; guard++) {
    changed = false;
    for (const [c, a] of dominantParent) {
      for (const b of activities) {
        if (b === c || b === a) continue;
        const ab = `${Math.min(a, b)}:${Math.max(a, b)}`,
          cb = `${Math.min(c, b)}:${Math.max(c, b)}`;
        if (out.has(ab) && !out.has(cb) && dominantParent.get(b) !== c) {
          out.add(cb);
          changed = true;
        }
      }
    }
  }
  return out;
}

/** The first step every branch of a parallel group reaches (fewest steps from the farthest branch); branches that just end are left out. */
function joinOf(group: number[], optionTable: Map<number, [number[], number][]>): number | null {
  const distances = group.map((g) => {
    const dist = new Map<number, number>();
    const queue: [number, number][] = [];
    for (const [opt] of optionTable.get(g) ?? []) for (const x of opt) if (!group.includes(x)) queue.push([x, 1]);
    while (queue.length) {
      const [x, d] = queue.shift()!;
      if (dist.has(x)) continue;
      dist.set(x, d);
      for (const [opt] of optionTable.get(x) ?? []) for (const y of opt) if (!dist.has(y)) queue.push([y, d + 1]);
    }
    return dist;
  });
  // a branch that only ends counts as arriving at the join (as in the scenario format): the others must meet
  const meeting = distances.filter((m) => m.size > 0);
  if (!meeting.length) return null;
  let best: number | null = null,
    bestD = Infinity;
  for (const [x] of meeting[0]) {
    if (!meeting.every((m) => m.has(x))) continue;
    const d = Math.max(...meeting.map((m) => m.get(x)!));
    if (d < bestD) {
      bestD = d;
      best = x;
    }
  }
  return best;
}

function discoverPools(profile: LogProfile, skillOf: (a: number) => string, warnings: string[]): DiscoveredPool[] {
  const table = profile.table;
  const names = table.resources.list;
  const stems = new Map<string, number>();
  const stemOf = (name: string) => name.replace(/[\s#_-]*\d+$/, '');
  for (const [r] of profile.resources) stems.set(stemOf(names[r]), (stems.get(stemOf(names[r])) ?? 0) + 1);
  const groups = new Map<string, number[]>();
  for (const [r, f] of [...profile.resources.entries()].sort((a, b) => a[0] - b[0])) {
    const stem = stemOf(names[r]);
    const main = [...f.byActivity.entries()]
      .filter(([, n]) => n >= Math.max(2, 0.01 * f.tasks))
      .map(([a]) => a)
      .sort((a, b) => a - b);
    // resources named alike (clerk-1, clerk-2) doing the same activities are one pool; people
    // of one name kept to different activities (strict roles) are pools of their own
    const acts = `${main.join(',')}:${f.isBot ? 'bot' : 'human'}`;
    const key = names[r] === '' ? 'unnamed' : (stems.get(stem) ?? 0) > 1 && stem ? `stem:${stem}:${acts}` : `acts:${acts}`;
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const ids = new IdMaker();
  const pools: DiscoveredPool[] = [];
  const covered = new Set<number>();
  for (const [key, members] of groups) {
    const facts = members.map((r) => profile.resources.get(r)!);
    const tasks = facts.reduce((a, f) => a + f.tasks, 0);
    const byActivity = new Map<number, number>();
    for (const f of facts) for (const [a, n] of f.byActivity) byActivity.set(a, (byActivity.get(a) ?? 0) + n);
    let skills = [...byActivity.entries()]
      .filter(([, n]) => n >= Math.max(2, 0.01 * tasks))
      .map(([a]) => a)
      .sort((a, b) => a - b);
    // a group whose every activity is rare (a short log: one task each) keeps the one it did most, or its pool could do nothing
    if (!skills.length && byActivity.size) skills = [[...byActivity.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0]];
    skills.forEach((a) => covered.add(a));
    const isBot = facts.every((f) => f.isBot);
    const label = key.startsWith('stem:')
      ? stemOf(names[members[0]])
      : key === 'unnamed'
        ? 'staff'
        : `${isBot ? 'bots' : 'team'}-${skills.map((a) => skillOf(a)).join('-')}`.slice(0, 60);
    const id = ids.idFor(key, label);
    const starts = new Float64Array(672);
    for (const f of facts) for (let i = 0; i < 672; i++) starts[i] += f.startsByWeekQuarter[i];
    const { shifts, evidence } = isBot ? { shifts: null, evidence: 'bots: always on' } : shiftOf(starts);
    const failures = facts.reduce((a, f) => a + f.failed, 0);
    let size = members.length;
    if (key === 'unnamed') {
      size = Math.max(1, Math.ceil((facts[0].busySeconds / ((profile.lastTime - profile.firstTime) / 1000 || 1)) * 1.25));
      warnings.push(`the log names no resources: one pool '${id}' of ${size} (the mean number of tasks in progress, plus a quarter) does every activity`);
    }
    pools.push({
      id,
      kind: isBot ? 'bot' : 'human',
      size,
      resources: members.map((r) => names[r]),
      skills: skills.map(skillOf),
      tasks,
      busySeconds: facts.reduce((a, f) => a + f.busySeconds, 0),
      shifts,
      shiftEvidence: evidence,
      failureRate: isBot && tasks ? failures / tasks : 0,
      failures,
      outages: isBot
        ? outagesOf(
            facts.map((f) => f.startsByHour!),
            profile.firstTime,
            profile.lastTime,
          )
        : [],
    });
  }
  // an activity done only rarely by each group still needs a pool: give it to the group that did it most
  for (const [, s] of profile.steps) {
    if (covered.has(s.activity)) continue;
    let best: DiscoveredPool | null = null,
      bestN = -1;
    for (const pool of pools) {
      const n = pool.resources.reduce((acc, name) => acc + (profile.resources.get(table.resources.id(name))?.byActivity.get(s.activity) ?? 0), 0);
      if (n > bestN) {
        bestN = n;
        best = pool;
      }
    }
    if (best) {
      best.skills.push(skillOf(s.activity));
      covered.add(s.activity);
    }
  }
  return pools;
}

/**
 * Hours in which a bot pool started no task although in that hour of the week it
 * usually starts at least 3 (so that 0 happens by chance with probability < 5%),
 * in runs of at least 2 hours: the pool was down.
 */
function outagesOf(perResource: Map<number, number>[], firstMs: number, lastMs: number): DiscoveredPool['outages'] {
  const first = Math.floor(firstMs / HOUR_MS),
    last = Math.floor(lastMs / HOUR_MS);
  const starts = new Map<number, number>();
  for (const m of perResource) for (const [h, n] of m) starts.set(h, (starts.get(h) ?? 0) + n);
  const byWeekHour = new Float64Array(168),
    exposure = new Float64Array(168);
  for (let h = first; h <= last; h++) {
    const w = weekHourOf(h);
    byWeekHour[w] += starts.get(h) ?? 0;
    exposure[w]++;
  }
  const out: DiscoveredPool['outages'] = [];
  let runStart = -1;
  for (let h = first; h <= last + 1; h++) {
    const w = weekHourOf(h);
    const usual = exposure[w] ? byWeekHour[w] / exposure[w] : 0;
    const down = h <= last && (starts.get(h) ?? 0) === 0 && usual >= 3;
    if (down && runStart < 0) runStart = h;
    if (!down && runStart >= 0) {
      if (h - runStart >= 2) out.push({ startHour: runStart, hours: h - runStart });
      runStart = -1;
    }
  }
  return out;
}

function weekHourOf(hourSince1970: number): number {
  return ((Math.floor(hourSince1970 / 24) + 3) % 7) * 24 + (hourSince1970 % 24);
}

/** One shift per group: the days it starts work on, and the quarter hours of those days. */
function shiftOf(starts: Float64Array): { shifts: DiscoveredPool['shifts']; evidence: string } {
  const byDay = DAYS.map((_, d) => {
    let s = 0;
    for (let q = 0; q < 96; q++) s += starts[d * 96 + q];
    return s;
  });
  const top = Math.max(...byDay);
  const days = DAYS.filter((_, d) => byDay[d] >= 0.1 * top);
  const byQuarter = new Array(96).fill(0);
  DAYS.forEach((_, d) => {
    if (byDay[d] >= 0.1 * top) for (let q = 0; q < 96; q++) byQuarter[q] += starts[d * 96 + q];
  });
  const peak = Math.max(...byQuarter);
  const busy = byQuarter.map((n, q) => (n >= 0.03 * peak ? q : -1)).filter((q) => q >= 0);
  const from = busy.length ? busy[0] : 0,
    to = busy.length ? busy[busy.length - 1] + 1 : 96;
  const total = byDay.reduce((a, b) => a + b, 0);
  if (days.length === 7 && from === 0 && to === 96) return { shifts: null, evidence: `works every day around the clock (${total} task starts)` };
  const hh = (q: number) => `${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`;
  return { shifts: { days, from: hh(from), to: hh(to) }, evidence: `${total} task starts, on ${days.join(' ')} between ${hh(from)} and ${hh(to)}` };
}

/**
 * The arrival rate with separable hour-of-day and day-of-week profiles, and
 * surges: runs of days with far more arrivals than the profile expects
 * (at least 1.4 times, and 5 standard deviations of a Poisson count above it),
 * which are left out of the base rate and written as surges.
 */
function arrivalProfile(byHour: Map<number, number>, startMs: number, days: number) {
  const startHour = Math.floor(startMs / HOUR_MS);
  const perDay = new Float64Array(days);
  const counts = new Float64Array(days * 24);
  for (const [h, n] of byHour) {
    const k = h - startHour;
    if (k >= 0 && k < days * 24) {
      counts[k] += n;
      perDay[Math.floor(k / 24)] += n;
    }
  }
  const surgeDay = new Uint8Array(days);
  let fit = fitProfile(counts, surgeDay, days);
  for (let round = 0; round < 3; round++) {
    let changed = false;
    for (let d = 0; d < days; d++) {
      if (surgeDay[d]) continue;
      const expected = fit.rate * 24 * fit.dayOfWeek[d % 7];
      if (perDay[d] >= 1.4 * expected && perDay[d] - expected >= 5 * Math.sqrt(Math.max(1, expected))) {
        surgeDay[d] = 1;
        changed = true;
      }
    }
    if (!changed) break;
    fit = fitProfile(counts, surgeDay, days);
  }
  const surges: DiscoveredProcess['surges'] = [];
  for (let d = 0; d < days; d++) {
    if (!surgeDay[d]) continue;
    let e = d;
    while (e + 1 < days && surgeDay[e + 1]) e++;
    let observed = 0,
      expected = 0;
    for (let k = d; k <= e; k++) {
      observed += perDay[k];
      expected += fit.rate * 24 * fit.dayOfWeek[k % 7];
    }
    surges.push({ startDay: d, days: e - d + 1, factor: Number((observed / expected).toFixed(2)), cases: observed });
    d = e;
  }
  return { ...fit, surges };
}

function fitProfile(counts: Float64Array, skipDay: Uint8Array, days: number) {
  const c = new Float64Array(168),
    e = new Float64Array(168);
  let total = 0,
    hours = 0;
  for (let d = 0; d < days; d++) {
    if (skipDay[d]) continue;
    for (let h = 0; h < 24; h++) {
      c[(d % 7) * 24 + h] += counts[d * 24 + h];
      e[(d % 7) * 24 + h]++;
      total += counts[d * 24 + h];
      hours++;
    }
  }
  const rate = hours ? total / hours : 0;
  const hourCounts = Array.from({ length: 24 }, (_, h) => {
    let cs = 0,
      es = 0;
    for (let d = 0; d < 7; d++) {
      cs += c[d * 24 + h];
      es += e[d * 24 + h];
    }
    return [cs, es];
  });
  const dayCounts = Array.from({ length: 7 }, (_, d) => {
    let cs = 0,
      es = 0;
    for (let h = 0; h < 24; h++) {
      cs += c[d * 24 + h];
      es += e[d * 24 + h];
    }
    return [cs, es];
  });
  return { ratePerHour: rate, hourOfDay: profileOf(hourCounts, rate), dayOfWeek: profileOf(dayCounts, rate), rate };
}

/**
 * Multipliers of the mean rate per bin, or all 1 when the counts do not differ from a flat
 * rate more than chance would (Pearson's chi-square test at the 0.1% level): a noisy
 * profile of a flat demand would add variability the business does not have.
 */
function profileOf(bins: number[][], rate: number): number[] {
  let chi2 = 0,
    df = -1;
  for (const [count, exposure] of bins) {
    const expected = rate * exposure;
    if (expected > 0) {
      chi2 += (count - expected) ** 2 / expected;
      df++;
    }
  }
  // Wilson–Hilferty: the chi-square quantile for p = 0.001 (z = 3.09)
  const critical = df > 0 ? df * (1 - 2 / (9 * df) + 3.09 * Math.sqrt(2 / (9 * df))) ** 3 : Infinity;
  if (!(chi2 > critical)) return bins.map(() => 1);
  return bins.map(([count, exposure]) => (exposure > 0 && rate > 0 ? round3(count / exposure / rate) : 1));
}

function roundProbabilities(list: { to: string; p: number; count: number }[]): { to: string; p: number; count: number }[] {
  const sorted = [...list].sort((a, b) => b.p - a.p);
  let rest = 1;
  return sorted.map((o, i) => {
    const p = i === sorted.length - 1 ? Number(rest.toFixed(4)) : Number(o.p.toFixed(4));
    rest -= p;
    return { ...o, p };
  });
}

function round3(x: number): number {
  return Number(x.toFixed(3));
}

/** Ids that follow the scenario's pattern, unique, stable per key. */
class IdMaker {
  private readonly byKey = new Map<string, string>();
  private readonly used = new Set<string>();
  idFor(key: string, name: string): string {
    const known = this.byKey.get(key);
    if (known) return known;
    let base =
      name
        .trim()
        .replace(/[^A-Za-z0-9_.-]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'x';
    if (!/^[A-Za-z]/.test(base)) base = `a-${base}`;
    let id = base;
    for (let i = 2; this.used.has(id); i++) id = `${base}-${i}`;
    this.used.add(id);
    this.byKey.set(key, id);
    return id;
  }
}

/**
 * What a log says, aggregated case by case in memory proportional to the
 * activities and resources (not the events): arrivals by hour of the week,
 * cycle times, per step its durations (by people and by bots), waiting times,
 * failures and what followed it, which activities overlap or share a cause
 * (the concurrency evidence), and per resource what it did and when.
 *
 * The follower of a task is read from the tasks enabled after it ends, in
 * order (up to CHAIN); the discovery (discover-scenario.ts) decides which of
 * them are concurrent branches and which is the next step. A task's cause
 * (parent) is the task that ended last before it was enabled (exactly the one
 * whose end is its enable time when the log has enable times).
 */
import { STRIDE, type CaseTable, type CompactCase } from './case-table.js';
import { SampleStats } from './sample-stats.js';

export const CHAIN = 4;
const MS = 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** 1970-01-01 was a Thursday: index 3 with Monday 0 */
export function weekHour(ms: number): number {
  const day = (Math.floor(ms / DAY_MS) + 3) % 7;
  const hour = Math.floor((ms % DAY_MS) / HOUR_MS);
  return day * 24 + hour;
}

export interface StepFacts {
  process: number;
  activity: number;
  count: number;
  failures: number;
  human: SampleStats;
  bot: SampleStats;
  waiting: SampleStats;
  /** `${day}|${chain}` (the day the task ended, since 1970; the chain: activity ids joined by ',', '' = nothing follows) → count, for tasks that did not fail */
  chains: Map<string, number>;
  /** the same for failed tasks: what the case did after a failure */
  failedChains: Map<string, number>;
  /** parent activity id (-1: the case's start) → count */
  parents: Map<number, number>;
}

export interface ProcessFacts {
  cases: number;
  /** arrivals per hour since 1970 (for profiles and surges; one entry per hour of the log's period) */
  arrivalsByHour: Map<number, number>;
  firstArrival: number;
  lastArrival: number;
  lastEnd: number;
  cycle: SampleStats;
  startChains: Map<string, number>;
  /** arrivals in ms, kept only when asked (for a replay CSV) */
  arrivals: number[] | null;
}

export interface ResourceFacts {
  tasks: number;
  failed: number;
  busySeconds: number;
  /** task count per activity id */
  byActivity: Map<number, number>;
  /** task starts per quarter hour of the week (Monday 00:00 first) */
  startsByWeekQuarter: Float64Array;
  /** bots only: task starts per hour since 1970 (for outages) */
  startsByHour: Map<number, number> | null;
  isBot: boolean;
}

export interface PairFacts {
  together: number;
  concurrent: number;
}

export interface LogProfileOptions {
  /** resources whose name matches are bots */
  bots: RegExp;
  /** keep every arrival time (for --replay) */
  keepArrivals?: boolean;
}

export class LogProfile {
  readonly steps = new Map<number, StepFacts>(); // key: process * 65536 + activity
  readonly processes = new Map<number, ProcessFacts>();
  readonly resources = new Map<number, ResourceFacts>();
  /** key `${process}:${a}:${b}` with a < b: cases where both occur once, and where they overlap or share a cause */
  readonly pairs = new Map<string, PairFacts>();
  firstTime = Infinity;
  lastTime = -Infinity;
  events = 0;

  constructor(
    readonly table: CaseTable,
    private readonly options: LogProfileOptions,
  ) {}

  step(process: number, activity: number): StepFacts {
    const key = process * 65536 + activity;
    let s = this.steps.get(key);
    if (!s) {
      s = {
        process,
        activity,
        count: 0,
        failures: 0,
        human: new SampleStats(key + 1),
        bot: new SampleStats(key + 2),
        waiting: new SampleStats(key + 3),
        chains: new Map(),
        failedChains: new Map(),
        parents: new Map(),
      };
      this.steps.set(key, s);
    }
    return s;
  }

  private resource(r: number): ResourceFacts {
    let f = this.resources.get(r);
    if (!f) {
      f = {
        tasks: 0,
        failed: 0,
        busySeconds: 0,
        byActivity: new Map(),
        startsByWeekQuarter: new Float64Array(672),
        startsByHour: null,
        isBot: this.options.bots.test(this.table.resources.list[r]),
      };
      if (f.isBot) f.startsByHour = new Map();
      this.resources.set(r, f);
    }
    return f;
  }

  private processFacts(p: number): ProcessFacts {
    let f = this.processes.get(p);
    if (!f) {
      f = {
        cases: 0,
        arrivalsByHour: new Map(),
        firstArrival: Infinity,
        lastArrival: -Infinity,
        lastEnd: -Infinity,
        cycle: new SampleStats(p + 7),
        startChains: new Map(),
        arrivals: this.options.keepArrivals ? [] : null,
      };
      this.processes.set(p, f);
    }
    return f;
  }

  addCase(c: CompactCase): void {
    const t = c.tasks;
    const n = t.length / STRIDE;
    if (!n) return;
    const act = (i: number) => t[i * STRIDE];
    const res = (i: number) => t[i * STRIDE + 1];
    const start = (i: number) => t[i * STRIDE + 2];
    const end = (i: number) => t[i * STRIDE + 3];
    const rawEnable = (i: number) => t[i * STRIDE + 4];
    const hasEnable = this.table.hasEnable;
    const enable = (i: number) => (hasEnable && !Number.isNaN(rawEnable(i)) ? rawEnable(i) : start(i));
    // tasks in order of enabling (then start, then end)
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => enable(a) - enable(b) || start(a) - start(b) || end(a) - end(b) || a - b);
    const arrival = enable(order[0]);
    let caseEnd = -Infinity;
    for (let i = 0; i < n; i++) caseEnd = Math.max(caseEnd, end(i));
    this.events += n;
    this.firstTime = Math.min(this.firstTime, arrival);
    this.lastTime = Math.max(this.lastTime, caseEnd);

    const pf = this.processFacts(c.process);
    pf.cases++;
    bump(pf.arrivalsByHour, Math.floor(arrival / HOUR_MS));
    pf.firstArrival = Math.min(pf.firstArrival, arrival);
    pf.lastArrival = Math.max(pf.lastArrival, arrival);
    pf.lastEnd = Math.max(pf.lastEnd, caseEnd);
    pf.cycle.add((caseEnd - arrival) / MS);
    pf.arrivals?.push(arrival);
    bump(pf.startChains, chainKey(order.slice(0, CHAIN).map(act)));

    // the cause of each task: the task that ended last at or before its enabling
    const parent = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      let best = -1;
      for (let j = 0; j < n; j++) {
        if (j === i || end(j) > enable(i) + 1) continue;
        if (j !== i && enable(j) > enable(i) + 1) continue;
        if (best < 0 || end(j) > end(best) || (end(j) === end(best) && j > best)) best = j;
      }
      parent[i] = best;
    }
    // a bot's task followed (as its cause) by a person doing the same activity failed, even without an outcome column
    const failed = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (t[i * STRIDE + 5]) failed[i] = 1;
      const p = parent[i];
      if (p >= 0 && act(p) === act(i) && this.resource(res(p)).isBot && !this.resource(res(i)).isBot) failed[p] = 1;
    }

    const occurrences = new Map<number, number>();
    for (let i = 0; i < n; i++) occurrences.set(act(i), (occurrences.get(act(i)) ?? 0) + 1);

    for (let k = 0; k < n; k++) {
      const i = order[k];
      const s = this.step(c.process, act(i));
      s.count++;
      const d = (end(i) - start(i)) / MS;
      const rf = this.resource(res(i));
      (rf.isBot ? s.bot : s.human).add(d);
      const ready = hasEnable && !Number.isNaN(rawEnable(i)) ? rawEnable(i) : parent[i] >= 0 ? end(parent[i]) : arrival;
      s.waiting.add(Math.max(0, (start(i) - ready) / MS));
      bump(s.parents, parent[i] >= 0 ? act(parent[i]) : -1);
      // what followed: the tasks enabled once this one ended, in order
      const next: number[] = [];
      for (let m = 0; m < n && next.length < CHAIN; m++) {
        const j = order[m];
        if (j !== i && enable(j) >= end(i) - 1) next.push(act(j));
      }
      if (failed[i]) {
        s.failures++;
        bump(s.failedChains, chainKey(next));
      } else bump(s.chains, `${Math.floor(end(i) / DAY_MS)}|${chainKey(next)}`);
      rf.tasks++;
      if (failed[i]) rf.failed++;
      rf.busySeconds += d;
      rf.byActivity.set(act(i), (rf.byActivity.get(act(i)) ?? 0) + 1);
      if (rf.startsByHour) bump(rf.startsByHour, Math.floor(start(i) / HOUR_MS));
      rf.startsByWeekQuarter[weekHour(start(i)) * 4 + Math.floor((start(i) % HOUR_MS) / 900_000)]++;
    }

    // concurrency evidence, for activities that occur once in the case
    const once = order.filter((i) => occurrences.get(act(i)) === 1);
    for (let x = 0; x < once.length; x++) {
      for (let y = x + 1; y < once.length; y++) {
        const i = once[x],
          j = once[y];
        const a = Math.min(act(i), act(j)),
          b = Math.max(act(i), act(j));
        const key = `${c.process}:${a}:${b}`;
        let f = this.pairs.get(key);
        if (!f) {
          f = { together: 0, concurrent: 0 };
          this.pairs.set(key, f);
        }
        f.together++;
        const overlap = start(i) < end(j) && start(j) < end(i);
        const sameCause = parent[i] === parent[j] && (parent[i] >= 0 || Math.abs(enable(i) - enable(j)) <= 1);
        if (overlap || sameCause) f.concurrent++;
      }
    }
  }
}

export function chainKey(activities: number[]): string {
  return activities.join(',');
}

export function parseChain(key: string): number[] {
  return key ? key.split(',').map(Number) : [];
}

function bump<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

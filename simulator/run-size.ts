/**
 * How big a run will be, estimated from the scenario before it starts: events,
 * time-series samples, event-log bytes and memory. The CLI refuses a run whose
 * memory cannot fit (unless --force) and warns above documented thresholds
 * (docs/scenario.md, "How big a run is"). Estimates, not bounds: within a
 * factor of a few, which is what telling 1 GB from 1 TB needs. Pure.
 *
 * ```ts
 * const size = estimateRunSize(scenario, { replications: 8, threads: 2, eventLog: true });
 * if (size.memoryBytes > heapLimit) refuse(describeRunSize(size));
 * ```
 */
import type { Scenario } from '../model/scenario.js';
import { meanStepDuration } from './case-attributes.js';
import { DAY, WEEK } from '../model/units.js';

export interface RunSizeOptions {
  replications: number;
  /** replications running at the same time */
  threads: number;
  eventLog: boolean;
}

export interface RunSize {
  /** arrivals over the horizon, per replication */
  cases: number;
  /** tasks (step visits) per replication */
  tasks: number;
  /** engine events over all replications */
  events: number;
  /** time-series samples per replication */
  samples: number;
  /** values per sample */
  seriesPerSample: number;
  /** units of every pool (unit board slots) */
  units: number;
  /** tasks waiting at the horizon when demand exceeds capacity, per replication */
  backlogAtEnd: number;
  eventLogBytes: number;
  memoryBytes: number;
}

/** Bytes of one kept time-series value (a JS number in an array, with growth slack). */
const BYTES_PER_SAMPLE_VALUE = 12;
/** Bytes of one unit slot on the board (typed arrays, names, per-unit state). */
const BYTES_PER_UNIT = 120;
/** Bytes of one waiting task (task object, case object, queue slot). */
const BYTES_PER_WAITING_TASK = 260;
/** Bytes of one event-log line (CSV: ids, four timestamps, outcome). */
const BYTES_PER_LOG_LINE = 150;
/** Engine events per task: enqueue/arrival, done, and a share of epochs and samples. */
const EVENTS_PER_TASK = 2.2;
/** The engine's own working set (calendar, queues, stats) before any of the above. */
const BASE_BYTES = 40e6;

/** Expected visits of each step per case: the branch, parallel and bot-failure probabilities iterated to a fixpoint. */
export function expectedVisits(scenario: Scenario, process: number): number[] {
  const proc = scenario.processes[process];
  const n = proc.steps.length;
  const failureOf = (skill: number) => {
    // a task of this skill fails with the failure rate of the bots that can do it, when only bots can
    const pools = scenario.pools.filter((p) => p.skills.includes(skill) && p.size > 0);
    if (pools.length === 0 || pools.some((p) => p.kind === 'human')) return 0;
    return Math.min(0.999, Math.max(...pools.map((p) => p.failureRate)));
  };
  const visits = new Array<number>(n).fill(0);
  let flow = new Array<number>(n).fill(0);
  flow[proc.start] = 1;
  for (let round = 0; round < 2000; round++) {
    const next = new Array<number>(n).fill(0);
    let moving = 0;
    for (let i = 0; i < n; i++) {
      const f = flow[i];
      if (f < 1e-12) continue;
      visits[i] += f;
      moving += f;
      const s = proc.steps[i];
      const fail = failureOf(s.skill);
      next[s.onBotFailure >= 0 ? s.onBotFailure : i] += f * fail;
      const ok = f * (1 - fail);
      const nx = s.next;
      if (nx.kind === 'step') next[nx.step] += ok;
      else if (nx.kind === 'branch')
        nx.to.forEach((t, k) => {
          if (t >= 0) next[t] += ok * (nx.cumulative[k] - (k > 0 ? nx.cumulative[k - 1] : 0));
        });
      else if (nx.kind === 'parallel') {
        for (const b of nx.branches) next[b] += ok;
        next[nx.join] += 0;
      }
    }
    // a parallel's join is visited once per split: credit it when its branches were entered
    flow = next;
    if (moving < 1e-9) break;
  }
  for (const s of proc.steps) if (s.next.kind === 'parallel') visits[s.next.join] += visits[s.index];
  return visits;
}

function arrivalsPerSecond(scenario: Scenario): number[] {
  const rates = scenario.processes.map(() => 0);
  for (const d of scenario.demand) {
    if (d.kind === 'poisson') {
      const hour = d.hourOfDay.length ? d.hourOfDay.reduce((a, b) => a + b, 0) / d.hourOfDay.length : 1;
      const day = d.dayOfWeek.length ? d.dayOfWeek.reduce((a, b) => a + b, 0) / d.dayOfWeek.length : 1;
      rates[d.process] += d.rate * hour * day;
    } else {
      rates[d.process] += d.times.length / Math.max(1, scenario.horizon);
    }
  }
  return rates;
}

/** Unit-seconds of duty per second of each pool (shifts averaged over a week). */
function dutyShare(pool: Scenario['pools'][number]): number {
  if (!pool.shifts) return 1;
  let on = 0;
  for (const s of pool.shifts) on += s.days.length * (s.to > s.from ? s.to - s.from : DAY - s.from + s.to);
  return Math.min(1, on / WEEK);
}

export function estimateRunSize(scenario: Scenario, options: RunSizeOptions): RunSize {
  const rates = arrivalsPerSecond(scenario);
  const totalRate = rates.reduce((a, b) => a + b, 0);
  // with `cases: N`, arrivals go on until the N-th after the warm-up, whatever the horizon
  const horizon = scenario.cases !== undefined && totalRate > 0 ? scenario.warmup + scenario.cases / totalRate : scenario.horizon;
  let cases = 0,
    tasks = 0,
    workSeconds = 0;
  scenario.processes.forEach((proc, i) => {
    const visits = expectedVisits(scenario, i);
    const perCase = visits.reduce((a, b, k) => a + (proc.steps[k].gateway ? 0 : b), 0); // a gateway step is no task
    const n = rates[i] * horizon;
    cases += n;
    tasks += n * perCase;
    proc.steps.forEach((s, k) => {
      const bots = scenario.pools.some((p) => p.kind === 'bot' && p.skills.includes(s.skill) && p.size > 0);
      workSeconds += n * visits[k] * meanStepDuration(proc, s, bots, scenario.seed);
    });
  });
  const units = scenario.pools.reduce((a, p) => a + p.size, 0);
  const capacitySeconds = scenario.pools.reduce((a, p) => a + p.size * dutyShare(p), 0) * horizon;
  const meanTask = tasks > 0 ? workSeconds / tasks : 0;
  const backlogAtEnd = workSeconds > capacitySeconds && meanTask > 0 ? (workSeconds - capacitySeconds) / meanTask : 0;
  const samples = scenario.sampleEvery > 0 ? Math.floor(Math.max(0, horizon - scenario.warmup) / scenario.sampleEvery) + 1 : 0;
  const seriesPerSample = 6 + scenario.skills.length + scenario.processes.length + scenario.pools.length;
  const running = Math.max(1, Math.min(options.threads, options.replications));
  const perReplication = BASE_BYTES + units * BYTES_PER_UNIT + backlogAtEnd * BYTES_PER_WAITING_TASK;
  // every replication's time series is kept until the summary; the engine's working set once per running thread
  const memoryBytes = running * perReplication + options.replications * samples * seriesPerSample * BYTES_PER_SAMPLE_VALUE;
  return {
    cases,
    tasks,
    events: options.replications * (tasks * EVENTS_PER_TASK + samples + cases),
    samples,
    seriesPerSample,
    units,
    backlogAtEnd,
    eventLogBytes: options.eventLog ? options.replications * tasks * BYTES_PER_LOG_LINE : 0,
    memoryBytes,
  };
}

const scaled = (x: number): string =>
  x >= 1e12
    ? `${(x / 1e12).toFixed(1)} T`
    : x >= 1e9
      ? `${(x / 1e9).toFixed(1)} G`
      : x >= 1e6
        ? `${(x / 1e6).toFixed(1)} M`
        : x >= 1e3
          ? `${(x / 1e3).toFixed(1)} k`
          : `${Math.round(x)} `;
const count = (x: number, what: string) => `${scaled(x).replace(/ $/, '')} ${what}`.replace(/(\d) ([kMGT]) /, '$1$2 ');
const bytes = (x: number) => `${scaled(x)}B`;

/** "~4.2G events, 1.3M samples per replication, ~120.0 MB of memory, ~3.1 GB of event log" */
export function describeRunSize(size: RunSize): string {
  const parts = [`~${count(size.events, 'events')}`, `${count(size.samples, 'samples')} per replication`, `~${bytes(size.memoryBytes)} of memory`];
  if (size.backlogAtEnd >= 1) parts.push(`demand above capacity: ~${count(size.backlogAtEnd, 'tasks')} waiting at the horizon`);
  if (size.eventLogBytes > 0) parts.push(`~${bytes(size.eventLogBytes)} of event log`);
  return parts.join(', ');
}

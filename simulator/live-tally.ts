/**
 * The live run's events, deduplicated by id, and the figures, time series
 * and result document made from them: what the collector (workers/collector.ts)
 * keeps of a run on Kafka and Temporal. Pure: it is given events.
 *
 * Figures follow the `sim` definitions and are computed by the same function
 * (simulator/figures.ts `figuresOf`): cases that arrived after the warm-up;
 * completed = done by the horizon; wait = time between a task's request and
 * its grant, summed per case; service = the drawn duration; pool busy hours =
 * service of tasks started after the warm-up, a preempted task's work put on
 * the pool and in the interval of each stretch that did it (`workStretches`),
 * as the engine's busy units count it; available and rostered hours
 * from the scenario's calendars, absences and disruptions (as the engine
 * counts them), so utilisation and cost mean the same in both runtimes.
 *
 * ```ts
 * const tally = new LiveTally(scenario);
 * tally.add(parseEvent(message.value));      // false: a duplicate
 * const doc = tally.document(policy.name);   // as `autoshift run --json`, with runtime: 'live'
 * ```
 */
import type { Scenario } from '../model/scenario.js';
import type { AnyEvent, CaseCompletedEvent, TaskFinishedEvent, TaskUnservedEvent } from '../protocol/topics.js';
import { EventType } from '../protocol/topics.js';
import { figuresOf, type ProcessMeasures, type ReplicationFigures, type StepMeasures, type TimeSeries } from './figures.js';
import { addResilience } from './resilience.js';
import { liveTimeSeries, LiveSeriesAccumulator } from './live-timeseries.js';
import { RecentIds } from './recent-ids.js';
import { summarize, type ResultDocument } from './summarize.js';
import { QuantileSketch } from './quantile-sketch.js';
import { capacityHours } from './capacity.js';
import { replicationSeed } from './random.js';
import { queueingFeatures } from '../model/compile-queueing.js';
import { noQueueingMeasures } from './queueing-figures.js';

/**
 * A finished task's work, stretch by stretch, on the pool that did it: a preempted task's stretches
 * before each interruption (`stretches`), then its last one from `start` (the rest of its service); any
 * other task, its service from `start`.
 */
export function workStretches(t: Pick<TaskFinishedEvent, 'pool' | 'start' | 'service' | 'stretches'>): { pool: string; start: number; service: number }[] {
  if (!t.stretches || t.stretches.length === 0) return [{ pool: t.pool, start: t.start, service: t.service }];
  const before = t.stretches.map((s) => ({ pool: s.pool, start: s.start, service: s.end - s.start }));
  const done = before.reduce((n, s) => n + s.service, 0);
  return [...before, { pool: t.pool, start: t.start, service: t.service - done }];
}

/** Ids remembered per kind when a tally keeps no records: far more than Kafka redelivers after a rebalance. */
const RECENT = 200_000;

/**
 * The run's events, deduplicated by id. With `retain` (the default) it keeps
 * every demand, task and case record, for the result document at the end of
 * a run. Without, as in the long-running `autoshift allocator` service, it
 * keeps counts, the most recent ids, and the time series built item by item
 * (simulator/live-timeseries.ts LiveSeriesAccumulator: the samples and the
 * tasks and cases still open), so its memory does not grow with the run's
 * records; `timeseries` (hence the resilience gauges) still works, `figures`
 * and `document` are then unavailable.
 */
export class LiveTally {
  readonly demand = new Map<string, number>(); // demand id → arrival
  readonly arrivedBy: Map<string, number>[];
  readonly cases = new Map<string, CaseCompletedEvent>();
  readonly tasks = new Map<string, TaskFinishedEvent>();
  /** tasks not served (abandoned, blocked), by task id */
  readonly unserved = new Map<string, TaskUnservedEvent>();
  /** task id → when it asked for a unit, on which queue, and when it started (Infinity: waiting); its case, process and step */
  readonly requested = new Map<string, { at: number; skill: number; start: number; caseId: string; process: number; step: number }>();
  /** cases past their due date */
  readonly breached: Set<string> | RecentIds;
  events = 0;
  /** largest simulated time seen in any event */
  latest = 0;
  readonly retain: boolean;
  private readonly recent: { demand: RecentIds; cases: RecentIds; tasks: RecentIds } | null;
  /** without records: the series so far, and what is still open (waiting tasks; cases in progress, or completed before their demand was read) */
  private readonly running: {
    series: LiveSeriesAccumulator;
    waits: Map<string, { at: number; skill: number }>;
    started: RecentIds;
    cases: Map<string, { process: number; arrival: number }>;
    early: Map<string, CaseCompletedEvent>;
  } | null;
  private readonly count = { arrived: 0, completed: 0, tasks: 0 };
  /** pool id → index, process id → index */
  private readonly poolIndex: Map<string, number>;
  private readonly processIndex: Map<string, number>;

  constructor(
    readonly scenario: Scenario,
    options: { retain?: boolean } = {},
  ) {
    this.retain = options.retain ?? true;
    this.poolIndex = new Map(scenario.pools.map((p) => [p.id, p.index]));
    this.processIndex = new Map(scenario.processes.map((p) => [p.id, p.index]));
    this.arrivedBy = scenario.processes.map(() => new Map());
    this.recent = this.retain ? null : { demand: new RecentIds(RECENT), cases: new RecentIds(RECENT), tasks: new RecentIds(RECENT) };
    this.breached = this.retain ? new Set() : new RecentIds(RECENT);
    this.running = this.retain
      ? null
      : { series: new LiveSeriesAccumulator(scenario), waits: new Map(), started: new RecentIds(RECENT), cases: new Map(), early: new Map() };
  }

  /** Distinct demand events, completed cases and finished tasks seen so far. */
  counts(): { arrived: number; completed: number; tasks: number } {
    return { ...this.count };
  }

  /** Whether a case-completed event (a completion, or a case ended otherwise) was seen for the case; without records, among the most recent ones. */
  closed(caseId: string): boolean {
    return this.recent ? this.recent.cases.has(caseId) : this.cases.has(caseId);
  }

  /** Records the event; false if it is one already recorded (a redelivery or a retried publish). */
  add(ev: AnyEvent): boolean {
    this.events++;
    const fresh = this.isNew(ev);
    if (fresh) {
      if (ev.type === EventType.demand) this.count.arrived++;
      else if (ev.type === EventType.caseCompleted) this.count.completed++;
      else if (ev.type === EventType.taskDone || ev.type === EventType.taskFailed) this.count.tasks++;
      else if (ev.type === EventType.slaBreached) this.breached.add(ev.caseId);
    }
    if (this.retain) this.keep(ev);
    else if (fresh) this.accumulate(ev);
    return fresh;
  }

  private isNew(ev: AnyEvent): boolean {
    const r = this.recent;
    switch (ev.type) {
      case EventType.demand:
        return r ? r.demand.add(ev.id) : !this.demand.has(ev.id);
      case EventType.caseCompleted:
        return r ? r.cases.add(ev.caseId) : !this.cases.has(ev.caseId);
      case EventType.taskDone:
      case EventType.taskFailed:
        return r ? r.tasks.add(ev.taskId) : !this.tasks.has(ev.taskId);
      case EventType.taskAbandoned:
      case EventType.taskBlocked:
        return r ? r.tasks.add(ev.taskId) : !this.unserved.has(ev.taskId);
      case EventType.slaBreached:
        return !this.breached.has(ev.caseId);
      default:
        return true;
    }
  }

  private keep(ev: AnyEvent): void {
    switch (ev.type) {
      case EventType.demand: {
        this.demand.set(ev.id, ev.at);
        const p = this.processIndex.get(ev.process);
        if (p !== undefined) this.arrivedBy[p].set(ev.id, ev.at);
        this.latest = Math.max(this.latest, ev.at);
        break;
      }
      case EventType.taskRequested:
        if (!this.requested.has(ev.taskId)) {
          this.requested.set(ev.taskId, { at: ev.at, skill: ev.skill, start: Infinity, caseId: ev.caseId, process: ev.processIndex, step: ev.step });
        }
        break;
      case EventType.taskAbandoned:
      case EventType.taskBlocked:
        this.unserved.set(ev.taskId, ev);
        // it waits no more: its wait ends when it left
        this.started(ev.taskId, ev.at);
        this.latest = Math.max(this.latest, ev.at);
        break;
      case EventType.taskStarted:
        this.started(ev.taskId, ev.at);
        break;
      case EventType.taskDone:
      case EventType.taskFailed:
        this.tasks.set(ev.taskId, ev);
        this.started(ev.taskId, ev.start);
        this.latest = Math.max(this.latest, ev.end);
        break;
      case EventType.caseCompleted:
        this.cases.set(ev.caseId, ev);
        this.latest = Math.max(this.latest, ev.end);
        break;
      default:
        break;
    }
  }

  /** Without records: adds each task and case to the series once it is known whole, keeps the open ones. */
  private accumulate(ev: AnyEvent): void {
    const r = this.running!;
    const start = (taskId: string, at: number) => {
      if (!r.started.add(taskId)) return;
      const w = r.waits.get(taskId);
      if (w) {
        r.series.addWait(w.at, w.skill, at);
        r.waits.delete(taskId);
      }
    };
    switch (ev.type) {
      case EventType.demand: {
        const p = this.processIndex.get(ev.process);
        this.latest = Math.max(this.latest, ev.at);
        if (p === undefined) break;
        const done = r.early.get(ev.id);
        if (done) {
          r.early.delete(ev.id);
          r.series.addCase(p, ev.at, done.end, done.counted, done.slaMet, undefined, done.outcome !== undefined);
        } else r.cases.set(ev.id, { process: p, arrival: ev.at });
        break;
      }
      case EventType.taskRequested:
        if (!r.started.has(ev.taskId) && !r.waits.has(ev.taskId)) r.waits.set(ev.taskId, { at: ev.at, skill: ev.skill });
        break;
      case EventType.taskStarted:
        start(ev.taskId, ev.at);
        break;
      // a task not served waits no more from when it left
      case EventType.taskAbandoned:
      case EventType.taskBlocked:
        start(ev.taskId, ev.at);
        this.latest = Math.max(this.latest, ev.at);
        break;
      case EventType.taskDone:
      case EventType.taskFailed: {
        start(ev.taskId, ev.start);
        for (const w of workStretches(ev)) {
          const pool = this.poolIndex.get(w.pool);
          if (pool !== undefined) r.series.addWork(pool, w.start, w.service);
        }
        this.latest = Math.max(this.latest, ev.end);
        break;
      }
      case EventType.caseCompleted: {
        const c = r.cases.get(ev.caseId);
        if (c) {
          r.cases.delete(ev.caseId);
          r.series.addCase(c.process, c.arrival, ev.end, ev.counted, ev.slaMet, undefined, ev.outcome !== undefined);
        } else if (this.processIndex.has(ev.process)) r.early.set(ev.caseId, ev);
        this.latest = Math.max(this.latest, ev.end);
        break;
      }
      default:
        break;
    }
  }

  private started(taskId: string, at: number): void {
    const r = this.requested.get(taskId);
    if (r) r.start = Math.min(r.start, at);
  }

  /** The run's time series up to `until`, sampled as `sim` samples it (simulator/live-timeseries.ts). */
  timeseries(until = this.scenario.horizon): TimeSeries {
    const s = this.scenario;
    const r = this.running;
    if (r) {
      return r.series.series(Math.min(until, s.horizon), (p, from, to) => capacityHours(s, p, from, to), { waits: r.waits.values(), cases: r.cases.values() });
    }
    const poolIndex = this.poolIndex;
    const work = [...this.tasks.values()].flatMap(workStretches).filter((w) => poolIndex.has(w.pool));
    const cases = this.arrivedBy.flatMap((m, process) =>
      [...m].map(([id, arrival]) => {
        const c = this.cases.get(id);
        return {
          process,
          arrival,
          end: c ? c.end : Infinity,
          counted: c ? c.counted : arrival >= s.warmup,
          slaMet: c ? c.slaMet : false,
          unserved: c?.outcome !== undefined,
        };
      }),
    );
    return liveTimeSeries(
      s,
      {
        waits: this.requested.values(),
        work: work.map((w) => ({ pool: poolIndex.get(w.pool)!, start: w.start, service: w.service })),
        cases,
        capacity: (p, from, to) => capacityHours(s, p, from, to),
      },
      until,
    );
  }

  /** The figures of the run up to simulated time `until` (default: the horizon). */
  figures(until = this.scenario.horizon): ReplicationFigures {
    if (!this.retain) throw new Error('this tally keeps no records (retain: false): it has counts, not figures');
    const s = this.scenario;
    const warm = s.warmup;
    const processes: ProcessMeasures[] = s.processes.map(() => ({
      arrived: 0,
      completed: 0,
      openAtEnd: 0,
      openAgeSum: 0,
      waitSum: 0,
      criticalWaitSum: 0,
      cycleSum: 0,
      cycles: new QuantileSketch(),
      slaMet: 0,
      costSum: 0,
      tasks: 0,
      botTasks: 0,
      wipArea: 0,
    }));
    const features = queueingFeatures(s);
    const queueing = features.abandonment || features.finiteQueues;
    if (queueing) for (const m of processes) m.queueing = noQueueingMeasures();
    for (const c of this.cases.values()) {
      if (!c.counted || c.end > until) continue;
      const m = processes[c.processIndex];
      if (c.outcome) {
        // ended abandoned or lost: not a completed case
        if (c.outcome === 'abandoned') m.queueing!.casesAbandoned++;
        else m.queueing!.casesLost++;
        continue;
      }
      const cycle = c.end - c.arrival;
      m.completed++;
      m.waitSum += c.wait;
      m.criticalWaitSum += c.criticalWait ?? c.wait;
      m.cycleSum += cycle;
      m.costSum += c.cost;
      m.tasks += c.tasks;
      m.botTasks += c.botTasks;
      m.cycles.add(cycle);
      if (c.slaMet) m.slaMet++;
    }
    s.processes.forEach((_, i) => {
      const m = processes[i];
      for (const [id, at] of this.arrivedBy[i]) {
        const c = this.cases.get(id);
        const end = Math.min(until, c ? c.end : until);
        const from = Math.max(warm, at);
        if (end > from) m.wipArea += end - from;
        if (at >= warm && at <= until) {
          m.arrived++;
          if (!c || !(c.end <= until)) {
            m.openAtEnd++;
            m.openAgeSum += until - at;
          }
        }
      }
    });
    const steps: StepMeasures[][] = s.processes.map((p) => p.steps.map(() => ({ completed: 0, waitSum: 0, serviceSum: 0 })));
    const busy = s.pools.map(() => 0);
    for (const t of this.tasks.values()) {
      if (t.end > until) continue;
      if (t.counted) {
        const m = steps[t.processIndex][t.step];
        const waited = t.waited ?? t.start - t.enqueue; // a preempted task's waits, summed
        m.completed++;
        m.waitSum += waited;
        m.serviceSum += t.service;
        if (queueing && s.processes[t.processIndex].steps[t.step].patience) {
          const q = processes[t.processIndex].queueing!;
          q.served++;
          q.servedWaitSum += waited;
        }
      }
      for (const w of workStretches(t)) {
        const pool = this.poolIndex.get(w.pool);
        if (pool !== undefined && w.start >= warm) busy[pool] += w.service;
      }
    }
    if (queueing) this.unservedMeasures(processes, until);
    return figuresOf(s, {
      seed: replicationSeed(s.seed, 0),
      events: this.events,
      observed: until - warm,
      processes,
      steps,
      pools: s.pools.map((_, i) => ({ busy: busy[i], ...capacityHours(s, i, warm, until) })),
      timeseries: this.timeseries(until),
    });
  }

  /** Abandoned and blocked tasks, and tasks that came to a queue with a capacity, of counted cases (simulator/queueing-figures.ts). */
  private unservedMeasures(processes: ProcessMeasures[], until: number): void {
    const s = this.scenario;
    const capacity = s.queueCapacity ?? [];
    for (const u of this.unserved.values()) {
      if (!u.counted || u.at > until) continue;
      const q = processes[u.processIndex].queueing!;
      if (u.type === EventType.taskAbandoned) {
        q.abandoned++;
        q.abandonedWaitSum += u.at - u.enqueue;
      } else q.blocked++;
    }
    for (const r of this.requested.values()) {
      if (r.at > until || !((capacity[r.skill] ?? Infinity) < Infinity)) continue;
      const arrival = this.demand.get(r.caseId);
      if (arrival !== undefined && arrival >= s.warmup) processes[r.process].queueing!.offered++;
    }
  }

  /** The result document of `figures` (default: the run up to the horizon), as `autoshift run --json` gives it (with the time series when asked), plus `live`. */
  document(
    policyName: string,
    figures = this.figures(),
    live: Record<string, unknown> = {},
    withTimeseries = false,
  ): ResultDocument & { runtime: 'live'; live: Record<string, unknown> } {
    const doc = summarize(this.scenario, policyName, [figures], withTimeseries);
    addResilience(doc, this.scenario, [figures]);
    return { ...doc, runtime: 'live', live };
  }
}

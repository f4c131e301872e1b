/**
 * The live result: reads the run's demand, task and case events from Kafka
 * (duplicates dropped by id) and turns them into the same result document as
 * `autoshift run --json` (simulator/summarize.ts), with `runtime: "live"`.
 *
 * Figures follow the `sim` definitions: cases that arrived after the warm-up;
 * completed = done by the horizon; wait = time between a task's request and
 * its grant, summed per case; service = the drawn duration; pool busy hours =
 * service of tasks started after the warm-up; available and rostered hours
 * from the scenario's calendars, absences and disruptions (as the engine
 * counts them), so utilisation and cost mean the same in both runtimes.
 */
import type { Kafka, Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Scenario } from '../model/scenario.js';
import type { Metrics } from '../metrics/registry.js';
import type { ReplicationFigures, TimeSeries } from '../simulator/run-stats.js';
import { resilienceOf } from '../simulator/resilience.js';
import { watchConsumer } from './kafka.js';
import { liveTimeSeries } from './live-timeseries.js';
import { RecentIds } from './recent-ids.js';
import { summarize, type ResultDocument } from '../simulator/summarize.js';
import { CYCLE_QUANTILES, QuantileSketch } from '../simulator/quantile-sketch.js';
import { capacityHours } from '../simulator/capacity.js';
import { replicationSeed } from '../simulator/random.js';
import { EventType, parseEvent, topicNames, type AnyEvent, type CaseCompletedEvent, type TaskFinishedEvent } from '../protocol/topics.js';

export interface CollectorOptions {
  scenario: Scenario;
  kafka: Kafka;
  runId: string;
  logger: Logger;
  metrics?: Metrics;
  /** unique consumer group suffix (default: time-based) */
  instance?: string;
}

/** Ids remembered per kind when a tally keeps no records: far more than Kafka redelivers after a rebalance. */
const RECENT = 200_000;

/**
 * The run's events, deduplicated by id. With `retain` (the default) it keeps
 * every demand, task and case record, for the result document at the end of
 * a run. Without, as in the long-running `autoshift allocator` service, it
 * keeps counts and the most recent ids only, so its memory does not grow with
 * the run; `figures` and `document` are then unavailable.
 */
export class LiveTally {
  readonly demand = new Map<string, number>(); // demand id → arrival
  readonly arrivedBy: Map<string, number>[];
  readonly cases = new Map<string, CaseCompletedEvent>();
  readonly tasks = new Map<string, TaskFinishedEvent>();
  /** task id → when it asked for a unit, on which queue, and when it started (Infinity: waiting) */
  readonly requested = new Map<string, { at: number; skill: number; start: number }>();
  /** cases past their due date */
  readonly breached: Set<string> | RecentIds;
  events = 0;
  /** largest simulated time seen in any event */
  latest = 0;
  readonly retain: boolean;
  private readonly recent: { demand: RecentIds; cases: RecentIds; tasks: RecentIds } | null;
  private readonly count = { arrived: 0, completed: 0, tasks: 0 };
  /** pool id → index, process id → index */
  private readonly poolIndex: Map<string, number>;
  private readonly processIndex: Map<string, number>;

  constructor(readonly scenario: Scenario, options: { retain?: boolean } = {}) {
    this.retain = options.retain ?? true;
    this.poolIndex = new Map(scenario.pools.map((p) => [p.id, p.index]));
    this.processIndex = new Map(scenario.processes.map((p) => [p.id, p.index]));
    this.arrivedBy = scenario.processes.map(() => new Map());
    this.recent = this.retain ? null : { demand: new RecentIds(RECENT), cases: new RecentIds(RECENT), tasks: new RecentIds(RECENT) };
    this.breached = this.retain ? new Set() : new RecentIds(RECENT);
  }

  /** Distinct demand events, completed cases and finished tasks seen so far. */
  counts(): { arrived: number; completed: number; tasks: number } {
    return { ...this.count };
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
    return fresh;
  }

  private isNew(ev: AnyEvent): boolean {
    const r = this.recent;
    switch (ev.type) {
      case EventType.demand: return r ? r.demand.add(ev.id) : !this.demand.has(ev.id);
      case EventType.caseCompleted: return r ? r.cases.add(ev.caseId) : !this.cases.has(ev.caseId);
      case EventType.taskDone:
      case EventType.taskFailed: return r ? r.tasks.add(ev.taskId) : !this.tasks.has(ev.taskId);
      case EventType.slaBreached: return !this.breached.has(ev.caseId);
      default: return true;
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
        if (!this.requested.has(ev.taskId)) this.requested.set(ev.taskId, { at: ev.at, skill: ev.skill, start: Infinity });
        break;
      case EventType.taskStarted: this.started(ev.taskId, ev.at); break;
      case EventType.taskDone:
      case EventType.taskFailed:
        this.tasks.set(ev.taskId, ev); this.started(ev.taskId, ev.start);
        this.latest = Math.max(this.latest, ev.end);
        break;
      case EventType.caseCompleted: this.cases.set(ev.caseId, ev); this.latest = Math.max(this.latest, ev.end); break;
      default: break;
    }
  }

  private started(taskId: string, at: number): void {
    const r = this.requested.get(taskId);
    if (r) r.start = Math.min(r.start, at);
  }

  /** The run's time series up to `until`, sampled as `sim` samples it (workers/live-timeseries.ts). */
  timeseries(until = this.scenario.horizon): TimeSeries {
    const s = this.scenario;
    const poolIndex = this.poolIndex;
    const tasks = [...this.tasks.values()].filter((t) => poolIndex.has(t.pool));
    const cases = this.arrivedBy.flatMap((m, process) => [...m].map(([id, arrival]) => {
      const c = this.cases.get(id);
      return { process, arrival, end: c ? c.end : Infinity, counted: c ? c.counted : arrival >= s.warmup, slaMet: c ? c.slaMet : false };
    }));
    return liveTimeSeries(s, {
      waits: this.requested.values(),
      work: tasks.map((t) => ({ pool: poolIndex.get(t.pool)!, start: t.start, service: t.service })),
      cases,
      capacity: (p, from, to) => capacityHours(s, p, from, to),
    }, until);
  }

  /** The figures of the run up to simulated time `until` (default: the horizon). */
  figures(until = this.scenario.horizon): ReplicationFigures {
    if (!this.retain) throw new Error('this tally keeps no records (retain: false): it has counts, not figures');
    const s = this.scenario;
    const warm = s.warmup;
    const window = Math.max(1e-9, until - warm);
    const P = s.processes.length;
    const z = () => new Array(P).fill(0);
    const completed = z(), waitSum = z(), cycleSum = z(), met = z(), costSum = z(), tasks = z(), botTasks = z(), wipArea = z();
    const sketches = s.processes.map(() => new QuantileSketch());
    for (const c of this.cases.values()) {
      if (!c.counted || c.end > until) continue;
      const i = c.processIndex;
      const cycle = c.end - c.arrival;
      completed[i]++; waitSum[i] += c.wait; cycleSum[i] += cycle; costSum[i] += c.cost;
      tasks[i] += c.tasks; botTasks[i] += c.botTasks; sketches[i].add(cycle);
      if (c.slaMet) met[i]++;
    }
    s.processes.forEach((p, i) => {
      for (const [id, at] of this.arrivedBy[i]) {
        const c = this.cases.get(id);
        const end = Math.min(until, c ? c.end : until);
        const from = Math.max(warm, at);
        if (end > from) wipArea[i] += end - from;
      }
    });
    const processes: ReplicationFigures['processes'] = {};
    let completedAll = 0, metAll = 0;
    s.processes.forEach((p, i) => {
      const c = completed[i];
      completedAll += c; metAll += met[i];
      let arrived = 0;
      for (const at of this.arrivedBy[i].values()) if (at >= warm && at <= until) arrived++;
      processes[p.id] = {
        arrived, completed: c,
        waitMeanSeconds: c ? waitSum[i] / c : 0, cycleMeanSeconds: c ? cycleSum[i] / c : 0,
        cycleP95Seconds: sketches[i].quantile(0.95), slaAttainment: c ? met[i] / c : 0,
        costPerCase: c ? costSum[i] / c : 0, automationShare: tasks[i] ? botTasks[i] / tasks[i] : 0,
        wipMean: wipArea[i] / window, throughputPerHour: (c / window) * 3600,
      };
    });
    const steps: ReplicationFigures['steps'] = {};
    const stepAgg = new Map<string, { n: number; wait: number; service: number }>();
    for (const p of s.processes) for (const st of p.steps) stepAgg.set(st.key, { n: 0, wait: 0, service: 0 });
    const busy = s.pools.map(() => 0);
    for (const t of this.tasks.values()) {
      if (t.end > until) continue;
      const proc = s.processes[t.processIndex];
      if (t.counted) {
        const a = stepAgg.get(proc.steps[t.step].key)!;
        a.n++; a.wait += t.start - t.enqueue; a.service += t.service;
      }
      const pool = this.poolIndex.get(t.pool);
      if (pool !== undefined && t.start >= warm) busy[pool] += t.service;
    }
    for (const [key, a] of stepAgg) steps[key] = { completed: a.n, waitMeanSeconds: a.n ? a.wait / a.n : 0, serviceMeanSeconds: a.n ? a.service / a.n : 0 };
    const pools: ReplicationFigures['pools'] = {};
    let poolCost = 0;
    s.pools.forEach((pool, i) => {
      const { available, rostered } = capacityHours(s, i, warm, until);
      const cost = (rostered / 3600) * pool.costPerHour;
      poolCost += cost;
      pools[pool.id] = { utilization: available > 0 ? busy[i] / available : 0, cost, busyHours: busy[i] / 3600, availableHours: available / 3600 };
    });
    return {
      seed: replicationSeed(s.seed, 0), events: this.events, simulatedSeconds: window,
      processes, steps, pools,
      totals: { completed: completedAll, cost: poolCost, slaAttainment: completedAll ? metAll / completedAll : 0, costPerCase: completedAll ? poolCost / completedAll : 0 },
      cycleQuantiles: Object.fromEntries(s.processes.map((p, i) => [p.id, sketches[i].quantiles(CYCLE_QUANTILES)])),
      timeseries: this.timeseries(until),
    };
  }

  /** The result document of `figures` (default: the run up to the horizon), as `autoshift run --json` gives it (with the time series when asked), plus `live`. */
  document(
    policyName: string, figures = this.figures(), live: Record<string, unknown> = {}, withTimeseries = false,
  ): ResultDocument & { runtime: 'live'; live: Record<string, unknown> } {
    const doc = summarize(this.scenario, policyName, [figures], withTimeseries);
    doc.resilience = resilienceOf(this.scenario, [figures]);
    return { ...doc, runtime: 'live', live };
  }
}

export interface CollectorService {
  readonly tally: LiveTally;
  stop(): Promise<void>;
}

export interface CollectorRetention {
  /** keep every record for the result document (default); false: counts and recent ids only */
  retain?: boolean;
}

/** Follows the run's demand, tasks and cases topics into a LiveTally (and the outcome metrics). */
export async function startCollector(options: CollectorOptions & CollectorRetention): Promise<CollectorService> {
  const { scenario, kafka, runId, metrics } = options;
  const log = options.logger.child({ component: 'collector' });
  const topics = topicNames(runId);
  const tally = new LiveTally(scenario, { retain: options.retain });
  const consumer: Consumer = kafka.consumer({
    groupId: `autoshift.${runId}.collector.${options.instance ?? Date.now().toString(36)}`, maxWaitTimeInMs: 50, sessionTimeout: 15_000, heartbeatInterval: 1000,
  });
  watchConsumer(consumer, kafka, log, 'collector consumer');
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.demand, topics.tasks, topics.cases], fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    eachMessage: async ({ message }) => {
      let ev: AnyEvent;
      try { ev = parseEvent(message.value); } catch { return; } // intake dead-letters bad demand
      const fresh = tally.add(ev);
      if (metrics && fresh) {
        if (ev.type === EventType.caseCompleted) {
          metrics.casesCompleted.inc({ process: ev.process }); metrics.cycle.observe({ process: ev.process }, ev.end - ev.arrival);
          if (ev.slaMet) metrics.casesWithinSla.inc({ process: ev.process });
        }
        else if (ev.type === EventType.slaBreached) metrics.slaBreaches.inc({ process: ev.process });
        else if (ev.type === EventType.taskDone || ev.type === EventType.taskFailed) {
          metrics.tasksDone.inc({ pool: ev.pool, outcome: ev.type === EventType.taskDone ? 'done' : 'failed' });
          if (ev.type === EventType.taskFailed) metrics.escalations.inc({ pool: ev.pool, reason: ev.failure ?? 'bot-failure' });
        }
      }
    },
  });
  return {
    tally,
    async stop() {
      await consumer.disconnect().catch(() => undefined);
      log.info({ events: tally.events, ...tally.counts() }, 'collector stopped');
    },
  };
}

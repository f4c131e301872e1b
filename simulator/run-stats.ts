/**
 * The statistics of one replication, streamed: running sums per process, step
 * and pool, a quantile sketch of cycle times, and a time series sampled every
 * `sampleEvery`. Nothing here grows with the number of cases.
 */
import type { Scenario } from '../model/scenario.js';
import { CYCLE_QUANTILES, QuantileSketch } from './quantile-sketch.js';
import { TimeWeighted } from './time-weighted.js';
import type { CaseState, Engine } from './engine.js';

/** Plain-JSON figures of one replication (what a worker thread sends back). */
export interface ReplicationFigures {
  seed: number;
  events: number;
  simulatedSeconds: number;
  processes: Record<string, {
    arrived: number; completed: number; waitMeanSeconds: number; cycleMeanSeconds: number;
    cycleP95Seconds: number; slaAttainment: number; costPerCase: number; automationShare: number;
    wipMean: number; throughputPerHour: number;
  }>;
  steps: Record<string, { completed: number; waitMeanSeconds: number; serviceMeanSeconds: number }>;
  pools: Record<string, { utilization: number; cost: number; busyHours: number; availableHours: number }>;
  totals: { completed: number; cost: number; slaAttainment: number; costPerCase: number };
  /** per process, the cycle-time quantiles (seconds) at CYCLE_QUANTILES */
  cycleQuantiles?: Record<string, number[]>;
  timeseries: TimeSeries;
}

export interface TimeSeries {
  /** end of each sample interval, seconds from start */
  time: number[];
  /** tasks waiting in each queue at the sample instant */
  backlog: Record<string, number[]>;
  /** all tasks waiting, summed over queues */
  backlogTotal: number[];
  /** cases in progress per process */
  wip: Record<string, number[]>;
  /** busy share of available units over the interval, per pool (null when none available) */
  utilization: Record<string, (number | null)[]>;
  /** share of cases completed in the interval that met their SLA (null when none completed) */
  slaAttainment: (number | null)[];
  completed: number[];
  arrived: number[];
  /** cost of the interval: rostered unit-hours times cost per hour */
  cost: number[];
  /** cost of the work done in the interval: busy unit-hours times cost per hour */
  workCost: number[];
}

export class RunStats {
  readonly arrived: number[];
  private readonly completed: number[];
  private readonly waitSum: number[];
  private readonly cycleSum: number[];
  private readonly slaMet: number[];
  private readonly costSum: number[];
  private readonly tasks: number[];
  private readonly botTasks: number[];
  private readonly sketches: QuantileSketch[];
  private readonly stepOffset: number[];
  private readonly stepDone: Float64Array;
  private readonly stepWait: Float64Array;
  private readonly stepService: Float64Array;
  private readonly wip: TimeWeighted;
  private windowStart = 0;

  // interval counters for the time series
  private intervalCompleted = 0;
  private intervalMet = 0;
  private intervalArrivedBase = 0;
  private lastBusy: Float64Array;
  private lastAvail: Float64Array;
  private lastRoster: Float64Array;
  readonly series: TimeSeries;
  figures: ReplicationFigures | null = null;

  constructor(private readonly scenario: Scenario) {
    const P = scenario.processes.length;
    const zeros = () => new Array(P).fill(0);
    this.arrived = zeros(); this.completed = zeros(); this.waitSum = zeros(); this.cycleSum = zeros();
    this.slaMet = zeros(); this.costSum = zeros(); this.tasks = zeros(); this.botTasks = zeros();
    this.sketches = scenario.processes.map(() => new QuantileSketch());
    this.stepOffset = [];
    let n = 0;
    for (const p of scenario.processes) { this.stepOffset.push(n); n += p.steps.length; }
    this.stepDone = new Float64Array(n); this.stepWait = new Float64Array(n); this.stepService = new Float64Array(n);
    this.wip = new TimeWeighted(P);
    const pools = scenario.pools.length;
    this.lastBusy = new Float64Array(pools); this.lastAvail = new Float64Array(pools); this.lastRoster = new Float64Array(pools);
    this.windowStart = scenario.warmup;
    this.series = {
      time: [], backlog: Object.fromEntries(scenario.skills.map((s) => [s, []])), backlogTotal: [],
      wip: Object.fromEntries(scenario.processes.map((p) => [p.id, []])),
      utilization: Object.fromEntries(scenario.pools.map((p) => [p.id, []])),
      slaAttainment: [], completed: [], arrived: [], cost: [], workCost: [],
    };
  }

  wipChange(process: number, delta: number, now: number): void { this.wip.add(process, delta, now); }

  taskDone(process: number, step: number, service: number, wait: number): void {
    const i = this.stepOffset[process] + step;
    this.stepDone[i]++;
    this.stepService[i] += service;
    this.stepWait[i] += wait;
  }

  caseDone(kase: CaseState, now: number, sla: number): void {
    const p = kase.process;
    const cycle = now - kase.arrival;
    this.completed[p]++;
    this.cycleSum[p] += cycle;
    this.waitSum[p] += kase.wait;
    this.costSum[p] += kase.cost;
    this.tasks[p] += kase.tasks;
    this.botTasks[p] += kase.botTasks;
    this.sketches[p].add(cycle);
    this.intervalCompleted++;
    if (cycle <= sla) { this.slaMet[p]++; this.intervalMet++; }
  }

  disruptionEdge(_d: number, _begins: boolean, _now: number): void {
    // resilience is computed from the time series after the run
  }

  resetTimeWeighted(now: number): void {
    this.wip.reset(now);
    this.windowStart = now;
  }

  sample(engine: Engine): void {
    const now = engine.now;
    const s = this.scenario;
    const ts = this.series;
    ts.time.push(now);
    let total = 0;
    s.skills.forEach((skill, q) => { const w = engine.queues[q].size; ts.backlog[skill].push(w); total += w; });
    ts.backlogTotal.push(total);
    s.processes.forEach((p, i) => ts.wip[p.id].push(this.wip.value[i]));
    engine.busy.flush(now); engine.available.flush(now); engine.rostered.flush(now);
    let cost = 0, work = 0;
    s.pools.forEach((pool, i) => {
      const busy = engine.busy.integral[i] - this.lastBusy[i];
      const avail = engine.available.integral[i] - this.lastAvail[i];
      const roster = engine.rostered.integral[i] - this.lastRoster[i];
      ts.utilization[pool.id].push(avail > 1e-9 ? roundSample(busy / avail) : null);
      cost += (roster / 3600) * pool.costPerHour;
      work += (busy / 3600) * pool.costPerHour;
      this.lastBusy[i] = engine.busy.integral[i]; this.lastAvail[i] = engine.available.integral[i]; this.lastRoster[i] = engine.rostered.integral[i];
    });
    ts.cost.push(roundSample(cost));
    ts.workCost.push(roundSample(work));
    ts.slaAttainment.push(this.intervalCompleted > 0 ? roundSample(this.intervalMet / this.intervalCompleted) : null);
    ts.completed.push(this.intervalCompleted);
    const arrivedNow = this.arrived.reduce((a, b) => a + b, 0);
    ts.arrived.push(arrivedNow - this.intervalArrivedBase);
    this.intervalArrivedBase = arrivedNow;
    this.intervalCompleted = 0;
    this.intervalMet = 0;
  }

  finish(engine: Engine): void {
    const s = this.scenario;
    const now = engine.now;
    this.wip.flush(now);
    const window = Math.max(1e-9, now - this.windowStart);
    const processes: ReplicationFigures['processes'] = {};
    let completedAll = 0, metAll = 0;
    s.processes.forEach((p, i) => {
      const c = this.completed[i];
      completedAll += c; metAll += this.slaMet[i];
      processes[p.id] = {
        arrived: this.arrived[i], completed: c,
        waitMeanSeconds: c ? this.waitSum[i] / c : 0,
        cycleMeanSeconds: c ? this.cycleSum[i] / c : 0,
        cycleP95Seconds: this.sketches[i].quantile(0.95),
        slaAttainment: c ? this.slaMet[i] / c : 0,
        costPerCase: c ? this.costSum[i] / c : 0,
        automationShare: this.tasks[i] ? this.botTasks[i] / this.tasks[i] : 0,
        wipMean: this.wip.integral[i] / window,
        throughputPerHour: (c / window) * 3600,
      };
    });
    const steps: ReplicationFigures['steps'] = {};
    s.processes.forEach((p, i) => p.steps.forEach((st, j) => {
      const k = this.stepOffset[i] + j;
      const n = this.stepDone[k];
      steps[st.key] = { completed: n, waitMeanSeconds: n ? this.stepWait[k] / n : 0, serviceMeanSeconds: n ? this.stepService[k] / n : 0 };
    }));
    const pools: ReplicationFigures['pools'] = {};
    let poolCost = 0;
    s.pools.forEach((pool, i) => {
      const busy = engine.busy.integral[i];
      const avail = engine.available.integral[i];
      const cost = (engine.rostered.integral[i] / 3600) * pool.costPerHour;
      poolCost += cost;
      pools[pool.id] = { utilization: avail > 0 ? busy / avail : 0, cost, busyHours: busy / 3600, availableHours: avail / 3600 };
    });
    this.figures = {
      seed: 0, events: engine.events, simulatedSeconds: now - this.windowStart,
      processes, steps, pools,
      totals: {
        completed: completedAll, cost: poolCost,
        slaAttainment: completedAll ? metAll / completedAll : 0,
        costPerCase: completedAll ? poolCost / completedAll : 0,
      },
      cycleQuantiles: Object.fromEntries(s.processes.map((p, i) => [p.id, this.sketches[i].quantiles(CYCLE_QUANTILES)])),
      timeseries: this.series,
    };
  }
}

/** The precision of a sampled ratio or cost in the time series (six decimals), in both runtimes. */
export function roundSample(x: number): number { return Math.round(x * 1e6) / 1e6; }

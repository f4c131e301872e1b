/**
 * The statistics of one replication, streamed: running sums per process, step
 * and pool, a quantile sketch of cycle times, and a time series sampled every
 * `sampleEvery`. Nothing here grows with the number of cases. It reads the
 * unit board's measures (`BoardMeasures`) and is told of arrivals, tasks and
 * completed cases; the figures at the end are `figuresOf` (simulator/figures.ts),
 * the same formulas as the live runtime's.
 */
import { withinSla } from '../model/sla.js';
import type { Scenario } from '../model/scenario.js';
import { QuantileSketch } from './quantile-sketch.js';
import { TimeWeighted } from './time-weighted.js';
import { figuresOf, roundSample, type ReplicationFigures, type TimeSeries } from './figures.js';
import { QueueingTally } from './queueing-figures.js';
import { queueingFeatures } from '../model/compile-queueing.js';

/** What the statistics read of the unit board: queue lengths and the time-weighted unit counts per pool. */
export interface BoardMeasures {
  readonly queues: readonly { readonly size: number }[];
  readonly busy: TimeWeighted;
  readonly available: TimeWeighted;
  readonly rostered: TimeWeighted;
}

/** What the statistics read of a completed case. */
export interface CompletedCase {
  process: number;
  arrival: number;
  /** seconds waited for capacity, summed over its tasks */
  wait: number;
  cost: number;
  tasks: number;
  botTasks: number;
}

export class RunStats {
  readonly arrived: number[];
  /** per process: arrival times of counted cases, summed, less those completed (for the ages of the cases open at the end) */
  private readonly openArrivalSum: Float64Array;
  private readonly completed: number[];
  private readonly waitSum: Float64Array;
  /** per process: the waits on each completed case's critical path (the last path to reach each join) */
  private readonly criticalWaitSum: Float64Array;
  private readonly cycleSum: Float64Array;
  private readonly slaMet: number[];
  private readonly costSum: Float64Array;
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
  private intervalUnserved = 0;
  private lastBusy: Float64Array;
  private lastAvail: Float64Array;
  private lastRoster: Float64Array;
  readonly series: TimeSeries;
  figures: ReplicationFigures | null = null;
  /** abandonment and finite queues, for a scenario that uses them (null otherwise) */
  readonly queueing: QueueingTally | null;
  /** per process: counted cases that ended unserved (abandoned or lost) */
  private readonly unserved: number[];

  constructor(
    private readonly scenario: Scenario,
    private readonly board: BoardMeasures,
  ) {
    const P = scenario.processes.length;
    const zeros = () => new Array(P).fill(0);
    // counts in arrays of small integers, sums of seconds and money in Float64Arrays: a number[] of zeros starts as
    // small integers and turns into doubles on the first sum, so each run's arrays had another shape than the last
    // run's, and V8 threw away the code it had compiled for them at every replication (--trace-deopt: "wrong map")
    const sums = () => new Float64Array(P);
    this.arrived = zeros();
    this.openArrivalSum = sums();
    this.completed = zeros();
    this.waitSum = sums();
    this.criticalWaitSum = sums();
    this.cycleSum = sums();
    this.slaMet = zeros();
    this.costSum = sums();
    this.tasks = zeros();
    this.botTasks = zeros();
    this.sketches = scenario.processes.map(() => new QuantileSketch());
    this.stepOffset = [];
    let n = 0;
    for (const p of scenario.processes) {
      this.stepOffset.push(n);
      n += p.steps.length;
    }
    this.stepDone = new Float64Array(n);
    this.stepWait = new Float64Array(n);
    this.stepService = new Float64Array(n);
    this.wip = new TimeWeighted(P);
    const f = queueingFeatures(scenario);
    this.queueing = f.abandonment || f.finiteQueues ? new QueueingTally(P) : null;
    this.unserved = zeros();
    const pools = scenario.pools.length;
    this.lastBusy = new Float64Array(pools);
    this.lastAvail = new Float64Array(pools);
    this.lastRoster = new Float64Array(pools);
    this.windowStart = scenario.warmup;
    this.series = {
      time: [],
      backlog: Object.fromEntries(scenario.skills.map((s) => [s, []])),
      backlogTotal: [],
      wip: Object.fromEntries(scenario.processes.map((p) => [p.id, []])),
      utilization: Object.fromEntries(scenario.pools.map((p) => [p.id, []])),
      slaAttainment: [],
      completed: [],
      arrived: [],
      cost: [],
      workCost: [],
    };
    if (this.queueing) this.series.unserved = [];
  }

  wipChange(process: number, delta: number, now: number): void {
    this.wip.add(process, delta, now);
  }

  /** A counted case (one arriving after the warm-up) arrives at `now`. */
  caseArrived(process: number, now: number): void {
    this.arrived[process]++;
    this.openArrivalSum[process] += now;
  }

  taskDone(process: number, step: number, service: number, wait: number): void {
    const i = this.stepOffset[process] + step;
    this.stepDone[i]++;
    this.stepService[i] += service;
    this.stepWait[i] += wait;
  }

  caseDone(kase: CompletedCase, now: number, sla: number, criticalWait = kase.wait): void {
    const p = kase.process;
    const cycle = now - kase.arrival;
    this.completed[p]++;
    this.cycleSum[p] += cycle;
    this.waitSum[p] += kase.wait;
    this.criticalWaitSum[p] += criticalWait;
    this.openArrivalSum[p] -= kase.arrival;
    this.costSum[p] += kase.cost;
    this.tasks[p] += kase.tasks;
    this.botTasks[p] += kase.botTasks;
    this.sketches[p].add(cycle);
    this.intervalCompleted++;
    if (withinSla(cycle, sla)) {
      this.slaMet[p]++;
      this.intervalMet++;
    }
  }

  /** A counted case ended without being served: abandoned (outcome 1) or lost (2). */
  caseUnserved(process: number, arrival: number, outcome: number): void {
    this.unserved[process]++;
    this.intervalUnserved++;
    this.openArrivalSum[process] -= arrival;
    this.queueing?.caseEnded(process, outcome);
  }

  resetTimeWeighted(now: number): void {
    this.wip.reset(now);
    this.windowStart = now;
  }

  sample(now: number): void {
    const board = this.board;
    const s = this.scenario;
    const ts = this.series;
    ts.time.push(now);
    let total = 0;
    s.skills.forEach((skill, q) => {
      const w = board.queues[q].size;
      ts.backlog[skill].push(w);
      total += w;
    });
    ts.backlogTotal.push(total);
    s.processes.forEach((p, i) => ts.wip[p.id].push(this.wip.value[i]));
    board.busy.flush(now);
    board.available.flush(now);
    board.rostered.flush(now);
    let cost = 0,
      work = 0;
    s.pools.forEach((pool, i) => {
      const busy = board.busy.integral[i] - this.lastBusy[i];
      const avail = board.available.integral[i] - this.lastAvail[i];
      const roster = board.rostered.integral[i] - this.lastRoster[i];
      ts.utilization[pool.id].push(avail > 1e-9 ? roundSample(busy / avail) : null);
      cost += (roster / 3600) * pool.costPerHour;
      work += (busy / 3600) * pool.costPerHour;
      this.lastBusy[i] = board.busy.integral[i];
      this.lastAvail[i] = board.available.integral[i];
      this.lastRoster[i] = board.rostered.integral[i];
    });
    ts.cost.push(roundSample(cost));
    ts.workCost.push(roundSample(work));
    // a case that ended abandoned or lost is a miss (none in a scenario without patience or capacities)
    const judged = this.intervalCompleted + this.intervalUnserved;
    ts.slaAttainment.push(judged > 0 ? roundSample(this.intervalMet / judged) : null);
    ts.completed.push(this.intervalCompleted);
    if (ts.unserved) ts.unserved.push(this.intervalUnserved);
    this.intervalUnserved = 0;
    const arrivedNow = this.arrived.reduce((a, b) => a + b, 0);
    ts.arrived.push(arrivedNow - this.intervalArrivedBase);
    this.intervalArrivedBase = arrivedNow;
    this.intervalCompleted = 0;
    this.intervalMet = 0;
  }

  /** The figures at `now` (the horizon), after `events` events; the board's measures are flushed to `now`. */
  finish(now: number, events: number): ReplicationFigures {
    const s = this.scenario;
    const board = this.board;
    this.wip.flush(now);
    this.figures = figuresOf(s, {
      seed: 0,
      events,
      observed: now - this.windowStart,
      processes: s.processes.map((_, i) => ({
        arrived: this.arrived[i],
        completed: this.completed[i],
        waitSum: this.waitSum[i],
        criticalWaitSum: this.criticalWaitSum[i],
        cycleSum: this.cycleSum[i],
        cycles: this.sketches[i],
        slaMet: this.slaMet[i],
        costSum: this.costSum[i],
        tasks: this.tasks[i],
        botTasks: this.botTasks[i],
        wipArea: this.wip.integral[i],
        openAtEnd: this.arrived[i] - this.completed[i] - this.unserved[i],
        openAgeSum: (this.arrived[i] - this.completed[i] - this.unserved[i]) * now - this.openArrivalSum[i],
        ...(this.queueing ? { queueing: this.queueing.perProcess[i] } : {}),
      })),
      steps: s.processes.map((p, i) =>
        p.steps.map((_, j) => {
          const k = this.stepOffset[i] + j;
          return { completed: this.stepDone[k], waitSum: this.stepWait[k], serviceSum: this.stepService[k] };
        }),
      ),
      pools: s.pools.map((_, i) => ({ busy: board.busy.integral[i], available: board.available.integral[i], rostered: board.rostered.integral[i] })),
      timeseries: this.series,
    });
    return this.figures;
  }
}

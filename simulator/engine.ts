/**
 * The discrete-event engine of the `sim` runtime: virtual time jumps from
 * event to event of a (time, seq) calendar. Cases walk their process graph;
 * each step waits in its skill's queue for a unit; units are granted by the
 * policy's allocation at decision epochs and take work FIFO/EDF/by priority.
 * Statistics stream: nothing per case survives the case unless an event log
 * sink is given.
 */
import type { Scenario, Step } from '../model/scenario.js';
import type { Policy, Snapshot } from '../allocation/policy.js';
import { enforceConstraints } from '../allocation/constraints.js';
import { EventCalendar } from './calendar.js';
import { FifoQueue, KeyedQueue, type TaskQueue } from './task-queue.js';
import { KeyedStream, Stream, taskKey } from './random.js';
import { createArrivalStream, type ArrivalStream } from './demand.js';
import { sample, distributionMean } from './distributions.js';
import { ShiftCalendar } from './shift-calendar.js';
import { TimeWeighted } from './time-weighted.js';
import { RunStats } from './run-stats.js';
import { buildSnapshot, type DecisionRecord } from './snapshot.js';

export interface TaskRecord {
  caseId: string;
  process: string;
  activity: string;
  resource: string;
  pool: string;
  enqueue: number;
  start: number;
  end: number;
  outcome: 'done' | 'bot-failed';
}

export interface EngineOptions {
  scenario: Scenario;
  policy: Policy;
  /** the seed of this replication's streams */
  seed: number;
  /** receives every finished task (the event log); absent = none kept */
  onTask?: (record: TaskRecord) => void;
  /** receives every decision epoch (the decision log) */
  onDecision?: (record: DecisionRecord) => void;
}

const ARRIVAL = 0, DONE = 1, SAMPLE = 2, EPOCH = 3, SHIFT = 4, CAPACITY = 5, DISRUPTION = 6, SWITCHED = 7, WARMUP_END = 8;
const IDLE = 0, BUSY = 1, OFF = 2, SWITCHING = 3;
const NO_PENDING = -2;

export interface Frame { join: number; remaining: number; parent: Frame | null }

export interface CaseState {
  process: number;
  no: number;
  arrival: number;
  deadline: number;
  wait: number;
  cost: number;
  tasks: number;
  botTasks: number;
  open: number;
  /** visits per step, only for processes whose graph can revisit a step (null otherwise: every visit is the first) */
  visits: Uint16Array | null;
  counted: boolean;
}

export interface Task {
  key: number;
  seq: number;
  kase: CaseState;
  step: Step;
  visit: number;
  frame: Frame | null;
  enqueued: number;
  start: number;
  failed: boolean;
}

export class Engine {
  readonly scenario: Scenario;
  readonly policy: Policy;
  readonly stats: RunStats;
  now = 0;
  events = 0;
  epoch = 0;

  private readonly cal = new EventCalendar<null>(4096);
  private readonly arrivals: ArrivalStream[];
  private readonly nextCaseNo: number[];
  private readonly durations: KeyedStream;
  private readonly branches: KeyedStream;
  private readonly failures: KeyedStream;
  readonly queues: TaskQueue<Task>[];
  private taskSeq = 0;
  /** finished tasks, reused: a long run allocates no task objects once warm */
  private readonly freeTasks: Task[] = [];
  /** per process: can a case visit a step twice (a loop, or a bot retry at the same step)? */
  private readonly mayRevisit: boolean[];
  private readonly priorityKey: number[][];

  // units
  readonly unitPool: Int32Array;
  readonly unitState: Uint8Array;
  readonly unitQueue: Int32Array;
  private readonly unitPending: Int32Array;
  private readonly unitWantsOff: Uint8Array;
  readonly unitTask: (Task | null)[];
  private readonly unitName: string[];
  private readonly poolFirstUnit: number[];
  private readonly idle: number[][]; // per (pool * (Q + 1) + queue|Q for flexible)
  private readonly idlePos: Int32Array;
  private readonly poolsForQueue: number[][];
  private readonly calendars: ShiftCalendar[];
  private readonly onDuty: boolean[];
  readonly activeCount: number[];
  private readonly slowdown: number[];
  readonly activeDisruptions = new Set<number>();

  // time-weighted measures
  readonly backlog: TimeWeighted; // per queue
  readonly busy: TimeWeighted; // per pool
  readonly available: TimeWeighted; // per pool
  readonly rostered: TimeWeighted; // per pool
  readonly busyOn: Int32Array; // pool * Q + queue
  readonly arrivalsThisEpoch: Int32Array; // per queue
  readonly arrivalsHistory: number[][]; // per queue
  readonly meanService: { human: number[]; bot: number[] };
  readonly costOfDelay: number[];
  private readonly historyCap: number;
  /** dedicated units serve only their queue (the last allocation said so) */
  private strict = false;

  constructor(private readonly options: EngineOptions) {
    const { scenario, policy, seed } = options;
    this.scenario = scenario;
    this.policy = policy;
    const Q = scenario.skills.length;
    const P = scenario.pools.length;
    this.stats = new RunStats(scenario);
    this.arrivals = scenario.demand.map((d) => createArrivalStream(d, scenario, seed));
    this.nextCaseNo = scenario.processes.map(() => 0);
    this.durations = new KeyedStream(seed, Stream.durations);
    this.branches = new KeyedStream(seed, Stream.branches);
    this.failures = new KeyedStream(seed, Stream.failures);
    this.queues = scenario.skills.map(() => (policy.dispatch === 'fifo' ? new FifoQueue<Task>() : new KeyedQueue<Task>()));

    // cμ index per (process, step): cost of delay per second over mean service seconds
    this.priorityKey = scenario.processes.map((p) => p.steps.map((s) => {
      const mean = Math.max(1e-9, distributionMean(s.humanDuration));
      return -(p.costOfDelayPerHour / mean);
    }));

    this.mayRevisit = scenario.processes.map((p) => hasCycle(p.steps));

    const total = scenario.pools.reduce((n, p) => n + p.size, 0);
    this.unitPool = new Int32Array(total);
    this.unitState = new Uint8Array(total).fill(OFF);
    this.unitQueue = new Int32Array(total).fill(-1);
    this.unitPending = new Int32Array(total).fill(NO_PENDING);
    this.unitWantsOff = new Uint8Array(total);
    this.unitTask = new Array(total).fill(null);
    this.unitName = new Array(total);
    this.idlePos = new Int32Array(total).fill(-1);
    this.poolFirstUnit = [];
    let u = 0;
    for (const pool of scenario.pools) {
      this.poolFirstUnit.push(u);
      for (let k = 0; k < pool.size; k++, u++) {
        this.unitPool[u] = pool.index;
        this.unitName[u] = `${pool.id}#${k + 1}`;
      }
    }
    this.idle = Array.from({ length: P * (Q + 1) }, () => []);
    // bots first (cheapest, tireless), then people; scenario order within a kind
    this.poolsForQueue = scenario.skills.map((_, q) => scenario.pools
      .filter((p) => p.skills.includes(q))
      .sort((a, b) => (a.kind === b.kind ? a.index - b.index : a.kind === 'bot' ? -1 : 1))
      .map((p) => p.index));
    this.calendars = scenario.pools.map((p) => new ShiftCalendar(p.shifts));
    this.onDuty = scenario.pools.map(() => false);
    this.activeCount = scenario.pools.map(() => 0);
    this.slowdown = scenario.pools.map(() => 1);
    this.backlog = new TimeWeighted(Q);
    this.busy = new TimeWeighted(P);
    this.available = new TimeWeighted(P);
    this.rostered = new TimeWeighted(P);
    this.busyOn = new Int32Array(P * Q);
    this.arrivalsThisEpoch = new Int32Array(Q);
    this.arrivalsHistory = scenario.skills.map(() => []);
    const meanOver = (q: number, pick: (s: Step) => number) => {
      const xs = scenario.processes.flatMap((p) => p.steps.filter((s) => s.skill === q).map(pick));
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
    };
    this.meanService = {
      human: scenario.skills.map((_, q) => meanOver(q, (s) => distributionMean(s.humanDuration))),
      bot: scenario.skills.map((_, q) => meanOver(q, (s) => distributionMean(s.botDuration))),
    };
    this.costOfDelay = scenario.skills.map((_, q) => {
      const xs = scenario.processes.flatMap((p) => p.steps.filter((s) => s.skill === q).map(() => p.costOfDelayPerHour));
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
    });
    this.historyCap = scenario.rebalanceEvery > 0 ? Math.min(4032, Math.ceil((2 * 604_800) / scenario.rebalanceEvery)) : 0;
  }

  /** Schedules the first events. Call once before `runUntil`. */
  start(): void {
    const s = this.scenario;
    for (const pool of s.pools) {
      this.cal.schedule(0, SHIFT, pool.index);
      for (const a of pool.absences) {
        this.cal.schedule(a.start, CAPACITY, pool.index);
        this.cal.schedule(a.end, CAPACITY, pool.index);
      }
    }
    for (const d of s.disruptions) {
      this.cal.schedule(d.start, DISRUPTION, d.index * 2);
      this.cal.schedule(d.end, DISRUPTION, d.index * 2 + 1);
    }
    this.arrivals.forEach((a, i) => this.scheduleArrival(i, a.next()));
    this.cal.schedule(0, EPOCH, 0);
    if (s.warmup > 0) this.cal.schedule(s.warmup, WARMUP_END, 0);
    this.cal.schedule(s.warmup + s.sampleEvery, SAMPLE, 0);
  }

  /** Processes every event up to and including time t (never past the horizon). */
  runUntil(t: number): void {
    const limit = Math.min(t, this.scenario.horizon);
    const cal = this.cal;
    while (cal.peekTime() <= limit) {
      cal.pop();
      this.now = cal.lastTime;
      this.events++;
      const arg = cal.lastArg;
      switch (cal.lastKind) {
        case ARRIVAL: this.onArrival(arg); break;
        case DONE: this.onDone(arg); break;
        case SAMPLE: this.onSample(); break;
        case EPOCH: this.decide(this.epoch === 0 ? 'start' : 'periodic', true); break;
        case SHIFT: this.onShift(arg); break;
        case CAPACITY: this.reconcile(arg); break;
        case DISRUPTION: this.onDisruption(arg >> 1, (arg & 1) === 0); break;
        case SWITCHED: this.onSwitched(arg); break;
        case WARMUP_END: this.onWarmupEnd(); break;
      }
    }
    this.now = Math.max(this.now, limit);
  }

  /** Closes the books at the horizon. */
  finish(): void {
    const h = this.scenario.horizon;
    this.now = h;
    for (const tw of [this.backlog, this.busy, this.available, this.rostered]) tw.flush(h);
    this.stats.finish(this);
  }

  // ---- demand -------------------------------------------------------------

  private scheduleArrival(stream: number, t: number): void {
    if (t <= this.scenario.horizon) this.cal.schedule(t, ARRIVAL, stream);
  }

  private onArrival(stream: number): void {
    const a = this.arrivals[stream];
    const proc = this.scenario.processes[a.process];
    const no = this.nextCaseNo[a.process]++;
    const kase: CaseState = {
      process: a.process, no, arrival: this.now, deadline: this.now + proc.sla,
      wait: 0, cost: 0, tasks: 0, botTasks: 0, open: 1,
      visits: this.mayRevisit[a.process] ? new Uint16Array(proc.steps.length) : null, counted: this.now >= this.scenario.warmup,
    };
    if (kase.counted) this.stats.arrived[a.process]++;
    this.stats.wipChange(a.process, 1, this.now);
    this.enter(kase, proc.start, null);
    this.scheduleArrival(stream, a.next());
  }

  // ---- case flow ------------------------------------------------------------

  private enter(kase: CaseState, stepIndex: number, frame: Frame | null): void {
    if (frame && stepIndex === frame.join) {
      if (--frame.remaining > 0) { kase.open--; return; }
      frame = frame.parent;
    }
    const step = this.scenario.processes[kase.process].steps[stepIndex];
    const visit = kase.visits ? kase.visits[stepIndex]++ : 0;
    const q = step.skill;
    const key = this.policy.dispatch === 'fifo' ? this.now
      : this.policy.dispatch === 'edf' ? kase.deadline
        : this.priorityKey[kase.process][stepIndex];
    let task = this.freeTasks.pop();
    if (task) {
      task.key = key; task.seq = this.taskSeq++; task.kase = kase; task.step = step; task.visit = visit;
      task.frame = frame; task.enqueued = this.now; task.start = 0; task.failed = false;
    } else {
      task = { key, seq: this.taskSeq++, kase, step, visit, frame, enqueued: this.now, start: 0, failed: false };
    }
    this.arrivalsThisEpoch[q]++;
    // a free unit takes it at once, bots first
    const pools = this.poolsForQueue[q];
    const Q1 = this.scenario.skills.length + 1;
    for (let i = 0; i < pools.length; i++) {
      const p = pools[i];
      let set = this.idle[p * Q1 + q];
      if (set.length === 0) set = this.idle[p * Q1 + Q1 - 1];
      if (set.length === 0 && !this.strict) {
        // units dedicated elsewhere help when their own queue is empty (they are idle, so it is)
        const skills = this.scenario.pools[p].skills;
        for (let k = 0; k < skills.length && set.length === 0; k++) set = this.idle[p * Q1 + skills[k]];
      }
      if (set.length > 0) {
        const u = set[set.length - 1];
        this.removeIdle(u);
        this.startTask(u, task);
        return;
      }
    }
    this.queues[q].push(task);
    this.backlog.add(q, 1, this.now);
  }

  private leave(kase: CaseState, frame: Frame | null): void {
    if (frame) { this.enter(kase, frame.join, frame); return; }
    if (--kase.open === 0) this.completeCase(kase);
  }

  private completeCase(kase: CaseState): void {
    this.stats.wipChange(kase.process, -1, this.now);
    if (kase.counted) this.stats.caseDone(kase, this.now, this.scenario.processes[kase.process].sla);
  }

  private startTask(u: number, task: Task): void {
    const p = this.unitPool[u];
    const pool = this.scenario.pools[p];
    const now = this.now;
    task.start = now;
    const waited = now - task.enqueued;
    task.kase.wait += waited;
    const step = task.step;
    const rng = this.durations.open(task.kase.process, task.kase.no, taskKey(step.index, task.visit));
    const isBot = pool.kind === 'bot';
    const duration = sample(isBot ? step.botDuration : step.humanDuration, rng) * this.slowdown[p];
    task.failed = isBot && pool.failureRate > 0
      && this.failures.open(task.kase.process, task.kase.no, taskKey(step.index, task.visit)).next() < pool.failureRate;
    this.unitState[u] = BUSY;
    this.unitTask[u] = task;
    this.busy.add(p, 1, now);
    this.busyOn[p * this.scenario.skills.length + step.skill]++;
    this.cal.schedule(now + duration, DONE, u);
  }

  private onDone(u: number): void {
    const task = this.unitTask[u]!;
    const p = this.unitPool[u];
    const pool = this.scenario.pools[p];
    const now = this.now;
    const kase = task.kase;
    const step = task.step;
    this.unitTask[u] = null;
    this.busy.add(p, -1, now);
    this.busyOn[p * this.scenario.skills.length + step.skill]--;
    const service = now - task.start;
    kase.cost += (service * pool.costPerHour) / 3600;
    kase.tasks++;
    if (pool.kind === 'bot') kase.botTasks++;
    if (kase.counted) this.stats.taskDone(kase.process, step.index, now - task.start, task.start - task.enqueued);
    if (this.options.onTask) {
      this.options.onTask({
        caseId: `${this.scenario.processes[kase.process].id}-${kase.no}`,
        process: this.scenario.processes[kase.process].id,
        activity: step.id, resource: this.unitName[u], pool: pool.id,
        enqueue: task.enqueued, start: task.start, end: now, outcome: task.failed ? 'bot-failed' : 'done',
      });
    }
    // the unit first: it is free before the case moves on
    this.unitState[u] = IDLE;
    this.afterWork(u);
    this.advance(task);
    this.freeTasks.push(task);
  }

  private advance(task: Task): void {
    const { kase, step, frame } = task;
    if (task.failed) {
      this.enter(kase, step.onBotFailure >= 0 ? step.onBotFailure : step.index, frame);
      return;
    }
    const next = step.next;
    switch (next.kind) {
      case 'end': this.leave(kase, frame); break;
      case 'step': this.enter(kase, next.step, frame); break;
      case 'branch': {
        const x = this.branches.open(kase.process, kase.no, taskKey(step.index, task.visit)).next();
        let i = 0;
        while (x >= next.cumulative[i] && i < next.to.length - 1) i++;
        if (next.to[i] < 0) this.leave(kase, frame);
        else this.enter(kase, next.to[i], frame);
        break;
      }
      case 'parallel': {
        const child: Frame = { join: next.join, remaining: next.branches.length, parent: frame };
        kase.open += next.branches.length - 1;
        for (const b of next.branches) this.enter(kase, b, child);
        break;
      }
    }
  }

  // ---- units --------------------------------------------------------------

  /** A unit has just become free (or available): off duty, switch queue, or take the next task. */
  private afterWork(u: number): void {
    const p = this.unitPool[u];
    if (this.unitWantsOff[u]) {
      this.unitWantsOff[u] = 0;
      this.unitState[u] = OFF;
      this.available.add(p, -1, this.now);
      return;
    }
    const pending = this.unitPending[u];
    if (pending !== NO_PENDING) {
      this.unitPending[u] = NO_PENDING;
      this.switchTo(u, pending);
      return;
    }
    this.takeWork(u);
  }

  private takeWork(u: number): void {
    const p = this.unitPool[u];
    const Q = this.scenario.skills.length;
    const q = this.unitQueue[u];
    let best = -1;
    if (q >= 0 && this.queues[q].size > 0) {
      best = q;
    } else if (q < 0 || !this.strict) {
      let bk = Infinity, bs = Infinity;
      const skills = this.scenario.pools[p].skills;
      for (let i = 0; i < skills.length; i++) {
        const head = this.queues[skills[i]].peek();
        if (head && (head.key < bk || (head.key === bk && head.seq < bs))) { bk = head.key; bs = head.seq; best = skills[i]; }
      }
    }
    if (best >= 0) {
      const task = this.queues[best].pop()!;
      this.backlog.add(best, -1, this.now);
      this.startTask(u, task);
      return;
    }
    this.unitState[u] = IDLE;
    const set = this.idle[p * (Q + 1) + (q >= 0 ? q : Q)];
    this.idlePos[u] = set.length;
    set.push(u);
  }

  private removeIdle(u: number): void {
    const Q = this.scenario.skills.length;
    const q = this.unitQueue[u];
    const set = this.idle[this.unitPool[u] * (Q + 1) + (q >= 0 ? q : Q)];
    const i = this.idlePos[u];
    const last = set.pop()!;
    if (last !== u) { set[i] = last; this.idlePos[last] = i; }
    this.idlePos[u] = -1;
  }

  private switchTo(u: number, q: number): void {
    const pool = this.scenario.pools[this.unitPool[u]];
    const changes = this.unitQueue[u] !== q;
    this.unitQueue[u] = q;
    if (changes && pool.kind === 'human' && pool.switchOver > 0) {
      this.unitState[u] = SWITCHING;
      this.cal.schedule(this.now + pool.switchOver, SWITCHED, u);
    } else {
      this.takeWork(u);
    }
  }

  private onSwitched(u: number): void {
    if (this.unitState[u] !== SWITCHING) return;
    this.unitState[u] = IDLE;
    this.afterWork(u);
  }

  // ---- capacity: shifts, absences, outages --------------------------------

  private onShift(p: number): void {
    const cal = this.calendars[p];
    this.onDuty[p] = cal.onDuty(this.now);
    this.rostered.set(p, this.onDuty[p] ? this.scenario.pools[p].size : 0, this.now);
    this.reconcile(p);
    const next = cal.nextChange(this.now);
    if (next <= this.scenario.horizon) this.cal.schedule(next, SHIFT, p);
  }

  /** Units of pool p that should be available now. */
  targetAvailable(p: number): number {
    if (!this.onDuty[p]) return 0;
    const pool = this.scenario.pools[p];
    const t = this.now;
    let away = 0;
    for (const a of pool.absences) if (t >= a.start && t < a.end) away += a.units;
    for (const d of this.scenario.disruptions) {
      if (d.pool === p && (d.kind === 'absence' || d.kind === 'outage') && t >= d.start && t < d.end) away += d.units;
    }
    return Math.max(0, pool.size - away);
  }

  private reconcile(p: number): void {
    const target = this.targetAvailable(p);
    const first = this.poolFirstUnit[p];
    const size = this.scenario.pools[p].size;
    let active = this.activeCount[p];
    // too many: idle units go first, then switching ones, then busy ones finish their task
    for (let pass = 0; pass < 3 && active > target; pass++) {
      for (let u = first + size - 1; u >= first && active > target; u--) {
        const st = this.unitState[u];
        if (this.unitWantsOff[u] || st === OFF) continue;
        if (pass === 0 && st === IDLE) { this.removeIdle(u); this.unitState[u] = OFF; this.available.add(p, -1, this.now); active--; }
        else if (pass === 1 && st === SWITCHING) { this.unitState[u] = OFF; this.available.add(p, -1, this.now); active--; }
        else if (pass === 2 && st === BUSY) { this.unitWantsOff[u] = 1; active--; }
      }
    }
    // too few: busy units about to leave stay, then off units come back
    for (let u = first; u < first + size && active < target; u++) {
      if (this.unitWantsOff[u]) { this.unitWantsOff[u] = 0; active++; }
    }
    for (let u = first; u < first + size && active < target; u++) {
      if (this.unitState[u] !== OFF) continue;
      active++;
      this.available.add(p, 1, this.now);
      this.unitState[u] = IDLE;
      if (this.unitPending[u] !== NO_PENDING) { this.unitQueue[u] = this.unitPending[u]; this.unitPending[u] = NO_PENDING; }
      this.takeWork(u);
    }
    this.activeCount[p] = active;
  }

  private onDisruption(d: number, begins: boolean): void {
    const x = this.scenario.disruptions[d];
    if (begins) this.activeDisruptions.add(d); else this.activeDisruptions.delete(d);
    if (x.kind === 'slowdown' && x.pool >= 0) {
      let f = 1;
      for (const i of this.activeDisruptions) {
        const y = this.scenario.disruptions[i];
        if (y.kind === 'slowdown' && y.pool === x.pool) f *= y.factor;
      }
      this.slowdown[x.pool] = f;
    }
    if (x.pool >= 0) this.reconcile(x.pool);
    this.stats.disruptionEdge(d, begins, this.now);
    this.decide(`${x.label} ${begins ? 'begins' : 'ends'}`, false);
  }

  // ---- allocation ---------------------------------------------------------

  private decide(trigger: string, periodic: boolean): void {
    const s = this.scenario;
    if (periodic && this.epoch > 0) {
      for (let q = 0; q < s.skills.length; q++) {
        const hist = this.arrivalsHistory[q];
        hist.push(this.arrivalsThisEpoch[q]);
        if (hist.length > this.historyCap) hist.shift();
      }
      this.arrivalsThisEpoch.fill(0);
    }
    const snapshot: Snapshot = buildSnapshot(this, trigger, s.rebalanceEvery);
    const decision = this.policy.decide(snapshot);
    const assign = enforceConstraints(decision.assign, snapshot);
    this.strict = decision.strict === true;
    this.apply(assign);
    if (this.options.onDecision) {
      this.options.onDecision({
        time: this.now, epoch: this.epoch, trigger, policy: this.policy.name, reason: decision.reason,
        assign: Object.fromEntries(s.pools.map((pool) => [pool.id,
          Object.fromEntries(pool.skills.filter((q) => assign[pool.index][q] > 0).map((q) => [s.skills[q], assign[pool.index][q]]))])),
        waiting: Object.fromEntries(snapshot.queues.map((q) => [q.skill, q.waiting])),
      });
    }
    this.epoch++;
    if (periodic && s.rebalanceEvery > 0 && this.policy.periodic !== false) {
      const next = this.now + s.rebalanceEvery;
      if (next <= s.horizon) this.cal.schedule(next, EPOCH, 0);
    }
  }

  /** Moves units so that each pool has assign[p][q] units dedicated to queue q (the rest flexible). */
  private apply(assign: number[][]): void {
    const Q = this.scenario.skills.length;
    for (const pool of this.scenario.pools) {
      const first = this.poolFirstUnit[pool.index];
      const want = assign[pool.index];
      const target = (u: number) => (this.unitPending[u] !== NO_PENDING ? this.unitPending[u] : this.unitQueue[u]);
      const have = new Array(Q).fill(0);
      for (let u = first; u < first + pool.size; u++) { const q = target(u); if (q >= 0) have[q]++; }
      const moved: number[] = [];
      // release surplus from each queue, idle units first, then the rest
      for (let q = 0; q < Q; q++) {
        for (const wantIdle of [true, false]) {
          for (let u = first + pool.size - 1; u >= first && have[q] > want[q]; u--) {
            if (target(u) !== q || (this.unitState[u] === IDLE) !== wantIdle) continue;
            have[q]--;
            this.reassign(u, -1);
            moved.push(u);
          }
        }
      }
      // fill deficits from flexible units: idle first, then off, then busy
      for (let q = 0; q < Q; q++) {
        // on-duty units first: idle, then busy on this queue already, then other busy, switching, off duty
        for (let pass = 0; pass < 5; pass++) {
          for (let u = first; u < first + pool.size && have[q] < want[q]; u++) {
            if (target(u) !== -1) continue;
            const st = this.unitState[u];
            const ok = pass === 0 ? st === IDLE
              : pass === 1 ? st === BUSY && this.unitTask[u]!.step.skill === q
                : pass === 2 ? st === BUSY
                  : pass === 3 ? st === SWITCHING : st === OFF;
            if (!ok) continue;
            have[q]++;
            this.reassign(u, q);
          }
        }
      }
    }
  }

  private reassign(u: number, q: number): void {
    const st = this.unitState[u];
    if (st === IDLE) {
      this.removeIdle(u);
      this.switchTo(u, q);
    } else if (st === OFF) {
      this.unitQueue[u] = q;
      this.unitPending[u] = NO_PENDING;
    } else if (st === SWITCHING) {
      this.unitQueue[u] = q; // still switching; lands on the new queue
    } else {
      this.unitPending[u] = q === this.unitQueue[u] ? NO_PENDING : q;
    }
  }

  // ---- measurement --------------------------------------------------------

  private onWarmupEnd(): void {
    for (const tw of [this.backlog, this.busy, this.available, this.rostered]) tw.reset(this.now);
    this.stats.resetTimeWeighted(this.now);
  }

  private onSample(): void {
    this.stats.sample(this);
    const next = this.now + this.scenario.sampleEvery;
    if (next <= this.scenario.horizon + 1e-9) this.cal.schedule(next, SAMPLE, 0);
  }

  /** Units of pool p by state, for snapshots. */
  unitsOf(p: number): { first: number; size: number } {
    return { first: this.poolFirstUnit[p], size: this.scenario.pools[p].size };
  }
  pendingQueue(u: number): number { return this.unitPending[u] !== NO_PENDING ? this.unitPending[u] : this.unitQueue[u]; }
}

export const UnitState = { IDLE, BUSY, OFF, SWITCHING } as const;

/** Whether a step graph can lead a case to the same step twice: a cycle, or a bot retry in place. */
export function hasCycle(steps: Step[]): boolean {
  const edges = steps.map((s) => {
    const out: number[] = [s.onBotFailure >= 0 ? s.onBotFailure : s.index];
    const n = s.next;
    if (n.kind === 'step') out.push(n.step);
    else if (n.kind === 'branch') out.push(...n.to.filter((t) => t >= 0));
    else if (n.kind === 'parallel') out.push(...n.branches, n.join);
    return out;
  });
  const state = new Uint8Array(steps.length); // 0 new, 1 on the path, 2 done
  const visit = (i: number): boolean => {
    if (state[i] === 1) return true;
    if (state[i] === 2) return false;
    state[i] = 1;
    for (const j of edges[i]) if (visit(j)) return true;
    state[i] = 2;
    return false;
  };
  return steps.some((_, i) => visit(i));
}

/**
 * The discrete-event engine of the `sim` runtime: virtual time jumps from
 * event to event of a (time, seq) calendar. Cases walk their process graph;
 * each step waits in its skill's queue for a unit. Units, queues, capacity
 * and the policy's allocations are the unit board's (simulator/unit-board.ts,
 * which the live allocator drives too); the engine times them, draws the
 * durations and keeps the statistics. Nothing per case survives the case
 * unless an event log sink is given.
 */
import type { Scenario, Step } from '../model/scenario.js';
import type { Policy } from '../allocation/policy.js';
import { EventCalendar } from './calendar.js';
import { CASE_ENDS, SPLIT, arrive, nextStep, splitFrame, unservedNext, type Frame } from '../model/process-graph.js';
import { createArrivalStream, type ArrivalStream } from './demand.js';
import { CaseDraws } from './case-draws.js';
import { attributeRecord, type AttributeValues } from './case-attributes.js';
import { RunStats } from './run-stats.js';
import type { ReplicationFigures } from './figures.js';
import type { DecisionRecord } from './snapshot.js';
import { UnitDuty, dutyPlanOf } from './unit-duty.js';
import { BLOCKED, UnitBoard } from './unit-board.js';
import { CaseOutcome, TicketBook, type Unserved } from './abandonment.js';

export interface TaskRecord {
  caseId: string;
  process: string;
  activity: string;
  resource: string;
  pool: string;
  enqueue: number;
  start: number;
  end: number;
  /** abandoned: left its queue out of patience; blocked: its queue was full (neither has a resource; start = end) */
  outcome: 'done' | 'bot-failed' | 'abandoned' | 'blocked';
  /** the case arrived during the warm-up (excluded from every result) */
  warmup: boolean;
  /** the case's last task: the case is done (an XES writer closes its trace) */
  caseDone: boolean;
  /** the case's attributes, name → value (only for a process that has attributes) */
  attributes?: Record<string, number | string>;
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

/** A drain stops when nothing has moved (no arrival, no task started or done) for this long: the cases left cannot finish. */
export const DRAIN_STALL_SECONDS = 28 * 86400;

const ARRIVAL = 0,
  DONE = 1,
  SAMPLE = 2,
  EPOCH = 3,
  SHIFT = 4,
  CAPACITY = 5,
  DISRUPTION = 6,
  SWITCHED = 7,
  WARMUP_END = 8;
/** a task's patience runs out (arg: its ticket); the end of a task a preemption may interrupt (arg: the unit's ticket) */
const ABANDON = 9,
  PREEMPTIBLE_DONE = 10;

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
  /** the case's attributes (simulator/case-attributes.ts), null when its process has none */
  attributes: AttributeValues | null;
  /** CaseOutcome: served, or a task of it abandoned or was blocked with no route on */
  outcome: number;
}

export interface Task {
  key: number;
  seq: number;
  /** the case's due date (what the unit board reads for SLA slack) */
  deadline: number;
  kase: CaseState;
  step: Step;
  visit: number;
  frame: Frame | null;
  /** waits so far on this task's path through the case (from its arrival): the critical-path wait when the path ends the case */
  pathWait: number;
  enqueued: number;
  start: number;
  failed: boolean;
  /** the board's queue rank and heap place (scenarios with priorities, patience or preemption) */
  rank: number;
  qpos: number;
  /** its patience timer's ticket while it waits (-1: none) */
  ticket: number;
  /** seconds waited before its (last) start, summed over its waits when a preemption sent it back */
  waited: number;
  /** seconds of work done before a preemption, and the work left (-1: not interrupted) */
  served: number;
  remaining: number;
}

export class Engine {
  readonly scenario: Scenario;
  readonly policy: Policy;
  readonly stats: RunStats;
  /** units, queues, capacity and allocation */
  readonly board: UnitBoard<Task>;
  now = 0;
  events = 0;

  private readonly cal = new EventCalendar(4096);
  private readonly arrivals: ArrivalStream[];
  private readonly nextCaseNo: number[];
  private readonly draws: CaseDraws;
  /** finished tasks, reused: a long run allocates no task objects once warm */
  private readonly freeTasks: Task[] = objectArray();
  /** finished cases, reused likewise (their double fields are updated in place) */
  private readonly freeCases: CaseState[] = objectArray();
  /** the task each unit works on */
  readonly unitTask: (Task | null)[];
  /** the run drains (scenario `drain` or `cases`): nothing but arrivals stops at the horizon */
  readonly drains: boolean;
  /** the last time anything may be scheduled: the horizon, or none for a draining run */
  private readonly lastTime: number;
  /** arrivals may come up to this time: the horizon, or none with `cases` */
  private readonly arrivalsUntil: number;
  /** cases in progress (counted or not), arrival events scheduled, counted arrivals so far */
  private openCases = 0;
  private pendingArrivals = 0;
  private countedArrivals = 0;
  /** the last arrival, task start or task end (a drain that sees nothing move stops) */
  private lastMove = 0;
  /** per pool that pauses at the end of duty, when its units are on duty (null: it finishes its tasks) */
  private readonly duty: (UnitDuty | null)[];
  /** per pool, its first unit (a unit's place in its pool is u minus this) */
  private readonly firstUnit: number[];
  /** the work (seconds) of each unit's task, kept for pausing pools, where it is not end − start */
  private readonly unitWork: Float64Array;
  /** abandonment, finite queues or preemption in the scenario (the hot path checks this once per task) */
  private readonly queueing: boolean;
  private readonly patienceTimers = new TicketBook<Task>();
  /** preemption: ends of work by ticket (a preempted task's end is torn up), each unit's ticket and end time */
  private readonly doneTimers: TicketBook<number> | null;
  private readonly unitDoneTicket: Int32Array;
  private readonly unitDoneAt: Float64Array;
  /** per queue: the tasks that may wait in it (for the blocking rate's denominator) */
  private readonly capacity: number[];

  constructor(private readonly options: EngineOptions) {
    const { scenario, policy, seed } = options;
    this.scenario = scenario;
    this.policy = policy;
    this.arrivals = scenario.demand.map((d) => createArrivalStream(d, scenario, seed));
    this.nextCaseNo = scenario.processes.map(() => 0);
    this.draws = new CaseDraws(seed);
    this.board = new UnitBoard<Task>(scenario, {
      policy,
      clock: this,
      host: {
        startWork: (task, u) => this.startTask(u, task),
        switchOver: (u, until) => this.cal.schedule(until, SWITCHED, u),
      },
      disruptions: 'schedule',
      inService: (u) => this.unitTask[u],
    });
    this.stats = new RunStats(scenario, this.board);
    this.unitTask = new Array(this.board.unitPool.length).fill(null);
    this.drains = scenario.drain === true || scenario.cases !== undefined;
    this.lastTime = this.drains ? Infinity : scenario.horizon;
    this.arrivalsUntil = scenario.cases !== undefined ? Infinity : scenario.horizon;
    this.duty = scenario.pools.map((p) => (p.atShiftEnd === 'pause' ? new UnitDuty(dutyPlanOf(scenario, p.index)) : null));
    this.firstUnit = scenario.pools.map((p) => this.board.unitsOf(p.index).first);
    this.unitWork = new Float64Array(this.board.unitPool.length);
    const f = this.board.features;
    this.queueing = f.abandonment || f.finiteQueues || f.preemption;
    this.doneTimers = f.preemption ? new TicketBook<number>() : null;
    this.capacity = scenario.skills.map((_, q) => scenario.queueCapacity?.[q] ?? Infinity);
    this.unitDoneTicket = new Int32Array(f.preemption ? this.unitTask.length : 0);
    this.unitDoneAt = new Float64Array(f.preemption ? this.unitTask.length : 0);
  }

  /** A draining run is over: no arrival to come, no case open (and, without `cases`, the horizon reached). */
  get over(): boolean {
    return this.drains && this.pendingArrivals === 0 && this.openCases === 0 && (this.scenario.cases !== undefined || this.now >= this.scenario.horizon);
  }

  /** decision epochs so far */
  get epoch(): number {
    return this.board.epoch;
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

  /** Processes every event up to and including time t (never past the horizon; a draining run stops when it is over). */
  runUntil(t: number): void {
    const limit = Math.min(t, this.scenario.horizon);
    this.step(limit);
    if (!this.over) this.now = Math.max(this.now, limit);
  }

  /**
   * A draining run, after the horizon: goes on until every case is done (with
   * `cases`, until the last of them has arrived and is done), or until nothing
   * has moved for DRAIN_STALL_SECONDS (the cases left open are reported).
   */
  drain(): void {
    if (!this.drains) return;
    while (!this.over && this.cal.peekTime() < Infinity && this.cal.peekTime() - this.lastMove <= DRAIN_STALL_SECONDS) this.step(this.cal.peekTime());
  }

  private step(limit: number): void {
    const cal = this.cal;
    const drains = this.drains;
    while (cal.peekTime() <= limit) {
      if (drains && this.over) return;
      cal.pop();
      this.now = cal.lastTime;
      this.events++;
      const arg = cal.lastArg;
      const kind = cal.lastKind;
      if (kind === ARRIVAL) this.onArrival(arg);
      else if (kind === DONE) this.onDone(arg);
      else if (kind === PREEMPTIBLE_DONE) {
        const u = this.doneTimers!.take(arg);
        if (u !== undefined) this.onDone(u);
      } else this.onEvent(kind, arg);
    }
  }

  /**
   * Every event but an arrival and a task's end. One call site in `step` for all of them: V8 compiles
   * `step` (the loop, with the hot handlers inlined) once, instead of throwing it away the first time
   * each rare kind shows up in a run (a weekly sample, a decision epoch: "insufficient type feedback"),
   * which it did in every replication, each time running the loop unoptimised until it was compiled again.
   */
  private onEvent(kind: number, arg: number): void {
    switch (kind) {
      case SAMPLE:
        this.onSample();
        break;
      case EPOCH:
        this.decide(this.board.epoch === 0 ? 'start' : 'periodic', true);
        break;
      case SHIFT:
        this.onShift(arg);
        break;
      case CAPACITY:
        this.board.reconcile(arg);
        break;
      case DISRUPTION:
        this.onDisruption(arg >> 1, (arg & 1) === 0);
        break;
      case SWITCHED:
        this.onSwitched(arg);
        break;
      case WARMUP_END:
        this.onWarmupEnd();
        break;
      case ABANDON:
        this.onAbandon(arg);
        break;
    }
  }

  /** Closes the books at the horizon (a draining run: when it is over); returns the replication's figures. */
  finish(): ReplicationFigures {
    const h = this.drains ? this.now : this.scenario.horizon;
    this.now = h;
    const b = this.board;
    for (const tw of [b.backlog, b.busy, b.available, b.rostered]) tw.flush(h);
    return this.stats.finish(h, this.events);
  }

  // ---- demand -------------------------------------------------------------

  private scheduleArrival(stream: number, t: number): void {
    if (t <= this.arrivalsUntil) {
      this.cal.schedule(t, ARRIVAL, stream);
      this.pendingArrivals++;
    }
  }

  private onArrival(stream: number): void {
    this.pendingArrivals--;
    const cases = this.scenario.cases;
    // with `cases`, the arrivals after the last counted one never come
    if (cases !== undefined && this.countedArrivals >= cases) return;
    this.lastMove = this.now;
    this.openCases++;
    const a = this.arrivals[stream];
    const proc = this.scenario.processes[a.process];
    const no = this.nextCaseNo[a.process]++;
    const now = this.now;
    let kase = this.freeCases.pop();
    if (kase) {
      kase.process = a.process;
      kase.no = no;
      kase.arrival = now;
      kase.deadline = now + proc.sla;
      kase.wait = 0;
      kase.cost = 0;
      kase.tasks = 0;
      kase.botTasks = 0;
      kase.open = 1;
      kase.visits = proc.mayRevisit ? newVisits(kase.visits, proc.steps.length) : null;
      kase.counted = now >= this.scenario.warmup;
      kase.outcome = CaseOutcome.served;
      kase.attributes = null;
    } else {
      kase = {
        process: a.process,
        no,
        arrival: now,
        deadline: now + proc.sla,
        wait: 0,
        cost: 0,
        tasks: 0,
        botTasks: 0,
        open: 1,
        visits: proc.mayRevisit ? new Uint16Array(proc.steps.length) : null,
        counted: now >= this.scenario.warmup,
        attributes: null,
        outcome: CaseOutcome.served,
      };
    }
    if (proc.attributes) kase.attributes = this.draws.attributes(kase, proc);
    if (kase.counted) {
      this.stats.caseArrived(a.process, this.now);
      this.countedArrivals++;
    }
    this.stats.wipChange(a.process, 1, this.now);
    this.enter(kase, proc.start, null, 0);
    if (cases === undefined || this.countedArrivals < cases) this.scheduleArrival(stream, a.next());
  }

  // ---- case flow ------------------------------------------------------------

  private enter(kase: CaseState, stepIndex: number, parent: Frame | null, pathWait: number): void {
    // the last path to reach a join carries the case on: its waits are the critical path's
    const frame = arrive(parent, stepIndex);
    if (frame === undefined) {
      kase.open--;
      return;
    } // a parallel path waits at its join for the others
    const step = this.scenario.processes[kase.process].steps[stepIndex];
    const visit = kase.visits ? kase.visits[stepIndex]++ : 0;
    if (step.gateway) {
      this.route(kase, step, false, frame, visit, pathWait);
      return;
    } // a routing point: no task, no time
    const now = this.now;
    let task = this.freeTasks.pop();
    if (task) {
      task.deadline = kase.deadline;
      task.kase = kase;
      task.step = step;
      task.visit = visit;
      task.frame = frame;
      task.pathWait = pathWait;
      task.enqueued = now;
      task.start = 0;
      task.failed = false;
      task.waited = 0;
      task.served = 0;
      task.remaining = -1;
    } else {
      task = {
        key: now,
        seq: 0,
        deadline: kase.deadline,
        kase,
        step,
        visit,
        frame,
        pathWait,
        enqueued: now,
        start: 0,
        failed: false,
        rank: 0,
        qpos: -1,
        ticket: -1,
        waited: 0,
        served: 0,
        remaining: -1,
      };
    }
    // the board sets its queue order; a free unit takes it at once, or it waits in its skill's queue
    if (this.queueing && kase.counted && this.capacity[step.skill] < Infinity) this.stats.queueing?.offered(kase.process);
    const u = this.board.offer(task, step.skill, kase.process, stepIndex);
    if (u >= 0) this.startTask(u, task);
    else if (this.queueing) this.notTakenAtOnce(task, u);
  }

  /** A task no unit took at once (simulator/abandonment.ts): blocked at a full queue, or it preempts a lower class, or its patience starts. */
  private notTakenAtOnce(task: Task, u: number): void {
    if (u === BLOCKED) {
      this.unserved(task, 'blocked');
      return;
    }
    const { kase, step } = task;
    if (this.doneTimers && this.scenario.processes[kase.process].preemptive) {
      const v = this.board.preempt(task, step.skill);
      if (v >= 0) {
        this.interrupt(v);
        this.startTask(v, task);
        return;
      }
    }
    if (step.patience) {
      task.ticket = this.patienceTimers.issue(task);
      this.cal.schedule(this.now + this.draws.patience(kase, step, task.visit), ABANDON, task.ticket);
    }
  }

  /** Unit v's task is preempted: it goes back to its queue (the board put it there) with the work it has left. */
  private interrupt(v: number): void {
    const task = this.unitTask[v]!;
    const now = this.now;
    this.doneTimers!.cancel(this.unitDoneTicket[v]);
    const segment = now - task.start;
    task.served += segment;
    task.kase.cost += (segment * this.scenario.pools[this.board.unitPool[v]].costPerHour) / 3600;
    task.remaining = this.unitDoneAt[v] - now;
    task.enqueued = now;
    this.unitTask[v] = null;
  }

  private onAbandon(ticket: number): void {
    const task = this.patienceTimers.take(ticket);
    if (!task) return;
    task.ticket = -1;
    this.board.withdraw(task, task.step.skill);
    this.unserved(task, 'abandoned');
  }

  /** A task that was not served: the case goes to the step's onAbandon/onBlocked step, or this path ends and the case is abandoned or lost. */
  private unserved(task: Task, how: Unserved): void {
    const { kase, step, frame } = task;
    const now = this.now;
    const waited = now - task.enqueued;
    kase.wait += waited;
    task.pathWait += waited;
    if (kase.counted) {
      if (how === 'abandoned') this.stats.queueing?.abandoned(kase.process, waited);
      else this.stats.queueing?.blocked(kase.process);
    }
    const to = unservedNext(step, how, frame);
    const routed = to >= 0 && to === (how === 'abandoned' ? step.onAbandon : step.onBlocked);
    if (!routed) kase.outcome = Math.max(kase.outcome, how === 'abandoned' ? CaseOutcome.abandoned : CaseOutcome.lost);
    if (to >= 0) this.enter(kase, to, frame, task.pathWait);
    else if (--kase.open === 0) this.completeCase(kase, task.pathWait);
    if (this.options.onTask) {
      const proc = this.scenario.processes[kase.process];
      this.options.onTask({
        caseId: `${proc.id}-${kase.no}`,
        process: proc.id,
        activity: step.id,
        resource: '',
        pool: '',
        enqueue: task.enqueued,
        start: now,
        end: now,
        outcome: how,
        warmup: !kase.counted,
        caseDone: kase.open === 0,
      });
    }
    this.freeTasks.push(task);
    if (kase.open === 0) this.freeCases.push(kase);
  }

  private completeCase(kase: CaseState, criticalWait: number): void {
    this.openCases--;
    this.stats.wipChange(kase.process, -1, this.now);
    if (!kase.counted) return;
    if (kase.outcome === CaseOutcome.served) this.stats.caseDone(kase, this.now, this.scenario.processes[kase.process].sla, criticalWait);
    else this.stats.caseUnserved(kase.process, kase.arrival, kase.outcome);
  }

  /** Unit u (the board has marked it busy) works on the task: draws its duration and outcome. */
  private startTask(u: number, task: Task): void {
    const board = this.board;
    const p = board.unitPool[u];
    const pool = this.scenario.pools[p];
    const now = this.now;
    task.start = now;
    this.lastMove = now;
    const waited = now - task.enqueued;
    task.kase.wait += waited;
    task.pathWait += waited;
    task.waited += waited;
    if (task.ticket >= 0) {
      this.patienceTimers.cancel(task.ticket);
      task.ticket = -1;
    }
    const duration = task.remaining >= 0 ? task.remaining : this.draws.duration(task.kase, task.step, task.visit, pool.kind === 'bot') * board.slowdown[p];
    task.failed = this.draws.botFails(task.kase, task.step, task.visit, pool);
    this.unitTask[u] = task;
    const duty = this.duty[p];
    if (this.doneTimers && duty === null) {
      // preemption (a pausing pool's tasks are not preempted, UnitBoard.preempt: their end is the duty's, below)
      const ticket = this.doneTimers.issue(u);
      this.unitDoneTicket[u] = ticket;
      this.unitDoneAt[u] = now + duration;
      this.cal.schedule(now + duration, PREEMPTIBLE_DONE, ticket);
    } else {
      if (duty === null) this.cal.schedule(now + duration, DONE, u);
      else {
        // the work stops while the unit is off duty (simulator/unit-duty.ts; the board pauses it by the same rule)
        this.unitWork[u] = duration;
        this.cal.schedule(duty.workEnd(u - this.firstUnit[p], now, duration), DONE, u);
      }
    }
  }

  private onDone(u: number): void {
    const task = this.unitTask[u]!;
    const board = this.board;
    const p = board.unitPool[u];
    const pool = this.scenario.pools[p];
    const now = this.now;
    const kase = task.kase;
    const step = task.step;
    this.unitTask[u] = null;
    this.lastMove = now;
    // the work of this stretch: end − start, or the task's work for a pool that pauses at the end of duty
    const segment = this.duty[p] === null ? now - task.start : this.unitWork[u];
    kase.cost += (segment * pool.costPerHour) / 3600;
    kase.tasks++;
    if (pool.kind === 'bot') kase.botTasks++;
    if (kase.counted) {
      this.stats.taskDone(kase.process, step.index, task.served + segment, task.waited);
      if (this.queueing && step.patience) this.stats.queueing?.served(kase.process, task.waited);
    }
    const { enqueued, start, failed } = task;
    // the unit first: it is free before the case moves on
    const next = board.free(u);
    if (next) this.startTask(u, next);
    this.advance(task);
    if (this.options.onTask) {
      this.options.onTask({
        caseId: `${this.scenario.processes[kase.process].id}-${kase.no}`,
        process: this.scenario.processes[kase.process].id,
        activity: step.id,
        resource: board.unitName[u],
        pool: pool.id,
        enqueue: enqueued,
        start,
        end: now,
        outcome: failed ? 'bot-failed' : 'done',
        warmup: !kase.counted,
        caseDone: kase.open === 0,
        ...(kase.attributes ? { attributes: attributeRecord(this.scenario.processes[kase.process].attributes!, kase.attributes) } : {}),
      });
    }
    this.freeTasks.push(task);
    // its last task done (and reported), nothing refers to the case any more
    if (kase.open === 0) this.freeCases.push(kase);
  }

  /** The case moves on after a task (model/process-graph.ts: the walk the live workflow makes too). */
  private advance(task: Task): void {
    this.route(task.kase, task.step, task.failed, task.frame, task.visit, task.pathWait);
  }

  /** Where a path goes after `step` (a task done, or a gateway step passed). */
  private route(kase: CaseState, step: Step, failed: boolean, frame: Frame | null, visit: number, pathWait: number): void {
    const to = nextStep(step, failed, frame, kase, visit, this.draws);
    if (to >= 0) this.enter(kase, to, frame, pathWait);
    else if (to === CASE_ENDS) {
      if (--kase.open === 0) this.completeCase(kase, pathWait);
    } else if (to === SPLIT && step.next.kind === 'parallel') {
      const child = splitFrame(step.next, frame);
      kase.open += step.next.branches.length - 1;
      for (const b of step.next.branches) this.enter(kase, b, child, pathWait);
    }
  }

  // ---- units, capacity, allocation (the board's rules, timed here) ----------

  private onSwitched(u: number): void {
    const next = this.board.switched(u);
    if (next) this.startTask(u, next);
  }

  private onShift(p: number): void {
    const next = this.board.shift(p);
    if (next <= this.lastTime) this.cal.schedule(next, SHIFT, p);
  }

  private onDisruption(d: number, begins: boolean): void {
    this.board.disruption(d, begins);
    this.decide(`${this.scenario.disruptions[d].label} ${begins ? 'begins' : 'ends'}`, false);
  }

  private decide(trigger: string, periodic: boolean): void {
    const s = this.scenario;
    const { snapshot, decision, assign } = this.board.decide(trigger, periodic);
    if (this.options.onDecision) {
      this.options.onDecision({
        time: this.now,
        epoch: snapshot.epoch,
        trigger,
        policy: this.policy.name,
        reason: decision.reason,
        assign: Object.fromEntries(
          s.pools.map((pool) => [
            pool.id,
            Object.fromEntries(pool.skills.filter((q) => assign[pool.index][q] > 0).map((q) => [s.skills[q], assign[pool.index][q]])),
          ]),
        ),
        waiting: Object.fromEntries(snapshot.queues.map((q) => [q.skill, q.waiting])),
      });
    }
    if (periodic && s.rebalanceEvery > 0 && this.policy.periodic !== false) {
      const next = this.now + s.rebalanceEvery;
      if (next <= this.lastTime) this.cal.schedule(next, EPOCH, 0);
    }
  }

  // ---- measurement --------------------------------------------------------

  private onWarmupEnd(): void {
    const b = this.board;
    for (const tw of [b.backlog, b.busy, b.available, b.rostered]) tw.reset(this.now);
    this.stats.resetTimeWeighted(this.now);
  }

  private onSample(): void {
    this.stats.sample(this.now);
    const next = this.now + this.scenario.sampleEvery;
    if (next <= this.lastTime + 1e-9) this.cal.schedule(next, SAMPLE, 0);
  }
}

/**
 * An empty array already of the shape it will have (an array of objects). A `[]` starts as an array of
 * small integers and changes shape on its first object; each replication's new engine made the code V8
 * had compiled for the last one's arrays wrong ("wrong map" in --trace-deopt), and the run loop went back
 * to the interpreter until it was compiled again.
 */
function objectArray<T>(): T[] {
  const a: (T | null)[] = [null];
  a.pop();
  return a as T[];
}

/** Zeroed visit counters for a case of `steps` steps, reusing a finished case's when it has the length. */
function newVisits(old: Uint16Array | null, steps: number): Uint16Array {
  return old !== null && old.length === steps ? old.fill(0) : new Uint16Array(steps);
}

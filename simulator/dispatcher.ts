/**
 * The allocator's brain, without I/O: it drives the same unit board as the
 * `sim` engine (simulator/unit-board.ts: queues, units, capacity, the
 * scenario's policy from `allocation/`) with task events and a clock the
 * caller advances, and turns every start into a grant. A new task takes a
 * free unit at once, bots first; a unit that frees takes the next task;
 * policy epochs every `rebalanceEvery` and at disruption edges move units
 * between queues (people pay the switch-over); shifts, absences and outages
 * take units off duty, a busy unit finishing its task first.
 *
 * Preemption (a `preemptive: true` process) is the engine's: a task of such a
 * process that finds no free unit takes a person from the lowest-class task
 * (`UnitBoard.preempt`), which goes back to its queue with the work it has
 * left. A case cannot time such a task itself: the allocator decides each
 * simulated moment `settleMs` after it, so when a case's timer fires a
 * preemption at an earlier moment may still be to come. So a grant that a
 * preemption may interrupt (`UnitBoard.mayBePreempted`) is `preemptible`: the
 * dispatcher times its end from the work the request carries, as the engine
 * does, and ends it with a work-end notice, `work.released` at its end or
 * `work.interrupted` (with the work left) when a higher class takes the unit.
 *
 * The caller drains `takeGrants()` and `takeWorkEnds()` after each call, records them on
 * Kafka and only then signals the workflows. `restore()` rebuilds the state
 * from the replayed log (requests, grants and work ends, finished tasks),
 * the ends of the preemptible work a killed incarnation was timing included.
 *
 * test/unit/dispatcher.test.ts checks that with zero latency it gives exactly
 * the engine's figures under every built-in policy. What differs from the
 * engine is only what the live runtime knows: disruptions count from the
 * edges it is told of, and periodic epochs fall on multiples of
 * `rebalanceEvery` (a restarted allocator keeps the grid).
 */
import type { Scenario } from '../model/scenario.js';
import type { Policy } from '../allocation/policy.js';
import { EventCalendar } from './calendar.js';
import { BLOCKED, UnitBoard, UnitState, type BoardItem } from './unit-board.js';
import { TicketBook } from './abandonment.js';
import { RecentIds } from './recent-ids.js';
import type { GrantEvent, TaskFinishedEvent, TaskRequestedEvent, WorkEndEvent } from '../protocol/topics.js';

/** finished task ids the dispatcher remembers to drop redelivered requests (see `finished`) */
const FINISHED_REMEMBERED = 200_000;
const SHIFT = 0,
  CAPACITY = 1,
  EPOCH = 2,
  SWITCHED = 3,
  ABANDON = 4,
  WORK_END = 5;

interface QueuedTask extends BoardItem {
  req: TaskRequestedEvent;
  /** its patience timer's ticket while it waits (-1: none) */
  ticket: number;
  /** simulated seconds of work left after a preemption (-1: not interrupted) */
  remaining: number;
}

export interface IssuedGrant {
  grant: GrantEvent;
  /** the workflow to signal (= case id) */
  workflowId: string;
  request: TaskRequestedEvent;
  /** granted on arrival, a unit was free: its latency is pure system latency */
  immediate: boolean;
}

/** The end of a preemptible grant's work, to record and signal (`workEndSignal`). */
export interface IssuedWorkEnd {
  workEnd: WorkEndEvent;
  /** the workflow to signal (= case id) */
  workflowId: string;
}

export interface DecisionNote {
  time: number;
  epoch: number;
  trigger: string;
  reason: string;
}

export class Dispatcher {
  now = 0;
  /** units, queues, capacity and allocation, as in the engine */
  readonly board: UnitBoard<QueuedTask>;
  private readonly cal = new EventCalendar(256);
  private grantNo = 0;
  /** tasks requested (waiting or granted) and not finished: a request for one of them again is a duplicate */
  private readonly open = new Set<string>();
  /**
   * Tasks finished lately: a request redelivered after its task finished (Kafka redelivers from the
   * last committed offset, seconds back) is a duplicate too. Bounded, so the allocator's memory does
   * not grow with the run; a restart rebuilds from the whole log in `restore` instead.
   */
  private readonly finished = new RecentIds(FINISHED_REMEMBERED);
  private readonly grants: IssuedGrant[] = [];
  readonly decisions: DecisionNote[] = [];
  private readonly unitIndex = new Map<string, number>();
  /** taskId held by each unit, or null */
  readonly unitTask: (string | null)[];
  private started = false;
  /** tasks waiting with a patience (simulator/abandonment.ts), by ticket */
  private readonly patienceTimers = new TicketBook<QueuedTask>();
  private readonly workEnds: IssuedWorkEnd[] = [];
  /** per process: it is preemptive */
  private readonly preemptive: boolean[];
  /** per unit: the preemptible task whose end the dispatcher times (null: none), its grant, the ticket and time of its end */
  private readonly timed: (QueuedTask | null)[];
  private readonly timedGrant: string[];
  private readonly doneTicket: Int32Array;
  private readonly doneAt: Float64Array;
  /** ends of preemptible work by ticket (an interrupted task's end is torn up) */
  private readonly workTimers = new TicketBook<number>();

  constructor(
    readonly scenario: Scenario,
    readonly policy: Policy,
    private readonly instance: string,
    /** told of every decision epoch (metrics, decision log) */
    private readonly onDecision?: (note: DecisionNote) => void,
  ) {
    this.board = new UnitBoard<QueuedTask>(scenario, {
      policy,
      clock: this,
      host: {
        startWork: (task, u) => this.grant(u, task, false),
        switchOver: (u, until) => this.cal.schedule(until, SWITCHED, u),
      },
      disruptions: 'edges',
      inService: (u) => this.timed[u],
    });
    this.board.unitName.forEach((name, u) => this.unitIndex.set(name, u));
    this.unitTask = this.board.unitName.map(() => null);
    this.preemptive = scenario.processes.map((p) => p.preemptive === true);
    this.timed = this.board.unitName.map(() => null);
    this.timedGrant = this.board.unitName.map(() => '');
    this.doneTicket = new Int32Array(this.timed.length).fill(-1);
    this.doneAt = new Float64Array(this.timed.length);
  }

  /** decision epochs so far */
  get epoch(): number {
    return this.board.epoch;
  }

  /** Puts units on duty as of `now` and runs the first decision epoch. */
  start(now: number): void {
    if (this.started) return;
    this.started = true;
    this.now = Math.max(0, now);
    for (const pool of this.scenario.pools) {
      this.onShift(pool.index);
      for (const a of pool.absences) {
        if (a.start > this.now) this.cal.schedule(a.start, CAPACITY, pool.index);
        if (a.end > this.now) this.cal.schedule(a.end, CAPACITY, pool.index);
      }
    }
    this.decide(this.board.epoch === 0 ? 'start' : 'restart', true);
  }

  /** Simulated time of the allocator's next own event (epoch, shift edge, switch-over), Infinity if none. */
  nextDue(): number {
    return this.cal.peekTime();
  }

  /** Processes the allocator's own timed events (shifts, absences, epochs, switch-overs) up to `now`. */
  advanceTo(now: number): void {
    while (this.cal.peekTime() <= now) {
      this.cal.pop();
      this.now = Math.max(this.now, this.cal.lastTime);
      const arg = this.cal.lastArg;
      switch (this.cal.lastKind) {
        case SHIFT:
          this.onShift(arg);
          break;
        case CAPACITY:
          this.board.reconcile(arg);
          break;
        case EPOCH:
          this.decide('periodic', true);
          break;
        case SWITCHED: {
          const next = this.board.switched(arg);
          if (next) this.grant(arg, next, false);
          break;
        }
        case ABANDON: {
          const task = this.patienceTimers.take(arg);
          if (task && this.board.withdraw(task, task.req.skill)) this.unserved(task, 'abandoned');
          break;
        }
        case WORK_END: {
          const u = this.workTimers.take(arg);
          if (u !== undefined) this.release(u);
          break;
        }
      }
    }
    this.now = Math.max(this.now, now);
  }

  /** A case asks for a unit. Duplicates (same task id) are ignored. */
  request(req: TaskRequestedEvent, now: number): void {
    if (this.open.has(req.taskId) || this.finished.has(req.taskId)) return;
    this.advanceTo(now);
    this.open.add(req.taskId);
    // a request that came late (after its moment was decided) keeps its place in a FIFO queue by its own time
    const task: QueuedTask = {
      key: 0,
      seq: 0,
      req,
      enqueued: Math.min(this.now, req.at),
      deadline: req.deadline,
      rank: 0,
      qpos: -1,
      ticket: -1,
      remaining: -1,
    };
    const u = this.board.offer(task, req.skill, req.processIndex, req.step);
    if (u >= 0) this.grant(u, task, true);
    else if (u === BLOCKED) this.unserved(task, 'blocked');
    else {
      // no unit free: a preemptive task takes a person from a lower class, as in the engine; else its patience starts
      const v = this.preemptive[req.processIndex] ? this.board.preempt(task, req.skill) : -1;
      if (v >= 0) {
        this.interrupt(v);
        this.grant(v, task, true);
      } else if (req.abandonAt !== undefined) this.armPatience(task);
    }
  }

  /** Unit v's timed task is preempted (the board put it back in its queue): its end is torn up, its case told the work it has left. */
  private interrupt(v: number): void {
    const task = this.timed[v]!;
    this.workTimers.cancel(this.doneTicket[v]);
    task.remaining = this.doneAt[v] - this.now;
    task.enqueued = this.now;
    this.timed[v] = null;
    this.unitTask[v] = null;
    this.workEnds.push({
      workEnd: {
        v: 1,
        type: 'work.interrupted',
        grantId: this.timedGrant[v],
        taskId: task.req.taskId,
        caseId: task.req.caseId,
        unit: this.board.unitName[v],
        at: this.now,
        remaining: task.remaining,
      },
      workflowId: task.req.caseId,
    });
  }

  /** Unit u's timed task has done its work: its case is told, and the unit is free (as a finished task's). */
  private release(u: number): void {
    const task = this.timed[u]!;
    this.timed[u] = null;
    this.workEnds.push({
      workEnd: {
        v: 1,
        type: 'work.released',
        grantId: this.timedGrant[u],
        taskId: task.req.taskId,
        caseId: task.req.caseId,
        unit: this.board.unitName[u],
        // its work's own end (the moment now, but for a restarted incarnation's end that fell before its first moment)
        at: this.doneAt[u],
      },
      workflowId: task.req.caseId,
    });
    this.freeUnit(u, task.req.taskId);
  }

  /** The task abandons at its `abandonAt` unless a unit takes it first (at once if that time has passed). */
  private armPatience(task: QueuedTask): void {
    task.ticket = this.patienceTimers.issue(task);
    this.cal.schedule(Math.max(this.now, task.req.abandonAt!), ABANDON, task.ticket);
  }

  /** An outcome grant: no unit, the task is not served (the workflow routes the case on). */
  private unserved(task: QueuedTask, outcome: 'abandoned' | 'blocked'): void {
    const req = task.req;
    this.open.delete(req.taskId);
    this.finished.add(req.taskId);
    this.grants.push({
      grant: {
        v: 1,
        type: 'grant',
        grantId: `${this.instance}-${this.grantNo++}`,
        taskId: req.taskId,
        caseId: req.caseId,
        unit: '',
        pool: '',
        kind: 'human',
        at: outcome === 'abandoned' ? Math.max(this.now, req.abandonAt ?? this.now) : this.now,
        slowdown: 1,
        outcome,
      },
      workflowId: req.caseId,
      request: req,
      immediate: false,
    });
  }

  /** The task is known to be finished (its finish came, or its preemptible work was released): a finish event of it is not news. */
  hasFinished(taskId: string): boolean {
    return this.finished.has(taskId);
  }

  /** A task is finished (done or bot-failed): its unit is free. Returns false for a duplicate or unknown unit. */
  finish(taskId: string, unit: string, now: number): boolean {
    const u = this.unitIndex.get(unit);
    // (a preemptible task's unit was freed when the dispatcher released its work: its finish is not news)
    if (u === undefined || this.unitTask[u] !== taskId) return false;
    this.advanceTo(now);
    this.freeUnit(u, taskId);
    return true;
  }

  private freeUnit(u: number, taskId: string): void {
    this.unitTask[u] = null;
    this.open.delete(taskId);
    this.finished.add(taskId);
    const next = this.board.free(u);
    if (next) this.grant(u, next, false);
  }

  /** A disruption edge (from the producer's disruption events). */
  disruption(index: number, begins: boolean, now: number): void {
    const x = this.scenario.disruptions[index];
    if (!x || begins === this.board.activeDisruptions.has(index)) return;
    this.advanceTo(now);
    this.board.disruption(index, begins);
    this.decide(`${x.label} ${begins ? 'begins' : 'ends'}`, false);
  }

  /**
   * Rebuilds the state from the replayed log before `start`: tasks requested
   * and never granted wait (in request order), units with a grant and no
   * finished task are busy with it. `log` is the grants topic in its order:
   * grants and the work ends of preemptible grants. A task's last grant
   * decides: its work released, the unit is free; its work interrupted, the
   * task waits again with the work it has left; a preemptible grant with no
   * work end is timed again, to end at its grant time + its work (the request's
   * `work` × the grant's slowdown, or what the last interruption left), as the
   * old incarnation timed it. Returns what the caller signals again, since the
   * old incarnation may have died between recording and signalling: the open
   * grants and the work ends of tasks not finished (a workflow ignores a grant
   * it already has, and a work end of a grant it is not working on).
   */
  restore(
    requests: TaskRequestedEvent[],
    log: (GrantEvent | WorkEndEvent)[],
    finished: Set<string>,
    now: number,
  ): { grants: GrantEvent[]; workEnds: WorkEndEvent[]; signals: (GrantEvent | WorkEndEvent)[] } {
    this.now = Math.max(0, now);
    const board = this.board;
    const requestOf = new Map(requests.map((r) => [r.taskId, r]));
    // per task: its last grant, how its work ended (a work end of that grant), the work left by the interruption before it.
    // Work ends are matched by grant id, not by their place in the log: one flush writes its work ends before its
    // grants, so an interruption may come before the grant it interrupts when both were decided in one step.
    const endOf = new Map<string, WorkEndEvent>();
    for (const e of log) if (e.type !== 'grant') endOf.set(e.grantId, e);
    const lastGrant = new Map<string, GrantEvent>();
    const ended = new Map<string, WorkEndEvent>();
    const left = new Map<string, number>();
    for (const e of log) {
      if (e.type !== 'grant') continue;
      const n = Number(e.grantId.slice(e.grantId.lastIndexOf('-') + 1));
      if (e.grantId.startsWith(`${this.instance}-`) && n >= this.grantNo) this.grantNo = n + 1;
      const before = lastGrant.get(e.taskId);
      const remaining = before && endOf.get(before.grantId)?.remaining;
      if (remaining !== undefined) left.set(e.taskId, remaining);
      lastGrant.set(e.taskId, e);
      const end = endOf.get(e.grantId);
      if (end) ended.set(e.taskId, end);
      else ended.delete(e.taskId);
    }
    const open: GrantEvent[] = [];
    const workEnds: WorkEndEvent[] = [];
    /** interrupted tasks waiting for a new grant: the work they have left */
    const resumable = new Map<string, WorkEndEvent>();
    for (const [taskId, g] of lastGrant) {
      if (finished.has(taskId)) {
        this.finished.add(taskId);
        continue;
      }
      // a task not served (abandoned, blocked) holds no unit; its case may not have heard yet: signal it again
      if (g.outcome) {
        this.finished.add(taskId);
        open.push(g);
        continue;
      }
      const e = ended.get(taskId);
      if (e) {
        // the old incarnation ended this work; its case may not have heard yet: signal it again
        workEnds.push(e);
        if (e.type === 'work.released') this.finished.add(taskId);
        else resumable.set(taskId, e);
        continue;
      }
      this.open.add(taskId);
      open.push(g);
      const u = this.unitIndex.get(g.unit);
      if (u === undefined) continue;
      this.unitTask[u] = taskId;
      const req = requestOf.get(taskId);
      const q = req?.skill ?? this.scenario.pools[board.unitPool[u]].skills[0];
      if (!g.preemptible || req?.work === undefined) {
        board.resume(u, q);
        continue;
      }
      // the end of its work was timed by the old incarnation, not by the case: time it again (at once if it is past)
      const task: QueuedTask = { key: 0, seq: 0, req, enqueued: req.at, deadline: req.deadline, rank: 0, qpos: -1, ticket: -1, remaining: -1 };
      board.resume(u, q, task, req.processIndex, req.step);
      const ticket = this.workTimers.issue(u);
      this.timed[u] = task;
      this.timedGrant[u] = g.grantId;
      this.doneTicket[u] = ticket;
      this.doneAt[u] = g.at + (left.get(taskId) ?? req.work * g.slowdown);
      this.cal.schedule(this.doneAt[u], WORK_END, ticket);
    }
    for (const req of requests) {
      const taskId = req.taskId;
      if (this.open.has(taskId) || this.finished.has(taskId) || finished.has(taskId) || (lastGrant.has(taskId) && !resumable.has(taskId))) continue;
      this.open.add(taskId);
      const interrupted = resumable.get(taskId);
      const remaining = interrupted ? (interrupted.remaining ?? 0) : -1;
      const task: QueuedTask = { key: 0, seq: 0, req, enqueued: req.at, deadline: req.deadline, rank: 0, qpos: -1, ticket: -1, remaining };
      board.requeue(task, req.skill, req.processIndex, req.step);
      // an interrupted task waits from its interruption, in its old place (as `interrupt` leaves it); its case abandons it no more
      if (interrupted) task.enqueued = interrupted.at;
      else if (req.abandonAt !== undefined) this.armPatience(task);
    }
    // a run already under way: this is not its first epoch (the snapshot counts arrivals from now on)
    if (requests.length > 0 || log.length > 0) board.epoch = 1;
    // what to signal again, per task in the log's order: every grant of a task not finished, each followed by how its
    // work ended. The old incarnation may have died after recording a grant and its interruption but before
    // signalling them; a case ignores a grant it has worked under, so a re-sent one changes nothing
    const signals: (GrantEvent | WorkEndEvent)[] = [];
    for (const e of log) {
      if (e.type !== 'grant' || e.outcome || finished.has(e.taskId)) continue;
      signals.push(e);
      const end = endOf.get(e.grantId);
      if (end) signals.push(end);
    }
    for (const g of open) if (g.outcome) signals.push(g);
    return { grants: open, workEnds, signals };
  }

  takeGrants(): IssuedGrant[] {
    return this.grants.splice(0, this.grants.length);
  }

  /** The work-end notices of preemptible grants since the last call (record them, then signal). */
  takeWorkEnds(): IssuedWorkEnd[] {
    return this.workEnds.splice(0, this.workEnds.length);
  }

  /** Tasks waiting per queue, units busy and available per pool: for metrics and the live summary line. */
  counts(): { waiting: number[]; busy: number[]; available: number[] } {
    const board = this.board;
    const busy = this.scenario.pools.map(() => 0);
    const available = this.scenario.pools.map(() => 0);
    board.unitState.forEach((st, u) => {
      if (st === UnitState.BUSY) busy[board.unitPool[u]]++;
      if (st !== UnitState.OFF && st !== UnitState.PAUSED) available[board.unitPool[u]]++;
    });
    return { waiting: board.queues.map((q) => q.size), busy, available: available.map((a, p) => Math.min(a, board.activeCount[p])) };
  }

  /** Unit u (the board has marked it busy) takes the task: a grant to record and signal. */
  private grant(u: number, task: QueuedTask, immediate: boolean): void {
    const board = this.board;
    const p = board.unitPool[u];
    const pool = this.scenario.pools[p];
    this.unitTask[u] = task.req.taskId;
    if (task.ticket >= 0) {
      this.patienceTimers.cancel(task.ticket);
      task.ticket = -1;
    }
    const grantId = `${this.instance}-${this.grantNo++}`;
    // a task a preemption may interrupt: its end is timed here, as the engine times it (the work it has left, or its work at this slowdown)
    const preemptible = task.req.work !== undefined && board.mayBePreempted(u, task.rank ?? 0);
    if (preemptible) {
      const work = task.remaining >= 0 ? task.remaining : task.req.work! * board.slowdown[p];
      const ticket = this.workTimers.issue(u);
      this.timed[u] = task;
      this.timedGrant[u] = grantId;
      this.doneTicket[u] = ticket;
      this.doneAt[u] = this.now + work;
      this.cal.schedule(this.now + work, WORK_END, ticket);
    }
    this.grants.push({
      grant: {
        v: 1,
        type: 'grant',
        grantId,
        taskId: task.req.taskId,
        caseId: task.req.caseId,
        unit: board.unitName[u],
        pool: pool.id,
        kind: pool.kind,
        at: this.now,
        slowdown: board.slowdown[p],
        ...(preemptible ? { preemptible: true as const } : {}),
      },
      workflowId: task.req.caseId,
      request: task.req,
      immediate,
    });
  }

  private onShift(p: number): void {
    const next = this.board.shift(p);
    if (next <= this.scenario.horizon) this.cal.schedule(next, SHIFT, p);
  }

  private decide(trigger: string, periodic: boolean): void {
    const s = this.scenario;
    const { snapshot, decision } = this.board.decide(trigger, periodic);
    const note = { time: this.now, epoch: snapshot.epoch, trigger, reason: decision.reason };
    this.decisions.push(note);
    if (this.decisions.length > 100) this.decisions.shift();
    this.onDecision?.(note);
    if (periodic && s.rebalanceEvery > 0 && this.policy.periodic !== false) {
      const next = Math.floor(this.now / s.rebalanceEvery + 1e-9) * s.rebalanceEvery + s.rebalanceEvery;
      if (next <= s.horizon) this.cal.schedule(next, EPOCH, 0);
    }
  }
}

/**
 * Cuts a replayed log at the simulated moment a restarted allocator decides first (`now`, which is
 * `settleMs` behind the clock, so the log runs ahead of it): a task that ended by `now` is finished
 * (added to `finished`); one that ended after it still holds its unit until its end, and a request
 * made after `now` waits for its own moment. Those two come back in `ahead`, to be taken as live
 * events in simulated-time order. Without the cut, a unit whose task ends after `now` would be free
 * at `now` and granted again before its task ended.
 */
export function cutReplay(
  requests: TaskRequestedEvent[],
  ends: TaskFinishedEvent[],
  finished: Set<string>,
  now: number,
): { due: TaskRequestedEvent[]; ahead: (TaskRequestedEvent | TaskFinishedEvent)[] } {
  const ahead: (TaskRequestedEvent | TaskFinishedEvent)[] = [];
  for (const e of ends) {
    if (e.end <= now) finished.add(e.taskId);
    else ahead.push(e);
  }
  const due = requests.filter((r) => {
    if (r.at <= now || finished.has(r.taskId)) return true;
    ahead.push(r);
    return false;
  });
  return { due, ahead };
}

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
 * The caller drains `takeGrants()` after each call, records the grants on
 * Kafka and only then signals the workflows. `restore()` rebuilds the state
 * from the replayed log (requests, grants, finished tasks).
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
import type { GrantEvent, TaskFinishedEvent, TaskRequestedEvent } from '../protocol/topics.js';

/** finished task ids the dispatcher remembers to drop redelivered requests (see `finished`) */
const FINISHED_REMEMBERED = 200_000;
const SHIFT = 0, CAPACITY = 1, EPOCH = 2, SWITCHED = 3, ABANDON = 4;

interface QueuedTask extends BoardItem {
  req: TaskRequestedEvent;
  /** its patience timer's ticket while it waits (-1: none) */
  ticket: number;
}

export interface IssuedGrant {
  grant: GrantEvent;
  /** the workflow to signal (= case id) */
  workflowId: string;
  request: TaskRequestedEvent;
  /** granted on arrival, a unit was free: its latency is pure system latency */
  immediate: boolean;
}

export interface DecisionNote { time: number; epoch: number; trigger: string; reason: string }

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
    });
    this.board.unitName.forEach((name, u) => this.unitIndex.set(name, u));
    this.unitTask = this.board.unitName.map(() => null);
  }

  /** decision epochs so far */
  get epoch(): number { return this.board.epoch; }

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
        case SHIFT: this.onShift(arg); break;
        case CAPACITY: this.board.reconcile(arg); break;
        case EPOCH: this.decide('periodic', true); break;
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
      }
    }
    this.now = Math.max(this.now, now);
  }

  /** A case asks for a unit. Duplicates (same task id) are ignored. */
  request(req: TaskRequestedEvent, now: number): void {
    if (this.open.has(req.taskId) || this.finished.has(req.taskId)) return;
    this.advanceTo(now);
    this.open.add(req.taskId);
    const task: QueuedTask = { key: 0, seq: 0, req, enqueued: this.now, deadline: req.deadline, rank: 0, qpos: -1, ticket: -1 };
    const u = this.board.offer(task, req.skill, req.processIndex, req.step);
    if (u >= 0) this.grant(u, task, true);
    else if (u === BLOCKED) this.unserved(task, 'blocked');
    else if (req.abandonAt !== undefined) this.armPatience(task);
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
        v: 1, type: 'grant', grantId: `${this.instance}-${this.grantNo++}`, taskId: req.taskId, caseId: req.caseId,
        unit: '', pool: '', kind: 'human', at: outcome === 'abandoned' ? Math.max(this.now, req.abandonAt ?? this.now) : this.now, slowdown: 1, outcome,
      },
      workflowId: req.caseId,
      request: req,
      immediate: false,
    });
  }

  /** A task is finished (done or bot-failed): its unit is free. Returns false for a duplicate or unknown unit. */
  finish(taskId: string, unit: string, now: number): boolean {
    const u = this.unitIndex.get(unit);
    if (u === undefined || this.unitTask[u] !== taskId) return false;
    this.advanceTo(now);
    this.unitTask[u] = null;
    this.open.delete(taskId);
    this.finished.add(taskId);
    const next = this.board.free(u);
    if (next) this.grant(u, next, false);
    return true;
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
   * finished task are busy with it. Returns the grants still open, which the
   * caller signals again (a workflow ignores a grant it already has).
   */
  restore(requests: TaskRequestedEvent[], grants: GrantEvent[], finished: Set<string>, now: number): GrantEvent[] {
    this.now = Math.max(0, now);
    const board = this.board;
    const granted = new Map(grants.map((g) => [g.taskId, g]));
    const requestOf = new Map(requests.map((r) => [r.taskId, r]));
    const open: GrantEvent[] = [];
    for (const g of grants) {
      const n = Number(g.grantId.slice(g.grantId.lastIndexOf('-') + 1));
      if (g.grantId.startsWith(`${this.instance}-`) && n >= this.grantNo) this.grantNo = n + 1;
      if (finished.has(g.taskId)) { this.finished.add(g.taskId); continue; }
      // a task not served (abandoned, blocked) holds no unit; its case may not have heard yet: signal it again
      if (g.outcome) { this.finished.add(g.taskId); open.push(g); continue; }
      this.open.add(g.taskId);
      const u = this.unitIndex.get(g.unit);
      if (u === undefined) continue;
      this.unitTask[u] = g.taskId;
      board.resume(u, requestOf.get(g.taskId)?.skill ?? this.scenario.pools[board.unitPool[u]].skills[0]);
      open.push(g);
    }
    for (const req of requests) {
      if (granted.has(req.taskId) || this.open.has(req.taskId) || finished.has(req.taskId)) continue;
      this.open.add(req.taskId);
      const task: QueuedTask = { key: 0, seq: 0, req, enqueued: req.at, deadline: req.deadline, rank: 0, qpos: -1, ticket: -1 };
      board.requeue(task, req.skill, req.processIndex, req.step);
      if (req.abandonAt !== undefined) this.armPatience(task);
    }
    // a run already under way: this is not its first epoch (the snapshot counts arrivals from now on)
    if (requests.length > 0 || grants.length > 0) board.epoch = 1;
    return open;
  }

  takeGrants(): IssuedGrant[] {
    return this.grants.splice(0, this.grants.length);
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
    if (task.ticket >= 0) { this.patienceTimers.cancel(task.ticket); task.ticket = -1; }
    this.grants.push({
      grant: {
        v: 1, type: 'grant', grantId: `${this.instance}-${this.grantNo++}`, taskId: task.req.taskId, caseId: task.req.caseId,
        unit: board.unitName[u], pool: pool.id, kind: pool.kind, at: this.now, slowdown: board.slowdown[p],
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
  requests: TaskRequestedEvent[], ends: TaskFinishedEvent[], finished: Set<string>, now: number,
): { due: TaskRequestedEvent[]; ahead: (TaskRequestedEvent | TaskFinishedEvent)[] } {
  const ahead: (TaskRequestedEvent | TaskFinishedEvent)[] = [];
  for (const e of ends) {
    if (e.end <= now) finished.add(e.taskId); else ahead.push(e);
  }
  const due = requests.filter((r) => {
    if (r.at <= now || finished.has(r.taskId)) return true;
    ahead.push(r);
    return false;
  });
  return { due, ahead };
}

/**
 * The unit board: the pools' units and the work queues, and every rule that
 * moves one or the other. The `sim` engine (simulator/engine.ts) and the live
 * allocator's dispatcher (simulator/dispatcher.ts) both drive this one board, so
 * they make the same decisions by construction:
 *
 * - **Dispatch.** A new item takes a free unit at once: bots first, then
 *   people in scenario order; within a pool a unit dedicated to the item's
 *   queue, then a flexible one, then (unless the last allocation was
 *   `strict`) one dedicated elsewhere. A unit that frees takes the head of its
 *   queue or, if flexible or its queue is empty and not strict, the best head
 *   (key, then seq) among its pool's skills.
 * - **Allocation.** A decision epoch builds the snapshot, asks the policy,
 *   enforces the constraints and moves units: surplus released idle first,
 *   deficits filled from flexible units (idle, busy on the queue, busy,
 *   switching, off duty). A person who changes queue pays the switch-over.
 * - **Capacity.** Shifts, absences and outages set how many units of a pool
 *   may work; idle units leave first, then switching ones, and busy ones after
 *   their task. A pool that pauses (`atShiftEnd: pause`) instead has its units
 *   on duty by place (simulator/unit-duty.ts: an absence takes its last
 *   units): a busy unit going off duty is paused with its task, and busy
 *   again when it is back; the driver has timed the task's end to match.
 *
 * The board knows nothing of cases or grants. Items only expose what it needs
 * (`BoardItem`); the board sets their queue order (`key`, `seq`). The driver
 * is the clock (`clock.now`) and the host that starts the work. A call that
 * moves one unit returns what it did (`offer`, `free`, `switched`); calls
 * that may move many (`shift`, `reconcile`, `disruption`, `decide`) report
 * each start through `host.startWork`, in the order they happen. Switch-overs
 * are timed by the host: `host.switchOver` asks for `switched(u)` later.
 *
 * `offer` and `free` are the engine's hot path (millions of calls a second):
 * time is read from the clock rather than passed in (a double argument to a
 * call the compiler does not inline is boxed), and they write out the small
 * helpers they would call. About 500 lines, over the house's ~400: the rules
 * above share the unit arrays and idle sets, and split across files they
 * would have to expose them.
 *
 * ```ts
 * const board = new UnitBoard<Item>(scenario, { policy, clock: this, host, disruptions: 'schedule' });
 * board.shift(0);                               // pool 0 comes on duty (at clock.now)
 * const u = board.offer(item, q, process, step); // -1: it waits in queue q
 * const next = board.free(u);                    // the item unit u takes next, or null
 * ```
 */
import type { Process, Scenario, Step } from '../model/scenario.js';
import type { Allocation, Policy, Snapshot } from '../allocation/policy.js';
import { enforceConstraints } from '../allocation/constraints.js';
import { FifoQueue, KeyedQueue, type Queued, type TaskQueue } from './task-queue.js';
import { meanStepDuration } from './case-attributes.js';
import { ShiftCalendar } from './shift-calendar.js';
import { TimeWeighted } from './time-weighted.js';
import { buildSnapshot } from './snapshot.js';
import { unitsAway } from './capacity.js';
import { durationFactor, poolOf, unitsTaken } from '../model/disruptions.js';
import { RankedQueue, before as rankedBefore, type Ranked } from './ranked-queue.js';
import { queueingFeatures, type QueueingFeatures } from '../model/compile-queueing.js';

const IDLE = 0,
  BUSY = 1,
  OFF = 2,
  SWITCHING = 3,
  PAUSED = 4;
export const UnitState = { IDLE, BUSY, OFF, SWITCHING, PAUSED } as const;
/** `unitWantsOff` of a paused unit: not 0, so that `free` takes its slow path */
const WANTS_OFF = 1,
  IS_PAUSED = 2;
const NO_PENDING = -2;
/** `offer`: the item's queue is full (queues.<skill>.capacity): it is not queued */
export const BLOCKED = -2;

/** What the board needs of a queued item (it sets `key` and `seq` when the item arrives). */
export interface BoardItem extends Queued {
  /** simulated time it joined its queue */
  enqueued: number;
  /** its case's due date, for the snapshot's SLA slack */
  deadline: number;
  /** set by the board when the scenario has priorities, patience or preemption (simulator/ranked-queue.ts) */
  rank?: number;
  qpos?: number;
}

/** The driver's side: where work starts, and the switch-over timer. */
export interface BoardHost<T> {
  /** unit u has taken `item` (the board has marked it busy): start the work */
  startWork(item: T, u: number): void;
  /** unit u switches queue until `until`: call `switched(u)` then */
  switchOver(u: number, until: number): void;
}

export interface BoardOptions<T> {
  policy: Policy;
  /** the driver's clock: simulated seconds now */
  clock: { readonly now: number };
  host: BoardHost<T>;
  /**
   * When a disruption takes units away: 'schedule', from its start to its end
   * time (the engine knows the schedule: a capacity edge at the same instant,
   * handled before the disruption's own event, already counts it); 'edges',
   * from the begin edge to the end edge the caller reports (the live
   * allocator knows only the edges it has been told of).
   */
  disruptions: 'schedule' | 'edges';
  /** the item unit u works on: needed when a process is preemptive (`preempt`) */
  inService?: (u: number) => T | null;
}

/** One decision epoch: the policy's view, its answer, and the allocation applied. */
export interface EpochDecision {
  snapshot: Snapshot;
  decision: Allocation;
  assign: number[][];
}

export class UnitBoard<T extends BoardItem> {
  readonly scenario: Scenario;
  readonly policy: Policy;
  /** decision epochs so far */
  epoch = 0;
  /** the next item's `seq`: the order of arrival breaks ties between equal keys */
  private seq = 0;
  readonly queues: TaskQueue<T>[];

  readonly unitName: string[];
  readonly unitPool: Int32Array;
  readonly unitState: Uint8Array;
  readonly unitQueue: Int32Array;
  private readonly unitPending: Int32Array;
  private readonly unitWantsOff: Uint8Array;
  /** the queue of the item each busy unit works on */
  private readonly unitSkill: Int32Array;
  private readonly poolFirstUnit: number[] = [];
  private readonly idle: number[][]; // per (pool * (Q + 1) + queue|Q for flexible)
  private readonly idlePos: Int32Array;
  private readonly poolsForQueue: number[][];
  /** per pool, the queues it can serve (its skills) */
  private readonly poolSkills: number[][];
  /** queues (skills) */
  private readonly queueCount: number;
  private readonly calendars: ShiftCalendar[];
  private readonly onDuty: boolean[];
  /** per pool: its units pause their task at the end of their duty (`atShiftEnd: pause`) */
  private readonly pausing: boolean[];
  readonly activeCount: number[];
  /** duration factor per pool (slowdown disruptions) */
  readonly slowdown: number[];
  readonly activeDisruptions = new Set<number>();

  // time-weighted measures
  readonly backlog: TimeWeighted; // per queue
  readonly busy: TimeWeighted; // per pool
  readonly available: TimeWeighted; // per pool
  readonly rostered: TimeWeighted; // per pool
  readonly busyOn: Int32Array; // pool * Q + queue
  readonly arrivalsThisEpoch: Int32Array; // per queue
  /**
   * per queue, oldest first: what snapshots hand to the policy, a fresh copy of the board's own
   * history at each periodic epoch (not frozen: V8 reads frozen arrays 2-3x slower, and a policy
   * that writes to its copy changes nothing here)
   */
  readonly arrivalsHistory: number[][];
  /** per queue, the board's own history, which no snapshot sees */
  private readonly history: number[][];
  readonly meanService: { human: number[]; bot: number[] };
  readonly costOfDelay: number[];
  private readonly priorityKey: number[][];
  private readonly historyCap: number;
  private readonly clock: { readonly now: number };
  /** the policy's dispatch discipline: 0 FIFO, 1 EDF, 2 priority (an integer: tested per item) */
  private readonly discipline: number;
  private readonly host: BoardHost<T>;
  private readonly bySchedule: boolean;
  /** dedicated units serve only their queue (the last allocation said so) */
  private strict = false;
  /** the queueing features the scenario uses; `ranked`: its queues are RankedQueues (items can leave, classes go first) */
  readonly features: QueueingFeatures;
  private readonly ranked: boolean;
  /** per process: minus its priority (an item's rank) */
  private readonly rankOf: number[];
  /** per queue: the items that may wait in it */
  private readonly capacity: Float64Array;
  /** the item unit u works on (asked of the driver when a preemptive item finds no free unit) */
  private readonly inService: ((u: number) => T | null) | undefined;
  /**
   * per pool: the highest class (lowest rank) of a preemptive process with a step on one of its skills;
   * an item of a greater rank on one of its units may be preempted (Infinity: none may, e.g. bots and
   * pools that pause at shift end, whose task ends are the duty's)
   */
  private readonly preemptorRank: number[];

  constructor(scenario: Scenario, options: BoardOptions<T>) {
    const { policy } = options;
    this.scenario = scenario;
    this.policy = policy;
    this.clock = options.clock;
    this.discipline = policy.dispatch === 'fifo' ? 0 : policy.dispatch === 'edf' ? 1 : 2;
    this.host = options.host;
    this.bySchedule = options.disruptions === 'schedule';
    const Q = scenario.skills.length;
    const P = scenario.pools.length;
    this.queueCount = Q;
    this.poolSkills = scenario.pools.map((p) => p.skills);
    this.features = queueingFeatures(scenario);
    this.ranked = this.features.abandonment || this.features.priorities || this.features.preemption;
    this.rankOf = scenario.processes.map((p) => -(p.priority ?? 0));
    this.capacity = Float64Array.from(scenario.skills.map((_, q) => scenario.queueCapacity?.[q] ?? Infinity));
    this.inService = options.inService;
    this.preemptorRank = scenario.pools.map((pool) => {
      if (pool.kind !== 'human' || pool.atShiftEnd === 'pause') return Infinity;
      let best = Infinity;
      for (const proc of scenario.processes) {
        if (proc.preemptive !== true) continue;
        if (proc.steps.some((st) => !st.gateway && pool.skills.includes(st.skill))) best = Math.min(best, -(proc.priority ?? 0));
      }
      return best;
    });
    this.queues = scenario.skills.map(() =>
      this.ranked ? (new RankedQueue<T & Ranked>() as unknown as TaskQueue<T>) : policy.dispatch === 'fifo' ? new FifoQueue<T>() : new KeyedQueue<T>(),
    );
    // cμ index per (process, step): cost of delay per second over mean service seconds
    // (mean durations with each step's durationScale: simulator/case-attributes.ts)
    const meanHuman = scenario.processes.map((p) => p.steps.map((s) => meanStepDuration(p, s, false, scenario.seed)));
    const meanBot = scenario.processes.map((p) => p.steps.map((s) => meanStepDuration(p, s, true, scenario.seed)));
    this.priorityKey = scenario.processes.map((p) => p.steps.map((s) => -(p.costOfDelayPerHour / Math.max(1e-9, meanHuman[p.index][s.index]))));

    const total = scenario.pools.reduce((n, p) => n + p.size, 0);
    this.unitName = new Array(total);
    this.unitPool = new Int32Array(total);
    this.unitState = new Uint8Array(total).fill(OFF);
    this.unitQueue = new Int32Array(total).fill(-1);
    this.unitPending = new Int32Array(total).fill(NO_PENDING);
    this.unitWantsOff = new Uint8Array(total);
    this.unitSkill = new Int32Array(total).fill(-1);
    this.idlePos = new Int32Array(total).fill(-1);
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
    this.poolsForQueue = scenario.skills.map((_, q) =>
      scenario.pools
        .filter((p) => p.skills.includes(q))
        .sort((a, b) => (a.kind === b.kind ? a.index - b.index : a.kind === 'bot' ? -1 : 1))
        .map((p) => p.index),
    );
    this.calendars = scenario.pools.map((p) => new ShiftCalendar(p.shifts));
    this.onDuty = scenario.pools.map(() => false);
    this.pausing = scenario.pools.map((p) => p.atShiftEnd === 'pause');
    this.activeCount = scenario.pools.map(() => 0);
    this.slowdown = scenario.pools.map(() => 1);
    this.backlog = new TimeWeighted(Q);
    this.busy = new TimeWeighted(P);
    this.available = new TimeWeighted(P);
    this.rostered = new TimeWeighted(P);
    this.busyOn = new Int32Array(P * Q);
    this.arrivalsThisEpoch = new Int32Array(Q);
    this.arrivalsHistory = scenario.skills.map(() => []);
    this.history = scenario.skills.map(() => []);
    /** per queue, the plain mean of `pick` over the steps that need its skill */
    const meanOver = (pick: (s: Step, p: Process) => number) =>
      scenario.skills.map((_, q) => {
        const xs = scenario.processes.flatMap((p) => p.steps.filter((s) => s.skill === q).map((s) => pick(s, p)));
        return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
      });
    this.meanService = {
      human: meanOver((s, p) => meanHuman[p.index][s.index]),
      bot: meanOver((s, p) => meanBot[p.index][s.index]),
    };
    this.costOfDelay = meanOver((_, p) => p.costOfDelayPerHour);
    this.historyCap = scenario.rebalanceEvery > 0 ? Math.min(4032, Math.ceil((2 * 604_800) / scenario.rebalanceEvery)) : 0;
  }

  /** Simulated seconds now (the driver's clock). */
  get now(): number {
    return this.clock.now;
  }

  /** Sets the item's place in its queue: key by the policy's discipline (enqueue time, due date, −cμ of its step), then arrival order. */
  private order(item: T, process: number, step: number): void {
    const d = this.discipline;
    item.key = d === 0 ? item.enqueued : d === 1 ? item.deadline : this.priorityKey[process][step];
    item.seq = this.seq++;
    if (this.ranked) item.rank = this.rankOf[process];
  }

  // ---- items ----------------------------------------------------------------

  /** A new item of a process step for queue q: returns the unit that takes it at once (now busy), -1 if it waits, or BLOCKED (its queue is full). */
  offer(item: T, q: number, process: number, step: number): number {
    // order() and occupy() written out (the hot path: a call the compiler does not inline costs a few per cent)
    const d = this.discipline;
    item.key = d === 0 ? item.enqueued : d === 1 ? item.deadline : this.priorityKey[process][step];
    item.seq = this.seq++;
    if (this.ranked) item.rank = this.rankOf[process];
    this.arrivalsThisEpoch[q]++;
    const pools = this.poolsForQueue[q];
    const Q1 = this.queueCount + 1;
    for (let i = 0; i < pools.length; i++) {
      const p = pools[i];
      let set = this.idle[p * Q1 + q];
      if (set.length === 0) set = this.idle[p * Q1 + Q1 - 1];
      if (set.length === 0 && !this.strict) {
        // units dedicated elsewhere help when their own queue is empty (they are idle, so it is)
        const skills = this.poolSkills[p];
        for (let k = 0; k < skills.length && set.length === 0; k++) set = this.idle[p * Q1 + skills[k]];
      }
      if (set.length > 0) {
        const u = set.pop()!; // removeIdle(u) for the last of its set
        this.idlePos[u] = -1;
        this.unitState[u] = BUSY;
        this.unitSkill[u] = q;
        this.busy.add(p, 1, this.clock.now);
        this.busyOn[p * this.queueCount + q]++;
        return u;
      }
    }
    if (this.queues[q].size >= this.capacity[q]) return BLOCKED;
    this.queues[q].push(item);
    this.backlog.add(q, 1, this.clock.now);
    return -1;
  }

  /** Takes a waiting item out of queue q (its case abandons): false if it is not waiting there. */
  withdraw(item: T, q: number): boolean {
    if (!(this.queues[q] as unknown as RankedQueue<T & Ranked>).remove(item as T & Ranked)) return false;
    this.backlog.add(q, -1, this.clock.now);
    return true;
  }

  /**
   * A waiting item of a preemptive process in queue q takes a person from a task of a lower class:
   * of the busy people who can serve q (in pools that finish their tasks at shift end: a pausing pool's
   * task ends are timed by its duty), the one whose task has the lowest class (the latest to arrive
   * among equals). Their task goes back to its queue, in its old place; the item leaves its queue.
   * Returns the unit (busy with `item` now; the driver interrupts its old task), or -1 if none.
   */
  preempt(item: T, q: number): number {
    if (!this.inService) return -1;
    const Q = this.queueCount;
    let victim = -1;
    let worst: T | null = null;
    for (const p of this.poolsForQueue[q]) {
      if (this.preemptorRank[p] === Infinity) continue; // bots, pausing pools
      const first = this.poolFirstUnit[p];
      for (let u = first; u < first + this.scenario.pools[p].size; u++) {
        if (this.unitState[u] !== BUSY || (this.strict && this.unitQueue[u] >= 0 && this.unitQueue[u] !== q)) continue;
        const held = this.inService(u);
        if (!held || !((held.rank ?? 0) > (item.rank ?? 0))) continue;
        if (worst === null || rankedBefore(worst as T & Ranked, held as T & Ranked)) {
          worst = held;
          victim = u;
        }
      }
    }
    if (victim < 0 || worst === null) return -1;
    this.withdraw(item, q);
    const old = this.unitSkill[victim];
    (this.queues[old] as unknown as RankedQueue<T & Ranked>).push(worst as T & Ranked);
    this.backlog.add(old, 1, this.clock.now);
    const p = this.unitPool[victim];
    this.busyOn[p * Q + old]--;
    this.busyOn[p * Q + q]++;
    this.unitSkill[victim] = q;
    return victim;
  }

  /**
   * Whether unit u's item, of rank `rank`, may be preempted before it ends: u is a person of a pool
   * that finishes its tasks at shift end, and a preemptive process of a higher class has a step on one
   * of its pool's skills (the units `preempt` looks at). The live dispatcher times such an item's end
   * itself (simulator/dispatcher.ts), since the case cannot know whether a preemption comes first.
   */
  mayBePreempted(u: number, rank: number): boolean {
    return rank > this.preemptorRank[this.unitPool[u]];
  }

  /** Puts an item in queue q without counting it as an arrival (a replayed log). */
  requeue(item: T, q: number, process: number, step: number): void {
    this.order(item, process, step);
    this.queues[q].push(item);
    this.backlog.add(q, 1, this.now);
  }

  /** Unit u has finished its item: returns the item it takes next (now busy), or null (idle, off duty, switching). */
  free(u: number): T | null {
    const p = this.unitPool[u];
    const Q = this.queueCount;
    this.busyOn[p * Q + this.unitSkill[u]]--;
    if (this.unitWantsOff[u] !== 0 || this.unitPending[u] !== NO_PENDING) {
      if (this.unitState[u] === PAUSED) {
        // its work was done the instant its unit went off duty: the unit is simply off (busy counts were left then)
        this.busyOn[p * Q + this.unitSkill[u]]++;
        this.unitWantsOff[u] = 0;
        this.unitState[u] = OFF;
        return null;
      }
      this.busy.add(p, -1, this.clock.now);
      this.unitState[u] = IDLE;
      return this.afterWork(u);
    }
    // takeWork(u), written out (the hot path), for a unit that stays busy if it finds work: its pool's busy
    // count is brought up to now and left as it is, where -1 then +1 at the same instant would add the same
    const q = this.unitQueue[u];
    const best = this.bestQueue(p, q);
    const now = this.clock.now;
    if (best >= 0) {
      const item = this.queues[best].pop()!;
      this.backlog.add(best, -1, now);
      this.busy.add(p, 0, now);
      this.unitSkill[u] = best;
      this.busyOn[p * Q + best]++;
      return item;
    }
    this.busy.add(p, -1, now);
    this.unitState[u] = IDLE;
    const set = this.idle[p * (Q + 1) + (q >= 0 ? q : Q)];
    this.idlePos[u] = set.length;
    set.push(u);
    return null;
  }

  /**
   * Unit u is busy with an item of queue q since before the board existed (a replayed log); it counts as on duty.
   * With the item (of its process step), the item gets its place and class as `offer` gives them (`preempt` compares them).
   */
  resume(u: number, q: number, item?: T, process = 0, step = 0): void {
    if (item) this.order(item, process, step);
    this.occupy(u, q);
    this.activeCount[this.unitPool[u]]++;
  }

  /** Unit u's switch-over is over: returns the item it takes (now busy), or null. */
  switched(u: number): T | null {
    if (this.unitState[u] !== SWITCHING) return null;
    this.unitState[u] = IDLE;
    return this.afterWork(u);
  }

  // ---- units ----------------------------------------------------------------

  private occupy(u: number, q: number): void {
    const p = this.unitPool[u];
    this.unitState[u] = BUSY;
    this.unitSkill[u] = q;
    this.busy.add(p, 1, this.clock.now);
    this.busyOn[p * this.queueCount + q]++;
  }

  /** A unit has just become free (or available): off duty, switch queue, or take the next item. */
  private afterWork(u: number): T | null {
    if (this.unitWantsOff[u]) {
      this.unitWantsOff[u] = 0;
      this.unitState[u] = OFF;
      this.available.add(this.unitPool[u], -1, this.now);
      return null;
    }
    const pending = this.unitPending[u];
    if (pending !== NO_PENDING) {
      this.unitPending[u] = NO_PENDING;
      return this.switchTo(u, pending);
    }
    return this.takeWork(u);
  }

  private takeWork(u: number): T | null {
    const p = this.unitPool[u];
    const Q = this.queueCount;
    const q = this.unitQueue[u];
    const best = this.bestQueue(p, q);
    if (best >= 0) {
      const item = this.queues[best].pop()!;
      const now = this.clock.now;
      this.backlog.add(best, -1, now);
      // occupy(), written out (the hot path)
      this.unitState[u] = BUSY;
      this.unitSkill[u] = best;
      this.busy.add(p, 1, now);
      this.busyOn[p * Q + best]++;
      return item;
    }
    this.unitState[u] = IDLE;
    const set = this.idle[p * (Q + 1) + (q >= 0 ? q : Q)];
    this.idlePos[u] = set.length;
    set.push(u);
    return null;
  }

  /** The queue a unit of pool p assigned to q (-1: flexible) takes its next item from, or -1 when none has work for it. */
  private bestQueue(p: number, q: number): number {
    if (q >= 0 && this.queues[q].size > 0) return q;
    if (q >= 0 && this.strict) return -1;
    if (this.ranked) return this.bestRankedQueue(p);
    let best = -1;
    let bk = Infinity,
      bs = Infinity;
    const skills = this.poolSkills[p];
    for (let i = 0; i < skills.length; i++) {
      const head = this.queues[skills[i]].peek();
      if (head && (head.key < bk || (head.key === bk && head.seq < bs))) {
        bk = head.key;
        bs = head.seq;
        best = skills[i];
      }
    }
    return best;
  }

  /** `bestQueue` over ranked queues: the head of the highest class, then by (key, seq). */
  private bestRankedQueue(p: number): number {
    let best = -1;
    let head: T | undefined;
    const skills = this.poolSkills[p];
    for (let i = 0; i < skills.length; i++) {
      const h = this.queues[skills[i]].peek();
      if (h && (head === undefined || rankedBefore(h as T & Ranked, head as T & Ranked))) {
        head = h;
        best = skills[i];
      }
    }
    return best;
  }

  /** For the calls that may move many units: the host starts what a unit took. */
  private started(item: T | null, u: number): void {
    if (item) this.host.startWork(item, u);
  }

  private removeIdle(u: number): void {
    const Q = this.queueCount;
    const q = this.unitQueue[u];
    const set = this.idle[this.unitPool[u] * (Q + 1) + (q >= 0 ? q : Q)];
    const i = this.idlePos[u];
    const last = set.pop()!;
    if (last !== u) {
      set[i] = last;
      this.idlePos[last] = i;
    }
    this.idlePos[u] = -1;
  }

  private switchTo(u: number, q: number): T | null {
    const pool = this.scenario.pools[this.unitPool[u]];
    const changes = this.unitQueue[u] !== q;
    this.unitQueue[u] = q;
    if (changes && pool.kind === 'human' && pool.switchOver > 0) {
      this.unitState[u] = SWITCHING;
      this.host.switchOver(u, this.now + pool.switchOver);
      return null;
    }
    return this.takeWork(u);
  }

  // ---- capacity: shifts, absences, outages ----------------------------------

  /** A shift edge of pool p (or its first look at the calendar): returns the time of its next edge. */
  shift(p: number): number {
    const now = this.now;
    const cal = this.calendars[p];
    this.onDuty[p] = cal.onDuty(now);
    this.rostered.set(p, this.onDuty[p] ? this.scenario.pools[p].size : 0, now);
    this.reconcile(p);
    return cal.nextChange(now);
  }

  /** A disruption begins or ends: slowdown factors and the capacity of its pool follow. */
  disruption(d: number, begins: boolean): void {
    const x = this.scenario.disruptions[d];
    if (begins) this.activeDisruptions.add(d);
    else this.activeDisruptions.delete(d);
    const p = poolOf(x);
    if (p < 0) return;
    let f = 1;
    for (const i of this.activeDisruptions) f *= durationFactor(this.scenario.disruptions[i], p);
    this.slowdown[p] = f;
    this.reconcile(p);
  }

  /** Units of pool p that should be available now. */
  targetAvailable(p: number): number {
    if (!this.onDuty[p]) return 0;
    const s = this.scenario;
    let away = unitsAway(s, p, this.now, this.bySchedule);
    if (!this.bySchedule) {
      for (const i of this.activeDisruptions) {
        away += unitsTaken(s.disruptions[i], p);
      }
    }
    return Math.max(0, s.pools[p].size - away);
  }

  /** Brings pool p's units on or off duty to match `targetAvailable`. */
  reconcile(p: number): void {
    if (this.pausing[p]) {
      this.reconcileByPlace(p);
      return;
    }
    const now = this.now;
    const target = this.targetAvailable(p);
    const first = this.poolFirstUnit[p];
    const size = this.scenario.pools[p].size;
    let active = this.activeCount[p];
    // too many: idle units go first, then switching ones, then busy ones finish their task
    for (let pass = 0; pass < 3 && active > target; pass++) {
      for (let u = first + size - 1; u >= first && active > target; u--) {
        const st = this.unitState[u];
        if (this.unitWantsOff[u] || st === OFF) continue;
        if (pass === 0 && st === IDLE) {
          this.removeIdle(u);
          this.unitState[u] = OFF;
          this.available.add(p, -1, now);
          active--;
        } else if (pass === 1 && st === SWITCHING) {
          this.unitState[u] = OFF;
          this.available.add(p, -1, now);
          active--;
        } else if (pass === 2 && st === BUSY) {
          this.unitWantsOff[u] = WANTS_OFF;
          active--;
        }
      }
    }
    // too few: busy units about to leave stay, then off units come back
    for (let u = first; u < first + size && active < target; u++) {
      if (this.unitWantsOff[u]) {
        this.unitWantsOff[u] = 0;
        active++;
      }
    }
    for (let u = first; u < first + size && active < target; u++) {
      if (this.unitState[u] !== OFF) continue;
      active++;
      this.available.add(p, 1, now);
      this.unitState[u] = IDLE;
      if (this.unitPending[u] !== NO_PENDING) {
        this.unitQueue[u] = this.unitPending[u];
        this.unitPending[u] = NO_PENDING;
      }
      this.started(this.takeWork(u), u);
    }
    this.activeCount[p] = active;
  }

  /**
   * Pool p pauses: its first `targetAvailable` units are on duty, the others off
   * (simulator/unit-duty.ts, the rule the drivers time work by). A busy unit that
   * goes off is paused with its task; a paused one that comes back is busy again.
   */
  private reconcileByPlace(p: number): void {
    const now = this.now;
    const target = this.targetAvailable(p);
    const first = this.poolFirstUnit[p];
    const size = this.scenario.pools[p].size;
    const Q = this.queueCount;
    for (let k = 0; k < size; k++) {
      const u = first + k;
      const st = this.unitState[u];
      if (k >= target) {
        if (st === IDLE) {
          this.removeIdle(u);
          this.unitState[u] = OFF;
          this.available.add(p, -1, now);
        } else if (st === SWITCHING) {
          this.unitState[u] = OFF;
          this.available.add(p, -1, now);
        } else if (st === BUSY) {
          this.unitState[u] = PAUSED;
          this.unitWantsOff[u] = IS_PAUSED;
          this.available.add(p, -1, now);
          this.busy.add(p, -1, now);
          this.busyOn[p * Q + this.unitSkill[u]]--;
        }
      } else if (st === PAUSED) {
        this.unitState[u] = BUSY;
        this.unitWantsOff[u] = 0;
        this.available.add(p, 1, now);
        this.busy.add(p, 1, now);
        this.busyOn[p * Q + this.unitSkill[u]]++;
      }
    }
    for (let k = 0; k < target && k < size; k++) {
      const u = first + k;
      if (this.unitState[u] !== OFF) continue;
      this.available.add(p, 1, now);
      this.unitState[u] = IDLE;
      if (this.unitPending[u] !== NO_PENDING) {
        this.unitQueue[u] = this.unitPending[u];
        this.unitPending[u] = NO_PENDING;
      }
      this.started(this.takeWork(u), u);
    }
    this.activeCount[p] = Math.min(target, size);
  }

  // ---- allocation -----------------------------------------------------------

  /**
   * A decision epoch: a periodic one first closes the arrivals count of the
   * epoch that ends; then the policy decides on the snapshot and its
   * allocation, within the constraints, is applied.
   */
  decide(trigger: string, periodic: boolean): EpochDecision {
    const s = this.scenario;
    if (periodic && this.epoch > 0) {
      for (let q = 0; q < s.skills.length; q++) {
        const hist = this.history[q];
        hist.push(this.arrivalsThisEpoch[q]);
        if (hist.length > this.historyCap) hist.shift();
        this.arrivalsHistory[q] = hist.slice();
      }
      this.arrivalsThisEpoch.fill(0);
    }
    const snapshot = buildSnapshot(this, trigger, s.rebalanceEvery);
    const decision = this.policy.decide(snapshot);
    const assign = enforceConstraints(decision.assign, snapshot);
    this.strict = decision.strict === true;
    this.apply(assign);
    this.epoch++;
    return { snapshot, decision, assign };
  }

  /** Moves units so that each pool has assign[p][q] units dedicated to queue q (the rest flexible). */
  private apply(assign: number[][]): void {
    const Q = this.scenario.skills.length;
    for (const pool of this.scenario.pools) {
      const first = this.poolFirstUnit[pool.index];
      const want = assign[pool.index];
      const have = new Array(Q).fill(0);
      for (let u = first; u < first + pool.size; u++) {
        const q = this.pendingQueue(u);
        if (q >= 0) have[q]++;
      }
      // release surplus from each queue, idle units first, then the rest
      for (let q = 0; q < Q; q++) {
        for (const wantIdle of [true, false]) {
          for (let u = first + pool.size - 1; u >= first && have[q] > want[q]; u--) {
            if (this.pendingQueue(u) !== q || (this.unitState[u] === IDLE) !== wantIdle) continue;
            have[q]--;
            this.reassign(u, -1);
          }
        }
      }
      // fill deficits from flexible units
      for (let q = 0; q < Q; q++) {
        // on-duty units first: idle, then busy on this queue already, then other busy, switching, off duty
        for (let pass = 0; pass < 5; pass++) {
          for (let u = first; u < first + pool.size && have[q] < want[q]; u++) {
            if (this.pendingQueue(u) !== -1) continue;
            const st = this.unitState[u];
            const ok =
              pass === 0
                ? st === IDLE
                : pass === 1
                  ? st === BUSY && this.unitSkill[u] === q
                  : pass === 2
                    ? st === BUSY
                    : pass === 3
                      ? st === SWITCHING
                      : st === OFF;
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
      this.started(this.switchTo(u, q), u);
    } else if (st === OFF) {
      this.unitQueue[u] = q;
      this.unitPending[u] = NO_PENDING;
    } else if (st === SWITCHING) {
      this.unitQueue[u] = q; // still switching; lands on the new queue
    } else {
      this.unitPending[u] = q === this.unitQueue[u] ? NO_PENDING : q;
    }
  }

  // ---- for snapshots ----------------------------------------------------------

  /** The unit slots of pool p. */
  unitsOf(p: number): { first: number; size: number } {
    return { first: this.poolFirstUnit[p], size: this.scenario.pools[p].size };
  }

  /** The queue unit u serves, or will serve after its task (-1: flexible). */
  pendingQueue(u: number): number {
    return this.unitPending[u] !== NO_PENDING ? this.unitPending[u] : this.unitQueue[u];
  }
}

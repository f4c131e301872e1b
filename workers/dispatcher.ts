/**
 * The allocator's brain, without I/O: work queues, pools and their units, and
 * the scenario's policy from `allocation/`, driven by task events and a clock
 * the caller advances. It makes the same decisions as the `sim` engine
 * (simulator/engine.ts): a new task takes a free unit at once, bots first,
 * dedicated units before flexible ones; a unit that frees takes the next task
 * of its queue (or, if flexible, the best head among its skills); policy
 * epochs every `rebalanceEvery` and at disruption edges move units between
 * queues (people pay the switch-over); shifts, absences and outages take
 * units off duty, a busy unit finishing its task first.
 *
 * The caller drains `takeGrants()` after each call, records the grants on
 * Kafka and only then signals the workflows. `restore()` rebuilds the state
 * from the replayed log (requests, grants, finished tasks).
 *
 * Longer than the house's ~400 lines on purpose: the unit, capacity and
 * allocation methods are kept in the engine's order and wording so the two
 * can be compared side by side, and test/unit/dispatcher.test.ts checks that
 * with zero latency they give exactly the engine's figures under every
 * built-in policy (a change to the engine that is not carried here fails it).
 */
import type { Scenario, Step } from '../model/scenario.js';
import type { Policy, Snapshot } from '../allocation/policy.js';
import { enforceConstraints } from '../allocation/constraints.js';
import { EventCalendar } from '../simulator/calendar.js';
import { FifoQueue, KeyedQueue, type TaskQueue } from '../simulator/task-queue.js';
import { distributionMean } from '../simulator/distributions.js';
import { ShiftCalendar } from '../simulator/shift-calendar.js';
import type { GrantEvent, TaskRequestedEvent } from './topics.js';

const IDLE = 0, BUSY = 1, OFF = 2, SWITCHING = 3;
const NO_PENDING = -2;
const SHIFT = 0, CAPACITY = 1, EPOCH = 2, SWITCHED = 3;

interface QueuedTask {
  key: number;
  seq: number;
  req: TaskRequestedEvent;
  /** simulated time the allocator queued it */
  enqueued: number;
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
  epoch = 0;
  private readonly cal = new EventCalendar<null>(256);
  private readonly queues: TaskQueue<QueuedTask>[];
  private seq = 0;
  private grantNo = 0;
  private readonly steps: Step[][];
  private readonly priorityKey: number[][];
  /** taskIds ever seen (requested or granted): duplicates are dropped */
  private readonly known = new Set<string>();
  private readonly grants: IssuedGrant[] = [];
  readonly decisions: DecisionNote[] = [];

  readonly unitName: string[] = [];
  private readonly unitIndex = new Map<string, number>();
  readonly unitPool: number[] = [];
  readonly unitState: number[] = [];
  private readonly unitQueue: number[] = [];
  private readonly unitPending: number[] = [];
  private readonly unitWantsOff: boolean[] = [];
  /** taskId held by each unit, or null */
  readonly unitTask: (string | null)[] = [];
  private readonly unitTaskSkill: number[] = [];
  private readonly poolFirstUnit: number[] = [];
  private readonly idle: number[][];
  private readonly idlePos: number[] = [];
  private readonly poolsForQueue: number[][];
  private readonly calendars: ShiftCalendar[];
  private readonly onDuty: boolean[];
  readonly activeCount: number[];
  private readonly slowdown: number[];
  readonly activeDisruptions = new Set<number>();
  private readonly busyOn: number[];
  private readonly arrivalsThisEpoch: number[];
  private readonly arrivalsHistory: number[][];
  private readonly meanService: { human: number[]; bot: number[] };
  private readonly costOfDelay: number[];
  private readonly historyCap: number;
  /** dedicated units serve only their queue (the last allocation said so) */
  private strict = false;
  private started = false;

  constructor(
    readonly scenario: Scenario,
    readonly policy: Policy,
    private readonly instance: string,
    /** told of every decision epoch (metrics, decision log) */
    private readonly onDecision?: (note: DecisionNote) => void,
  ) {
    const Q = scenario.skills.length;
    const P = scenario.pools.length;
    this.queues = scenario.skills.map(() => (policy.dispatch === 'fifo' ? new FifoQueue<QueuedTask>() : new KeyedQueue<QueuedTask>()));
    this.steps = scenario.processes.map((p) => p.steps);
    this.priorityKey = scenario.processes.map((p) => p.steps.map((s) => -(p.costOfDelayPerHour / Math.max(1e-9, distributionMean(s.humanDuration)))));
    for (const pool of scenario.pools) {
      this.poolFirstUnit.push(this.unitName.length);
      for (let k = 0; k < pool.size; k++) {
        const u = this.unitName.length;
        this.unitName.push(`${pool.id}#${k + 1}`);
        this.unitIndex.set(this.unitName[u], u);
        this.unitPool.push(pool.index);
        this.unitState.push(OFF);
        this.unitQueue.push(-1);
        this.unitPending.push(NO_PENDING);
        this.unitWantsOff.push(false);
        this.unitTask.push(null);
        this.unitTaskSkill.push(-1);
        this.idlePos.push(-1);
      }
    }
    this.idle = Array.from({ length: P * (Q + 1) }, () => []);
    this.poolsForQueue = scenario.skills.map((_, q) => scenario.pools
      .filter((p) => p.skills.includes(q))
      .sort((a, b) => (a.kind === b.kind ? a.index - b.index : a.kind === 'bot' ? -1 : 1))
      .map((p) => p.index));
    this.calendars = scenario.pools.map((p) => new ShiftCalendar(p.shifts));
    this.onDuty = scenario.pools.map(() => false);
    this.activeCount = scenario.pools.map(() => 0);
    this.slowdown = scenario.pools.map(() => 1);
    this.busyOn = new Array(P * Q).fill(0);
    this.arrivalsThisEpoch = new Array(Q).fill(0);
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
    this.decide(this.epoch === 0 ? 'start' : 'restart', true);
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
        case CAPACITY: this.reconcile(arg); break;
        case EPOCH: this.decide('periodic', true); break;
        case SWITCHED: this.onSwitched(arg); break;
      }
    }
    this.now = Math.max(this.now, now);
  }

  /** A case asks for a unit. Duplicates (same task id) are ignored. */
  request(req: TaskRequestedEvent, now: number): void {
    if (this.known.has(req.taskId)) return;
    this.advanceTo(now);
    this.known.add(req.taskId);
    const q = req.skill;
    const key = this.policy.dispatch === 'fifo' ? this.now
      : this.policy.dispatch === 'edf' ? req.deadline
        : this.priorityKey[req.processIndex][req.step];
    const task: QueuedTask = { key, seq: this.seq++, req, enqueued: this.now };
    this.arrivalsThisEpoch[q]++;
    const pools = this.poolsForQueue[q];
    const Q1 = this.scenario.skills.length + 1;
    for (const p of pools) {
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
        this.startTask(u, task, true);
        return;
      }
    }
    this.queues[q].push(task);
  }

  /** A task is finished (done or bot-failed): its unit is free. Returns false for a duplicate or unknown unit. */
  finish(taskId: string, unit: string, now: number): boolean {
    const u = this.unitIndex.get(unit);
    if (u === undefined || this.unitTask[u] !== taskId) return false;
    this.advanceTo(now);
    const p = this.unitPool[u];
    this.busyOn[p * this.scenario.skills.length + this.unitTaskSkill[u]]--;
    this.unitTask[u] = null;
    this.unitTaskSkill[u] = -1;
    this.unitState[u] = IDLE;
    this.afterWork(u);
    return true;
  }

  /** A disruption edge (from the producer's disruption events). */
  disruption(index: number, begins: boolean, now: number): void {
    const x = this.scenario.disruptions[index];
    if (!x || begins === this.activeDisruptions.has(index)) return;
    this.advanceTo(now);
    if (begins) this.activeDisruptions.add(index); else this.activeDisruptions.delete(index);
    if (x.kind === 'slowdown' && x.pool >= 0) {
      let f = 1;
      for (const i of this.activeDisruptions) {
        const y = this.scenario.disruptions[i];
        if (y.kind === 'slowdown' && y.pool === x.pool) f *= y.factor;
      }
      this.slowdown[x.pool] = f;
    }
    if (x.pool >= 0) this.reconcile(x.pool);
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
    const granted = new Map(grants.map((g) => [g.taskId, g]));
    const requestOf = new Map(requests.map((r) => [r.taskId, r]));
    const open: GrantEvent[] = [];
    for (const g of grants) {
      this.known.add(g.taskId);
      const n = Number(g.grantId.slice(g.grantId.lastIndexOf('-') + 1));
      if (g.grantId.startsWith(`${this.instance}-`) && n >= this.grantNo) this.grantNo = n + 1;
      if (finished.has(g.taskId)) continue;
      const u = this.unitIndex.get(g.unit);
      if (u === undefined) continue;
      const req = requestOf.get(g.taskId);
      this.unitState[u] = BUSY;
      this.unitTask[u] = g.taskId;
      this.unitTaskSkill[u] = req?.skill ?? this.scenario.pools[this.unitPool[u]].skills[0];
      this.busyOn[this.unitPool[u] * this.scenario.skills.length + this.unitTaskSkill[u]]++;
      this.activeCount[this.unitPool[u]]++;
      open.push(g);
    }
    for (const req of requests) {
      if (granted.has(req.taskId) || this.known.has(req.taskId) || finished.has(req.taskId)) continue;
      this.known.add(req.taskId);
      const key = this.policy.dispatch === 'fifo' ? req.at
        : this.policy.dispatch === 'edf' ? req.deadline : this.priorityKey[req.processIndex][req.step];
      this.queues[req.skill].push({ key, seq: this.seq++, req, enqueued: req.at });
    }
    // a run already under way: this is not its first epoch (the snapshot counts arrivals from now on)
    if (requests.length > 0 || grants.length > 0) this.epoch = 1;
    return open;
  }

  takeGrants(): IssuedGrant[] {
    return this.grants.splice(0, this.grants.length);
  }

  /** Tasks waiting per queue, units busy and available per pool: for metrics and the live summary line. */
  counts(): { waiting: number[]; busy: number[]; available: number[] } {
    const busy = this.scenario.pools.map(() => 0);
    const available = this.scenario.pools.map(() => 0);
    this.unitState.forEach((st, u) => {
      if (st === BUSY) busy[this.unitPool[u]]++;
      if (st !== OFF) available[this.unitPool[u]]++;
    });
    return { waiting: this.queues.map((q) => q.size), busy, available: available.map((a, p) => Math.min(a, this.activeCount[p])) };
  }

  // ---- units (as in Engine) ------------------------------------------------

  private startTask(u: number, task: QueuedTask, immediate: boolean): void {
    const p = this.unitPool[u];
    const pool = this.scenario.pools[p];
    this.unitState[u] = BUSY;
    this.unitTask[u] = task.req.taskId;
    this.unitTaskSkill[u] = task.req.skill;
    this.busyOn[p * this.scenario.skills.length + task.req.skill]++;
    this.grants.push({
      grant: {
        v: 1, type: 'grant', grantId: `${this.instance}-${this.grantNo++}`, taskId: task.req.taskId, caseId: task.req.caseId,
        unit: this.unitName[u], pool: pool.id, kind: pool.kind, at: this.now, slowdown: this.slowdown[p],
      },
      workflowId: task.req.caseId,
      request: task.req,
      immediate,
    });
  }

  private afterWork(u: number): void {
    const p = this.unitPool[u];
    if (this.unitWantsOff[u]) {
      this.unitWantsOff[u] = false;
      this.unitState[u] = OFF;
      return;
    }
    const pending = this.unitPending[u];
    if (pending !== NO_PENDING) {
      this.unitPending[u] = NO_PENDING;
      this.switchTo(u, pending);
      return;
    }
    void p;
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
      for (const s of this.scenario.pools[p].skills) {
        const head = this.queues[s].peek();
        if (head && (head.key < bk || (head.key === bk && head.seq < bs))) { bk = head.key; bs = head.seq; best = s; }
      }
    }
    if (best >= 0) {
      this.startTask(u, this.queues[best].pop()!, false);
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

  // ---- capacity -------------------------------------------------------------

  private onShift(p: number): void {
    const cal = this.calendars[p];
    this.onDuty[p] = cal.onDuty(this.now);
    this.reconcile(p);
    const next = cal.nextChange(this.now);
    if (next <= this.scenario.horizon) this.cal.schedule(next, SHIFT, p);
  }

  private targetAvailable(p: number): number {
    if (!this.onDuty[p]) return 0;
    const pool = this.scenario.pools[p];
    const t = this.now;
    let away = 0;
    for (const a of pool.absences) if (t >= a.start && t < a.end) away += a.units;
    for (const d of this.activeDisruptions) {
      const x = this.scenario.disruptions[d];
      if (x.pool === p && (x.kind === 'absence' || x.kind === 'outage')) away += x.units;
    }
    return Math.max(0, pool.size - away);
  }

  private reconcile(p: number): void {
    const target = this.targetAvailable(p);
    const first = this.poolFirstUnit[p];
    const size = this.scenario.pools[p].size;
    let active = this.activeCount[p];
    for (let pass = 0; pass < 3 && active > target; pass++) {
      for (let u = first + size - 1; u >= first && active > target; u--) {
        const st = this.unitState[u];
        if (this.unitWantsOff[u] || st === OFF) continue;
        if (pass === 0 && st === IDLE) { this.removeIdle(u); this.unitState[u] = OFF; active--; }
        else if (pass === 1 && st === SWITCHING) { this.unitState[u] = OFF; active--; }
        else if (pass === 2 && st === BUSY) { this.unitWantsOff[u] = true; active--; }
      }
    }
    for (let u = first; u < first + size && active < target; u++) {
      if (this.unitWantsOff[u]) { this.unitWantsOff[u] = false; active++; }
    }
    for (let u = first; u < first + size && active < target; u++) {
      if (this.unitState[u] !== OFF) continue;
      active++;
      this.unitState[u] = IDLE;
      if (this.unitPending[u] !== NO_PENDING) { this.unitQueue[u] = this.unitPending[u]; this.unitPending[u] = NO_PENDING; }
      this.takeWork(u);
    }
    this.activeCount[p] = active;
  }

  // ---- allocation -----------------------------------------------------------

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
    const snapshot = this.snapshot(trigger, s.rebalanceEvery);
    const decision = this.policy.decide(snapshot);
    const assign = enforceConstraints(decision.assign, snapshot);
    this.strict = decision.strict === true;
    this.apply(assign);
    const note = { time: this.now, epoch: this.epoch, trigger, reason: decision.reason };
    this.decisions.push(note);
    if (this.decisions.length > 100) this.decisions.shift();
    this.onDecision?.(note);
    this.epoch++;
    if (periodic && s.rebalanceEvery > 0 && this.policy.periodic !== false) {
      const next = Math.floor(this.now / s.rebalanceEvery + 1e-9) * s.rebalanceEvery + s.rebalanceEvery;
      if (next <= s.horizon) this.cal.schedule(next, EPOCH, 0);
    }
  }

  /** The state as a policy sees it (as simulator/snapshot.ts builds it for the engine). */
  snapshot(trigger: string, epochLength: number): Snapshot {
    const s = this.scenario;
    const now = this.now;
    const Q = s.skills.length;
    const queues = s.skills.map((skill, q) => {
      let oldest = now, minSlack = Infinity, breached = 0;
      this.queues[q].forEach((t) => {
        if (t.enqueued < oldest) oldest = t.enqueued;
        const slack = t.req.deadline - now;
        if (slack < minSlack) minSlack = slack;
        if (slack < 0) breached++;
      });
      const hist = this.arrivalsHistory[q];
      return {
        index: q, skill, waiting: this.queues[q].size, oldestWait: now - oldest, minSlack, breached,
        arrivalRate: epochLength > 0 && hist.length ? hist[hist.length - 1] / epochLength : 0,
        arrivalsHistory: hist.slice(),
        arrivalsThisEpoch: this.arrivalsThisEpoch[q],
        meanServiceHuman: this.meanService.human[q], meanServiceBot: this.meanService.bot[q],
        costOfDelayPerHour: this.costOfDelay[q],
        pools: s.pools.filter((p) => p.skills.includes(q)).map((p) => p.index),
        limits: s.queueLimits[q],
      };
    });
    const pools = s.pools.map((pool) => {
      const first = this.poolFirstUnit[pool.index];
      const assigned = new Array(Q).fill(0);
      let available = 0, busy = 0;
      for (let u = first; u < first + pool.size; u++) {
        const q = this.unitPending[u] !== NO_PENDING ? this.unitPending[u] : this.unitQueue[u];
        if (q >= 0) assigned[q]++;
        if (this.unitState[u] !== OFF) available++;
        if (this.unitState[u] === BUSY) busy++;
      }
      const busyOn = new Array(Q).fill(0);
      for (let q = 0; q < Q; q++) busyOn[q] = this.busyOn[pool.index * Q + q];
      return {
        index: pool.index, id: pool.id, kind: pool.kind, size: pool.size,
        available: Math.min(available, this.activeCount[pool.index]), busy,
        skills: pool.skills.slice(), costPerHour: pool.costPerHour, failureRate: pool.failureRate,
        switchOver: pool.switchOver, assigned, busyOn,
      };
    });
    return {
      time: now, epoch: this.epoch, epochLength: s.rebalanceEvery, trigger, queues, pools,
      activeDisruptions: [...this.activeDisruptions].sort((a, b) => a - b).map((d) => s.disruptions[d].label),
    };
  }

  private apply(assign: number[][]): void {
    const Q = this.scenario.skills.length;
    for (const pool of this.scenario.pools) {
      const first = this.poolFirstUnit[pool.index];
      const want = assign[pool.index];
      const target = (u: number) => (this.unitPending[u] !== NO_PENDING ? this.unitPending[u] : this.unitQueue[u]);
      const have = new Array(Q).fill(0);
      for (let u = first; u < first + pool.size; u++) { const q = target(u); if (q >= 0) have[q]++; }
      for (let q = 0; q < Q; q++) {
        for (const wantIdle of [true, false]) {
          for (let u = first + pool.size - 1; u >= first && have[q] > want[q]; u--) {
            if (target(u) !== q || (this.unitState[u] === IDLE) !== wantIdle) continue;
            have[q]--;
            this.reassign(u, -1);
          }
        }
      }
      // on-duty units first: idle, then busy on this queue already, then other busy, switching, off duty
      for (let q = 0; q < Q; q++) {
        for (let pass = 0; pass < 5; pass++) {
          for (let u = first; u < first + pool.size && have[q] < want[q]; u++) {
            if (target(u) !== -1) continue;
            const st = this.unitState[u];
            const ok = pass === 0 ? st === IDLE
              : pass === 1 ? st === BUSY && this.unitTaskSkill[u] === q
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
      this.unitQueue[u] = q;
    } else {
      this.unitPending[u] = q === this.unitQueue[u] ? NO_PENDING : q;
    }
  }
}

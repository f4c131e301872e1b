/**
 * The allocator's decision barrier, without I/O: the latest simulated moment it
 * may decide without missing an event of that moment. This is conservative
 * synchronisation (as in parallel discrete-event simulation): the allocator
 * knows, from the model, when the next event of every source is due at the
 * earliest, and decides no moment past the earliest one still missing.
 *
 * - **A task's end.** A granted task ends at its grant's simulated time plus its
 *   drawn work times the slowdown (`TaskRequestedEvent.drawn`; a pool's duty may
 *   only make it later). Until its `task.done` or `task.failed` is in, no moment
 *   at or after that end is decided.
 * - **An arrival.** The seeded demand says when each case arrives (the same
 *   generator as the producer's); a case whose process begins with a task asks
 *   for it at its arrival. Until that first request is in, no moment at or
 *   after the arrival is decided. A case whose process begins with a gateway
 *   may ask for nothing (its route may end the case): its arrival holds the
 *   decisions until its request is in or `mayNotComeMs` of wall time after
 *   its moment, whichever is first.
 * - **A disruption edge**, from the scenario: until its event is in.
 * - **The requests that follow a task's end.** A case asks for its next tasks
 *   at the simulated moment its task ended (or was abandoned or blocked), a few
 *   milliseconds after it reported that end. The report names them
 *   (`TaskFinishedEvent.next`, from the walk's own look-ahead,
 *   model/process-graph.ts `tasksEntered`): until each request is in, no moment
 *   at or after that end is decided. So a worker that dies between the two
 *   delays the decisions, not the request.
 * - **What follows an event that came late**, that no report names (an event
 *   of a workflow from before the reports named their requests): when a late
 *   event leaves less than `graceMs` of wall time before its moment is
 *   decided, its moment is held `graceMs` after it arrived.
 *
 * So a fault (a worker killed, a broker restarted, an allocator replaced) holds
 * the simulated clock of the decisions instead of losing time: the events come
 * in late, and are still taken at their simulated moments, in order. An
 * expected event that never comes (a case terminated) stops holding
 * `timeoutMs` of wall time after its simulated moment; the caller reports it.
 */

/**
 * An event the seeded run promises: an arrival (its case's first request; `mayNotCome`: a process that begins
 * with a gateway, whose route may end the case without a request) or a disruption edge.
 */
export type ScheduledEvent = { at: number; caseId: string; mayNotCome?: boolean } | { at: number; disruption: string };

export interface BarrierOptions {
  /** wall ms a late event's moment is held after it arrived, for what follows it at the same moment */
  graceMs: number;
  /** wall ms past its simulated moment after which an expected event no longer holds the decisions */
  timeoutMs: number;
  /** wall ms past its simulated moment that an arrival whose request may not come holds the decisions */
  mayNotComeMs: number;
}

/** What the barrier stopped waiting for (timed out), for the caller to report. */
export interface Overdue {
  what: string;
  at: number;
}

/** The key of a disruption edge in `ScheduledEvent.disruption` and `DecisionBarrier.disruptionIn`. */
export const disruptionKey = (index: number, begins: boolean): string => `${index}.${begins ? 'begins' : 'ends'}`;

const endKey = (taskId: string) => `end ${taskId}`;
const requestKey = (taskId: string) => `request ${taskId}`;

export class DecisionBarrier {
  /**
   * events not in yet, key → earliest simulated moment: a granted task's end (`end <taskId>`), and a
   * request a task's report named (`request <taskId>`)
   */
  private readonly awaited = new Map<string, number>();
  private awaitedMin = Infinity;
  private awaitedMinStale = false;
  /** requests and disruption edges that came in before the schedule's cursor reached their moment: key → moment */
  private readonly seen = new Map<string, number>();
  private next: ScheduledEvent | undefined;
  /** late events' moments, held until their grace has passed (wall ms) */
  private readonly holds: { at: number; untilWall: number }[] = [];
  private readonly overdue: Overdue[] = [];

  /** `schedule`: the run's arrivals and disruption edges in time order (absent: none is expected) */
  constructor(
    private readonly options: BarrierOptions,
    private readonly schedule?: Iterator<ScheduledEvent>,
  ) {
    this.pull();
  }

  /**
   * A grant: its task's end is due at `end` (simulated seconds) at the earliest (an unserved task's
   * report: at its grant's moment).
   */
  expectEnd(taskId: string, end: number): void {
    this.await(endKey(taskId), end);
  }

  /** The task's end will never come: its case is gone. */
  endIn(taskId: string): void {
    this.settle(endKey(taskId));
  }

  /**
   * A task's report is in: its end, at simulated moment `at`, and the tasks its case asks for at once after
   * it (`next`), whose requests are then awaited at that moment. A report not awaited (a duplicate, or one
   * whose wait timed out) names nothing awaited: its requests may be in already. Returns whether it was awaited.
   */
  reportIn(taskId: string, at: number, next: readonly string[] | undefined): boolean {
    if (!this.settle(endKey(taskId))) return false;
    for (const id of next ?? []) this.await(requestKey(id), at);
    return true;
  }

  /**
   * A case's request of simulated moment `at` is in: the first one of a case satisfies its arrival. Returns
   * whether it was awaited (an arrival's, or one a report named): nothing unnamed follows it at its moment.
   */
  requestIn(caseId: string, taskId: string, at: number): boolean {
    const named = this.settle(requestKey(taskId));
    if (this.next && 'caseId' in this.next && this.next.caseId === caseId) {
      this.pull();
      return true;
    }
    this.note(caseId, at);
    return named;
  }

  private await(key: string, at: number): void {
    this.awaited.set(key, at);
    if (at < this.awaitedMin) this.awaitedMin = at;
  }

  /** Whether `key` was awaited (and no longer is). */
  private settle(key: string): boolean {
    const at = this.awaited.get(key);
    if (at === undefined) return false;
    this.awaited.delete(key);
    if (at <= this.awaitedMin) this.awaitedMinStale = true;
    return true;
  }

  disruptionIn(index: number, begins: boolean, at: number): void {
    const key = disruptionKey(index, begins);
    if (this.next && 'disruption' in this.next && this.next.disruption === key) this.pull();
    else this.note(`disruption ${key}`, at);
  }

  /** Keeps an event that may be a scheduled one the cursor has not reached (one before the cursor cannot be). */
  private note(key: string, at: number): void {
    if (!this.next || at < this.next.at) return;
    this.seen.set(key, at);
    if (this.seen.size > this.pruneAt) {
      for (const [k, t] of this.seen) if (t < this.next.at) this.seen.delete(k);
      this.pruneAt = Math.max(1024, 2 * this.seen.size);
    }
  }
  private pruneAt = 1024;

  /**
   * An event of simulated moment `at` arrived at wall `arrivedWall`, while that moment is decided at
   * `decidedWall` by the settle time: when that leaves less than the grace for what follows it, its moment is
   * held. (For an event whose followers are named or none, the caller need not call it.)
   */
  arrived(at: number, arrivedWall: number, decidedWall: number): void {
    const untilWall = arrivedWall + this.options.graceMs;
    if (untilWall > decidedWall) this.holds.push({ at, untilWall });
  }

  /**
   * The bound of the decisions at wall `nowWall`: every moment before it may be decided, not it itself
   * (an event of that moment is still to come). `wallAt` maps a simulated moment to its wall instant (for the timeouts).
   */
  bound(nowWall: number, wallAt: (t: number) => number): number {
    for (let i = this.holds.length - 1; i >= 0; i--) if (this.holds[i].untilWall <= nowWall) this.holds.splice(i, 1);
    const late = nowWall - this.options.timeoutMs;
    // an arrival that may ask for nothing holds only its while: if its request comes later, it is a late event
    while (this.next && 'mayNotCome' in this.next && this.next.mayNotCome && wallAt(this.next.at) + this.options.mayNotComeMs <= nowWall) this.pull();
    while (this.next && wallAt(this.next.at) < late) {
      this.overdue.push({ what: 'caseId' in this.next ? `the first request of ${this.next.caseId}` : `disruption ${this.next.disruption}`, at: this.next.at });
      this.pull();
    }
    if (this.awaitedMinStale || (this.awaitedMin < Infinity && wallAt(this.awaitedMin) < late)) this.recomputeAwaited(late, wallAt);
    let at = Math.min(this.awaitedMin, this.next ? this.next.at : Infinity);
    for (const h of this.holds) if (h.at < at) at = h.at;
    return at;
  }

  /** What stopped holding the decisions since the last call (an expected event that never came in time). */
  takeOverdue(): Overdue[] {
    return this.overdue.splice(0);
  }

  /** task ends and requests awaited */
  get awaitedEvents(): number {
    return this.awaited.size;
  }

  private recomputeAwaited(late: number, wallAt: (t: number) => number): void {
    let min = Infinity;
    for (const [key, at] of this.awaited) {
      if (wallAt(at) < late) {
        this.awaited.delete(key);
        const space = key.indexOf(' ');
        this.overdue.push({ what: `the ${key.slice(0, space)} of task ${key.slice(space + 1)}`, at });
      } else if (at < min) min = at;
    }
    this.awaitedMin = min;
    this.awaitedMinStale = false;
  }

  /** Moves the cursor to the next scheduled event not in yet. */
  private pull(): void {
    for (;;) {
      const r = this.schedule?.next();
      if (!r || r.done) {
        this.next = undefined;
        return;
      }
      const key = 'caseId' in r.value ? r.value.caseId : `disruption ${r.value.disruption}`;
      if (this.seen.delete(key)) continue;
      this.next = r.value;
      return;
    }
  }
}

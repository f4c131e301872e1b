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
 *   after the arrival is decided.
 * - **A disruption edge**, from the scenario: until its event is in.
 * - **What follows an event that came late.** A case's next requests follow
 *   its task's end at the same simulated moment, a few milliseconds later. The
 *   allocator's settle time covers that when the end comes on time; when it
 *   comes late, its moment is held `graceMs` of wall time after it arrived.
 *
 * So a fault (a worker killed, a broker restarted, an allocator replaced) holds
 * the simulated clock of the decisions instead of losing time: the events come
 * in late, and are still taken at their simulated moments, in order. An
 * expected event that never comes (a case terminated) stops holding
 * `timeoutMs` of wall time after its simulated moment; the caller reports it.
 */

/** An event the seeded run promises: an arrival (its case's first request) or a disruption edge. */
export type ScheduledEvent = { at: number; caseId: string } | { at: number; disruption: string };

export interface BarrierOptions {
  /** wall ms a late event's moment is held after it arrived, for what follows it at the same moment */
  graceMs: number;
  /** wall ms past its simulated moment after which an expected event no longer holds the decisions */
  timeoutMs: number;
}

/** What the barrier stopped waiting for (timed out), for the caller to report. */
export interface Overdue {
  what: string;
  at: number;
}

/** The key of a disruption edge in `ScheduledEvent.disruption` and `DecisionBarrier.disruptionIn`. */
export const disruptionKey = (index: number, begins: boolean): string => `${index}.${begins ? 'begins' : 'ends'}`;

export class DecisionBarrier {
  /** granted tasks whose end is not in yet: taskId → earliest simulated end */
  private readonly ends = new Map<string, number>();
  private endsMin = Infinity;
  private endsMinStale = false;
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

  /** A grant: its task's end is due at `end` (simulated seconds) at the earliest. */
  expectEnd(taskId: string, end: number): void {
    this.ends.set(taskId, end);
    if (end < this.endsMin) this.endsMin = end;
  }

  /** The task's end is in (or will never come: its case is gone). */
  endIn(taskId: string): void {
    const end = this.ends.get(taskId);
    if (end === undefined) return;
    this.ends.delete(taskId);
    if (end <= this.endsMin) this.endsMinStale = true;
  }

  /** A case's request of simulated moment `at` is in: the first one of a case satisfies its arrival. */
  requestIn(caseId: string, at: number): void {
    if (this.next && 'caseId' in this.next && this.next.caseId === caseId) this.pull();
    else this.note(caseId, at);
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
   * `decidedWall` by the settle time: when that leaves less than the grace for what follows it, its moment is held.
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
    while (this.next && wallAt(this.next.at) < late) {
      this.overdue.push({ what: 'caseId' in this.next ? `the first request of ${this.next.caseId}` : `disruption ${this.next.disruption}`, at: this.next.at });
      this.pull();
    }
    if (this.endsMinStale || (this.endsMin < Infinity && wallAt(this.endsMin) < late)) this.recomputeEnds(late, wallAt);
    let at = Math.min(this.endsMin, this.next ? this.next.at : Infinity);
    for (const h of this.holds) if (h.at < at) at = h.at;
    return at;
  }

  /** What stopped holding the decisions since the last call (an expected event that never came in time). */
  takeOverdue(): Overdue[] {
    return this.overdue.splice(0);
  }

  /** tasks whose end is awaited */
  get awaitedEnds(): number {
    return this.ends.size;
  }

  private recomputeEnds(late: number, wallAt: (t: number) => number): void {
    let min = Infinity;
    for (const [taskId, end] of this.ends) {
      if (wallAt(end) < late) {
        this.ends.delete(taskId);
        this.overdue.push({ what: `the end of task ${taskId}`, at: end });
      } else if (end < min) min = end;
    }
    this.endsMin = min;
    this.endsMinStale = false;
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

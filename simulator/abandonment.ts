/**
 * What both runtimes need to let a waiting task leave its queue: a numbered
 * book of timers. The `sim` engine and the live allocator's dispatcher each
 * keep an event calendar whose events carry one integer; a task that waits
 * with a patience gets a ticket, its abandonment is an event carrying that
 * ticket, and the ticket is torn up when the task starts (or leaves another
 * way), so a late event finds nothing and does nothing. The same book numbers
 * the end-of-work events of tasks a preemption may interrupt.
 *
 * The walk after a task that was not served (abandoned, or blocked at a full
 * queue) is `unservedNext` in model/process-graph.ts; the patience draw is
 * `CaseDraws.patience` (simulator/case-draws.ts), keyed like every draw.
 *
 * ```ts
 * const timers = new TicketBook<Task>();
 * task.ticket = timers.issue(task);
 * calendar.schedule(now + draws.patience(kase, step, visit), ABANDON, task.ticket);
 * // when the task starts:  timers.cancel(task.ticket)
 * // when ABANDON fires:    const t = timers.take(arg); if (t) board.withdraw(t, ...)
 * ```
 */
export class TicketBook<T> {
  private readonly held = new Map<number, T>();
  private next = 0;

  /** A new ticket for `item` (an integer the calendar carries). */
  issue(item: T): number {
    const ticket = this.next++;
    if (this.next > 0x7fffffff) this.next = 0; // the calendar's argument is an Int32; a ticket still held 2^31 tickets later is not expected
    this.held.set(ticket, item);
    return ticket;
  }

  /** The item of a ticket still held, which is torn up; undefined if it was cancelled. */
  take(ticket: number): T | undefined {
    const item = this.held.get(ticket);
    if (item !== undefined) this.held.delete(ticket);
    return item;
  }

  cancel(ticket: number): void {
    if (ticket >= 0) this.held.delete(ticket);
  }

  get size(): number {
    return this.held.size;
  }
}

/** How a case's task ended without being served: it abandoned (out of patience), or its queue was full. */
export type Unserved = 'abandoned' | 'blocked';

/** A case's outcome: served to its end, ended abandoned, or lost (blocked with no overflow route). */
export const CaseOutcome = { served: 0, abandoned: 1, lost: 2 } as const;

/**
 * The live allocator's events waiting for their simulated moment, in the
 * order `sim` would take them. Without I/O.
 *
 * Events of different moments go in time order. Within one moment, `sim` takes
 * an event and then, at once, what it causes; the live allocator gets them over
 * Kafka in whatever order their workflows published them. So within a moment:
 *
 * - **A request a report named** (`TaskFinishedEvent.next`: the tasks a case
 *   asks for right after a task's end, abandonment or block) goes right after
 *   its report, in the order the report named it. When the report is no longer
 *   waiting (the allocator applied it, or decided the outcome itself), it goes
 *   first at its moment: what the allocator applies next comes after its cause
 *   in `sim`, so after it too.
 * - **The first requests of one batch** (cases of a process arriving at one
 *   moment) go in the order their cases arrived (`TaskRequestedEvent.caseNo`).
 * - Anything else goes in the order it came.
 */
import { EventType, type AnyEvent, type TaskRequestedEvent } from '../protocol/topics.js';
import type { Scenario } from '../model/scenario.js';

/** The report a request follows from, and its place among the requests the report named. */
export interface Cause {
  taskId: string;
  rank: number;
}

export interface PendingEvent {
  at: number;
  ev: AnyEvent;
  /** set by `add`, from what `named` recorded */
  cause?: Cause;
}

export class PendingEvents {
  private readonly list: PendingEvent[] = [];
  /** the requests a report named, not in yet: request task id → its report and place */
  private readonly causes = new Map<string, Cause>();

  constructor(private readonly scenario: Scenario) {}

  get length(): number {
    return this.list.length;
  }

  /** The earliest moment waiting (Infinity: none). */
  nextAt(): number {
    return this.list.length ? this.list[0].at : Infinity;
  }

  /** The next event to apply. */
  shift(): PendingEvent | undefined {
    return this.list.shift();
  }

  /** A report (task id `taskId`) named the requests `next` its case makes at once after it: each goes right after it. */
  named(taskId: string, next: readonly string[] | undefined): void {
    next?.forEach((id, rank) => this.causes.set(id, { taskId, rank }));
  }

  add(e: PendingEvent): void {
    const list = this.list;
    if (e.ev.type === EventType.taskRequested) {
      const cause = this.causes.get(e.ev.taskId);
      if (cause) {
        this.causes.delete(e.ev.taskId);
        e.cause = cause;
      }
    }
    if (e.cause) {
      const cause = e.cause;
      const c = list.findIndex(
        (p) => p.at === e.at && (p.ev.type === EventType.taskDone || p.ev.type === EventType.taskFailed) && p.ev.taskId === cause.taskId,
      );
      let i = c >= 0 ? c + 1 : list.findIndex((p) => p.at >= e.at);
      if (i < 0) i = list.length;
      while (i < list.length && list[i].at === e.at && list[i].cause?.taskId === cause.taskId && list[i].cause!.rank < cause.rank) i++;
      list.splice(i, 0, e);
      return;
    }
    let i = list.length;
    while (i > 0 && (list[i - 1].at > e.at || (list[i - 1].at === e.at && this.arrivesAfter(list[i - 1].ev, e.ev)))) i--;
    list.splice(i, 0, e);
  }

  /** Both are first requests of cases of one process, and `a`'s case arrived after `b`'s. */
  private arrivesAfter(a: AnyEvent, b: AnyEvent): boolean {
    return (
      a.type === EventType.taskRequested &&
      b.type === EventType.taskRequested &&
      a.processIndex === b.processIndex &&
      a.caseNo !== undefined &&
      b.caseNo !== undefined &&
      a.caseNo > b.caseNo &&
      this.isFirstRequest(a) &&
      this.isFirstRequest(b)
    );
  }

  private isFirstRequest(r: TaskRequestedEvent): boolean {
    return r.step === this.scenario.processes[r.processIndex]?.start && r.taskId === `${r.caseId}/${r.step}/0`;
  }
}

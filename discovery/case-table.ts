/**
 * Tasks of an event log grouped by case, compactly: names are interned into
 * tables and each task is six numbers, so holding the open cases of a large
 * CSV log costs about 50 bytes a task. An XES log arrives grouped (one trace
 * at a time) and is never held. A CSV log is read twice: the first pass counts
 * each case's tasks (`expect`), the second holds a case only until its last
 * task arrives (`add` hands it back), so what is held is the cases open at
 * once (a log sorted by case: one) plus a count per case not yet complete.
 */
import type { LogEvent } from './log-event.js';

export const STRIDE = 6; // activity, resource, start, end, enable, failed

export class Names {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(name);
      this.index.set(name, i);
    }
    return i;
  }
}

export interface CompactCase {
  id: string;
  process: number;
  /** STRIDE numbers per task */
  tasks: number[];
}

export class CaseTable {
  readonly activities = new Names();
  readonly resources = new Names();
  readonly processes = new Names();
  private readonly open = new Map<string, CompactCase>();
  /** whether any task had an enable (enqueue) time */
  hasEnable = false;
  /** whether any task had a start time different from its end */
  hasStart = false;
  events = 0;

  /** case id → its number of tasks (a first pass's count): `add` then hands a case back at its last task */
  private expected: Map<string, number> | null = null;
  /** most cases held at once, and most tasks held at once (what memory grows with) */
  peakOpenCases = 0;
  peakOpenTasks = 0;
  private openTasks = 0;

  expect(counts: Map<string, number>): void {
    this.expected = counts;
  }

  /** Adds a task to its case; returns the case, forgotten here, when that was its last task (with `expect`). */
  add(e: LogEvent): CompactCase | null {
    let c = this.open.get(e.caseId);
    if (!c) {
      c = { id: e.caseId, process: this.processes.id(e.process), tasks: [] };
      this.open.set(e.caseId, c);
      if (this.open.size > this.peakOpenCases) this.peakOpenCases = this.open.size;
    }
    this.push(c, e);
    if (++this.openTasks > this.peakOpenTasks) this.peakOpenTasks = this.openTasks;
    const expected = this.expected?.get(e.caseId);
    if (expected !== undefined && c.tasks.length === expected * STRIDE) {
      this.open.delete(e.caseId);
      this.expected!.delete(e.caseId);
      this.openTasks -= expected;
      return c;
    }
    return null;
  }

  /** A whole case at once (an XES trace). */
  compact(events: LogEvent[]): CompactCase | null {
    if (!events.length) return null;
    const c: CompactCase = { id: events[0].caseId, process: this.processes.id(events[0].process), tasks: [] };
    for (const e of events) this.push(c, e);
    return c;
  }

  private push(c: CompactCase, e: LogEvent): void {
    this.events++;
    if (!Number.isNaN(e.enable)) this.hasEnable = true;
    if (e.start !== e.end) this.hasStart = true;
    c.tasks.push(this.activities.id(e.activity), this.resources.id(e.resource), e.start, e.end, e.enable, e.failed ? 1 : 0);
  }

  /** Hands over every held case (in the order they first appeared) and forgets them. */
  drain(onCase: (c: CompactCase) => void): void {
    for (const c of this.open.values()) onCase(c);
    this.open.clear();
    this.openTasks = 0;
  }
}

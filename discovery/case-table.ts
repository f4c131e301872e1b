/**
 * Tasks of an event log grouped by case, compactly: names are interned into
 * tables and each task is six numbers, so holding the open cases of a large
 * CSV log costs about 50 bytes a task. An XES log arrives grouped (one trace
 * at a time) and is never held; a CSV log in time order is held until its end.
 */
import type { LogEvent } from './log-event.js';

export const STRIDE = 6; // activity, resource, start, end, enable, failed

export class Names {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) { i = this.list.length; this.list.push(name); this.index.set(name, i); }
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

  add(e: LogEvent): void {
    let c = this.open.get(e.caseId);
    if (!c) { c = { id: e.caseId, process: this.processes.id(e.process), tasks: [] }; this.open.set(e.caseId, c); }
    this.push(c, e);
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
  }
}

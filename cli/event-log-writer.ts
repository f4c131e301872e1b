/**
 * The event log as CSV, streamed to disk in 256 KB chunks: one row per task
 * with case id, process, activity, resource, pool and the enqueue, start and
 * end timestamps (ISO 8601), importable as-is by PM4Py, Disco or Celonis.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TaskRecord } from '../simulator/engine.js';

export const EVENT_LOG_HEADER = 'case_id,process,activity,resource,pool,enqueue_time,start_time,end_time,outcome,replication\n';

export class EventLogWriter {
  private fd: number;
  private buffer = '';
  private readonly origin: number;

  constructor(path: string, startDate: string, private readonly replication: number, header = true) {
    this.fd = openSync(path, 'w');
    this.origin = Date.parse(`${startDate}T00:00:00Z`);
    if (header) this.buffer = EVENT_LOG_HEADER;
  }

  write = (r: TaskRecord): void => {
    const rep = this.replication;
    const caseId = rep > 0 ? `r${rep + 1}-${r.caseId}` : r.caseId;
    this.buffer += `${caseId},${r.process},${r.activity},${r.resource},${r.pool},${this.iso(r.enqueue)},${this.iso(r.start)},${this.iso(r.end)},${r.outcome},${rep + 1}\n`;
    if (this.buffer.length > 262_144) this.flush();
  };

  private iso(t: number): string {
    return new Date(this.origin + Math.round(t * 1000)).toISOString();
  }

  flush(): void {
    if (this.buffer) { writeSync(this.fd, this.buffer); this.buffer = ''; }
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

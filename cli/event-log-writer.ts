/**
 * The event log, streamed to disk in 256 KB chunks, as CSV or (for a file
 * ending in `.xes`) IEEE 1849 XES; importable as-is by PM4Py, Disco or Celonis.
 * CSV: one row per task with case id, process, activity, resource, pool, the
 * enqueue, start and end timestamps (ISO 8601), the outcome, the replication
 * and whether the case arrived during the warm-up. XES: one trace per case
 * (discovery/xes-writer.ts), with the same facts as attributes.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TaskRecord } from '../simulator/engine.js';
import type { Scenario } from '../model/scenario.js';
import { XES_FOOTER, XesWriter, xesHeader } from '../discovery/xes-writer.js';

export const EVENT_LOG_HEADER = 'case_id,process,activity,resource,pool,enqueue_time,start_time,end_time,outcome,replication,warmup\n';

export type EventLogFormat = 'csv' | 'xes';

/** The attribute columns of a scenario's CSV log: every process's attribute names, in order of first mention. */
export function attributeColumns(scenario: Scenario): string[] {
  return [...new Set(scenario.processes.flatMap((p) => (p.attributes ?? []).map((a) => a.name)))];
}

function csvHeader(columns: readonly string[]): string {
  return columns.length ? `${EVENT_LOG_HEADER.slice(0, -1)},${columns.join(',')}\n` : EVENT_LOG_HEADER;
}

function csvField(x: number | string | undefined): string {
  if (x === undefined) return '';
  const s = String(x);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** By the file's extension (a replication's part `log.xes.part2` is read as `log.xes`). */
export function eventLogFormat(path: string): EventLogFormat {
  return path
    .toLowerCase()
    .replace(/\.part\d+$/, '')
    .endsWith('.xes')
    ? 'xes'
    : 'csv';
}

/** What a joined log starts and ends with (parts written per replication hold neither). */
export function eventLogFrame(path: string, scenarioName: string, columns: readonly string[] = []): { header: string; footer: string } {
  return eventLogFormat(path) === 'xes' ? { header: xesHeader(scenarioName), footer: XES_FOOTER } : { header: csvHeader(columns), footer: '' };
}

export class EventLogWriter {
  private fd: number;
  private buffer = '';
  private readonly origin: number;
  private readonly xes: XesWriter | null;

  /** `framed`: write the header (and, for XES, the footer) too; false for one replication's part of a joined log. */
  constructor(
    path: string,
    startDate: string,
    private readonly replication: number,
    framed = true,
    scenarioName = 'autoshift',
    private readonly columns: readonly string[] = [],
  ) {
    this.fd = openSync(path, 'w');
    this.origin = Date.parse(`${startDate}T00:00:00Z`);
    const format = eventLogFormat(path);
    this.xes = format === 'xes' ? new XesWriter(this.append, { replication, originMs: this.origin }) : null;
    this.footer = framed && this.xes ? XES_FOOTER : '';
    if (framed) this.buffer = this.xes ? xesHeader(scenarioName) : csvHeader(columns);
  }

  private readonly footer: string;

  write = (r: TaskRecord): void => {
    if (this.xes) {
      this.xes.write(r);
      return;
    }
    const rep = this.replication;
    const caseId = rep > 0 ? `r${rep + 1}-${r.caseId}` : r.caseId;
    this.append(
      `${caseId},${r.process},${r.activity},${r.resource},${r.pool},${this.iso(r.enqueue)},${this.iso(r.start)},${this.iso(r.end)},${r.outcome},${rep + 1},${r.warmup}${this.columns.length ? this.attributeFields(r) : ''}\n`,
    );
  };

  private attributeFields(r: TaskRecord): string {
    let out = '';
    for (const c of this.columns) out += `,${csvField(r.attributes?.[c])}`;
    return out;
  }

  private append = (chunk: string): void => {
    this.buffer += chunk;
    if (this.buffer.length > 262_144) this.flush();
  };

  private iso(t: number): string {
    return new Date(this.origin + Math.round(t * 1000)).toISOString();
  }

  flush(): void {
    if (this.buffer) {
      writeSync(this.fd, this.buffer);
      this.buffer = '';
    }
  }

  close(): void {
    this.xes?.close();
    this.buffer += this.footer;
    this.flush();
    closeSync(this.fd);
  }
}

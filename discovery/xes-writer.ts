/**
 * The event log as IEEE 1849 XES, streamed: one `<trace>` per case with a
 * `schedule` (the task asks for a unit: its enable time, which the CSV has as
 * `enqueue_time`), a `start` and a `complete` event per task (concept, time, lifecycle and
 * organizational extensions), written as soon as the case is done. Only the
 * open cases are held; those still open when the log closes are written last,
 * with `complete` false. Pure: text goes to the `sink` given, in order.
 *
 *   const xes = new XesWriter((chunk) => out.write(chunk), { replication: 0 });
 *   out.write(xesHeader('invoice office'));  engine.onTask = xes.write;  xes.close();  out.write(XES_FOOTER);
 */
export interface XesTask {
  caseId: string;
  process: string;
  activity: string;
  resource: string;
  pool: string;
  /** when the task asked for a unit (written as a `schedule` event: the enable time discovery reads) */
  enqueue?: number;
  start: number;
  end: number;
  outcome: string;
  warmup: boolean;
  caseDone: boolean;
  /** the case's attributes (trace attributes: a number as float, a string as string) */
  attributes?: Record<string, number | string>;
}

export interface XesWriterOptions {
  /** replication index (0-based); case ids of replications after the first are prefixed `r<n>-` as in the CSV */
  replication: number;
  /** Unix milliseconds of simulated time 0 (default 0) */
  originMs?: number;
}

export const XES_FOOTER = '</log>\n';

/** The log's opening: extensions, globals, classifier and the log's name. */
export function xesHeader(logName: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="UNKNOWN"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="UNKNOWN"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000Z"/>
    <string key="lifecycle:transition" value="complete"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="Activity and lifecycle" keys="concept:name lifecycle:transition"/>
  <string key="concept:name" value="${escapeXml(logName)}"/>
  <string key="source" value="autoshift"/>
`;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function traceAttributes(attributes: Record<string, number | string>): string {
  return Object.entries(attributes)
    .map(([k, v]) =>
      typeof v === 'number' ? `    <float key="${escapeXml(k)}" value="${v}"/>\n` : `    <string key="${escapeXml(k)}" value="${escapeXml(v)}"/>\n`,
    )
    .join('');
}

export class XesWriter {
  private readonly open = new Map<string, XesTask[]>();
  private readonly origin: number;

  constructor(
    private readonly sink: (chunk: string) => void,
    private readonly options: XesWriterOptions,
  ) {
    this.origin = options.originMs ?? 0;
  }

  write = (task: XesTask): void => {
    let tasks = this.open.get(task.caseId);
    if (!tasks) {
      tasks = [];
      this.open.set(task.caseId, tasks);
    }
    tasks.push(task);
    if (task.caseDone) {
      this.open.delete(task.caseId);
      this.sink(this.trace(tasks, true));
    }
  };

  /** Writes the cases still open (in the order they started), marked `complete` false. */
  close(): void {
    for (const tasks of this.open.values()) this.sink(this.trace(tasks, false));
    this.open.clear();
  }

  private trace(tasks: XesTask[], complete: boolean): string {
    const rep = this.options.replication;
    const first = tasks[0];
    const caseId = rep > 0 ? `r${rep + 1}-${first.caseId}` : first.caseId;
    // events in time order; tasks arrive in completion order, so a stable sort keeps a
    // complete before the start of the next task at the same instant
    const events: { t: number; xml: string }[] = [];
    for (const k of tasks) {
      const who = `\n      <string key="org:resource" value="${escapeXml(k.resource)}"/>\n      <string key="org:group" value="${escapeXml(k.pool)}"/>`;
      const name = `\n      <string key="concept:name" value="${escapeXml(k.activity)}"/>`;
      if (k.enqueue !== undefined)
        events.push({
          t: k.enqueue,
          xml: `    <event>${name}\n      <string key="lifecycle:transition" value="schedule"/>\n      <date key="time:timestamp" value="${this.iso(k.enqueue)}"/>\n    </event>\n`,
        });
      events.push({
        t: k.start,
        xml: `    <event>${name}\n      <string key="lifecycle:transition" value="start"/>\n      <date key="time:timestamp" value="${this.iso(k.start)}"/>${who}\n    </event>\n`,
      });
      events.push({
        t: k.end,
        xml: `    <event>${name}\n      <string key="lifecycle:transition" value="complete"/>\n      <date key="time:timestamp" value="${this.iso(k.end)}"/>${who}\n      <string key="outcome" value="${escapeXml(k.outcome)}"/>\n    </event>\n`,
      });
    }
    events.sort((a, b) => a.t - b.t);
    return `  <trace>
    <string key="concept:name" value="${escapeXml(caseId)}"/>
    <string key="process" value="${escapeXml(first.process)}"/>
    <int key="replication" value="${rep + 1}"/>
    <boolean key="warmup" value="${first.warmup}"/>
    <boolean key="complete" value="${complete}"/>
${first.attributes ? traceAttributes(first.attributes) : ''}${events.map((e) => e.xml).join('')}  </trace>
`;
  }

  private iso(t: number): string {
    return new Date(this.origin + Math.round(t * 1000)).toISOString();
  }
}

/**
 * Reads an XES event log pushed in chunks of text, with saxes (a streaming,
 * well-formedness-checking XML parser: the log is never held whole). Each
 * trace is handed over when it closes, its schedule, start and complete
 * events paired into tasks (a complete takes the earliest open start of the
 * same activity, a start the earliest open schedule as its enable time; a
 * complete with no start is a task of zero known duration). Errors name the
 * file, the line and the element.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { InputError } from './log-error.js';
import { isFailureOutcome, type LogEvent } from './log-event.js';

interface RawEvent {
  activity: string;
  transition: string;
  time: number;
  resource: string;
  outcome: string;
  line: number;
}

export interface XesReaderOptions {
  /** attribute keys to read instead of the standard ones */
  caseKey?: string;
  activityKey?: string;
  resourceKey?: string;
  processKey?: string;
}

export class XesLogReader {
  private readonly parser = new SaxesParser({ xmlns: false, position: true });
  private depth: string[] = [];
  private traceAttrs: Record<string, string> = {};
  private events: RawEvent[] = [];
  private current: Record<string, string> | null = null;
  private currentLine = 0;
  private sawLog = false;
  traces = 0;

  constructor(
    private readonly file: string,
    private readonly options: XesReaderOptions,
    private readonly onTrace: (events: LogEvent[]) => void,
  ) {
    this.parser.on('opentag', (tag) => this.open(tag as SaxesTagPlain));
    this.parser.on('closetag', (tag) => this.close(tag as SaxesTagPlain));
    this.parser.on('error', (err) => {
      throw new InputError(
        `${this.file}:${this.parser.line}: malformed XML: ${err.message.replace(/^.*?:\d+:\d+: /, '')} (expected an IEEE 1849 XES log: well-formed XML, <log> with <trace> and <event> elements)`,
      );
    });
  }

  push(chunk: string): void {
    this.parser.write(chunk);
  }

  end(): void {
    this.parser.close();
    if (!this.sawLog) throw new InputError(`${this.file}: not an XES log (expected a <log> root element)`);
  }

  private open(tag: SaxesTagPlain): void {
    const name = tag.name;
    const parent = this.depth[this.depth.length - 1];
    this.depth.push(name);
    if (name === 'log' && this.depth.length === 1) {
      this.sawLog = true;
      return;
    }
    if (name === 'trace') {
      this.traceAttrs = {};
      this.events = [];
      return;
    }
    if (name === 'event' && parent === 'trace') {
      this.current = {};
      this.currentLine = this.parser.line;
      return;
    }
    const key = tag.attributes.key as string | undefined;
    const value = tag.attributes.value as string | undefined;
    if (key === undefined || value === undefined) return;
    // only attributes directly under the trace or the event (not nested ones, not globals)
    if (parent === 'event' && this.current && this.depth.length === 4) this.current[key] = value;
    else if (parent === 'trace' && this.depth.length === 3) this.traceAttrs[key] = value;
  }

  private close(tag: SaxesTagPlain): void {
    this.depth.pop();
    if (tag.name === 'event' && this.current) {
      const e = this.current;
      this.current = null;
      const activity = e[this.options.activityKey ?? 'concept:name'];
      if (activity === undefined)
        throw new InputError(
          `${this.file}:${this.currentLine}: <event> has no ${this.options.activityKey ?? 'concept:name'} attribute (expected the activity name)`,
        );
      const stamp = e['time:timestamp'];
      const time = stamp === undefined ? NaN : Date.parse(stamp);
      if (Number.isNaN(time))
        throw new InputError(`${this.file}:${this.currentLine}: <event> '${activity}': expected a time:timestamp date, got ${JSON.stringify(stamp ?? null)}`);
      this.events.push({
        activity,
        transition: (e['lifecycle:transition'] ?? 'complete').toLowerCase(),
        time,
        resource: e[this.options.resourceKey ?? 'org:resource'] ?? '',
        outcome: e.outcome ?? '',
        line: this.currentLine,
      });
    } else if (tag.name === 'trace') {
      this.traces++;
      const caseId = this.traceAttrs[this.options.caseKey ?? 'concept:name'] ?? `trace-${this.traces}`;
      const process = this.traceAttrs[this.options.processKey ?? 'process'] ?? '';
      this.onTrace(pairTasks(caseId, process, this.events));
      this.events = [];
    }
  }
}

/**
 * Schedule, start and complete events of one trace → tasks: a start takes the
 * earliest open schedule of its activity as its enable time, a complete the
 * earliest open start. Other transitions (assign, suspend, …) are ignored.
 */
function pairTasks(caseId: string, process: string, raw: RawEvent[]): LogEvent[] {
  const scheduled = new Map<string, number[]>();
  const open = new Map<string, { e: RawEvent; enable: number }[]>();
  const out: LogEvent[] = [];
  const take = <T>(m: Map<string, T[]>, k: string): T | undefined => m.get(k)?.shift();
  const put = <T>(m: Map<string, T[]>, k: string, v: T) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const e of raw) {
    if (e.transition === 'schedule') put(scheduled, e.activity, e.time);
    else if (e.transition === 'start') put(open, e.activity, { e, enable: take(scheduled, e.activity) ?? NaN });
    else if (e.transition === 'complete') {
      const s = take(open, e.activity);
      const enable = s ? s.enable : (take(scheduled, e.activity) ?? NaN);
      out.push({
        caseId,
        activity: e.activity,
        start: s ? s.e.time : e.time,
        end: e.time,
        enable,
        resource: e.resource || s?.e.resource || '',
        process,
        failed: isFailureOutcome(e.outcome),
      });
    }
  }
  return out;
}

/**
 * Reads a CSV event log pushed in chunks of text (any split: a chunk may end
 * mid-line or mid-field), one task per row; quoted fields as in RFC 4180.
 * Every problem names the file, the line and the column, and what is expected.
 * With `onCaseRow` it only counts: a first pass that learns how many tasks each
 * case has, so that the second can hand a case over at its last task.
 *
 *   const reader = new CsvLogReader('log.csv', {}, (event) => cases.add(event));
 *   for await (const chunk of stream) reader.push(chunk);
 *   reader.end();
 */
import { InputError } from './log-error.js';
import { isFailureOutcome, resolveColumns, type ColumnOverrides, type LogEvent, type LogField } from './log-event.js';

export class CsvLogReader {
  private rest = '';
  private line = 0;
  private columns: Partial<Record<LogField, number>> | null = null;
  private header: string[] = [];
  /** rows read */
  rows = 0;

  /**
   * `onCaseRow`: a first pass that only counts: each row's case id goes there
   * (its other fields are not parsed, nor given to `onEvent`).
   */
  constructor(
    private readonly file: string,
    private readonly overrides: ColumnOverrides,
    private readonly onEvent: (e: LogEvent) => void,
    private readonly onCaseRow?: (caseId: string) => void,
  ) {}

  push(chunk: string): void {
    let text = this.rest + chunk;
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      // a newline inside quotes belongs to the field: wait for the closing quote
      let line = text.slice(from, nl);
      if (countQuotes(line) % 2 === 1) {
        let end = nl;
        let q = countQuotes(line);
        while (q % 2 === 1) {
          const more = text.indexOf('\n', end + 1);
          if (more < 0) {
            this.rest = text.slice(from);
            return;
          }
          q += countQuotes(text.slice(end + 1, more));
          end = more;
        }
        line = text.slice(from, end);
        this.row(line, text.slice(from, end).split('\n').length - 1);
        from = end + 1;
        continue;
      }
      this.row(line, 0);
      from = nl + 1;
    }
    text = text.slice(from);
    this.rest = text;
  }

  end(): void {
    if (this.rest.trim()) this.row(this.rest, 0);
    this.rest = '';
    if (!this.columns) throw new InputError(`${this.file}: empty event log (expected a header row and one row per task)`);
  }

  private row(raw: string, extraLines: number): void {
    this.line += 1;
    const lineNo = this.line;
    this.line += extraLines;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!text.trim()) return;
    const fields = splitCsv(text);
    if (!this.columns) {
      this.header = fields;
      try {
        this.columns = resolveColumns(fields, this.overrides, `${this.file}:${lineNo}`);
      } catch (e) {
        throw new InputError((e as Error).message);
      }
      return;
    }
    const c = this.columns;
    const get = (f: LogField): string | undefined => (c[f] === undefined ? undefined : fields[c[f]!]);
    const where = (f: LogField) => `${this.file}:${lineNo}: column '${this.header[c[f]!]}'`;
    const time = (f: LogField): number => {
      const v = get(f);
      if (v === undefined || v.trim() === '') return NaN;
      const t = parseTimestamp(v);
      if (Number.isNaN(t)) throw new InputError(`${where(f)}: expected a timestamp like 2026-01-05T08:30:00Z, got ${JSON.stringify(v)}`);
      return t;
    };
    const caseId = get('case');
    if (!caseId) throw new InputError(`${where('case')}: expected a case id, got an empty field`);
    if (this.onCaseRow) {
      this.rows++;
      this.onCaseRow(caseId);
      return;
    }
    const activity = get('activity');
    if (!activity) throw new InputError(`${where('activity')}: expected an activity name, got an empty field`);
    const end = time('end');
    if (Number.isNaN(end)) throw new InputError(`${where('end')}: expected a timestamp, got an empty field`);
    let start = time('start');
    if (Number.isNaN(start)) start = end;
    if (start > end) throw new InputError(`${where('start')}: the task starts after it ends (${get('start')} > ${get('end')})`);
    this.rows++;
    this.onEvent({
      caseId,
      activity,
      start,
      end,
      enable: time('enable'),
      resource: get('resource') ?? '',
      process: get('process') ?? '',
      failed: isFailureOutcome(get('outcome') ?? ''),
    });
  }
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** Splits one CSV record (RFC 4180 quoting; a comma or semicolon separator is not guessed: comma). */
export function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** ISO 8601 (with or without zone: without, UTC) or `YYYY-MM-DD HH:MM:SS[.fff][+zz:zz]`. */
export function parseTimestamp(v: string): number {
  let s = v.trim();
  if (/^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(s)) s += 'Z';
  s = s.replace(' ', 'T');
  if (!/^\d{4}-\d\d-\d\d/.test(s)) return NaN;
  return Date.parse(s);
}

/**
 * One task of an event log, whatever its format, and the columns it is read
 * from. Column names are found by the usual names of PM4Py, Simod, Prosimos,
 * Disco and autoshift's own log, or given by the user.
 */
export interface LogEvent {
  caseId: string;
  activity: string;
  /** Unix milliseconds; equal to `end` when the log has no start times */
  start: number;
  end: number;
  /** when the task became ready (enable / enqueue time); NaN when the log has none */
  enable: number;
  resource: string;
  /** the process (kind of case), '' when the log has one process */
  process: string;
  /** the task failed (a bot exception), from an outcome column */
  failed: boolean;
}

export type LogField = 'case' | 'activity' | 'start' | 'end' | 'enable' | 'resource' | 'process' | 'outcome';

/** Usual column names, in order of preference (compared case-insensitively). */
export const USUAL_COLUMNS: Record<LogField, readonly string[]> = {
  case: ['case_id', 'case:concept:name', 'caseid', 'case', 'case id', 'case_key'],
  activity: ['activity', 'concept:name', 'activity_name', 'task', 'event'],
  start: ['start_time', 'start_timestamp', 'starttime', 'start', 'start timestamp'],
  end: ['end_time', 'time:timestamp', 'end_timestamp', 'complete_time', 'endtime', 'end', 'timestamp', 'complete timestamp'],
  enable: ['enable_time', 'enqueue_time', 'enabled_time', 'ready_time'],
  resource: ['resource', 'org:resource', 'user', 'agent'],
  process: ['process', 'case:process'],
  outcome: ['outcome', 'lifecycle:outcome', 'status'],
};

export const REQUIRED_FIELDS: readonly LogField[] = ['case', 'activity', 'end'];

export type ColumnOverrides = Partial<Record<LogField, string>>;

/**
 * Index of each field in a CSV header: the user's choice if given, else the
 * first usual name present. Throws a message naming the missing field.
 */
export function resolveColumns(header: string[], overrides: ColumnOverrides, where: string): Partial<Record<LogField, number>> {
  const lower = header.map((h) => h.trim().toLowerCase());
  const out: Partial<Record<LogField, number>> = {};
  for (const field of Object.keys(USUAL_COLUMNS) as LogField[]) {
    const given = overrides[field];
    if (given !== undefined) {
      const i = lower.indexOf(given.toLowerCase());
      if (i < 0) throw new Error(`${where}: no column '${given}' (given with --${field}-column); the header has: ${header.join(', ')}`);
      out[field] = i;
      continue;
    }
    const i = USUAL_COLUMNS[field].map((n) => lower.indexOf(n)).find((k) => k >= 0);
    if (i !== undefined) out[field] = i;
  }
  for (const field of REQUIRED_FIELDS) {
    if (out[field] === undefined) {
      throw new Error(
        `${where}: no ${field} column (expected one of: ${USUAL_COLUMNS[field].join(', ')}; or name it with --${field}-column); the header has: ${header.join(', ')}`,
      );
    }
  }
  // a log with one timestamp: the 'end' column might be the only time; start = end
  return out;
}

export function isFailureOutcome(value: string): boolean {
  const v = value.trim().toLowerCase();
  return v === 'bot-failed' || v === 'failed' || v === 'failure' || v === 'exception' || v === 'error';
}

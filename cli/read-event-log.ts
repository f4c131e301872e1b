/**
 * Streams an event log file (CSV, or XES for a name ending in .xes) through
 * the discovery readers into a log profile, 1 MB at a time. An XES log is
 * never held (a trace at a time). A CSV log is read twice: a first pass counts
 * each case's tasks (only the case column is parsed), the second hands each
 * case to the profile at its last task (discovery/case-table.ts), so memory
 * holds a count per case and the cases open at once, not the log.
 *
 * A log too big for this process is refused with exit code 2 as soon as that
 * is known (during the first pass, before any discovery): when the counts, or
 * the cases open at once in the second pass, would take more than half of the
 * heap this process may use.
 */
import { createReadStream } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { CaseTable, STRIDE } from '../discovery/case-table.js';
import { CsvLogReader } from '../discovery/csv-log-reader.js';
import { XesLogReader } from '../discovery/xes-log-reader.js';
import { LogProfile, type LogProfileOptions } from '../discovery/log-profile.js';
import { InputError } from '../discovery/log-error.js';
import type { ColumnOverrides } from '../discovery/log-event.js';

/** Share of the heap limit that the held counts and open cases may take. */
export const LOG_MEMORY_SHARE = 0.5;
/** Bytes a counted case costs in the first pass's map, besides its id (measured: about 90 with V8's Map of strings). */
export const BYTES_PER_COUNTED_CASE = 100;
/** Bytes a held task costs (STRIDE numbers in a JS array, with its growth slack) and a held case (its object and map entry). */
export const BYTES_PER_HELD_TASK = STRIDE * 8 * 1.5;
export const BYTES_PER_HELD_CASE = 200;

export interface ReadEventLogLimits {
  /** bytes this process may use for the log (default: LOG_MEMORY_SHARE of V8's heap limit) */
  memoryBytes?: number;
}

const mb = (x: number) => (x >= 1e6 ? `${Math.round(x / 1e6).toLocaleString('en-US')} MB` : `${Math.ceil(x / 1e3)} kB`);
const tooBig = (file: string, what: string, budget: number) =>
  new InputError(
    `${file}: too big for this process: ${what}, over the ${mb(budget)} it may use for a log (half its heap). ` +
      'Expected a log whose cases fit: split it by period or by process, sort it by case (then one case is open at a time), ' +
      'or give node more heap (NODE_OPTIONS=--max-old-space-size=MB)',
  );

async function stream(file: string, push: (chunk: string) => void): Promise<void> {
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of input) push(chunk as string);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code) throw new InputError(`${file}: cannot read the event log (${code})`);
    throw err;
  }
}

export async function readEventLog(file: string, columns: ColumnOverrides, options: LogProfileOptions, limits: ReadEventLogLimits = {}): Promise<LogProfile> {
  const budget = limits.memoryBytes ?? LOG_MEMORY_SHARE * getHeapStatistics().heap_size_limit;
  const table = new CaseTable();
  const profile = new LogProfile(table, options);
  if (file.toLowerCase().endsWith('.xes')) {
    const reader = new XesLogReader(
      file,
      { caseKey: columns.case, activityKey: columns.activity, resourceKey: columns.resource, processKey: columns.process },
      (events) => {
        const c = table.compact(events);
        if (c) profile.addCase(c);
      },
    );
    await stream(file, (chunk) => reader.push(chunk));
    reader.end();
  } else {
    // first pass: tasks per case
    const counts = new Map<string, number>();
    let countBytes = 0;
    const counter = new CsvLogReader(
      file,
      columns,
      () => undefined,
      (caseId) => {
        const n = counts.get(caseId);
        if (n !== undefined) {
          counts.set(caseId, n + 1);
          return;
        }
        counts.set(caseId, 1);
        countBytes += BYTES_PER_COUNTED_CASE + caseId.length;
        if (countBytes > budget)
          throw tooBig(
            file,
            `${counts.size.toLocaleString('en-US')} cases by row ${counter.rows.toLocaleString('en-US')} already need about ${mb(countBytes)} to count`,
            budget,
          );
      },
    );
    await stream(file, (chunk) => counter.push(chunk));
    counter.end();
    // second pass: each case handed over at its last task
    table.expect(counts);
    const reader = new CsvLogReader(file, columns, (e) => {
      const done = table.add(e);
      if (done) {
        profile.addCase(done);
        return;
      }
      const held = countBytes + table.peakOpenTasks * BYTES_PER_HELD_TASK + table.peakOpenCases * BYTES_PER_HELD_CASE;
      if (held > budget)
        throw tooBig(
          file,
          `${table.peakOpenCases.toLocaleString('en-US')} cases open at once (${table.peakOpenTasks.toLocaleString('en-US')} tasks) need about ${mb(held)}`,
          budget,
        );
    });
    await stream(file, (chunk) => reader.push(chunk));
    reader.end();
    table.drain((c) => profile.addCase(c));
  }
  if (profile.events === 0) throw new InputError(`${file}: the event log has no tasks (expected one row or event per task)`);
  return profile;
}

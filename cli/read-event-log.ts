/**
 * Streams an event log file (CSV, or XES for a name ending in .xes) through
 * the discovery readers into a log profile, 1 MB at a time: an XES log is
 * never held, a CSV log only as compact open cases (discovery/case-table.ts).
 */
import { createReadStream } from 'node:fs';
import { CaseTable } from '../discovery/case-table.js';
import { CsvLogReader } from '../discovery/csv-log-reader.js';
import { XesLogReader } from '../discovery/xes-log-reader.js';
import { LogProfile, type LogProfileOptions } from '../discovery/log-profile.js';
import { InputError } from '../discovery/log-error.js';
import type { ColumnOverrides } from '../discovery/log-event.js';

export async function readEventLog(file: string, columns: ColumnOverrides, options: LogProfileOptions): Promise<LogProfile> {
  const table = new CaseTable();
  const profile = new LogProfile(table, options);
  const xes = file.toLowerCase().endsWith('.xes');
  const reader = xes
    ? new XesLogReader(file, { caseKey: columns.case, activityKey: columns.activity, resourceKey: columns.resource, processKey: columns.process }, (events) => {
      const c = table.compact(events);
      if (c) profile.addCase(c);
    })
    : new CsvLogReader(file, columns, (e) => table.add(e));
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) reader.push(chunk as string);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code) throw new InputError(`${file}: cannot read the event log (${code})`);
    throw err;
  }
  reader.end();
  table.drain((c) => profile.addCase(c));
  if (profile.events === 0) throw new InputError(`${file}: the event log has no tasks (expected one row or event per task)`);
  return profile;
}

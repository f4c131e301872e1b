/**
 * Arrivals replayed from a CSV: one arrival per row, the first column being
 * seconds from the scenario start, a duration (`3h`), or an ISO timestamp.
 * A header row is skipped. Times are returned sorted.
 */
import type { ScenarioIssue } from './errors.js';
import { parseDuration } from './units.js';

export function parseArrivalsCsv(text: string, file: string, startDate: string): { times: number[] } | { issues: ScenarioIssue[] } {
  const origin = Date.parse(`${startDate}T00:00:00Z`);
  const times: number[] = [];
  const issues: ScenarioIssue[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((lineText, i) => {
    const cell = lineText.split(',')[0].trim().replace(/^"|"$/g, '');
    if (!cell || cell.startsWith('#')) return;
    let t = parseDuration(/^\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell);
    if (Number.isNaN(t) && /^\d{4}-\d{2}-\d{2}/.test(cell)) {
      const ms = Date.parse(cell.endsWith('Z') || /[+-]\d\d:?\d\d$/.test(cell) ? cell : `${cell}Z`);
      t = Number.isNaN(ms) ? NaN : (ms - origin) / 1000;
    }
    if (Number.isNaN(t)) {
      if (i === 0) return; // header
      issues.push({
        file,
        line: i + 1,
        path: '',
        message: `expected an arrival time (seconds, a duration like 3h, or an ISO timestamp), got ${JSON.stringify(cell)}`,
      });
      return;
    }
    if (t < 0) {
      issues.push({ file, line: i + 1, path: '', message: `arrival before the scenario start (${cell})` });
      return;
    }
    times.push(t);
  });
  if (issues.length) return { issues };
  times.sort((a, b) => a - b);
  return { times };
}

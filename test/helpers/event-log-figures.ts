/**
 * Figures of an autoshift CSV event log, computed plainly from its rows (no
 * discovery code): cases per process, mean duration per activity, mean cycle
 * time per process (first enqueue to last end).
 */
import { readFileSync } from 'node:fs';

export interface LogFigures {
  cases: Record<string, number>;
  activityMean: Record<string, number>;
  activityCount: Record<string, number>;
  cycleMean: Record<string, number>;
}

export function csvLogFigures(file: string): LogFigures {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const col = (name: string) => header.indexOf(name);
  const [c, p, a, enq, st, en] = ['case_id', 'process', 'activity', 'enqueue_time', 'start_time', 'end_time'].map(col);
  const cases = new Map<string, { process: string; first: number; last: number }>();
  const sum: Record<string, number> = {},
    count: Record<string, number> = {};
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    const e = Date.parse(f[en]),
      s = Date.parse(f[st]),
      q = Date.parse(f[enq]);
    sum[f[a]] = (sum[f[a]] ?? 0) + (e - s) / 1000;
    count[f[a]] = (count[f[a]] ?? 0) + 1;
    const k = cases.get(f[c]);
    if (!k) cases.set(f[c], { process: f[p], first: q, last: e });
    else {
      k.first = Math.min(k.first, q);
      k.last = Math.max(k.last, e);
    }
  }
  const out: LogFigures = { cases: {}, activityMean: {}, activityCount: count, cycleMean: {} };
  for (const k of Object.keys(sum)) out.activityMean[k] = sum[k] / count[k];
  const cyc: Record<string, number> = {};
  for (const k of cases.values()) {
    out.cases[k.process] = (out.cases[k.process] ?? 0) + 1;
    cyc[k.process] = (cyc[k.process] ?? 0) + (k.last - k.first) / 1000;
  }
  for (const p of Object.keys(cyc)) out.cycleMean[p] = cyc[p] / out.cases[p];
  return out;
}

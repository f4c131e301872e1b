/** The time series of every replication as one long CSV (replication, time, series, key, value). */
import type { ReplicationFigures } from '../simulator/figures.js';

export function timeseriesCsv(reps: ReplicationFigures[]): string {
  const rows: string[] = ['replication,time_seconds,series,key,value'];
  reps.forEach((r, i) => {
    const ts = r.timeseries;
    ts.time.forEach((t, k) => {
      const add = (series: string, key: string, v: number | null) => rows.push(`${i + 1},${t},${series},${key},${v ?? ''}`);
      for (const [q, xs] of Object.entries(ts.backlog)) add('backlog', q, xs[k]);
      for (const [p, xs] of Object.entries(ts.wip)) add('wip', p, xs[k]);
      for (const [p, xs] of Object.entries(ts.utilization)) add('utilization', p, xs[k]);
      add('sla_attainment', 'all', ts.slaAttainment[k]);
      add('completed', 'all', ts.completed[k]);
      add('arrived', 'all', ts.arrived[k]);
      add('cost', 'all', ts.cost[k]);
    });
  });
  return rows.join('\n') + '\n';
}

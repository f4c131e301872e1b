/**
 * The text tables of abandonment, finite queues and priority classes for
 * `autoshift run` (and `live`): printed only for a scenario that uses them.
 */
import type { ResultDocument } from '../simulator/summarize.js';
import { table } from './table.js';
import { fmtCount, fmtDuration, fmtShare } from './format.js';

export function queueingTables(doc: ResultDocument): string[] {
  const out: string[] = [];
  const procs = Object.entries(doc.processes);
  const has = (k: string) => procs.some(([, p]) => k in p);
  if (has('abandoned') || has('blocked')) {
    const ab = has('abandoned'),
      bl = has('blocked');
    out.push(
      table(
        ['process', ...(ab ? ['abandoned', 'rate', 'wait served', 'wait abandoned', 'cases abandoned'] : []), ...(bl ? ['blocked', 'rate', 'cases lost'] : [])],
        procs.map(([id, p]) => {
          const x = p as unknown as Record<string, { mean: number; ci95: number }>;
          return [
            id,
            ...(ab
              ? [
                  fmtCount(x.abandoned),
                  fmtShare(x.abandonmentRate),
                  fmtDuration(x.servedWaitMeanSeconds),
                  fmtDuration(x.abandonedWaitMeanSeconds),
                  fmtCount(x.casesAbandoned),
                ]
              : []),
            ...(bl ? [fmtCount(x.blocked), fmtShare(x.blockingRate), fmtCount(x.casesLost)] : []),
          ];
        }),
      ),
    );
  }
  if (doc.priorityClasses) {
    if (out.length) out.push('');
    out.push(
      table(
        ['priority', 'arrived', 'completed', 'wait', 'cycle', 'SLA met'],
        Object.entries(doc.priorityClasses)
          .sort(([a], [b]) => Number(b) - Number(a))
          .map(([c, x]) => [
            c,
            fmtCount(x.arrived),
            fmtCount(x.completed),
            fmtDuration(x.waitMeanSeconds),
            fmtDuration(x.cycleMeanSeconds),
            fmtShare(x.slaAttainment),
          ]),
      ),
    );
  }
  return out;
}

/**
 * The event log of a live run, made from what the collector kept of it
 * (simulator/live-tally.ts): one record per finished task, in the shape the
 * `sim` engine gives its event log (engine.ts `TaskRecord`), so that
 * `autoshift live --event-log` writes the same CSV or XES as `autoshift run
 * --event-log`, and `autoshift discover` reads either. Case ids are
 * `<process>-<caseNo>` as in `sim`: the same seed names the same cases.
 * Records are in order of end time (then case and task id, so a log is the
 * same however Kafka interleaved its partitions); a case's last task carries
 * `caseDone` when its case completed. Pure.
 */
import type { Scenario } from '../model/scenario.js';
import type { TaskFinishedEvent } from '../protocol/topics.js';
import { EventType } from '../protocol/topics.js';
import type { TaskRecord } from './engine.js';
import type { LiveTally } from './live-tally.js';

/** `<runId>.<process>.<caseNo>` → `<process>-<caseNo>`, the `sim` engine's case id. */
export function simCaseId(liveCaseId: string, process: string): string {
  const caseNo = liveCaseId.slice(liveCaseId.lastIndexOf('.') + 1);
  return `${process}-${caseNo}`;
}

export function liveTaskRecords(scenario: Scenario, tally: Pick<LiveTally, 'tasks' | 'cases'>): TaskRecord[] {
  const tasks = [...tally.tasks.values()].sort((a, b) => a.end - b.end || cmp(a.caseId, b.caseId) || cmp(a.taskId, b.taskId));
  // the last task of each completed case
  const last = new Map<string, TaskFinishedEvent>();
  for (const t of tasks) if (tally.cases.has(t.caseId)) last.set(t.caseId, t);
  return tasks.map((t) => ({
    caseId: simCaseId(t.caseId, t.process),
    process: t.process,
    activity: scenario.processes[t.processIndex]?.steps[t.step]?.id ?? `step-${t.step}`,
    resource: t.unit,
    pool: t.pool,
    enqueue: t.enqueue,
    start: t.start,
    end: t.end,
    outcome: t.type === EventType.taskFailed ? 'bot-failed' : 'done',
    warmup: !t.counted,
    caseDone: last.get(t.caseId) === t,
    ...(t.attributes ? { attributes: t.attributes } : {}),
  }));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

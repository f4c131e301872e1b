/** A live run's event log records (simulator/live-event-log.ts): sim's case ids and activities, in end-time order, the last task of a completed case marked. */
import { describe, expect, it } from 'vitest';
import { liveTaskRecords, simCaseId } from '../../simulator/live-event-log.js';
import { scenarioFrom } from '../helpers/scenario.js';
import type { CaseCompletedEvent, TaskFinishedEvent } from '../../protocol/topics.js';

const scenario = scenarioFrom(`
name: two steps
horizon: 1d
pools:
  people: { kind: human, size: 2, skills: [a, b], costPerHour: 10 }
processes:
  order:
    sla: 1h
    start: first
    steps:
      first: { skill: a, duration: { dist: constant, value: 60 }, next: second }
      second: { skill: b, duration: { dist: constant, value: 30 } }
demand:
  order: { rate: 1/h }
`);

function task(caseNo: number, step: number, start: number, end: number, type: 'task.done' | 'task.failed' = 'task.done'): TaskFinishedEvent {
  const caseId = `run1.order.${caseNo}`;
  return {
    v: 1,
    type,
    taskId: `${caseId}/${step}/0`,
    caseId,
    process: 'order',
    processIndex: 0,
    step,
    visit: 0,
    skill: step,
    grantId: `g-${caseNo}-${step}`,
    unit: 'people#1',
    pool: 'people',
    kind: 'human',
    enqueue: start - 5,
    start,
    end,
    service: end - start,
    counted: caseNo > 0,
  };
}

describe('live event log', () => {
  it("names cases as sim does, orders tasks by end and marks a completed case's last task", () => {
    expect(simCaseId('run1.order.12', 'order')).toBe('order-12');
    const t = [task(1, 1, 200, 230), task(0, 0, 0, 60), task(1, 0, 100, 160, 'task.failed'), task(0, 1, 60, 90)];
    const tasks = new Map(t.map((x) => [x.taskId, x]));
    const cases = new Map<string, CaseCompletedEvent>([['run1.order.0', { caseId: 'run1.order.0' } as CaseCompletedEvent]]);
    const records = liveTaskRecords(scenario, { tasks, cases });
    expect(records.map((r) => [r.caseId, r.activity, r.end, r.outcome, r.warmup, r.caseDone])).toEqual([
      ['order-0', 'first', 60, 'done', true, false],
      ['order-0', 'second', 90, 'done', true, true],
      ['order-1', 'first', 160, 'bot-failed', false, false],
      ['order-1', 'second', 230, 'done', false, false], // its case.completed not seen: not marked done
    ]);
    expect(records[0]).toMatchObject({ resource: 'people#1', pool: 'people', enqueue: -5, start: 0 });
  });
});

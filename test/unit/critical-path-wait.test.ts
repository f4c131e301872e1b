/**
 * Wait on the critical path (issue 8, item 3): with parallel branches the
 * summed wait of a case can exceed its cycle time; the critical-path wait (the
 * waits on the path of the last branch to reach each join) cannot, and it is
 * checked here against the same figure computed independently from the event
 * log: for intake → (a ‖ b) → merge, the waits of intake, of whichever of a
 * and b ended last, and of merge.
 */
import { describe, it, expect } from 'vitest';
import { scenarioFrom, runOnce } from '../helpers/scenario.js';
import type { TaskRecord } from '../../simulator/engine.js';

const scenario = scenarioFrom(`name: fork-join
horizon: 40d
warmup: 0d
pools:
  staff: { kind: human, size: 3, skills: [intake, a, b, merge] }
processes:
  order:
    sla: 1d
    start: intake
    steps:
      intake:
        skill: intake
        duration: { dist: exponential, mean: 5m }
        next: { parallel: [a, b], join: merge }
      a:
        skill: a
        duration: { dist: exponential, mean: 20m }
      b:
        skill: b
        duration: { dist: exponential, mean: 20m }
      merge:
        skill: merge
        duration: { dist: exponential, mean: 5m }
demand:
  order: { rate: 3.4/h }
`);

describe('critical-path wait', () => {
  it('is at most the cycle time (the summed wait is not), and matches the event log', () => {
    const tasks: TaskRecord[] = [];
    const f = runOnce(scenario, 0, undefined, (t) => tasks.push(t));
    const p = f.processes.order;
    expect(p.completed).toBeGreaterThan(2000);
    // heavy contention: two branches wait at once, so the sum of waits outgrows the cycle
    expect(p.waitMeanSeconds).toBeGreaterThan(p.cycleMeanSeconds);
    expect(p.criticalPathWaitMeanSeconds).toBeLessThan(p.cycleMeanSeconds);
    expect(p.criticalPathWaitMeanSeconds).toBeGreaterThan(0);

    // independently, from the event log of completed cases
    const byCase = new Map<string, Record<string, TaskRecord>>();
    for (const t of tasks) (byCase.get(t.caseId) ?? byCase.set(t.caseId, {}).get(t.caseId)!)[t.activity] = t;
    let sum = 0,
      n = 0;
    for (const steps of byCase.values()) {
      const { intake, a, b, merge } = steps;
      if (!merge) continue;
      const last = a.end >= b.end ? a : b;
      const wait = (t: TaskRecord) => t.start - t.enqueue;
      const critical = wait(intake) + wait(last) + wait(merge);
      expect(critical).toBeLessThanOrEqual(merge.end - intake.enqueue + 1e-9);
      sum += critical;
      n++;
    }
    expect(n).toBe(p.completed);
    expect(p.criticalPathWaitMeanSeconds).toBeCloseTo(sum / n, 6);
  });
});

/**
 * The collector's tally drops redelivered events by id, in both modes: with
 * records (a bounded run's result document) and without (a long-running
 * service, whose memory must not grow with the run: it keeps the most recent
 * ids only, simulator/recent-ids.ts).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadScenario } from '../../cli/load-scenario.js';
import { ROOT } from '../helpers/cli.js';
import { LiveTally } from '../../simulator/live-tally.js';
import { RecentIds } from '../../simulator/recent-ids.js';
import type { AnyEvent } from '../../protocol/topics.js';

const scenario = loadScenario(join(ROOT, 'test', 'fixtures', 'live-small.yaml'));
const clock = { startWallMs: 0, speed: 1 };

function events(n: number): AnyEvent[] {
  const out: AnyEvent[] = [];
  for (let i = 0; i < n; i++) {
    const caseId = `r.ticket.${i}`;
    const ident = { v: 1 as const, taskId: `${caseId}/0/0`, caseId, process: 'ticket', processIndex: 1, step: 0, visit: 0, skill: 0 };
    out.push({ v: 1, type: 'demand', id: caseId, runId: 'r', process: 'ticket', caseNo: i, at: i, seed: 7, clock });
    out.push({ ...ident, type: 'task.requested', at: i, deadline: i + 3600, clock });
    out.push({
      ...ident, type: 'task.done', grantId: `g-${i}`, unit: 'agents#1', pool: 'agents', kind: 'human',
      enqueue: i, start: i, end: i + 60, service: 60, counted: true,
    });
    out.push({ v: 1, type: 'case.sla-breached', caseId, process: 'ticket', at: i + 3600 });
    out.push({
      v: 1, type: 'case.completed', caseId, process: 'ticket', processIndex: 1, caseNo: i, arrival: i, end: i + 60,
      wait: 0, cost: 1, tasks: 1, botTasks: 0, slaMet: true, counted: true,
    });
  }
  return out;
}

describe('RecentIds', () => {
  it('remembers the last `capacity` ids and forgets the oldest first', () => {
    const ids = new RecentIds(3);
    expect(['a', 'b', 'c'].map((x) => ids.add(x))).toEqual([true, true, true]);
    expect(ids.add('a')).toBe(false);
    expect(ids.add('d')).toBe(true);
    expect(ids.size).toBe(3);
    expect(ids.has('a')).toBe(false);
    expect(ids.has('d')).toBe(true);
    expect(() => new RecentIds(0)).toThrow(/capacity/);
  });
});

describe('LiveTally', () => {
  for (const retain of [true, false]) {
    it(`counts each event once however often it is delivered (retain: ${retain})`, () => {
      const tally = new LiveTally(scenario, { retain });
      const evs = events(50);
      const delivered = [...evs, ...evs.slice(100), ...evs.slice(20, 60)];
      const fresh = delivered.map((e) => tally.add(e));
      // outcomes (demand, task done, breach, case completed): each once
      expect(delivered.filter((e, i) => fresh[i] && e.type !== 'task.requested').length).toBe(4 * 50);
      expect(tally.counts()).toEqual({ arrived: 50, completed: 50, tasks: 50 });
      expect(tally.breached.size).toBe(50);
    });
  }

  it('keeps records only when asked', () => {
    const kept = new LiveTally(scenario);
    const counted = new LiveTally(scenario, { retain: false });
    for (const e of events(10)) { kept.add(e); counted.add(e); }
    expect(kept.cases.size).toBe(10);
    expect(kept.figures().processes.ticket.completed).toBe(10);
    expect(counted.cases.size).toBe(0);
    expect(() => counted.figures()).toThrow(/keeps no records/);
  });
});

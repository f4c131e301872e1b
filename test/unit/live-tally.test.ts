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
import type { TaskRecord } from '../../simulator/engine.js';
import { runOnce } from '../helpers/scenario.js';

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
      ...ident,
      type: 'task.done',
      grantId: `g-${i}`,
      unit: 'agents#1',
      pool: 'agents',
      kind: 'human',
      enqueue: i,
      start: i,
      end: i + 60,
      service: 60,
      counted: true,
    });
    out.push({ v: 1, type: 'case.sla-breached', caseId, process: 'ticket', at: i + 3600 });
    out.push({
      v: 1,
      type: 'case.completed',
      caseId,
      process: 'ticket',
      processIndex: 1,
      caseNo: i,
      arrival: i,
      end: i + 60,
      wait: 0,
      cost: 1,
      tasks: 1,
      botTasks: 0,
      slaMet: true,
      counted: true,
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
    for (const e of events(10)) {
      kept.add(e);
      counted.add(e);
    }
    expect(kept.cases.size).toBe(10);
    expect(kept.figures().processes.ticket.completed).toBe(10);
    expect(counted.cases.size).toBe(0);
    expect(() => counted.figures()).toThrow(/keeps no records/);
  });
});

/** The Kafka events of a `sim` run of live-small, at the simulated moment each would be published. */
function runEvents(): { at: number; ev: AnyEvent }[] {
  const records: TaskRecord[] = [];
  runOnce(scenario, 0, 'static', (r) => records.push(r));
  const out: { at: number; ev: AnyEvent }[] = [];
  const procIndex = new Map(scenario.processes.map((p) => [p.id, p.index]));
  const cases = new Map<string, { process: string; arrival: number; end: number; n: number }>();
  records.forEach((r, i) => {
    const p = procIndex.get(r.process)!;
    const proc = scenario.processes[p];
    const step = proc.steps.findIndex((x) => x.id === r.activity);
    const pool = scenario.pools.find((x) => x.id === r.pool)!;
    const ident = {
      v: 1 as const,
      taskId: `${r.caseId}/${step}/${i}`,
      caseId: r.caseId,
      process: r.process,
      processIndex: p,
      step,
      visit: 0,
      skill: proc.steps[step].skill,
    };
    out.push({ at: r.enqueue, ev: { ...ident, type: 'task.requested', at: r.enqueue, deadline: r.enqueue + proc.sla, clock } });
    out.push({ at: r.start, ev: { ...ident, type: 'task.started', grantId: `g${i}`, unit: r.resource, pool: r.pool, at: r.start } });
    out.push({
      at: r.end,
      ev: {
        ...ident,
        type: r.outcome === 'done' ? 'task.done' : 'task.failed',
        grantId: `g${i}`,
        unit: r.resource,
        pool: r.pool,
        kind: pool.kind,
        enqueue: r.enqueue,
        start: r.start,
        end: r.end,
        service: r.end - r.start,
        counted: !r.warmup,
      },
    });
    const c = cases.get(r.caseId) ?? { process: r.process, arrival: r.enqueue, end: r.end, n: 0 };
    c.arrival = Math.min(c.arrival, r.enqueue);
    c.end = Math.max(c.end, r.end);
    c.n++;
    cases.set(r.caseId, c);
  });
  let caseNo = 0;
  for (const [caseId, c] of cases) {
    const p = procIndex.get(c.process)!;
    out.push({ at: c.arrival, ev: { v: 1, type: 'demand', id: caseId, runId: 'r', process: c.process, caseNo, at: c.arrival, seed: 7, clock } });
    out.push({
      at: c.end,
      ev: {
        v: 1,
        type: 'case.completed',
        caseId,
        process: c.process,
        processIndex: p,
        caseNo: caseNo++,
        arrival: c.arrival,
        end: c.end,
        wait: 0,
        cost: 0,
        tasks: c.n,
        botTasks: 0,
        slaMet: c.end - c.arrival <= scenario.processes[p].sla,
        counted: c.arrival >= scenario.warmup,
      },
    });
  }
  // in time order; at one instant a demand before its tasks, a request before its start, a start before its end
  const rank: Record<string, number> = { demand: 0, 'task.requested': 1, 'task.started': 2, 'task.done': 3, 'task.failed': 3, 'case.completed': 4 };
  return out.map((e, i) => ({ ...e, i })).sort((a, b) => a.at - b.at || rank[a.ev.type] - rank[b.ev.type] || a.i - b.i);
}

describe('LiveTally without records: the time series built item by item', () => {
  it('is the series of the tally that keeps every record, at every moment of the run, redeliveries included', () => {
    const evs = runEvents();
    const kept = new LiveTally(scenario);
    const counted = new LiveTally(scenario, { retain: false });
    let next = 0;
    let compared = 0;
    for (let t = 600; t <= scenario.horizon; t += 600) {
      for (; next < evs.length && evs[next].at <= t; next++) {
        kept.add(evs[next].ev);
        counted.add(evs[next].ev);
        if (next % 7 === 0) {
          kept.add(evs[next].ev);
          counted.add(evs[next].ev);
        } // a redelivery
      }
      expect(counted.timeseries(t), `at ${t} s`).toEqual(kept.timeseries(t));
      compared++;
    }
    expect(compared).toBe(18);
    const ts = counted.timeseries();
    expect(ts.backlogTotal.some((b) => b > 0)).toBe(true);
    expect(ts.completed.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
  });

  it('counts a case whose completion is read before its demand (two topics) once it has both', () => {
    const evs = runEvents();
    const kept = new LiveTally(scenario);
    const counted = new LiveTally(scenario, { retain: false });
    const demand = evs.filter((e) => e.ev.type === 'demand');
    for (const e of evs.filter((x) => x.ev.type !== 'demand')) {
      kept.add(e.ev);
      counted.add(e.ev);
    }
    for (const e of demand) {
      kept.add(e.ev);
      counted.add(e.ev);
    }
    expect(counted.timeseries()).toEqual(kept.timeseries());
  });
});

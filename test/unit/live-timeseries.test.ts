/**
 * The live runtime's time series (simulator/live-timeseries.ts), rebuilt from
 * task and case events, is the `sim` engine's series: fed the events of a
 * `sim` run (its event log, as the collector would read them from Kafka), it
 * gives the engine's own samples, and the same resilience figures.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadScenario } from '../../cli/load-scenario.js';
import { runOnce } from '../helpers/scenario.js';
import { ROOT } from '../helpers/cli.js';
import type { TaskRecord } from '../../simulator/engine.js';
import { liveTimeSeries, type LiveSeriesInput } from '../../simulator/live-timeseries.js';
import { capacityHours } from '../../simulator/capacity.js';
import { resilienceOf } from '../../simulator/resilience.js';
import type { Scenario } from '../../model/scenario.js';

/** What the collector would know after a run whose every case finished: built from the engine's task records. */
function eventsOf(scenario: Scenario, records: TaskRecord[]): LiveSeriesInput {
  const cases = new Map<string, { process: number; arrival: number; end: number }>();
  const procIndex = new Map(scenario.processes.map((p) => [p.id, p.index]));
  for (const r of records) {
    const c = cases.get(r.caseId);
    // a case enters its first step at its arrival, and is done when its last task ends
    if (!c) cases.set(r.caseId, { process: procIndex.get(r.process)!, arrival: r.enqueue, end: r.end });
    else {
      c.arrival = Math.min(c.arrival, r.enqueue);
      c.end = Math.max(c.end, r.end);
    }
  }
  const skillOf = (process: string, step: string) => scenario.processes[procIndex.get(process)!].steps.find((s) => s.id === step)!.skill;
  return {
    waits: records.map((r) => ({ at: r.enqueue, skill: skillOf(r.process, r.activity), start: r.start })),
    work: records.map((r) => ({ pool: scenario.pools.find((p) => p.id === r.pool)!.index, start: r.start, service: r.end - r.start })),
    cases: [...cases.values()].map((c) => ({
      ...c,
      counted: c.arrival >= scenario.warmup,
      slaMet: c.end - c.arrival <= scenario.processes[c.process].sla,
    })),
    capacity: (p, from, to) => capacityHours(scenario, p, from, to),
  };
}

describe('live time series from events', () => {
  // every case of live-small is done long before the horizon, so the event log holds the whole run
  const scenario = loadScenario(join(ROOT, 'test', 'fixtures', 'live-small.yaml'));
  const records: TaskRecord[] = [];
  const sim = runOnce(scenario, 0, 'static', (r) => records.push(r));
  const live = liveTimeSeries(scenario, eventsOf(scenario, records));
  const ts = sim.timeseries;

  it('samples at the same instants', () => {
    expect(live.time).toEqual(ts.time);
    expect(live.time.length).toBe(12); // 3 h every 15 min
  });

  it('counts the same backlog, work in progress, arrivals and completions', () => {
    expect(live.backlog).toEqual(ts.backlog);
    expect(live.backlogTotal).toEqual(ts.backlogTotal);
    expect(live.wip).toEqual(ts.wip);
    expect(live.arrived).toEqual(ts.arrived);
    expect(live.completed).toEqual(ts.completed);
    expect(live.slaAttainment).toEqual(ts.slaAttainment);
    expect(ts.backlogTotal.some((b) => b > 0)).toBe(true);
  });

  it('gives the same utilisation and cost per interval', () => {
    for (const pool of scenario.pools) {
      live.utilization[pool.id].forEach((u, k) => {
        const e = ts.utilization[pool.id][k];
        if (e === null) expect(u).toBeNull();
        else expect(u).toBeCloseTo(e, 5);
      });
    }
    live.cost.forEach((c, k) => expect(c).toBeCloseTo(ts.cost[k], 4));
    live.workCost.forEach((c, k) => expect(c).toBeCloseTo(ts.workCost[k], 4));
  });

  it('gives the same resilience figures for the bot outage', () => {
    const fromLive = resilienceOf(scenario, [{ ...sim, timeseries: live }]);
    const fromSim = resilienceOf(scenario, [sim]);
    expect(fromLive).toHaveLength(1);
    expect(fromLive[0].timeToRecoverSeconds!.mean).toBeCloseTo(fromSim[0].timeToRecoverSeconds!.mean, 6);
    expect(fromLive[0].worstBacklog!.mean).toBe(fromSim[0].worstBacklog!.mean);
    expect(fromLive[0].slaInWindow!.mean).toBeCloseTo(fromSim[0].slaInWindow!.mean, 6);
    expect(fromLive[0].lossAreaHours!.mean).toBeCloseTo(fromSim[0].lossAreaHours!.mean, 6);
  });
});

/**
 * Scheduled demand (`demand.<p>.schedule`): the number and the times of the
 * arrivals are exactly those of the calendar written (counted here by hand),
 * in `sim` and in the live producer's timeline alike; beside a rate, the
 * Poisson arrivals come too (their count against λT).
 */
import { describe, it, expect } from 'vitest';
import { scenarioFrom, runOnce } from '../helpers/scenario.js';
import type { TaskRecord } from '../../simulator/engine.js';
import { demandTimeline } from '../../workers/producer.js';
import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import type { ScenarioError } from '../../model/errors.js';

const DAY = 86_400,
  H = 3600;
const text = (schedule: string, horizon = String(14 * DAY + 6 * H)) => `
name: scheduled
horizon: ${horizon}
pools: { pickers: { kind: human, size: 400, skills: [pick] } }
processes:
  order: { sla: 1d, start: pick, steps: { pick: { skill: pick, duration: { dist: exponential, mean: 10m } } } }
demand:
  order:
    schedule: ${schedule}
`;

describe('scheduled arrivals', () => {
  // 200 orders every day at 06:00, 3 more on Mondays and Wednesdays at 14:30; the horizon ends on day 14 (a Monday) at 06:00
  const scenario = scenarioFrom(text('[{ at: "06:00", count: 200 }, { days: [mon, wed], at: "14:30", count: 3 }]'));

  it('arrive in the numbers and at the times of the calendar', () => {
    const expected: number[] = [];
    for (let day = 0; day <= 14; day++) {
      for (let i = 0; i < 200; i++) expected.push(day * DAY + 6 * H);
      if ((day % 7 === 0 || day % 7 === 2) && day * DAY + 14.5 * H <= 14 * DAY + 6 * H) for (let i = 0; i < 3; i++) expected.push(day * DAY + 14.5 * H);
    }
    expect(expected.length).toBe(15 * 200 + 4 * 3);
    const tasks: TaskRecord[] = [];
    const figures = runOnce(scenario, 0, undefined, (r) => tasks.push(r));
    expect(figures.processes.order.arrived).toBe(expected.length);
    // every case that arrived before the last day's batch (which comes at the horizon itself) is done
    expect(tasks.map((t) => t.enqueue).sort((a, b) => a - b)).toEqual(expected.filter((t) => t < 14 * DAY));
    // the live producer publishes the same arrivals, case numbers in order
    const live = [...demandTimeline(scenario, 'run', { startWallMs: 0, speed: 1 })].flatMap((e) => (e.demand ? [e.demand] : []));
    expect(live.map((d) => d.at)).toEqual(expected);
    expect(live.map((d) => d.caseNo)).toEqual(expected.map((_, i) => i));
  });

  it('beside a rate: the batches at their times, and the Poisson trickle besides (λT within 4 standard deviations)', () => {
    // 200 orders at 06:00 every day on top of 4 orders an hour, over 14 days and 6 hours
    const mixed = scenarioFrom(text('[{ at: "06:00", count: 200 }]').replace('    schedule:', '    rate: 4/h\n    schedule:'));
    expect(mixed.demand.map((d) => d.kind)).toEqual(['replay', 'poisson']);
    const live = [...demandTimeline(mixed, 'run', { startWallMs: 0, speed: 1 })].flatMap((e) => (e.demand ? [e.demand] : []));
    const batch = (at: number) => at % DAY === 6 * H;
    const batched = live.filter((d) => batch(d.at));
    expect(batched.length).toBe(15 * 200);
    const trickle = live.length - batched.length;
    const lambdaT = 4 * (14 * 24 + 6);
    expect(Math.abs(trickle - lambdaT)).toBeLessThan(4 * Math.sqrt(lambdaT));
    // sim sees the same arrivals, numbered in time order as the live producer numbers them
    const tasks: TaskRecord[] = [];
    const figures = runOnce(mixed, 0, undefined, (r) => tasks.push(r));
    expect(figures.processes.order.arrived).toBe(live.length);
    const byCase = new Map(tasks.map((t) => [Number(t.caseId.slice(t.caseId.lastIndexOf('-') + 1)), t.enqueue]));
    for (const d of live) if (byCase.has(d.caseNo)) expect(byCase.get(d.caseNo), `case ${d.caseNo}`).toBe(d.at);
  });

  it('every day by default, count 1 by default; a bad time names the field', () => {
    const one = scenarioFrom(text('[{ at: "23:59" }]', '3d'));
    expect(one.demand[0]).toMatchObject({ kind: 'replay', times: [0, 1, 2].map((d) => d * DAY + 23 * H + 59 * 60) });
    try {
      compileScenario(parseScenarioText(text('[{ at: "6am", count: 200 }]'), 'shop.yaml'));
      expect.unreachable();
    } catch (err) {
      const issue = (err as ScenarioError).issues[0];
      expect(issue).toMatchObject({ file: 'shop.yaml', path: 'demand.order.schedule[0].at' });
      expect(issue.message).toMatch(/a time of day like 06:00/);
    }
  });
});

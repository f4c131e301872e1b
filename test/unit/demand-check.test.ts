/**
 * workers/demand-check.ts, intake's trust boundary: the run's own seeded
 * arrivals pass, on time; a forged or skewed event is refused with a reason
 * that names the field.
 */
import { describe, expect, it } from 'vitest';
import { DemandCheck } from '../../workers/demand-check.js';
import { demandTimeline } from '../../workers/producer.js';
import type { DemandEvent } from '../../protocol/topics.js';
import { scenarioFrom } from '../helpers/scenario.js';

const scenario = scenarioFrom(`
name: trust
seed: 5
horizon: 2h
pools:
  clerks: { kind: human, size: 2, skills: [entry], costPerHour: 30 }
processes:
  order:
    sla: 1h
    start: enter
    steps:
      enter: { skill: entry, duration: { dist: constant, value: 60s } }
  refund:
    sla: 1h
    start: enter
    steps:
      enter: { skill: entry, duration: { dist: constant, value: 60s } }
demand:
  order: { rate: 20/h }
  refund: { rate: 5/h }
`);
const clock = { startWallMs: 1_000_000, speed: 60 };
const runId = 'r1';
const genuine = [...demandTimeline(scenario, runId, clock)].flatMap((e) => (e.demand ? [e.demand] : []));
/** wall ms when simulated time `at` happens */
const wallOf = (at: number) => clock.startWallMs + (at * 1000) / clock.speed;
const reason = (check: DemandCheck, ev: DemandEvent, wall = wallOf(ev.at)) => {
  try {
    check.check(ev, wall);
    return 'ok';
  } catch (err) {
    expect((err as Error).name).toBe('InvalidEventError');
    return (err as Error).message;
  }
};

describe('DemandCheck', () => {
  it("passes every one of the run's arrivals at its time, in any order", () => {
    const check = new DemandCheck({ scenario, runId, clock });
    expect(genuine.length).toBeGreaterThan(30);
    for (const ev of [...genuine].reverse()) expect(reason(check, ev, wallOf(genuine[genuine.length - 1].at))).toBe('ok');
    // redelivered later: still the same arrival (Temporal rejects the second start)
    expect(reason(check, genuine[0], wallOf(scenario.horizon))).toBe('ok');
  });

  it('refuses an event that is not one of them, naming the field', () => {
    const check = new DemandCheck({ scenario, runId, clock });
    const ev = genuine.find((e) => e.process === 'order' && e.caseNo === 3)!;
    const orders = genuine.filter((e) => e.process === 'order').length;
    expect(reason(check, { ...ev, runId: 'r2' })).toBe("runId: expected 'r1', got 'r2'");
    expect(reason(check, { ...ev, process: 'audit' })).toBe("process: unknown process 'audit' (expected one of: order, refund)");
    // a new id for an existing arrival, or a new arrival
    expect(reason(check, { ...ev, id: 'r1.order.3b' })).toBe("id: expected 'r1.order.3' (<runId>.<process>.<caseNo>), got 'r1.order.3b'");
    expect(reason(check, { ...ev, id: `r1.order.${orders}`, caseNo: orders }, wallOf(scenario.horizon))).toBe(
      `caseNo: process 'order' has ${orders} arrivals up to the horizon (case numbers from 0), got ${orders}`,
    );
    expect(reason(check, { ...ev, at: ev.at + 1 })).toBe(`at: case 3 of 'order' arrives at simulated ${ev.at} s in this run's demand, got ${ev.at + 1}`);
    expect(reason(check, { ...ev, seed: 6 })).toBe("seed: expected the run's seed 5, got 6");
    // a skewed clock: its times would be read on another wall clock
    expect(reason(check, { ...ev, clock: { ...clock, startWallMs: clock.startWallMs - 3_600_000 } })).toMatch(/^clock: expected the run's clock/);
    // published ahead of its time by more than the allowed skew
    expect(reason(check, ev, wallOf(ev.at) - 5001)).toMatch(
      /^at: simulated .* s is \d+ simulated s ahead of the run's clock \(at most 5000 wall ms allowed\)$/,
    );
    expect(reason(check, ev, wallOf(ev.at) - 4000)).toBe('ok');
  });

  it('learns the clock from the first valid event when it is not given, then holds every other event to it', () => {
    const check = new DemandCheck({ scenario, runId });
    expect(check.clock).toBeUndefined();
    expect(reason(check, genuine[0])).toBe('ok');
    expect(check.clock).toEqual(clock);
    expect(reason(check, { ...genuine[1], clock: { ...clock, speed: 120 } })).toMatch(/^clock: expected the run's clock/);
  });
});
